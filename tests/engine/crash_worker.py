"""A process that applies a deterministic stream of commands through engine + ledger and
prints each committed command id; the crash test kills it with SIGKILL at random points."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator

import msgspec

from broker.core.engine import Accepted
from broker.service.ledger import Ledger
from tests.engine.driver import EngineDriver

SERVICES = ["dkdn", "dautu", "datdai", "lltp"]
COUNTERS = ["1", "2", "4", "9"]


def workload(seed: int, driver: EngineDriver) -> Iterator[tuple[str, Accepted]]:
    """Forever: random commands; yields each accepted one (id, outcome) as the driver applies it."""
    rng = random.Random(seed)
    while True:
        driver.advance(seconds=rng.randint(1, 60))
        roll = rng.random()
        counter = rng.choice(COUNTERS)
        if roll < 0.4:
            args = {"service": rng.choice(SERVICES)}
            if rng.random() < 0.2:
                args["reason"] = "elderly"
            device, op = "kiosk-1", "ticket.issue"
        elif roll < 0.5:
            device, op, args = f"counter-{counter}", "counter.open", {}
        elif roll < 0.75:
            device, op, args = f"counter-{counter}", "counter.call_next", {}
        elif roll < 0.95:
            op = rng.choice(["ticket.done", "ticket.no_show"])
            device, args = f"counter-{counter}", {}
        else:
            device, op, args = f"counter-{counter}", "ticket.transfer", {
                "service": rng.choice(SERVICES)}
        outcome = driver.try_(device, op, **args)
        if isinstance(outcome, Accepted):
            yield driver.accepted[-1][0].id, outcome


def main() -> None:
    path, seed = sys.argv[1], int(sys.argv[2])
    ledger = Ledger(path)  # synchronous FULL, as the hub runs it
    driver = EngineDriver(enforce_hours=False)
    for command_id, outcome in workload(seed, driver):
        command, now, _ = driver.accepted[-1]
        ledger.record(command, msgspec.json.encode(command.args), now, outcome,
                      msgspec.json.encode(outcome.result))
        print(command_id, flush=True)


if __name__ == "__main__":
    main()
