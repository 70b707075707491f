"""What a report asks for: the query string read once for ``GET /api/v1/reports``, the
reports page and its CSV/XLSX files, so the three accept and refuse the same things;
and the figures' definitions, said once for all of them. The survey's report (``GET
/api/v1/reports/skm``, docs/skm.md) is read here too, with the same agency rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from server.commands import run_query
from server.domain import access
from server.domain.access import Principal
from server.domain.errors import DomainError
from server.domain.reports import (
    Grouping,
    Period,
    PeriodKind,
    Report,
    compute_report,
    parse_grouping,
    parse_period,
)
from server.domain.skm.figures import SkmReport, parse_skm_period, skm_report
from server.models import Agency, Role
from shared import wire
from shared.errors import ErrorCode

# Longer than any date, month, grouping or agency code: the rest is noise, cut before
# it reaches a parser or a query.
MAX_PARAM = 32
REPORT_ROLES = (Role.ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class ReportRequest:
    """A report request once the query string is checked and the caller's rights applied:
    what ``compute_report`` gets."""

    period: Period
    grouping: Grouping
    agency_id: int | None
    agency_code: str | None


@dataclass(frozen=True)
class ReportForm:
    """The query string's values with today's defaults filled in, as the form shows them."""

    period: str
    date: str
    month: str
    first: str
    last: str
    group: str
    agency: str

    @classmethod
    def read(cls, args: MultiDict[str, str], today: dt.date) -> ReportForm:
        return cls(
            period=_arg(args, "period") or PeriodKind.DAY.value,
            date=_arg(args, "date") or today.isoformat(),
            month=_arg(args, "month") or today.strftime("%Y-%m"),
            first=_arg(args, "from") or today.replace(day=1).isoformat(),
            last=_arg(args, "to") or today.isoformat(),
            group=_arg(args, "group") or Grouping.SERVICE.value,
            agency=_arg(args, "agency") or "",
        )


def _arg(args: MultiDict[str, str], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    return value.strip()[:MAX_PARAM]


def read_report_request(
    args: MultiDict[str, str],
    who: Principal,
    today: dt.date,
    *,
    other_agency: str = "a supervisor sees only their own agency's reports",
    unknown_agency: str = "agency: unknown agency code",
) -> ReportRequest:
    """The report asked for, or a ``validation_error`` naming the field; a supervisor's
    report is always their own agency's (another one is ``forbidden``). The messages are
    parameters so that the page can say them in its language."""
    form = ReportForm.read(args, today)
    period = parse_period(
        form.period, date=form.date, month=form.month, first=form.first, last=form.last
    )
    grouping = parse_grouping(form.group)
    agency_id, agency_code = agency_scope(
        form.agency or None, who, other_agency=other_agency, unknown_agency=unknown_agency
    )
    return ReportRequest(period, grouping, agency_id, agency_code)


def agency_scope(
    wanted: str | None,
    who: Principal,
    *,
    other_agency: str = "a supervisor sees only their own agency's reports",
    unknown_agency: str = "agency: unknown agency code",
) -> tuple[int | None, str | None]:
    """The agency a report is about (id, code), or (None, None) for the whole hall: a
    supervisor's is always their own (another one is ``forbidden``), an admin's the one
    asked for (an unknown code is a ``validation_error``)."""
    if not who.is_admin:
        if wanted is not None and wanted != who.agency_code:
            raise access.forbidden(other_agency)
        return who.agency_id, who.agency_code
    if wanted is None:
        return None, None
    agency_id = run_query(
        lambda ctx: ctx.session.scalar(select(Agency.id).where(Agency.code == wanted))
    )
    if agency_id is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, unknown_agency, field="agency")
    return agency_id, wanted


def compute_requested(wanted: ReportRequest) -> Report:
    return run_query(
        lambda ctx: compute_report(ctx, wanted.period, wanted.grouping, wanted.agency_id)
    )


def hall_today() -> dt.date:
    """The service date now, in the hall's time zone: the default period."""
    return run_query(lambda ctx: ctx.today)


# --- the satisfaction survey's report --------------------------------------------------

SKM_PERIODS = ("day", "month", "semester", "year")


@dataclass(frozen=True)
class SkmRequest:
    """A survey report request once checked, with the caller's rights applied."""

    kind: wire.SkmPeriodKind
    period: Period
    grouping: Grouping
    agency_id: int | None
    agency_code: str | None


def semester_of(day: dt.date) -> str:
    return f"{day.year}-S{1 if day.month <= 6 else 2}"


def read_skm_request(args: MultiDict[str, str], who: Principal, today: dt.date) -> SkmRequest:
    """``period`` (day, month, semester, year; default month) and its value in ``date``,
    ``month`` (YYYY-MM), ``semester`` (YYYY-S1/S2) or ``year``, each defaulting to the one
    of today; ``group`` (default agency); ``agency`` as for the queue reports."""
    kind = _arg(args, "period") or "month"
    defaults = {
        "day": today.isoformat(),
        "month": today.strftime("%Y-%m"),
        "semester": semester_of(today),
        "year": str(today.year),
    }
    field = "date" if kind == "day" else kind
    value = _arg(args, field) or defaults.get(kind)
    period = parse_skm_period(kind, value)
    grouping = parse_grouping(_arg(args, "group") or Grouping.AGENCY.value)
    agency_id, agency_code = agency_scope(_arg(args, "agency") or None, who)
    # parse_skm_period refused every other kind.
    return SkmRequest(cast("wire.SkmPeriodKind", kind), period, grouping, agency_id, agency_code)


def compute_skm(wanted: SkmRequest) -> SkmReport:
    return run_query(
        lambda ctx: skm_report(
            ctx.session, wanted.period, wanted.grouping, agency_id=wanted.agency_id
        )
    )


# --- the definitions, said once for the page, its files and this endpoint -------------

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Waktu tunggu = panggilan terakhir − masuk antrean (pengambilan tiket, pengalihan, "
        "atau kembali setelah tidak hadir); pengunjung antrean online dihitung dari jam "
        "pesanannya (dari kedatangan bila datang terlambat).",
        "Waiting time = last call − entry into the line (the ticket's issue, a transfer, "
        "or the return after a no-show); a booked visitor waits from the booked time (from "
        "arrival when they came later).",
    ),
    (
        "Waktu layanan = selesai − mulai (− panggilan terakhir bila “mulai” tidak ditekan).",
        "Service time = finish − start (− the last call when “start” was not pressed).",
    ),
    (
        "P90 = peringkat terdekat: waktu tunggu ke-⌈0,9 × n⌉ dari n panggilan yang diurutkan.",
        "P90 = nearest rank: the ⌈0.9 × n⌉-th of the n calls' waits, sorted.",
    ),
    (
        "Dalam target = panggilan dengan waktu tunggu ≤ target layanan ÷ semua panggilan.",
        "Within target = calls that waited ≤ the service's target ÷ all calls.",
    ),
    (
        "Utilisasi = waktu layanan tiket yang diselesaikan loket ÷ waktu loket buka "
        "(tidak dijeda).",
        "Utilisation = service time of the tickets a counter finished ÷ the time it was "
        "open (not paused).",
    ),
    (
        "Tanggal = tanggal layanan di zona waktu mal; tiket yang dialihkan dihitung di "
        "setiap antrean tempat ia menunggu.",
        "Dates are the hall's local service dates; a transferred ticket counts in every "
        "line it waited in.",
    ),
    (
        "Bagian online = tiket dari check-in pemesanan ÷ tiket diambil. Tunggu (pesan) = "
        "rata-rata tunggu pengunjung dengan pemesanan, dari jam slot (atau kedatangan bila "
        "lebih lambat) sampai dipanggil; Tunggu (langsung) = rata-rata tunggu tiket lainnya.",
        "Online share = tickets from a booking's check-in ÷ tickets issued. Wait (booked) = "
        "the booked visitors' average wait, from the slot's start (or arrival, when later) "
        "to the call; Wait (walk-in) = the other tickets' average wait.",
    ),
    (
        "Pemesanan per layanan dan hari menurut keadaannya kini: dipesan (semua, termasuk "
        "yang batal), check-in, tidak hadir, batal; tidak hadir (%) = tidak hadir ÷ (check-in "
        "+ tidak hadir). Ketepatan = jam check-in dibanding jam mulai slot: rata-rata menit "
        "sebelum slot, dan bagian yang check-in paling lambat saat slot mulai.",
        "Bookings per service and day by their state now: made (all, cancelled ones too), "
        "checked in, no-show, cancelled; no-show (%) = no-shows ÷ (checked in + no-shows). "
        "Punctuality = check-in time against the slot's start: the average minutes before "
        "the slot, and the share checked in by the slot's start.",
    ),
)
