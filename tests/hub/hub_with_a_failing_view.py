"""`qms hub` whose board view raises the first time it is built, which is inside the hub's
connect handler (`publish_all` on every connect): `python -m tests.hub.hub_with_a_failing_view
hub ARGS`, as `HubProcess(module=...)` runs it."""

from __future__ import annotations

import sys
from datetime import datetime

from broker.core.messages import BoardState
from broker.core.queue_state import QueueState
from broker.service import hub
from qms.cli import main

built = hub.board_view
failed = False


def board_view_failing_once(engine: hub.QueueEngine, state: QueueState, now: datetime
                            ) -> BoardState:
    global failed
    if not failed:
        failed = True
        raise RuntimeError("a view that fails once (test)")
    return built(engine, state, now)


hub.board_view = board_view_failing_once

if __name__ == "__main__":
    sys.exit(main())
