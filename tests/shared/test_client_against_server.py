"""The shared client pieces against a real ``antre-server`` process: a refusal's details
reach the caller, and a burst of pushes reaches a LiveFeed once each, in order."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from shared import events
from shared.api_client import ApiClient, ApiError
from shared.errors import ErrorCode
from shared.live import LiveFeed
from tests.e2e.live import LiveServer, running_server, wait_until
from tests.factories import PASSWORD

TIMEOUT = 30.0
HANDLING_SECONDS = 0.002


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("shared-server")) as live:
        yield live


def officer(server: LiveServer, username: str) -> ApiClient:
    client = ApiClient(server.url)
    client.login(username, PASSWORD)
    return client


def test_a_locked_login_says_how_long_to_wait_in_its_details(server: LiveServer) -> None:
    client = ApiClient(server.url)
    for _ in range(5):
        with pytest.raises(ApiError):
            client.login("petugas.sm", "salah")

    with pytest.raises(ApiError) as refused:
        client.login("petugas.sm", PASSWORD)

    error = refused.value
    assert (error.code, error.status) == (ErrorCode.TOO_MANY_ATTEMPTS, 429)
    assert isinstance(error.details["retry_after"], int)
    assert 0 < error.details["retry_after"] <= 31
    client.close()


def test_a_refusal_without_details_has_empty_ones(server: LiveServer) -> None:
    client = ApiClient(server.url)
    with pytest.raises(ApiError) as refused:
        client.login("petugas.dk", "salah")
    assert refused.value.code == ErrorCode.INVALID_CREDENTIALS
    assert refused.value.details == {}
    client.close()


class Subscriber:
    """A LiveFeed on the agency room, reloading the snapshot as a client does. Handling an
    event takes it a moment, as it takes a real client (a signal, a log line): time for
    the socket's next handler thread to overtake, which the feed must not let happen."""

    def __init__(self, server: LiveServer, username: str, agency: str) -> None:
        self.api = officer(server, username)
        self.room = events.agency_room(agency)
        self.agency = agency
        self.seqs: list[int] = []
        self.resyncs = 0
        self.snapshot_seq: int | None = None
        assert self.api.token is not None
        self.feed = LiveFeed(
            server.url,
            {"token": self.api.token},
            on_event=self._event,
            on_resync=self._resync,
            retry_seconds=0.5,
        )

    def _event(self, _name: str, payload: dict[str, Any]) -> None:
        time.sleep(HANDLING_SECONDS)
        if payload["room"] == self.room:
            self.seqs.append(int(payload["seq"]))

    def _resync(self) -> None:
        self.resyncs += 1
        seq = int(self.api.agency_snapshot(self.agency)["seq"])
        self.feed.tracker.reset(self.room, seq)
        self.snapshot_seq = seq


def test_fifty_quick_calls_reach_a_live_feed_once_each_in_order_without_a_resync(
    server: LiveServer,
) -> None:
    hall = server.hall
    sub = Subscriber(server, "sup.dk", "DK")
    sub.feed.start()
    try:
        wait_until(lambda: sub.snapshot_seq is not None, TIMEOUT, "the first snapshot")
        first = sub.snapshot_seq
        assert first is not None
        kiosk = server.device("kiosk")
        for _ in range(50):
            kiosk.issue(hall.kk)
        kiosks = [server.device("kiosk") for _ in range(2)]
        officers = [
            (officer(server, "petugas.dk"), hall.c1),
            (officer(server, "petugas2.dk"), hall.c2),
        ]
        for api, counter_id in officers:
            api.counter(counter_id, "open")

        def press_next(api: ApiClient, counter_id: int) -> None:
            for _ in range(25):
                api.counter(counter_id, "next")

        def issue_more(kiosk: Any) -> None:  # new visitors while the counters call
            for _ in range(25):
                kiosk.issue(hall.ktp)

        threads = [threading.Thread(target=press_next, args=pair) for pair in officers]
        threads += [threading.Thread(target=issue_more, args=(k,)) for k in kiosks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIMEOUT * 2)
        last = int(sub.api.agency_snapshot("DK")["seq"])
        wait_until(lambda: sub.seqs and sub.seqs[-1] >= last, TIMEOUT, f"event #{last}")

        assert sub.seqs == list(range(first + 1, last + 1))
        assert sub.resyncs == 1, "only the one after connecting"
        assert last - first > 300  # issue, calls, finishes, lines: a real burst
        print(f"{last - first} events; {sub.feed.reordered} arrived early and were put back")
        for client in [kiosk, *kiosks]:
            client.close()
        for api, _ in officers:
            api.close()
    finally:
        sub.feed.stop()
        sub.api.close()
