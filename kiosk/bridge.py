"""The shared MQTT bridge, with requests that can name their command id.

A citizen's one tap must stay one command even when the kiosk tries again after a timeout:
the hub answers a repeated id with its first reply, so the retry can never give a second
ticket. `qms.qt_bridge.MqttBridge.request` does not take the id yet; this adds only that.
"""

from __future__ import annotations

from typing import Any

from qms.qt_bridge import MqttBridge, ReplyHandler


class KioskBridge(MqttBridge):
    def request(self, op: str, args: dict[str, Any] | None, on_done: ReplyHandler, *,
                command_id: str | None = None) -> str:
        """Send a command; `on_done(result, error)` runs on the GUI thread."""
        return self.client.send(op, args,
                                lambda result, error: self._reply.emit(on_done, result, error),
                                command_id=command_id)
