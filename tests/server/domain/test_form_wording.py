"""The console's form wording has one home: ``server.domain.form_wording``.

The rule modules name a problem; only the wording module says it, in Indonesian and
English side by side. These tests keep it so: no Indonesian sentence creeps back into
the domain's rule modules (or the web helper that shows their refusals), and every
problem is worded once, in both languages, each in its own language.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.domain import form_wording as wording
from server.domain.form_wording import Problem

DOMAIN = Path(wording.__file__).parent

# Words that mark a text as Indonesian and never occur in the English side.
MARKERS = """
    dan atau sudah harus tidak isi pilih dengan wajib paling antara untuk tanpa tanggal
    sebelum jam ini itu yang karakter huruf angka kode loket instansi layanan zona hari
    buka tutup lalu dulu mis diisi dipakai awalan warna sah berubah periksa terapkan
    kosong boleh kata sandi minimal milik lain hanya papan riwayat pindahkan saja
    nonaktifkan sampai terima kasih nomor anda dipanggil silakan menuju kalimat
    panggilan bilangan bulat gambar piksel sisi libur mal pilihan ada
"""
INDONESIAN = frozenset(MARKERS.split())

# Settings' first values, not a form's wording: the hall's name and the ticket footer,
# which an admin edits on the settings page and kiosks and tickets show until then.
NOT_FORM_WORDING = {
    ("settings.py", "Mal Pelayanan Publik"),
    ("settings.py", "Terima kasih. Simpan tiket ini sampai nomor Anda dipanggil."),
}


def looks_indonesian(text: str) -> bool:
    return any(word in INDONESIAN for word in re.findall(r"[a-z]+", text.lower()))


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes: prose about the code, where a hall's word in
    Indonesian (*buka khusus*) is the right name for a thing."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def literals(path: Path) -> Iterator[str]:
    """Every string literal of a module but its docstrings (an f-string's fixed parts
    included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.value


def rule_modules() -> list[Path]:
    """The domain's modules, and the web helper that shows the rules' refusals (it worded
    them itself until the wording got its home)."""
    domain = sorted(p for p in DOMAIN.glob("*.py") if p.name != "form_wording.py")
    return [*domain, DOMAIN.parent / "web" / "forms.py"]


def sample(annotation: str) -> object:
    samples = {
        "str": "DK",
        "list[str]": ["{number}"],
        "Sequence[tuple[str, int]]": [("Perekaman KTP-el", 2)],
    }
    return samples.get(annotation, 7)


def every_problem() -> Iterator[tuple[str, Problem]]:
    """Each constant, each wording function (called with sample figures) and each rule."""
    for name, value in vars(wording).items():
        if isinstance(value, Problem):
            yield name, value
        elif inspect.isfunction(value) and value.__module__ == wording.__name__:
            if name.startswith("_") or name == "for_rule":
                continue
            params = inspect.signature(value).parameters.values()
            yield name, value(*(sample(str(p.annotation)) for p in params))
    details = {"max": 9, "low": 1, "high": 5, "missing": ["{number}"], "max_kb": 512}
    for rule in wording.RULES:
        problem = wording.for_rule(rule, details | {"max_side": 1024})
        assert problem is not None
        yield f"rule {rule}", problem


def test_the_detector_recognises_every_indonesian_text_and_no_english_one() -> None:
    problems = list(every_problem())
    assert len(problems) > 60
    for name, problem in problems:
        assert looks_indonesian(problem.id), name
        assert not looks_indonesian(problem.en), name


@pytest.mark.parametrize("module", rule_modules(), ids=lambda p: p.name)
def test_no_rule_module_but_the_wording_one_holds_indonesian_text(module: Path) -> None:
    found = [
        text
        for text in literals(module)
        if looks_indonesian(text) and (module.name, text) not in NOT_FORM_WORDING
    ]
    assert found == [], f"{module.name}: word these in server/domain/form_wording.py"


def test_every_problem_has_both_languages_and_they_differ() -> None:
    for name, problem in every_problem():
        assert problem.id.strip() and problem.en.strip(), name
        assert problem.id != problem.en, name
        assert problem.id.endswith(".") and problem.en.endswith("."), name


def test_each_indonesian_sentence_is_written_once() -> None:
    constants = [p for p in vars(wording).values() if isinstance(p, Problem)]
    for language in ("id", "en"):
        texts = [getattr(p, language) for p in constants]
        assert len(texts) == len(set(texts)), language


def test_figures_read_as_the_forms_always_showed_them() -> None:
    assert wording.between(1, 2**31 - 1) == Problem(
        "Antara 1 dan 2147483647.", "Between 1 and 2147483647."
    )
    assert wording.between(0.5, 600.0) == Problem("Antara 0.5 dan 600.", "Between 0.5 and 600.")
    assert wording.code_taken("DK") == Problem("Kode DK sudah dipakai.", "Code DK is taken.")


def test_a_rule_is_worded_from_its_figures_and_an_unknown_rule_is_not() -> None:
    missing = wording.for_rule("template_missing", {"missing": ["{number}", "{counter}"]})
    assert missing == Problem(
        "Kalimat panggilan harus memuat {number} dan {counter}.",
        "The call-out must contain {number} and {counter}.",
    )
    assert wording.for_rule("range", {"low": 0, "high": 120}) == Problem(
        "Harus antara 0 dan 120.", "Must be between 0 and 120."
    )
    assert wording.for_rule("password", {}) == wording.password_too_short(
        wording.MIN_PASSWORD_LENGTH
    )
    assert wording.for_rule("no_such_rule", {}) is None
