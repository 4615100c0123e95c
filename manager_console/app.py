"""The manager console assembled: bridge, controller and window over a device client. The
caller owns the QApplication and the client (the demo runs every app in one process)."""

from __future__ import annotations

from dataclasses import dataclass

from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import DeviceClient
from manager_console.controller import ManagerController
from manager_console.views import ManagerWindow
from qtkit.bridge import MqttBridge


@dataclass
class ManagerConsole:
    window: ManagerWindow
    controller: ManagerController
    bridge: MqttBridge

    def close(self) -> None:
        """Stop the timers and the device-status subscription; the client stays the caller's."""
        self.controller.close()
        self.window.close()


def create_manager_console(client: DeviceClient, *, lang: str = "vi",
                           clock: Clock = wall_clock) -> ManagerConsole:
    bridge = MqttBridge(client)
    controller = ManagerController(bridge, lang=lang, clock=clock)
    window = ManagerWindow(controller)
    bridge.start()
    return ManagerConsole(window, controller, bridge)
