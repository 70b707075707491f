"""The message log's reasons in Indonesian (server/domain/notices/reasons.py): every
reason the rules and the adapters store has its sentence; the provider's own words are
kept behind an Indonesian lead-in; a reason nobody knows is shown as stored."""

from __future__ import annotations

import pytest

from server.domain.notices.reasons import indonesian


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("unsubscribed", "Pengunjung berhenti (STOP)"),
        ("deadline passed before it could be sent", "Lewat batas waktu sebelum sempat dikirim"),
        (
            "interrupted twice mid-send; not tried again (it may have been delivered)",
            "Terputus dua kali saat dikirim; tidak dicoba lagi (mungkin sudah sampai)",
        ),
        ("no answer within 10 s", "Tidak ada jawaban dalam 10 detik"),
        ("cannot connect to the provider", "Tidak dapat terhubung ke penyedia"),
        ("provider error (HTTP 503)", "Gangguan di penyedia (HTTP 503)"),
        ("rate limited (HTTP 429)", "Dibatasi penyedia (HTTP 429): dicoba lagi"),
        (
            "WhatsApp 131047: more than 24 hours since the visitor wrote: a template is needed",
            "WhatsApp 131047: lebih dari 24 jam sejak pengunjung menulis: perlu template",
        ),
        (
            "WhatsApp 131056: rate limit or passing trouble",
            "WhatsApp 131056: batas kecepatan atau gangguan sesaat di Meta",
        ),
        (
            "WhatsApp 368: Temporarily blocked for policies violations",
            "WhatsApp 368: Temporarily blocked for policies violations",
        ),
        (
            "WhatsApp reported the message failed (code 131049)",
            "WhatsApp melaporkan pesan gagal (kode 131049)",
        ),
        ("Telegram: Forbidden: bot was blocked by the user", "Pengunjung memblokir bot Telegram"),
        (
            "Telegram: Bad Request: chat not found",
            "Obrolan tidak ditemukan: pengunjung belum memulai bot",
        ),
        (
            "Telegram: Bad Request: message is too long",
            "Telegram menolak: Bad Request: message is too long",
        ),
        ("Telegram refused the bot token", "Telegram menolak token bot"),
        ("Fonnte: target invalid", "Nomor tujuan tidak sah (Fonnte)"),
        ("Fonnte: device disconnected", "Perangkat Fonnte terputus"),
        ("Fonnte: quota exceeded", "Fonnte menolak: quota exceeded"),
        ("Fonnte reported after sending: invalid target", "Nomor tujuan tidak sah (Fonnte)"),
        (
            "Fonnte reported the message expired (the device was offline; not sent)",
            "Fonnte melaporkan pesan kedaluwarsa (perangkat lama terputus; tidak terkirim)",
        ),
        ("Wablas reported the message rejected", "Wablas melaporkan pesan ditolak"),
        ("Fonnte sends text only; this notice is a template", "Fonnte hanya mengirim teks"),
        (
            "deadline passed while retrying: Fonnte: device disconnected",
            "Lewat batas waktu saat dicoba lagi: Perangkat Fonnte terputus",
        ),
        (
            "gave up after 8 tries: no answer within 10 s",
            "Berhenti setelah 8 kali dicoba: Tidak ada jawaban dalam 10 detik",
        ),
        ("adapter error (KeyError)", "Kesalahan di server Antre (KeyError)"),
        ("something new {link}", "something new {link}"),
    ],
)
def test_each_stored_reason_reads_in_indonesian(stored: str, shown: str) -> None:
    assert indonesian(stored) == shown
