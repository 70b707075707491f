"""What the booking pages show about notices (docs/notifications.md#opt-in-at-booking):
the box on the booking form and the panel on the booking's status page.

The form's box sends to the booking's own phone number, by WhatsApp (or SMS, when the
hall has an SMS gateway and no WhatsApp); Telegram is the bot's deep link on the status
page. With no channel configured, nothing is shown.
"""

from __future__ import annotations

from typing import Any

from server.config import ServerConfig
from server.domain.context import Ctx
from server.domain.notices import opt_in
from server.domain.notices.booking_triggers import active_for_booking
from server.models import Booking, BookingState
from server.notify.channels import configured_channels
from server.web.i18n import id_en

CHANNEL_NAMES = {"whatsapp": "WhatsApp", "sms": "SMS", "telegram": "Telegram"}


def phone_channel(config: ServerConfig) -> str | None:
    """The channel the booking form's box offers for the booking's number, or None."""
    channels = configured_channels(config)
    return next((name for name in ("whatsapp", "sms") if name in channels), None)


def form_box(config: ServerConfig) -> dict[str, str] | None:
    """The booking form's box: its channel, its label and what is kept for how long (the
    ticket page's wording, for a booking)."""
    channel = phone_channel(config)
    if channel is None:
        return None
    name = CHANNEL_NAMES[channel]
    days = config.retention_days
    kept = (
        id_en(
            f", dan dihapus {days} hari setelah tanggal booking",
            f", and deleted {days} days after the booking's date",
        )
        if days
        else id_en(
            ", sampai pengelola MPP menghapus data antrean",
            ", until the hall deletes its queue data",
        )
    )
    return {
        "channel": channel,
        "label": id_en(
            "Kirim konfirmasi dan pengingat ke WhatsApp nomor ini"
            if channel == "whatsapp"
            else f"Kirim konfirmasi dan pengingat lewat {name} ke nomor ini",
            f"Send the confirmation and reminders to this number on {name}"
            if channel == "whatsapp"
            else f"Send the confirmation and reminders by {name} to this number",
        ),
        "kept": id_en(
            f"Saya setuju nomor ini disimpan bersama booking ini, hanya untuk mengirim "
            f"pemberitahuan booking dan antrean{kept}.",
            f"I agree that this number is kept with this booking, only to send booking and "
            f"queue notices{kept}.",
        ),
    }


def status_panel(
    ctx: Ctx, config: ServerConfig, booking: Booking, language: str
) -> dict[str, Any] | None:
    """The status page's panel while the booking is booked: the active notices (the
    number masked) with the stop button, and the Telegram link (carrying the page's
    ``language``) when the hall has a bot. None with no channel configured, or once the
    booking is over or checked in."""
    channels = configured_channels(config)
    if not channels or booking.state != BookingState.BOOKED:
        return None
    active = [
        {"channel": row.channel, "name": CHANNEL_NAMES.get(row.channel, row.channel),
         "address": opt_in.shown_address(row)}
        for row in active_for_booking(ctx.session, booking.id)
    ]  # fmt: skip
    telegram_link = None
    bound = any(row["channel"] == "telegram" for row in active)
    if "telegram" in channels and config.notify_telegram_bot and not bound:
        payload = opt_in.booking_start_payload(config.secret_key, booking.id, language)
        telegram_link = f"https://t.me/{config.notify_telegram_bot}?start={payload}"
    if not active and telegram_link is None:
        return None
    return {"active": active, "telegram_link": telegram_link}
