"""The bytes the hub puts on the wire for a busy day: every reply, every event and, at a few
moments, every retained state, compared with a golden file written by the hub before its views
became the protocol's typed messages. A change here is a change of the wire contract.

QMS_UPDATE_GOLDEN=1 rewrites the file; do so only for a change the docs describe.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from broker.core.engine import Accepted
from broker.core.views import board_view, counter_view, service_view
from broker.wire import protocol
from tests.engine.driver import EngineDriver

GOLDEN = Path(__file__).parent / "golden" / "wire_bytes.txt"
REV = 1764900000000000


def _states(q: EngineDriver, label: str) -> list[str]:
    topics = protocol.Topics(q.config.center.site)
    views = [(topics.service_state(s), service_view(q.engine, q.state, s, q.now))
             for s in q.state.services]
    views += [(topics.counter_state(k), counter_view(q.engine, q.state, k))
              for k in q.state.counters]
    views.append((topics.board_state, board_view(q.engine, q.state, q.now)))
    return [f"{label} {topic} {protocol.encode_state(view, REV).decode()}"
            for topic, view in views]


def _busy_day() -> list[str]:
    """Every op that changes the queue, priority and ordinary, transfers to a service and to
    a counter, a no-show, a rating, a board message, a closed service; times with
    microseconds, as the wall clock gives them."""
    q = EngineDriver()
    lines: list[str] = []

    def step(device: str, op: str, **args: object) -> None:
        q.advance(seconds=17.123457)
        outcome = q.try_(device, op, **args)
        command_id = f"c{len(lines)}"
        if isinstance(outcome, Accepted):
            reply = protocol.encode_reply(command_id, outcome.result)
            lines.extend(f"event {protocol.encode_event(e.kind, e.data).decode()}"
                         for e in outcome.events)
        else:
            reply = protocol.encode_error(command_id, outcome.code, outcome.message)
        lines.append(f"reply {device} {op} {reply.decode()}")

    for counter in ("1", "2", "4", "5"):
        step(f"counter-{counter}", "counter.open")
    step("counter-2", "counter.open", officer="hve")
    for _ in range(4):
        step("kiosk-1", "ticket.issue", service="dkdn")
    step("kiosk-2", "ticket.issue", service="dkdn", reason="elderly", lang="en")
    step("kiosk-1", "ticket.issue", service="dkdn", priority=True)
    for _ in range(4):
        step("kiosk-1", "ticket.issue", service="datdai")
    step("kiosk-1", "ticket.issue", service="moitruong")
    step("counter-1", "counter.call_next")
    step("counter-2", "counter.call_next")
    step("counter-4", "counter.call_next")
    step("counter-5", "counter.call_next")
    lines += _states(q, "calls")
    step("counter-1", "counter.recall")
    step("counter-1", "ticket.serve")
    step("counter-1", "ticket.done", note="đủ hồ sơ")
    done = next(t.id for t in q.state.tickets.values() if t.state == "done")
    step("tablet-1", "rating.submit", ticket=done, score=2, reasons=["long_wait"])
    step("counter-2", "ticket.no_show")
    step("counter-4", "ticket.transfer", counter="5")
    step("counter-5", "ticket.transfer", service="dkdn")
    step("counter-5", "counter.call_next")
    step("counter-2", "counter.call", number="1001")
    step("counter-2", "ticket.done")
    step("counter-2", "counter.call_next")
    step("counter-2", "ticket.no_show")
    step("counter-1", "counter.call_next")
    step("counter-1", "ticket.transfer", counter="4")
    step("counter-1", "counter.call_next")
    step("counter-1", "ticket.serve")
    step("counter-4", "counter.pause")
    step("manager-1", "counter.assign", counter="12", services=["khcn", "dkdn"])
    step("manager-1", "service.close", service="moitruong")
    step("manager-1", "ticket.cancel", ticket=q.state.services["datdai"].waiting[-1])
    step("manager-1", "board.message", text="Nghỉ trưa lúc 11:30",
         until=datetime(2026, 11, 23, 11, 30, 0, 500, tzinfo=timezone(timedelta(hours=9))))
    step("counter-1", "counter.recall")
    step("kiosk-1", "counter.call_next")
    step("counter-3", "ticket.done")
    lines += _states(q, "busy")
    q.advance(hours=10)
    step("kiosk-1", "ticket.issue", service="dkdn")
    step("manager-1", "service.open", service="moitruong")
    lines += _states(q, "evening")
    return lines


def test_the_wire_bytes_stay_as_they_were():
    lines = _busy_day()
    if os.environ.get("QMS_UPDATE_GOLDEN"):
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
    golden = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(golden)
    for line, expected in zip(lines, golden, strict=True):
        assert line == expected
