"""The web face in `qms demo`: served on the port of the demo center's status_url, so that the
QR codes of the printed tickets open live pages while the demo runs; and screenshots of the
four pages in Chromium for the headless demo's output."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from config import load_config
from web.screenshots import CHROMIUM

log = logging.getLogger("qms.demo")

DEFAULT_PORT = 8480
LOOPBACK = ("127.0.0.1", "localhost")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plan(config_path: str, out: Path) -> tuple[str, int]:
    """The config the hub should load and the port the web face serves on. A loopback
    status_url names the demo's web face: if its port is taken (another demo runs), a free
    one is used and the hub gets a copy of the config that says so."""
    config = load_config(config_path)
    url = urlsplit(config.center.status_url)
    if url.hostname not in LOOPBACK or url.port is None:
        return config_path, DEFAULT_PORT if _port_free(DEFAULT_PORT) else _free_port()
    if _port_free(url.port):
        return config_path, url.port
    port = _free_port()
    moved = f"{url.scheme}://127.0.0.1:{port}{url.path}"
    copy = out / "center.toml"
    copy.write_text(Path(config_path).read_text(encoding="utf-8").replace(
        config.center.status_url, moved), encoding="utf-8")
    log.info("port %d is taken: the demo's web face serves on %d", url.port, port)
    return str(copy), port


def start(broker_url: str, port: int, out: Path, *, clock_start: datetime | None = None,
          speed: float = 1.0) -> subprocess.Popen:
    command = [sys.executable, "-m", "qms.cli", "web", "--broker", broker_url, "--listen",
               f"127.0.0.1:{port}"]
    if clock_start is not None:
        command += ["--clock-start", clock_start.isoformat(), "--clock-speed", str(speed)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                               stderr=open(out / "web.log", "w"))  # noqa: SIM115
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health",
                                        timeout=1) as answer:
                if b'"online":true' in answer.read():
                    break
        except OSError:
            pass
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def screenshots(base: str, ticket_url: str | None, folder: Path,
                prefix: str = "web") -> subprocess.Popen | None:
    """Screenshots of the four pages at a phone's and a TV's width, in another process (the
    demo's Qt loop goes on meanwhile); None when there is no Chromium."""
    if not CHROMIUM.exists():
        log.info("no %s: the web pages are not photographed", CHROMIUM)
        return None
    pages = [("home", f"{base}/"), ("ranking", f"{base}/danh-gia"), ("board", f"{base}/bang")]
    if ticket_url:
        pages.append(("ticket", ticket_url))
    folder.mkdir(parents=True, exist_ok=True)
    args = [f"{name}={url}" for name, url in pages]
    return subprocess.Popen([sys.executable, "-m", "web.screenshots", str(folder), prefix,
                             *args], stdout=subprocess.DEVNULL,
                            stderr=open(folder / f"{prefix}-shots.log", "w"))
