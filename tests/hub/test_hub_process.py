"""`qms hub` as an IT person runs it: on one box it starts a private Mosquitto when none is
running, and Ctrl-C stops it cleanly with `offline` on its status topic."""

from __future__ import annotations

import signal
import subprocess
import sys

from broker.mosquitto.managed import free_port, port_open
from tests.support import ROOT, HubStatusWatch, device, wait_for


def test_one_box_hub_manages_its_broker_and_stops_cleanly(tmp_path):
    port = free_port()
    url = f"mqtt://127.0.0.1:{port}"
    hub = subprocess.Popen([sys.executable, "-m", "qms.cli", "hub", "--broker", url,
                            "--db", str(tmp_path / "ledger.db"), "--always-open"],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    try:
        wait_for(lambda: port_open("127.0.0.1", port), timeout=20, what="the private broker")
        kiosk = device(url, "kiosk-1")
        wait_for(lambda: kiosk.hub_online, what="the hub online")
        ticket = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]
        assert ticket["number"] == "1001"
        kiosk.stop()
        watch = HubStatusWatch(url)
        wait_for(lambda: watch.status is not None and watch.status.status == "online")
        hub.send_signal(signal.SIGINT)
        wait_for(lambda: watch.status.status == "offline", what="the offline status")
        watch.close()
        assert hub.wait(15) == 0
        # The private broker went with it.
        wait_for(lambda: not port_open("127.0.0.1", port), what="the broker to stop")
        log = hub.stderr.read()
        assert "started a private mosquitto" in log
        assert "kiosk-1 ticket.issue" in log and " ok " in log
    finally:
        if hub.poll() is None:
            hub.kill()
