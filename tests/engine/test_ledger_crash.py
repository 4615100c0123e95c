"""Kill a process writing the ledger with SIGKILL at random points: the reopened ledger holds
exactly what was committed, every command reported committed is there, and the state rebuilt
from it equals the live state after those commands."""

from __future__ import annotations

import random
import signal
import subprocess
import sys

import pytest

from broker.service.ledger import Ledger
from tests.engine.crash_worker import workload
from tests.engine.driver import EngineDriver
from tests.support import ROOT


@pytest.mark.parametrize("seed", [11, 22, 33, 44, 55])
def test_sigkill_loses_nothing_committed(tmp_path, seed):
    path = tmp_path / "ledger.db"
    kill_after = random.Random(seed).randint(5, 300)
    worker = subprocess.Popen([sys.executable, "-m", "tests.engine.crash_worker", str(path),
                               str(seed)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    reported = []
    assert worker.stdout is not None
    while len(reported) < kill_after:
        line = worker.stdout.readline()
        assert line, "the worker stopped by itself"
        reported.append(line.strip())
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)

    ledger = Ledger(path)
    stored = [row[0] for row in ledger.conn.execute("SELECT id FROM commands ORDER BY seq")]
    # Everything reported is there; at most the commands in flight at the kill are beyond it.
    assert stored[: len(reported)] == reported
    assert len(stored) >= len(reported)

    # Replay the same deterministic stream in-process up to what was committed.
    driver = EngineDriver(enforce_hours=False)
    expected_ids = []
    for command_id, _outcome in workload(seed, driver):
        expected_ids.append(command_id)
        if len(expected_ids) == len(stored):
            break
    assert expected_ids == stored
    assert ledger.rebuild(driver.engine, driver.state.day) == driver.state
    tickets = {row["id"]: row["state"] for row in ledger.ticket_rows(driver.state.day)}
    assert tickets == {t.id: t.state.value for t in driver.state.tickets.values()}
    integrity = ledger.conn.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok"
    ledger.close()
