"""A hall for the web face's tests: a real Mosquitto, the hub and `qms web` each in their own
process, as in a hall; device clients for the kiosk, counters and tablets."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from broker.mosquitto.managed import stop_process
from tests.support import ROOT, wait_for
from web.screenshots import CHROMIUM, CHROMIUM_ARGS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebProcess:
    """`qms web` on a free loopback port."""

    def __init__(self, broker_url: str, log: Path, *, rate_limit: int = 0,
                 min_ratings: int = 1, port: int | None = None,
                 extra: tuple[str, ...] = ()) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [sys.executable, "-m", "qms.cli", "web", "--broker", broker_url,
                   "--listen", f"127.0.0.1:{self.port}", "--rate-limit", str(rate_limit),
                   "--min-ratings", str(min_ratings), *extra]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=open(log, "ab"))  # noqa: SIM115
        wait_for(self._ready, timeout=20, interval=0.1, what="the web face to serve")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"qms web exited: {self.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=2) as answer:
                return b'"online":true' in answer.read()
        except OSError:
            return False

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture
def web(hub, broker, tmp_path):
    process = WebProcess(broker.url, tmp_path / "web.log")
    yield process
    process.stop()


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def settle(seconds: float = 0.2) -> None:
    time.sleep(seconds)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright; one for each test module."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (install.sh --dev)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
