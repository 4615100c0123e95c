"""The common life of an input device read on a background thread (keypads, scanners): it
opens the device, reads it until it fails or `stop()`, and opens it again after `retry_s`.
Nothing a device or a callback does ends the thread: a counter or a kiosk would lose its
device until a restart."""

from __future__ import annotations

import logging
import threading
from typing import ClassVar, Self


class DeviceReader:
    name: ClassVar[str] = "device"  # in the thread's name and the log
    log: ClassVar[logging.Logger] = logging.getLogger("qms.drivers")

    def __init__(self, path: str, *, retry_s: float = 1.0) -> None:
        self.path, self.retry_s = path, retry_s
        self.connected = threading.Event()
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{self.name} {path}",
                                        daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def health(self) -> str:
        return "ok" if self.connected.is_set() else "disconnected"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._session()
            except OSError as exc:
                self.last_error = f"{self.path}: {exc}"
                if self.connected.is_set():
                    self.log.warning("%s %s lost: %s; waiting for it to come back", self.name,
                                     self.path, exc)
            except Exception as exc:
                self.last_error = f"{self.path}: {exc!r}"
                self.log.exception("%s %s failed; opening it again", self.name, self.path)
            finally:
                self.connected.clear()
            self._stop.wait(self.retry_s)

    def _session(self) -> None:
        """Open the device, set `connected` once it reads, and read it until `_stop` or a
        failure; close it on the way out."""
        raise NotImplementedError
