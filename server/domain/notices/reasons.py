"""The reasons a notice failed, expired or waits, in Indonesian for the console.

A reason is stored in English, as the adapter or the rules wrote it (``sending``,
``delivery``, ``server.notify.*``): short, without a token or an address, sometimes with
the provider's own words in it (a Telegram ``description``, Fonnte's ``reason``, Meta's
``message``). The message log shows it as stored on the English console and through
this catalogue on the Indonesian one. Each entry matches a reason's shape; the
provider's own words that are known get their own sentence, the others are kept as the
provider wrote them, behind an Indonesian lead-in. A reason no entry knows is shown as
stored: a new adapter's reason is never hidden, only left untranslated.
"""

from __future__ import annotations

import re

_WHATSAPP_CODES = {
    "0": "token akses ditolak",
    "190": "token akses kedaluwarsa",
    "131047": "lebih dari 24 jam sejak pengunjung menulis: perlu template",
    "131026": "nomor ini tidak dapat menerima pesan WhatsApp",
    "131030": "nomor tidak ada di daftar izin nomor uji",
    "132000": "parameter template tidak cocok",
    "132001": "template tidak ada dalam bahasa ini",
    "133010": "nomor mal belum terdaftar di Cloud API",
}

# (pattern, Indonesian): ``{g1}``, ``{g2}`` … are the pattern's groups, ``{t1}``, ``{t2}`` …
# the same translated again (a reason that wraps another). First match wins.
_CATALOGUE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), words)
    for pattern, words in (
        (r"unsubscribed", "Pengunjung berhenti (STOP)"),
        (r"deadline passed before it could be sent", "Lewat batas waktu sebelum sempat dikirim"),
        (
            r"deadline passed after an interrupted send.*",
            "Lewat batas waktu setelah pengiriman terputus (mungkin sudah sampai)",
        ),
        (
            r"interrupted twice mid-send.*",
            "Terputus dua kali saat dikirim; tidak dicoba lagi (mungkin sudah sampai)",
        ),
        (r"deadline passed while retrying: (.+)", "Lewat batas waktu saat dicoba lagi: {t1}"),
        (r"gave up after (\d+) tries: (.+)", "Berhenti setelah {g1} kali dicoba: {t2}"),
        (r"no answer within (\S+) s", "Tidak ada jawaban dalam {g1} detik"),
        (r"cannot connect to the provider", "Tidak dapat terhubung ke penyedia"),
        (r"request failed \((\w+)\)", "Permintaan gagal ({g1})"),
        (r"rate limited \(HTTP 429\)", "Dibatasi penyedia (HTTP 429): dicoba lagi"),
        (r"provider error \(HTTP (\d+)\)", "Gangguan di penyedia (HTTP {g1})"),
        (r"unreadable answer \(HTTP (\d+)\)", "Jawaban penyedia tidak terbaca (HTTP {g1})"),
        (r"adapter error \((\w+)\)", "Kesalahan di server Antre ({g1})"),
        (
            r"WhatsApp (\d+): rate limit or passing trouble",
            "WhatsApp {g1}: batas kecepatan atau gangguan sesaat di Meta",
        ),
        (
            r"WhatsApp reported the message failed \(code (\S+)\)",
            "WhatsApp melaporkan pesan gagal (kode {g1})",
        ),
        (r"WhatsApp (\d+): (.+)", "WhatsApp {g1}: {whatsapp}"),
        (r"Telegram sends text; this notice is a template", "Telegram hanya mengirim teks"),
        (r"Fonnte sends text only; this notice is a template", "Fonnte hanya mengirim teks"),
        (r"Telegram refused the bot token", "Telegram menolak token bot"),
        (r".*bot (was )?blocked by the (user|visitor).*", "Pengunjung memblokir bot Telegram"),
        (r"Telegram: .*chat not found.*", "Obrolan tidak ditemukan: pengunjung belum memulai bot"),
        (r"Telegram: .*user is deactivated.*", "Akun Telegram pengunjung sudah nonaktif"),
        (r"Telegram: (.+)", "Telegram menolak: {g1}"),
        (r".*(target invalid|invalid target).*", "Nomor tujuan tidak sah (Fonnte)"),
        (
            r"Fonnte reported the message expired.*",
            "Fonnte melaporkan pesan kedaluwarsa (perangkat lama terputus; tidak terkirim)",
        ),
        (r"Wablas reported the message cancelled", "Wablas melaporkan pesan dibatalkan"),
        (r"Wablas reported the message rejected", "Wablas melaporkan pesan ditolak"),
        (r"Wablas reported the message failed", "Wablas melaporkan pesan gagal"),
        (r"Fonnte: .*(invalid token|token invalid).*", "Token perangkat Fonnte ditolak"),
        (r".*device disconnected.*", "Perangkat Fonnte terputus"),
        (r"Fonnte: (.+)", "Fonnte menolak: {g1}"),
    )
)


def indonesian(reason: str) -> str:
    """The reason in Indonesian, or as stored when no entry knows its shape."""
    for pattern, words in _CATALOGUE:
        found = pattern.fullmatch(reason.strip())
        if found is None:
            continue
        groups = found.groups()
        values = {f"g{n}": value or "" for n, value in enumerate(groups, start=1)}
        for n, value in enumerate(groups, start=1):
            if f"{{t{n}}}" in words:
                values[f"t{n}"] = indonesian(value or "")
        if "{whatsapp}" in words:
            values["whatsapp"] = _WHATSAPP_CODES.get(groups[0], groups[1])
        return words.format_map(values)
    return reason
