"""A fault inside an MQTT callback costs what the callback was doing, not the hub: a view that
raised in the connect handler (`publish_all` on every connect) once ended the hub's thread and
left the process up but deaf."""

from __future__ import annotations

from broker.service.hub import REFRESH_S
from tests.support import HubProcess, wait_for


def test_a_view_that_raises_on_connect_leaves_the_hub_serving(broker, tmp_path, devices):
    hub = HubProcess(broker.url, tmp_path / "ledger.db",
                     module="tests.hub.hub_with_a_failing_view").start()
    try:
        kiosk = devices("kiosk-1", attempt_timeout=2.0, attempts=2)
        assert kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]["number"] == "1001"
        # What the connect handler could not publish, the refresh does.
        board = devices("board-hall")
        wait_for(lambda: board.cached(board.topics.board_state) is not None,
                 timeout=3 * REFRESH_S, what="the board's state")
        assert hub.process is not None and hub.process.poll() is None
        assert "a view that fails once (test)" in hub.log.read_text()
    finally:
        assert hub.stop() == 0
