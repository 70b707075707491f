"""The simulated hall's devices keep reaching the server as their clients do, so a
device the simulation identified is never shown silent on the hall monitor."""

from __future__ import annotations

from server.simulation.hall import Device, Hall
from server.simulation.plan import HallShape
from server.simulation.runner import presence_requests


def test_every_device_identified_keeps_reaching_the_server_or_holds_a_socket() -> None:
    kiosk = Device("Kiosk 1", "k", "kiosk", "lantai1-a")
    board = Device("Papan A", "b", "display", "lantai1-a")
    desk = Device("PC Loket 1", "c", "counter", None, 1)
    tablet = Device("Tablet survei Loket 1", "s", "survey", None, 1)
    hall = Hall(
        shape=HallShape(services=(), counters=()),
        today="2026-12-07",
        kiosks=[kiosk],
        boards=[board],
        terminals=[desk],
        tablets=[tablet],
    )

    requests = {p.device.name: (p.path, p.body) for p in presence_requests(hall)}

    assert requests == {
        "Kiosk 1": ("/devices/me/health", {"printer": "ok"}),
        "PC Loket 1": ("/devices/me/health", {"version": "simulation"}),
        # As its page does every minute: what its counter's visitor is to be asked.
        "Tablet survei Loket 1": ("/survey/counters/1", None),
    }
    # Boards are seen through their sockets, which the simulation keeps open.
    assert board.name not in requests
