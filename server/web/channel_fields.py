"""The fields of the console's notice channel page (``admin_notice_channels``): which
provider each ``notify_*`` setting belongs to, its help line, and the wording of each
rule a value can break, in Indonesian with the English beside.

The rules themselves are the file's (``server.config.check_setting`` and
``check_notify``); this module only words them, without the typed value (a secret must
not come back in an error either).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from server.config import SMS_BODIES, SMS_NUMBER_FORMATS

Words = tuple[str, str]


@dataclass(frozen=True)
class Group:
    """One provider's box on the page."""

    name: str
    title: Words
    keys: tuple[str, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        "whatsapp_cloud",
        ("WhatsApp — Cloud API (Meta)", "WhatsApp — Cloud API (Meta)"),
        (
            "notify_whatsapp_token",
            "notify_whatsapp_phone_number_id",
            "notify_whatsapp_app_secret",
            "notify_whatsapp_verify_token",
            "notify_whatsapp_templates",
            "notify_whatsapp_per_minute",
            "notify_whatsapp_version",
            "notify_whatsapp_url",
        ),
    ),
    Group(
        "fonnte",
        ("WhatsApp — Fonnte", "WhatsApp — Fonnte"),
        (
            "notify_fonnte_token",
            "notify_fonnte_webhook_secret",
            "notify_fonnte_per_minute",
            "notify_fonnte_url",
        ),
    ),
    Group(
        "wablas",
        ("WhatsApp — Wablas", "WhatsApp — Wablas"),
        (
            "notify_wablas_token",
            "notify_wablas_url",
            "notify_wablas_webhook_secret",
            "notify_wablas_per_minute",
        ),
    ),
    Group(
        "telegram",
        ("Telegram", "Telegram"),
        (
            "notify_telegram_token",
            "notify_telegram_bot",
            "notify_telegram_webhook_secret",
            "notify_telegram_per_minute",
            "notify_telegram_url",
        ),
    ),
    Group(
        "sms",
        ("SMS (gateway HTTP)", "SMS (HTTP gateway)"),
        (
            "notify_sms_url",
            "notify_sms_body",
            "notify_sms_number_field",
            "notify_sms_text_field",
            "notify_sms_number_format",
            "notify_sms_auth_header",
            "notify_sms_auth_value",
            "notify_sms_fields",
            "notify_sms_success_field",
            "notify_sms_success_value",
            "notify_sms_id_field",
            "notify_sms_idempotency_field",
            "notify_sms_per_minute",
            "notify_sms_webhook_secret",
            "notify_sms_inbound_number_field",
            "notify_sms_inbound_text_field",
        ),
    ),
    Group(
        "general",
        ("Semua saluran", "All channels"),
        ("notify_interval_seconds", "notify_timeout_seconds"),
    ),
)

# What each setting is called on the page, above its key (the key is what the file takes).
LABELS: dict[str, Words] = {
    "notify_whatsapp_token": ("Token akses", "Access token"),
    "notify_whatsapp_phone_number_id": ("ID nomor telepon", "Phone number ID"),
    "notify_whatsapp_app_secret": ("App secret", "App secret"),
    "notify_whatsapp_verify_token": ("Token verifikasi webhook", "Webhook verify token"),
    "notify_whatsapp_templates": ("Nama template", "Template names"),
    "notify_whatsapp_per_minute": ("Batas per menit", "Limit per minute"),
    "notify_whatsapp_version": ("Versi Graph API", "Graph API version"),
    "notify_whatsapp_url": ("Alamat API", "API address"),
    "notify_fonnte_token": ("Token perangkat", "Device token"),
    "notify_fonnte_webhook_secret": ("Rahasia webhook", "Webhook secret"),
    "notify_fonnte_per_minute": ("Batas per menit", "Limit per minute"),
    "notify_fonnte_url": ("Alamat API", "API address"),
    "notify_wablas_token": ("Token perangkat", "Device token"),
    "notify_wablas_url": ("Server Wablas", "Wablas server"),
    "notify_wablas_webhook_secret": ("Rahasia webhook", "Webhook secret"),
    "notify_wablas_per_minute": ("Batas per menit", "Limit per minute"),
    "notify_telegram_token": ("Token bot", "Bot token"),
    "notify_telegram_bot": ("Nama pengguna bot", "Bot username"),
    "notify_telegram_webhook_secret": ("Rahasia webhook", "Webhook secret"),
    "notify_telegram_per_minute": ("Batas per menit", "Limit per minute"),
    "notify_telegram_url": ("Alamat Bot API", "Bot API address"),
    "notify_sms_url": ("Alamat kirim", "Send address"),
    "notify_sms_body": ("Bentuk permintaan", "Request body"),
    "notify_sms_number_field": ("Isian nomor", "Number field"),
    "notify_sms_text_field": ("Isian teks", "Text field"),
    "notify_sms_number_format": ("Format nomor", "Number format"),
    "notify_sms_auth_header": ("Header kunci", "Key header"),
    "notify_sms_auth_value": ("Kunci API", "API key"),
    "notify_sms_fields": ("Isian tetap", "Fixed fields"),
    "notify_sms_success_field": ("Isian tanda berhasil", "Success field"),
    "notify_sms_success_value": ("Nilai berhasil", "Success value"),
    "notify_sms_id_field": ("Isian ID pesan", "Message ID field"),
    "notify_sms_idempotency_field": ("Isian kunci idempoten", "Idempotency field"),
    "notify_sms_per_minute": ("Batas per menit", "Limit per minute"),
    "notify_sms_webhook_secret": ("Rahasia webhook", "Webhook secret"),
    "notify_sms_inbound_number_field": ("SMS masuk: isian nomor", "Inbound: number field"),
    "notify_sms_inbound_text_field": ("SMS masuk: isian teks", "Inbound: text field"),
    "notify_interval_seconds": ("Jeda putaran kirim (detik)", "Send round pause (seconds)"),
    "notify_timeout_seconds": ("Batas tunggu penyedia (detik)", "Provider timeout (seconds)"),
}

HELP: dict[str, Words] = {
    "notify_whatsapp_token": (
        "Token akses permanen (System User) dari Meta Business.",
        "The permanent (System User) access token from Meta Business.",
    ),
    "notify_whatsapp_phone_number_id": (
        "ID nomor telepon di WhatsApp Manager (bukan nomornya).",
        "The phone number ID in WhatsApp Manager (not the number).",
    ),
    "notify_whatsapp_app_secret": (
        "App secret aplikasi Meta: memeriksa tanda tangan webhook.",
        "The Meta app's secret: checks the webhook's signature.",
    ),
    "notify_whatsapp_verify_token": (
        "Kata bebas yang sama dengan di pengaturan webhook Meta.",
        "Any word, the same as in Meta's webhook settings.",
    ),
    "notify_whatsapp_templates": (
        "Nama template per jenis pesan: called=antre_dipanggil,ahead=…",
        "Template name per notice kind: called=antre_dipanggil,ahead=…",
    ),
    "notify_whatsapp_per_minute": ("Pesan per menit paling banyak.", "Messages a minute at most."),
    "notify_whatsapp_version": ("Versi Graph API.", "The Graph API version."),
    "notify_whatsapp_url": (
        "Alamat Graph API (biarkan kosong).",
        "Graph API address (leave empty).",
    ),
    "notify_fonnte_token": (
        "Token perangkat dari dasbor Fonnte.",
        "The device token from the Fonnte dashboard.",
    ),
    "notify_fonnte_webhook_secret": (
        "Untuk STOP lewat WhatsApp: paling sedikit 16 karakter acak.",
        "For STOP by WhatsApp: at least 16 random characters.",
    ),
    "notify_fonnte_per_minute": (
        "Fonnte menyarankan jeda antarpesan (20 = satu per 3 detik).",
        "Fonnte advises a pause between messages (20 = one every 3 s).",
    ),
    "notify_fonnte_url": (
        "Alamat API Fonnte (biarkan kosong).",
        "Fonnte's API address (leave empty).",
    ),
    "notify_wablas_token": (
        "Token perangkat, atau token.secret_key bila akun punya secret key.",
        "The device token, or token.secret_key for accounts with a secret key.",
    ),
    "notify_wablas_url": (
        "Server Wablas mal ini, mis. https://jogja.wablas.com (wajib).",
        "This hall's Wablas server, e.g. https://jogja.wablas.com (required).",
    ),
    "notify_wablas_webhook_secret": (
        "Untuk STOP lewat WhatsApp: paling sedikit 16 karakter acak.",
        "For STOP by WhatsApp: at least 16 random characters.",
    ),
    "notify_wablas_per_minute": ("Pesan per menit paling banyak.", "Messages a minute at most."),
    "notify_telegram_token": ("Token bot dari @BotFather.", "The bot token from @BotFather."),
    "notify_telegram_bot": (
        "Nama pengguna bot (tanpa @), untuk tautan t.me di halaman tiket.",
        "The bot's username (no @), for the t.me link on the ticket page.",
    ),
    "notify_telegram_webhook_secret": (
        "Kosong: server membaca pesan bot sendiri (long polling).",
        "Empty: the server reads the bot's messages itself (long polling).",
    ),
    "notify_telegram_per_minute": ("Pesan per menit paling banyak.", "Messages a minute at most."),
    "notify_telegram_url": (
        "Alamat Bot API (biarkan kosong).",
        "The Bot API address (leave empty).",
    ),
    "notify_sms_url": (
        "Alamat kirim gateway; mengisinya menyalakan SMS.",
        "The gateway's send address; setting it turns SMS on.",
    ),
    "notify_sms_body": ("Bentuk permintaan: form atau json.", "Request body: form or json."),
    "notify_sms_number_field": ("Nama isian nomor tujuan.", "The field of the number."),
    "notify_sms_text_field": ("Nama isian teks pesan.", "The field of the text."),
    "notify_sms_number_format": (
        "Cara menulis nomor: +62, 62 atau 0.",
        "How the number is written: +62, 62 or 0.",
    ),
    "notify_sms_auth_header": ("Header untuk kunci API.", "The header of the API key."),
    "notify_sms_auth_value": ("Isi header itu (kunci API).", "That header's value (the API key)."),
    "notify_sms_fields": (
        "Isian tetap setiap permintaan: userkey=…&passkey=…",
        "Fixed fields of every request: userkey=…&passkey=…",
    ),
    "notify_sms_success_field": (
        "Isian jawaban yang menandai berhasil (mis. status).",
        "The answer's field that says success (e.g. status).",
    ),
    "notify_sms_success_value": (
        "Nilai isian itu saat berhasil.",
        "That field's value on success.",
    ),
    "notify_sms_id_field": (
        "Isian jawaban berisi ID pesan.",
        "The answer's field with the message ID.",
    ),
    "notify_sms_idempotency_field": (
        "Hanya bila gateway menolak permintaan ganda dengan isian ini.",
        "Only for a gateway that drops repeats carrying this field.",
    ),
    "notify_sms_per_minute": ("Pesan per menit paling banyak.", "Messages a minute at most."),
    "notify_sms_webhook_secret": (
        "Untuk STOP lewat SMS: paling sedikit 16 karakter acak.",
        "For STOP by SMS: at least 16 random characters.",
    ),
    "notify_sms_inbound_number_field": (
        "SMS masuk: isian nomor pengirim.",
        "Inbound SMS: the sender's field.",
    ),
    "notify_sms_inbound_text_field": ("SMS masuk: isian teks.", "Inbound SMS: the text's field."),
    "notify_interval_seconds": (
        "Jeda antarputaran pengirim, detik.",
        "Seconds between the sender's rounds.",
    ),
    "notify_timeout_seconds": (
        "Batas waktu setiap panggilan ke penyedia, detik.",
        "Each provider call's time limit, seconds.",
    ),
}

CHOICES: dict[str, tuple[str, ...]] = {
    "notify_sms_body": SMS_BODIES,
    "notify_sms_number_format": SMS_NUMBER_FORMATS,
}

_FIELD_NAMES = frozenset(
    {
        "notify_sms_number_field",
        "notify_sms_text_field",
        "notify_sms_auth_header",
        "notify_sms_success_field",
        "notify_sms_id_field",
        "notify_sms_idempotency_field",
        "notify_sms_inbound_number_field",
        "notify_sms_inbound_text_field",
    }
)

RULES: dict[str, Words] = {
    "url": ("Harus alamat http:// atau https://.", "Must be an http:// or https:// address."),
    "positive": ("Harus bilangan bulat, paling kecil 1.", "Must be a whole number of at least 1."),
    "secret16": ("Paling sedikit 16 karakter.", "At least 16 characters."),
    "field": (
        "1–64 huruf, angka atau _ . - [ ].",
        "1-64 letters, digits or _ . - [ ].",
    ),
    "pairs": (
        "Pasangan nama=nilai digabung dengan & (userkey=abc&passkey=def).",
        "name=value pairs joined by & (userkey=abc&passkey=def).",
    ),
    "templates": (
        "Pasangan jenis=nama_template dipisah koma; nama: huruf kecil, angka, _.",
        "kind=template_name pairs separated by commas; names: lowercase, digits, _.",
    ),
    "telegram_bot": (
        "Nama pengguna bot tanpa @: 5–32 huruf, angka atau _, diakhiri “bot” (mis. MppKotaBot).",
        "The bot's username without @: 5-32 letters, digits or _, ending in “bot” "
        "(e.g. MppKotaBot).",
    ),
    "text": ("Isian ini tidak sah.", "This value is not valid."),
    "too_long": ("Terlalu panjang.", "Too long."),
}


def rule_of(key: str) -> str:
    """Which rule of ``RULES`` a value of ``key`` is checked by (``server.config._SPEC``)."""
    if key.endswith("_url"):
        return "url"
    if key.endswith(("_per_minute", "_seconds")):
        return "positive"
    if key.endswith("_webhook_secret"):
        return "secret16"
    if key in _FIELD_NAMES:
        return "field"
    if key == "notify_sms_fields":
        return "pairs"
    if key == "notify_whatsapp_templates":
        return "templates"
    if key == "notify_telegram_bot":
        return "telegram_bot"
    if key in CHOICES:
        return "choice"
    return "text"


def choice_words(key: str) -> Words:
    options = ", ".join(CHOICES[key])
    return f"Pilih salah satu: {options}.", f"Choose one of: {options}."


def combined_problems(values: Mapping[str, Any]) -> dict[str, Words]:
    """The rules across settings (``server.config._check_notify``) on the merged values,
    worded beside the field to change."""
    problems: dict[str, Words] = {}
    if values.get("notify_fonnte_token") and values.get("notify_wablas_token"):
        both = (
            "Fonnte dan Wablas tidak bisa dipakai bersama: satu mal memakai satu gateway "
            "WhatsApp. Kosongkan salah satu.",
            "Fonnte and Wablas cannot both be on: a hall uses one WhatsApp gateway. "
            "Clear one of them.",
        )
        problems["notify_fonnte_token"] = both
        problems["notify_wablas_token"] = both
    if values.get("notify_wablas_token") and not values.get("notify_wablas_url"):
        problems["notify_wablas_url"] = (
            "Wablas butuh alamat servernya (mis. https://jogja.wablas.com).",
            "Wablas needs its server's address (e.g. https://jogja.wablas.com).",
        )
    if values.get("notify_sms_success_value") and not values.get("notify_sms_success_field"):
        problems["notify_sms_success_field"] = (
            "Nilai berhasil butuh isian ini.",
            "A success value needs this field.",
        )
    return problems
