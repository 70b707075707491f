"""The kiosk's ticket printer: a connection from the config, a health check, one write per ticket.

Every step that touches the printer has a short timeout, and every failure becomes one
``PrinterFault`` carrying a ``PrinterHealth`` the kiosk shows and reports to the server.
"""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from escpos.capabilities import CAPABILITIES
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, File, Network, Serial, Usb

from kiosk.ticket_layout import PAPERS, TicketLayout, render_escpos
from shared import printer_health
from shared.printer_health import PrinterState

log = logging.getLogger("antre.kiosk.printer")

KINDS = ("network", "usb", "serial", "file", "dummy")
READABLE = ("network", "usb", "serial")  # connections a printer can answer status on

# DLE EOT n: real-time status requests, answered by the printer even while it is offline.
ASK_PRINTER = b"\x10\x04\x01"
ASK_OFFLINE_CAUSE = b"\x10\x04\x02"
ASK_PAPER = b"\x10\x04\x04"
# Every status byte has bit 1 and bit 4 set and bits 0 and 7 clear.
STATUS_FIXED_MASK, STATUS_FIXED_BITS = 0x93, 0x12
OFFLINE_BIT = 0x08  # DLE EOT 1
COVER_OPEN_BIT, PAPER_STOP_BIT, ERROR_BIT = 0x04, 0x20, 0x40  # DLE EOT 2
PAPER_NEAR_END_BITS, PAPER_END_BITS = 0x0C, 0x60  # DLE EOT 4


# The state the kiosk reports to the server as its device health (shared vocabulary).
PrinterHealth = PrinterState
BLOCKING = printer_health.FAULTS


class PrinterFault(Exception):
    """The ticket was not printed; ``health`` says why, ``message`` says it for the log."""

    def __init__(self, health: PrinterHealth, message: str) -> None:
        super().__init__(f"{health.value}: {message}")
        self.health = health
        self.message = message


class PrinterConfigError(ValueError):
    """A ``[printer]`` setting the kiosk cannot use; the message names it."""


@dataclass(frozen=True)
class PrinterConfig:
    """How to reach the printer. ``timeout`` (seconds) bounds connecting, each status
    question and sending; python-escpos' own network default (60 s) would freeze a kiosk."""

    kind: str = "dummy"
    host: str | None = None
    port: int = 9100
    timeout: float = 3.0
    vendor_id: int | None = None
    product_id: int | None = None
    profile: str | None = None
    device: str | None = None
    baudrate: int = 9600
    path: str | None = None
    paper_mm: int = 80
    # Ask DLE EOT before printing; off for one-way links (e.g. socat to a parallel port).
    check_status: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PrinterConfigError(f"printer kind must be one of {', '.join(KINDS)}")
        if self.paper_mm not in PAPERS:
            raise PrinterConfigError("printer paper_mm must be 58 or 80")
        if not self.timeout > 0:
            raise PrinterConfigError("printer timeout must be a positive number of seconds")
        if self.profile is not None and self.profile not in CAPABILITIES["profiles"]:
            raise PrinterConfigError(
                f"printer profile {self.profile!r} is not one python-escpos knows"
            )
        if self.kind == "network":
            if not self.host:
                raise PrinterConfigError("a network printer needs host (its IP address)")
            if not 0 < self.port < 65536:
                raise PrinterConfigError("printer port must be between 1 and 65535")
        if self.kind == "usb" and (self.vendor_id is None or self.product_id is None):
            raise PrinterConfigError(
                "a USB printer needs vendor_id and product_id (see lsusb, e.g. 0x0416)"
            )
        if self.kind == "serial" and not self.device:
            raise PrinterConfigError("a serial printer needs device (e.g. /dev/ttyUSB0)")
        if self.kind == "file" and not self.path:
            raise PrinterConfigError("a file printer needs path (e.g. /dev/usb/lp0)")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PrinterConfig:
        """From the kiosk TOML's ``[printer]`` table; USB ids may be written ``0x04b8``."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PrinterConfigError(f"unknown printer setting(s): {', '.join(unknown)}")
        values = dict(data)
        for key in ("vendor_id", "product_id"):
            if key in values:
                values[key] = _usb_id(key, values[key])
        for key, kind in (("port", int), ("baudrate", int), ("paper_mm", int), ("timeout", float)):
            if key in values:
                try:
                    values[key] = kind(values[key])
                except (TypeError, ValueError):
                    raise PrinterConfigError(f"printer {key} must be a number") from None
        return cls(**values)


def _usb_id(key: str, value: object) -> int:
    try:
        number = int(value, 16) if isinstance(value, str) else int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise PrinterConfigError(f"printer {key} must be a hex number like 0x04b8") from None
    if not 0 <= number <= 0xFFFF:
        raise PrinterConfigError(f"printer {key} must fit in 16 bits")
    return number


class NetworkPrinter(Network):  # type: ignore[misc]
    """python-escpos' Network, but closing the socket when connecting fails (3.1 leaves it to
    the garbage collector: one leaked descriptor per health check while the printer is off)."""

    def open(self, raise_not_found: bool = True) -> None:
        try:
            self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            self._device = None
            raise DeviceNotFoundError(
                f"cannot connect to {self.host}:{self.port}: {_one_line(exc)}"
            ) from exc


class DeviceFile(File):  # type: ignore[misc]
    """python-escpos' File, but never blocking past the timeout: a device node such as
    /dev/usb/lp0 stalls writes while the printer is off, and the kiosk must not stall."""

    def __init__(self, devfile: str, timeout: float, **kwargs: Any) -> None:
        super().__init__(devfile=devfile, **kwargs)
        self.timeout = timeout
        self._fd: int | None = None

    def open(self, raise_not_found: bool = True) -> None:
        # Creating a missing /dev node would "print" into a plain file while the printer is
        # unplugged; elsewhere (trying it out with a file) creating it is the point.
        flags = os.O_WRONLY | os.O_NONBLOCK
        if not self.devfile.startswith("/dev/"):
            flags |= os.O_CREAT | os.O_TRUNC
        try:
            self._fd = os.open(self.devfile, flags, 0o644)
        except OSError as exc:
            raise DeviceNotFoundError(f"cannot open {self.devfile}: {exc.strerror}") from exc

    def _raw(self, msg: bytes) -> None:
        if self._fd is None:
            self.open()
        assert self._fd is not None
        deadline = time.monotonic() + self.timeout
        view = memoryview(msg)
        while view:
            try:
                view = view[os.write(self._fd, view) :]
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    message = f"{self.devfile} took no data for {self.timeout} s"
                    raise TimeoutError(message) from None
                select.select([], [self._fd], [], remaining)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd = None


def open_printer(config: PrinterConfig) -> Escpos:
    """An open python-escpos printer for the config; PrinterFault when it cannot be reached."""
    printer = _printer_for(config)
    try:
        printer.open()
    except DeviceNotFoundError as exc:
        raise PrinterFault(PrinterHealth.OFFLINE, _one_line(exc)) from exc
    except Exception as exc:  # e.g. pyusb without libusb: the kiosk must still go on
        hint = " (install libusb-1.0)" if "backend" in str(exc).lower() else ""
        message = f"cannot open the printer: {_one_line(exc)}{hint}"
        raise PrinterFault(PrinterHealth.ERROR, message) from exc
    if config.kind == "serial":
        printer.device.write_timeout = config.timeout
    return printer


def _printer_for(config: PrinterConfig) -> Escpos:
    profile = config.profile
    if config.kind == "network":
        return NetworkPrinter(config.host, config.port, timeout=config.timeout, profile=profile)
    if config.kind == "usb":
        # pyusb counts its timeout in milliseconds.
        return Usb(
            config.vendor_id,
            config.product_id,
            timeout=int(config.timeout * 1000),
            profile=profile,
        )
    if config.kind == "serial":
        return Serial(
            devfile=config.device, baudrate=config.baudrate, timeout=config.timeout, profile=profile
        )
    if config.kind == "file":
        return DeviceFile(str(config.path), config.timeout, profile=profile)
    return Dummy(profile=profile)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def render_job(layout: TicketLayout, profile: str | None = None) -> bytes:
    """The whole ticket as ESC/POS bytes, built in memory before any connection opens."""
    buffer = Dummy(profile=profile)
    render_escpos(layout, buffer)
    return bytes(buffer.output)


class TicketPrinter:
    """Prints tickets and tells how the printer is, within ``config.timeout``.

    Each call opens its own connection and closes it: a printer restarted between two
    visitors is found again without the kiosk noticing.
    """

    def __init__(self, config: PrinterConfig) -> None:
        self.config = config
        self.last_health = PrinterHealth.OK
        self.last_job: bytes | None = None  # what the printer last accepted, for "dummy"
        # Many network printers serve one connection at a time: a health check must not
        # open a second one while a ticket is being sent.
        self._busy = threading.Lock()

    def check(self) -> PrinterHealth:
        """The printer's state now; never raises, never waits past the timeout. While a
        ticket is being printed it answers what the last exchange found."""
        deadline = time.monotonic() + self.config.timeout
        if not self._busy.acquire(timeout=self.config.timeout):
            return self.last_health
        try:
            self.last_health = self._check(deadline)
        finally:
            self._busy.release()
        return self.last_health

    def _check(self, deadline: float) -> PrinterHealth:
        if self.config.kind == "dummy":
            return PrinterHealth.OK
        if self.config.kind == "file":
            return self._file_health()
        try:
            printer = open_printer(self.config)
        except PrinterFault as fault:
            return fault.health
        try:
            return self._ask_status(printer, deadline)
        finally:
            _close(printer)

    def print_ticket(self, layout: TicketLayout) -> None:
        """Print one ticket, or raise PrinterFault having sent nothing or everything at once.

        Where the connection can tell, the printer's status is asked first: out of paper,
        cover open or offline stop here, before a byte of the ticket leaves; paper low
        prints (and ``last_health`` says so, for the kiosk to report).
        """
        job = render_job(layout, self.config.profile)
        with self._busy:
            deadline = time.monotonic() + self.config.timeout
            try:
                health = self._print_job(job, deadline)
            except PrinterFault as fault:
                self.last_health = fault.health
                raise
            self.last_health = health
            self.last_job = job

    def _print_job(self, job: bytes, deadline: float) -> PrinterHealth:
        printer = open_printer(self.config)
        try:
            health = PrinterHealth.OK
            if self.config.kind in READABLE and self.config.check_status:
                health = self._ask_status(printer, deadline)
                if health in BLOCKING:
                    raise PrinterFault(health, _STATUS_MESSAGES[health])
            self._send(printer, job)
            return health
        finally:
            _close(printer)

    def _send(self, printer: Escpos, job: bytes) -> None:
        try:
            printer._raw(job)
        except OSError as exc:
            # pyserial's and pyusb's timeouts are OSErrors of their own, not TimeoutError.
            stalled = isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__
            gone = stalled or exc.errno in _GONE
            health = PrinterHealth.OFFLINE if gone else PrinterHealth.ERROR
            raise PrinterFault(health, f"sending the ticket failed: {_one_line(exc)}") from exc
        except Exception as exc:  # anything else a transport library raises
            raise PrinterFault(PrinterHealth.ERROR, f"sending the ticket failed: {exc}") from exc

    def _file_health(self) -> PrinterHealth:
        # A file connection cannot answer; the most it can tell is whether the node exists.
        path = Path(str(self.config.path))
        exists = path.exists() if str(path).startswith("/dev/") else path.parent.is_dir()
        return PrinterHealth.OK if exists else PrinterHealth.OFFLINE

    def _ask_status(self, printer: Escpos, deadline: float) -> PrinterHealth:
        try:
            online = self._query(printer, ASK_PRINTER, deadline)
            if online & OFFLINE_BIT:
                cause = self._query(printer, ASK_OFFLINE_CAUSE, deadline)
                if cause & COVER_OPEN_BIT:
                    return PrinterHealth.COVER_OPEN
                if cause & ERROR_BIT:
                    return PrinterHealth.ERROR
            paper = self._query(printer, ASK_PAPER, deadline)
        except _NoAnswer:
            return PrinterHealth.OFFLINE
        except _BadAnswer:
            return PrinterHealth.ERROR
        if paper & PAPER_END_BITS:
            return PrinterHealth.PAPER_OUT
        if online & OFFLINE_BIT:
            return PrinterHealth.OFFLINE  # e.g. paper being fed by hand
        if paper & PAPER_NEAR_END_BITS:
            return PrinterHealth.PAPER_LOW
        return PrinterHealth.OK

    def _query(self, printer: Escpos, request: bytes, deadline: float) -> int:
        """Send one DLE EOT request and read the status byte before the deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _NoAnswer
        try:
            reply = _read_status(self.config.kind, printer, request, remaining)
        except Exception as exc:  # timeouts, resets, USB/serial errors: no answer
            raise _NoAnswer from exc
        if not reply:
            raise _NoAnswer
        status = reply[-1]  # the newest byte: earlier ones may answer an earlier request
        if status & STATUS_FIXED_MASK != STATUS_FIXED_BITS:
            raise _BadAnswer
        return status


_GONE = {
    errno.ETIMEDOUT,
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.EPIPE,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ENODEV,
    errno.ENOENT,
    errno.EIO,
}
_STATUS_MESSAGES = {
    PrinterHealth.OFFLINE: "the printer does not answer",
    PrinterHealth.PAPER_OUT: "the printer is out of paper",
    PrinterHealth.COVER_OPEN: "the printer's cover is open",
    PrinterHealth.ERROR: "the printer reports an error",
}


class _NoAnswer(Exception):
    pass


class _BadAnswer(Exception):
    pass


def _read_status(kind: str, printer: Escpos, request: bytes, timeout: float) -> bytes:
    """One real-time status exchange on the transport's own handle, bounded by ``timeout``
    (python-escpos' ``_read`` would wait the connection's full timeout, or pyusb's 1 s)."""
    device: Any = printer.device
    if kind == "network":
        device.settimeout(timeout)
        device.sendall(request)
        return bytes(device.recv(16))
    if kind == "usb":
        usb_printer: Any = printer
        usb_printer._raw(request)
        return bytes(device.read(usb_printer.in_ep, 16, max(1, int(timeout * 1000))))
    device.timeout = timeout
    device.write(request)
    return bytes(device.read(1))


def _close(printer: Escpos) -> None:
    try:
        printer.close()
    except Exception as exc:  # closing a dead connection must not hide why it died
        log.debug("closing the printer connection failed: %s", exc)
