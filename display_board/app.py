"""`create_board`: a whole board (bridge, model, controller, window, optional voice) inside a Qt
application someone else made, so the demo runs every app in one process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import DeviceClient
from display_board.controller import BoardController
from display_board.model import BoardModel
from display_board.views import BoardWindow, board_font
from display_board.voice import CallVoice, VoiceOptions
from display_board.zone import parse_counters
from qtkit.bridge import MqttBridge


@dataclass
class Board:
    window: BoardWindow
    controller: BoardController
    bridge: MqttBridge
    voice: CallVoice | None

    def close(self) -> None:
        """Stops the voice (after what it is saying) and closes the window; the caller stops
        the client it passed in."""
        if self.voice is not None:
            self.voice.stop()
        self.window.close()


def create_board(client: DeviceClient, *, counters: Sequence[str] | str | None = None,
                 lang: str = "vi", voice: VoiceOptions | None = None, clock: Clock = wall_clock,
                 blink_s: float = 8.0, fresh_s: float = 10.0) -> Board:
    """A board for `client` (a started DeviceClient of a board device).

    `counters`: the zone, as ids or a spec like "1-6"; None takes the device's config entry.
    `voice`: also announce the zone's calls, with these options.
    """
    zone = parse_counters(counters) if isinstance(counters, str) else (
        tuple(counters) if counters is not None else None)
    bridge = MqttBridge(client)
    window = BoardWindow()
    window.setFont(board_font(24))
    model = BoardModel(client.device_id, zone)
    controller = BoardController(bridge, window, model, lang=lang, clock=clock, blink_s=blink_s,
                                 fresh_s=fresh_s)
    bridge.start()
    controller.render()  # what the client already holds, at once
    call_voice = None
    if voice is not None:
        call_voice = CallVoice(client, voice, zone=zone, clock=clock,
                               on_silence=controller.voice_silence.emit).start()
    return Board(window, controller, bridge, call_voice)
