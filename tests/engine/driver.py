"""Drives the pure engine in tests: commands as the config's devices, time moved by hand."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from broker.core.commands import Command
from broker.core.engine import OPS, Accepted, QueueEngine, Rejected
from broker.core.queue_state import QueueState
from config import CenterConfig, load_config

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_8AM = datetime(2026, 11, 23, 8, 0, tzinfo=TZ)


class EngineDriver:
    def __init__(self, config: CenterConfig | None = None, now: datetime = MONDAY_8AM,
                 enforce_hours: bool = True) -> None:
        self.config = config or load_config()
        self.engine = QueueEngine(self.config, enforce_hours=enforce_hours)
        self.now = now
        self.state: QueueState = self.engine.new_day(now.date())
        self.ids = itertools.count(1)
        self.accepted: list[tuple[Command, datetime, Accepted]] = []

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def try_(self, device: str, op: str, **args) -> Accepted | Rejected:
        command = Command(f"c{next(self.ids)}", op, msgspec.convert(args, OPS[op].args),
                          self.config.device(device))
        outcome = self.engine.apply(self.state, command, self.now)
        if isinstance(outcome, Accepted):
            self.state = outcome.state
            self.accepted.append((command, self.now, outcome))
        return outcome

    def do(self, device: str, op: str, **args) -> dict:
        """The result as the device reads it from the reply's JSON."""
        outcome = self.try_(device, op, **args)
        assert isinstance(outcome, Accepted), f"{op} refused: {outcome}"
        return msgspec.json.decode(msgspec.json.encode(outcome.result))

    def error(self, device: str, op: str, **args) -> str:
        before = self.state
        outcome = self.try_(device, op, **args)
        assert isinstance(outcome, Rejected), f"{op} was accepted: {outcome.result}"
        assert self.state is before
        return outcome.code

    def issue(self, service: str, **args) -> dict:
        return self.do("kiosk-1", "ticket.issue", service=service, **args)["ticket"]

    def open(self, counter: str, officer: str | None = None) -> None:
        self.do(f"counter-{counter}", "counter.open", **({"officer": officer} if officer else {}))

    def call_next(self, counter: str) -> str:
        return self.do(f"counter-{counter}", "counter.call_next")["ticket"]["number"]
