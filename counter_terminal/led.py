"""The LED number display over the counter, kept in step with the counter's retained state:
the called number blinking while the citizen is being called, steady while served, blank
when there is no ticket or the counter is paused or closed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from broker.wire.protocol import CounterState
from drivers.led_display import LedDisplay

log = logging.getLogger("qms.counter.led")


@dataclass(frozen=True)
class LedFrame:
    number: str | None  # None: blank
    blink: bool = False
    calls: int = 0  # a recall re-sends the same number so the display blinks again


def frame_for(counter: CounterState) -> LedFrame:
    ticket = counter.ticket
    if counter.status != "open" or ticket is None:
        return LedFrame(None)
    return LedFrame(ticket.number, blink=ticket.state == "called", calls=ticket.calls)


class LedMirror:
    def __init__(self, display: LedDisplay) -> None:
        self.display = display
        self.shown: LedFrame | None = None
        self.healthy = True

    def update(self, counter: CounterState) -> bool:
        """Send the frame the state asks for, once; False if the display could not be written
        (it is tried again on the next state)."""
        frame = frame_for(counter)
        if frame == self.shown:
            return self.healthy
        try:
            if frame.number is None:
                self.display.blank()
            else:
                self.display.show(frame.number, blink=frame.blink)
        except (OSError, ValueError) as exc:
            # ValueError: a number longer than the display (a config mismatch); the terminal
            # goes on, and the device health says the display is in trouble.
            log.error("LED display: %s", exc)
            self.shown, self.healthy = None, False
            return False
        self.shown, self.healthy = frame, True
        return True
