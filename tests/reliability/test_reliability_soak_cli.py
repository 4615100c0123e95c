"""The soak script and `qms broker` in small: they run, stop by themselves, and report."""

from __future__ import annotations

import signal
import subprocess
import sys

from broker.mosquitto.managed import free_port, port_open
from tests.reliability.rel_support import RawClient
from tests.support import ROOT, wait_for
from tools.soak import run, summary


def test_a_small_soak_serves_every_ticket_and_samples_the_hub(tmp_path):
    figures = run(40, rate=20.0, intervals=2, workdir=tmp_path, out=None)
    print(summary(figures))
    assert figures.failures == []
    assert figures.tickets == 40 and figures.served >= 30
    assert figures.intervals and all(i.rss_mb > 10 for i in figures.intervals)
    # The hub's own times come from its log, interval by interval.
    busy = [i for i in figures.intervals if i.commands]
    assert busy and all(0 < i.hub_p50_ms <= i.hub_p99_ms for i in busy)
    assert sum(i.commands for i in figures.intervals) == figures.commands
    assert figures.restart_s > 0


def test_qms_broker_runs_a_private_mosquitto_until_interrupted(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "qms.cli", "broker", "--port", str(port),
                                "--data-dir", str(tmp_path / "broker")], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: port_open("127.0.0.1", port), what="the broker to listen")
        client = RawClient(port, None, None, "probe")
        wait_for(client.connected.is_set, what="a client to connect")
        client.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(15) == 0
        assert not port_open("127.0.0.1", port)
    finally:
        if process.poll() is None:
            process.kill()
