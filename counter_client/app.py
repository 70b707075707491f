"""``antre-counter --config counter.toml``: build the objects and wire their signals."""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import sys
from collections.abc import Callable, Sequence
from functools import partial

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from counter_client.config import CounterConfig, CounterConfigError, load_counter_config
from counter_client.device_presence import REPORT_EVERY_SECONDS, DevicePresence
from counter_client.jobs import Job, perform
from counter_client.live_link import LiveLink
from counter_client.shift import SETTLE_SECONDS, CounterShift
from counter_client.ui.window import CounterWindow
from shared.api_client import ApiClient
from shared.qt_worker import Worker


def client_version() -> str:
    try:
        return importlib.metadata.version("antre")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def health_report(api: ApiClient) -> Callable[[], object]:
    """One ``POST /devices/me/health`` with the device's token (the counter has no printer
    to report: the version is what the devices page shows of it)."""
    body = {"version": client_version()}
    return lambda: api.post("/devices/me/health", body)


class CounterApp:
    """One officer's client: REST worker, live feed, shift and window, wired once."""

    def __init__(
        self,
        config: CounterConfig,
        *,
        settle_seconds: float = SETTLE_SECONDS,
        api: ApiClient | None = None,
    ) -> None:
        self.config = config
        self.api = api or ApiClient(config.server_url)
        # One worker: commands and reloads reach the server in the order they were made,
        # so a reload asked for after a command sees that command's effect.
        self.worker = Worker("counter")
        self.live = LiveLink(config.server_url, retry_seconds=config.retry_seconds)
        self.shift = CounterShift(
            config,
            dispatch=self._dispatch,
            feed=self.live,
            settle_seconds=settle_seconds,
        )
        self.window = CounterWindow(self.shift, on_close=self.close)
        self.shift.on_change = self._changed
        self.live.received.connect(self.shift.apply_event)
        self.live.resync.connect(self.shift.resync)
        self.live.status.connect(self.shift.set_online)
        self._compact_pending = config.compact
        self._closed = False
        # The PC's own HTTP client and worker: the device token, never the officer's, and
        # a report that hangs never delays the officer's commands.
        self.device_api: ApiClient | None = None
        self.presence: DevicePresence | None = None
        self.device_worker = Worker("counter-device")
        self.presence_timer = QTimer()
        self.presence_timer.timeout.connect(self._report_presence)
        if config.device_token is not None:
            self.device_api = ApiClient(config.server_url, config.device_token)
            self.presence = DevicePresence(
                health_report(self.device_api), on_change=self.shift.set_device
            )

    def _dispatch(self, job: Job) -> None:
        """The shift's jobs: on the worker, their outcome back into the shift."""
        self.worker.submit(partial(perform, self.api, job), self.shift.complete)

    def _changed(self) -> None:
        self.window.refresh()
        if self._compact_pending and self.shift.counter is not None:
            self._compact_pending = False
            self.window.show_compact()

    def start(self) -> None:
        self.window.refresh()
        self.window.show()
        if self.presence is not None:
            self._report_presence()
            self.presence_timer.start(int(REPORT_EVERY_SECONDS * 1000))

    def _report_presence(self) -> None:
        """One report on the device's worker, unless the last one is still on its way."""
        if self.presence is not None and self.device_worker.idle:
            self.device_worker.submit(self.presence.report, self.presence.take)

    def close(self) -> None:
        """Stop the feed and the worker (each bounded by its timeouts); safe twice."""
        if self._closed:
            return
        self._closed = True
        self.window.timer.stop()
        self.live.stop()
        self.presence_timer.stop()
        self.device_worker.close()
        if self.device_api is not None:
            self.device_api.close()
        self.worker.close()  # waits for the job in flight (the API's timeouts bound it)
        self.api.close()
        self.window.strip.close_for_good()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="antre-counter", description="Antre counter client")
    parser.add_argument("--config", required=True, help="the counter's TOML file")
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = load_counter_config(args.config)
    except CounterConfigError as exc:
        print(f"antre-counter: {exc}", file=sys.stderr)
        return 2
    app = QApplication(sys.argv[:1])
    counter = CounterApp(config)
    counter.window.place_on_screen()
    counter.start()
    code = app.exec()
    counter.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
