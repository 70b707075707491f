"""Printing a ticket on a real connection, and what the kiosk learns when the printer fails."""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from escpos.printer import Dummy

from kiosk.printer import (
    PrinterConfig,
    PrinterConfigError,
    PrinterFault,
    PrinterHealth,
    TicketPrinter,
    open_printer,
)
from kiosk.ticket_layout import TicketLayout
from tests.kiosk.fake_printer import FakeNetworkPrinter, FakeSerialPrinter, raster_images
from tests.kiosk.test_ticket_layout import layout, scan

ESC_INIT = b"\x1b@"
RASTER_IMAGE = b"\x1dv0"
CUT = b"\x1dV"
TIMEOUT = 0.5  # seconds; the kiosk default is 3


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer


def network(fake: FakeNetworkPrinter, paper_mm: int = 80) -> TicketPrinter:
    return TicketPrinter(
        PrinterConfig(
            kind="network", host=fake.host, port=fake.port, timeout=TIMEOUT, paper_mm=paper_mm
        )
    )


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def assert_whole_ticket(data: bytes, number: bytes = b"DK-012") -> None:
    assert data.startswith(ESC_INIT)
    assert number in data
    assert data.count(RASTER_IMAGE) == 1
    assert data.index(number) < data.index(RASTER_IMAGE) < data.rindex(CUT)


# --- a network printer on port 9100 ---------------------------------------------------------


def test_network_printer_receives_the_whole_ticket(fake_printer: FakeNetworkPrinter) -> None:
    network(fake_printer).print_ticket(layout(number="DK-012"))

    [job] = fake_printer.wait_for_closed(1)
    assert_whole_ticket(bytes(job.printed))
    assert job.status_requests >= 2  # it asked whether the printer was ready first
    [qr] = raster_images(bytes(job.printed))
    assert scan(qr) == ["http://antre.mpp.local/t/q7Hk2xPzR4mWc9Ta"]


@pytest.mark.parametrize(("paper_mm", "dots"), [(58, 384), (80, 576)])
def test_ticket_images_span_the_configured_paper(
    fake_printer: FakeNetworkPrinter, paper_mm: int, dots: int
) -> None:
    network(fake_printer, paper_mm).print_ticket(layout(paper_mm=paper_mm))

    [job] = fake_printer.wait_for_closed(1)
    [qr] = raster_images(bytes(job.printed))
    assert qr.width == dots


def test_two_visitors_two_tickets_each_on_its_own_connection(
    fake_printer: FakeNetworkPrinter,
) -> None:
    printer = network(fake_printer)
    printer.print_ticket(layout(number="DK-012"))
    printer.print_ticket(layout(number="DK-013"))

    first, second = fake_printer.wait_for_closed(2)
    assert_whole_ticket(bytes(first.printed), b"DK-012")
    assert_whole_ticket(bytes(second.printed), b"DK-013")


def test_printer_refusing_the_connection_is_offline_at_once() -> None:
    printer = TicketPrinter(
        PrinterConfig(kind="network", host="127.0.0.1", port=closed_port(), timeout=TIMEOUT)
    )
    started = time.monotonic()
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout())

    assert fault.value.health is PrinterHealth.OFFLINE
    assert time.monotonic() - started < TIMEOUT + 0.5
    assert printer.check() is PrinterHealth.OFFLINE
    assert printer.last_health is PrinterHealth.OFFLINE


def test_printer_switched_off_between_two_tickets(fake_printer: FakeNetworkPrinter) -> None:
    printer = network(fake_printer)
    printer.print_ticket(layout(number="DK-012"))
    fake_printer.refuse()

    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout(number="DK-013"))

    assert fault.value.health is PrinterHealth.OFFLINE
    assert len(fake_printer.wait_for_closed(1)) == 1


def test_printer_that_never_answers_is_offline_within_the_timeout(
    fake_printer: FakeNetworkPrinter,
) -> None:
    fake_printer.state = "offline"
    printer = network(fake_printer)

    started = time.monotonic()
    assert printer.check() is PrinterHealth.OFFLINE
    assert time.monotonic() - started < TIMEOUT + 0.5

    started = time.monotonic()
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout())
    assert fault.value.health is PrinterHealth.OFFLINE
    assert time.monotonic() - started < TIMEOUT + 0.5
    assert all(ESC_INIT not in job.printed for job in fake_printer.wait_for_closed(2))


def test_printer_hanging_up_on_the_kiosk_is_offline(fake_printer: FakeNetworkPrinter) -> None:
    fake_printer.state = "hang_up"
    with pytest.raises(PrinterFault) as fault:
        network(fake_printer).print_ticket(layout())
    assert fault.value.health is PrinterHealth.OFFLINE


def test_paper_out_is_reported_and_no_ticket_is_sent(fake_printer: FakeNetworkPrinter) -> None:
    fake_printer.state = "paper_out"
    printer = network(fake_printer)

    assert printer.check() is PrinterHealth.PAPER_OUT
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout())

    assert fault.value.health is PrinterHealth.PAPER_OUT
    assert "paper" in fault.value.message
    for job in fake_printer.wait_for_closed(2):
        assert job.printed == b""
        assert job.status_requests >= 2


def test_cover_open_is_told_apart_from_paper_out(fake_printer: FakeNetworkPrinter) -> None:
    fake_printer.state = "cover_open"
    printer = network(fake_printer)

    assert printer.check() is PrinterHealth.COVER_OPEN
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout())
    assert fault.value.health is PrinterHealth.COVER_OPEN


def test_paper_low_still_prints_and_says_so(fake_printer: FakeNetworkPrinter) -> None:
    fake_printer.state = "paper_low"
    printer = network(fake_printer)

    assert printer.check() is PrinterHealth.PAPER_LOW
    printer.print_ticket(layout())

    assert printer.last_health is PrinterHealth.PAPER_LOW
    jobs = fake_printer.wait_for_closed(2)
    assert_whole_ticket(bytes(jobs[1].printed))


def test_healthy_printer_checks_ok_and_a_refill_clears_the_fault(
    fake_printer: FakeNetworkPrinter,
) -> None:
    printer = network(fake_printer)
    fake_printer.state = "paper_out"
    assert printer.check() is PrinterHealth.PAPER_OUT

    fake_printer.state = "ok"
    assert printer.check() is PrinterHealth.OK
    printer.print_ticket(layout())
    assert printer.last_health is PrinterHealth.OK


def test_one_way_link_prints_without_asking_for_status(fake_printer: FakeNetworkPrinter) -> None:
    # e.g. socat forwarding TCP to a parallel port: nothing ever answers.
    fake_printer.state = "offline"
    config = PrinterConfig(
        kind="network",
        host=fake_printer.host,
        port=fake_printer.port,
        timeout=TIMEOUT,
        check_status=False,
    )
    TicketPrinter(config).print_ticket(layout())

    [job] = fake_printer.wait_for_closed(1)
    assert job.status_requests == 0
    assert_whole_ticket(bytes(job.printed))


# --- serial, file, USB, dummy -------------------------------------------------------------


def test_serial_printer_checks_status_and_prints_over_the_line() -> None:
    with FakeSerialPrinter(state="paper_low") as fake:
        printer = TicketPrinter(
            PrinterConfig(kind="serial", device=fake.device, baudrate=19200, timeout=TIMEOUT)
        )
        assert printer.check() is PrinterHealth.PAPER_LOW
        printer.print_ticket(layout())

        deadline = time.monotonic() + 5
        while CUT not in fake.received().printed and time.monotonic() < deadline:
            time.sleep(0.01)
        assert_whole_ticket(bytes(fake.received().printed))


def test_serial_printer_out_of_paper_gets_no_ticket() -> None:
    with FakeSerialPrinter(state="paper_out") as fake:
        printer = TicketPrinter(PrinterConfig(kind="serial", device=fake.device, timeout=TIMEOUT))
        with pytest.raises(PrinterFault) as fault:
            printer.print_ticket(layout())
        assert fault.value.health is PrinterHealth.PAPER_OUT
        assert fake.received().printed == b""


def test_missing_serial_device_is_offline(tmp_path: Path) -> None:
    printer = TicketPrinter(PrinterConfig(kind="serial", device=str(tmp_path / "ttyUSB9")))
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout())
    assert fault.value.health is PrinterHealth.OFFLINE
    assert printer.check() is PrinterHealth.OFFLINE


def test_file_printer_writes_the_ticket_to_the_file(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = TicketPrinter(PrinterConfig(kind="file", path=str(target), paper_mm=58))

    assert printer.check() is PrinterHealth.OK
    printer.print_ticket(layout(paper_mm=58))

    assert_whole_ticket(target.read_bytes())
    assert target.read_bytes() == printer.last_job


def test_device_that_stops_taking_data_fails_within_the_timeout(tmp_path: Path) -> None:
    # A FIFO whose reader never reads stands for /dev/usb/lp0 of a printer that stalled.
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        fcntl.fcntl(reader, fcntl.F_SETPIPE_SZ, 4096)
        printer = TicketPrinter(PrinterConfig(kind="file", path=str(fifo), timeout=TIMEOUT))
        started = time.monotonic()
        with pytest.raises(PrinterFault) as fault:
            printer.print_ticket(layout())
        assert fault.value.health is PrinterHealth.OFFLINE
        assert time.monotonic() - started < TIMEOUT + 0.5
    finally:
        os.close(reader)


def test_file_printer_in_a_missing_folder_is_offline(tmp_path: Path) -> None:
    printer = TicketPrinter(PrinterConfig(kind="file", path=str(tmp_path / "usb" / "lp0")))
    assert printer.check() is PrinterHealth.OFFLINE
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout())
    assert fault.value.health is PrinterHealth.OFFLINE


def test_unplugged_device_node_is_offline_and_never_created(tmp_path: Path) -> None:
    printer = TicketPrinter(PrinterConfig(kind="file", path="/dev/antre-test-lp9"))
    assert printer.check() is PrinterHealth.OFFLINE
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout())
    assert fault.value.health is PrinterHealth.OFFLINE
    assert not Path("/dev/antre-test-lp9").exists()


def test_usb_printer_that_cannot_be_reached_is_a_fault_not_a_crash() -> None:
    # On this machine pyusb may lack libusb, or the device is simply not plugged in.
    printer = TicketPrinter(
        PrinterConfig(kind="usb", vendor_id=0x0416, product_id=0x5011, timeout=TIMEOUT)
    )
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(layout())
    assert fault.value.health in (PrinterHealth.OFFLINE, PrinterHealth.ERROR)
    assert printer.check() in (PrinterHealth.OFFLINE, PrinterHealth.ERROR)


def test_dummy_printer_collects_the_ticket_for_trying_the_kiosk_out() -> None:
    printer = TicketPrinter(PrinterConfig(kind="dummy"))
    assert printer.check() is PrinterHealth.OK

    printer.print_ticket(layout(number="SM-004"))

    assert printer.last_job is not None
    assert_whole_ticket(printer.last_job, b"SM-004")
    assert isinstance(open_printer(PrinterConfig()), Dummy)


# --- configuration ------------------------------------------------------------------------


def test_config_from_the_kiosk_toml_table() -> None:
    config = PrinterConfig.from_mapping(
        {"kind": "usb", "vendor_id": "0x04b8", "product_id": "0x0202", "paper_mm": 58}
    )
    assert (config.vendor_id, config.product_id, config.paper_mm) == (0x04B8, 0x0202, 58)
    assert config.timeout == 3.0

    network_printer = PrinterConfig.from_mapping({"kind": "network", "host": "10.0.0.50"})
    assert (network_printer.port, network_printer.timeout) == (9100, 3.0)


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ({"kind": "bluetooth"}, "kind must be one of"),
        ({"kind": "network"}, "needs host"),
        ({"kind": "network", "host": "10.0.0.5", "port": 70000}, "port"),
        ({"kind": "usb", "vendor_id": "0x04b8"}, "vendor_id and product_id"),
        ({"kind": "usb", "vendor_id": "epson", "product_id": 1}, "hex number"),
        ({"kind": "serial"}, "needs device"),
        ({"kind": "file"}, "needs path"),
        ({"kind": "dummy", "paper_mm": 76}, "58 or 80"),
        ({"kind": "dummy", "timeout": 0}, "timeout"),
        ({"kind": "dummy", "timeout": "soon"}, "timeout must be a number"),
        ({"kind": "dummy", "profile": "TM-NOPE"}, "profile"),
        ({"kind": "dummy", "ip": "10.0.0.5"}, "unknown printer setting"),
    ],
)
def test_bad_printer_settings_are_refused_with_a_clear_message(
    table: dict[str, object], says: str
) -> None:
    with pytest.raises(PrinterConfigError, match=says):
        PrinterConfig.from_mapping(table)


def test_a_profile_with_a_known_paper_width_is_respected() -> None:
    # An Epson TM-T88V prints 512 dots on 80 mm paper: images must not be wider.
    printer = TicketPrinter(PrinterConfig(kind="dummy", profile="TM-T88V"))
    printer.print_ticket(layout(paper_mm=80))
    assert printer.last_job is not None
    [qr] = raster_images(printer.last_job)
    assert qr.width == 512


def test_layout_from_the_demo_answer_prints(fake_printer: FakeNetworkPrinter) -> None:
    from kiosk.render_sample import PUBLIC_URL, demo_answer

    ticket = TicketLayout.from_issue(
        demo_answer("elderly"), site_name="MPP", public_url=PUBLIC_URL, paper_mm=58
    )
    network(fake_printer, 58).print_ticket(ticket)
    [job] = fake_printer.wait_for_closed(1)
    assert b"PRIORITAS - LANSIA" in job.printed
