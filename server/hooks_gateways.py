"""Incoming messages from the gateways: ``POST /hooks/fonnte/<secret>``, ``POST
/hooks/wablas/<secret>`` (WhatsApp) and ``POST /hooks/sms/<secret>`` (the SMS gateway's
inbound callback), where a visitor's "STOP" ends their notices on that channel
(docs/notifications.md#webhooks).

These gateways sign nothing, so the URL typed into the gateway's settings carries a
secret of the hall's (``[notify] fonnte_webhook_secret``, ``wablas_webhook_secret``,
``sms_webhook_secret``), compared in constant time: 404 when the hall set none, 403 when
it differs. The message comes as JSON or a form, the sender's number in ``sender``
(Fonnte), ``phone`` (Wablas) or the field the hall names for its SMS gateway.
Registered on the ``hooks`` blueprint of ``server.hooks``; no number is logged.

Fonnte and Wablas also report what became of a message they accepted, to a second URL of
the device's settings (Fonnte's "webhook status", Wablas' "webhook tracking"): ``POST
/hooks/fonnte/<secret>/status`` and ``/hooks/wablas/<secret>/status``, behind the same
secret, move the notice to ``delivered`` or ``failed``. A report sent to the incoming URL
is read there too (a hall that typed one URL into both fields).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, request

from server.commands import run_command
from server.domain.context import SYSTEM
from server.domain.identity import normalise_phone
from server.domain.notices import opt_in
from server.domain.notices.gateway_reports import DeliveryReport, record_report
from server.hooks import MAX_BODY, _answer, _json_body, bp
from server.notify import fonnte, wablas
from server.state import app_state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GatewayShape:
    """Where one gateway puts the sender, the text and "this came from a group", and
    which channel's subscriptions its STOP ends."""

    name: str
    channel: str
    sender: str
    text: str
    group: str | None = None
    # Reads the gateway's delivery report (None: the body is not one).
    report: Callable[[dict[str, Any]], DeliveryReport | None] | None = None


FONNTE = GatewayShape(
    "fonnte",
    "whatsapp",
    sender="sender",
    text="message",
    group="isgroup",
    report=fonnte.status_report,
)
WABLAS = GatewayShape(
    "wablas",
    "whatsapp",
    sender="phone",
    text="message",
    group="isGroup",
    report=wablas.status_report,
)


@bp.post("/fonnte/<string:secret>")
def fonnte_incoming(secret: str) -> Response:
    return _incoming(FONNTE, app_state().notice_config().notify_fonnte_webhook_secret, secret)


@bp.post("/wablas/<string:secret>")
def wablas_incoming(secret: str) -> Response:
    return _incoming(WABLAS, app_state().notice_config().notify_wablas_webhook_secret, secret)


@bp.post("/fonnte/<string:secret>/status")
def fonnte_status(secret: str) -> Response:
    return _status(FONNTE, app_state().notice_config().notify_fonnte_webhook_secret, secret)


@bp.post("/wablas/<string:secret>/status")
def wablas_status(secret: str) -> Response:
    return _status(WABLAS, app_state().notice_config().notify_wablas_webhook_secret, secret)


@bp.post("/sms/<string:secret>")
def sms_incoming(secret: str) -> Response:
    config = app_state().notice_config()
    shape = GatewayShape(
        "sms",
        "sms",
        sender=config.notify_sms_inbound_number_field,
        text=config.notify_sms_inbound_text_field,
    )
    return _incoming(shape, config.notify_sms_webhook_secret, secret)


def _refused(shape: GatewayShape, expected: str | None, sent: str) -> Response | None:
    if not expected:
        return _answer(404, "not configured")
    if not hmac.compare_digest(expected.encode(), sent.encode()):
        log.warning("%s webhook: refused (wrong secret in the URL)", shape.name)
        return _answer(403, "forbidden")
    return None


def _incoming(shape: GatewayShape, expected: str | None, sent: str) -> Response:
    refused = _refused(shape, expected, sent)
    if refused is not None:
        return refused
    payload = _payload()
    if payload is None:
        return _answer(400, f"not a {shape.name} message")
    if shape.sender not in payload and shape.report and (report := shape.report(payload)):
        return _record(shape, report)
    phone = stop_sender(shape, payload)
    if phone is None:
        return _answer(200)
    stopped = run_command(
        SYSTEM, lambda ctx: opt_in.stop_address(ctx.session, shape.channel, phone, ctx.now)
    )
    log.info("%s webhook: stop (%d subscriptions)", shape.name, stopped)
    return _answer(200)


def _status(shape: GatewayShape, expected: str | None, sent: str) -> Response:
    refused = _refused(shape, expected, sent)
    if refused is not None:
        return refused
    payload = _payload()
    report = shape.report(payload) if payload is not None and shape.report else None
    if report is None:
        return _answer(400, f"not a {shape.name} status report")
    return _record(shape, report)


def _record(shape: GatewayShape, report: DeliveryReport) -> Response:
    """Apply one delivery report; a report about no notice of ours is answered 200 all
    the same (the gateway would otherwise send it again and again)."""
    changed = run_command(
        SYSTEM, lambda ctx: record_report(ctx.session, shape.channel, report, ctx.now)
    )
    log.info("%s status webhook: %s", shape.name, "notice updated" if changed else "no change")
    return _answer(200)


def _payload() -> dict[str, Any] | None:
    """The message as a JSON object, or as a form when the gateway sent one."""
    if len(request.get_data(cache=True)) > MAX_BODY:
        return None
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.to_dict()
    body = _json_body()
    return body if isinstance(body, dict) else None


def stop_sender(shape: GatewayShape, payload: dict[str, Any]) -> str | None:
    """The sender's number (``+628…``) when the message is a visitor's own "STOP" in a
    private chat; None for anything else (a group, a status report, other words)."""
    sender, text = payload.get(shape.sender), payload.get(shape.text)
    if not isinstance(sender, str) or not isinstance(text, str):
        return None
    grouped = shape.group is not None and payload.get(shape.group) in (True, "true", "1", 1)
    if grouped or "@" in sender:
        return None
    if not opt_in.is_stop(text):
        return None
    return normalise_phone(sender if sender.startswith(("+", "0")) else "+" + sender)
