"""Device strings from config, e.g. ``serial:/dev/ttyUSB0?baud=115200&paper=58``.

``kind:target?option=value&...``: the kind picks the backend, the target is its address, and
every option must be one the backend knows, so a typo fails at start-up, not at the first call.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass
class DeviceString:
    text: str
    kind: str
    target: str
    options: dict[str, str] = field(default_factory=dict)

    def take(self, name: str, default: str) -> str:
        return self.options.pop(name, default)

    def take_int(self, name: str, default: int, low: int, high: int) -> int:
        value = self.take_optional_int(name, low, high)
        return default if value is None else value

    def take_optional_int(self, name: str, low: int, high: int) -> int | None:
        raw = self.options.pop(name, None)
        if raw is None:
            return None
        try:
            value = int(raw, 0)
        except ValueError:
            raise ValueError(f"{self.text}: {name} must be a number, not {raw!r}") from None
        if not low <= value <= high:
            raise ValueError(f"{self.text}: {name} must be {low}-{high}, not {value}")
        return value

    def take_choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.options.pop(name, default)
        if value not in choices:
            raise ValueError(f"{self.text}: {name} must be one of {', '.join(choices)}")
        return value

    def done(self) -> None:
        """Fails on any option the backend did not take."""
        if self.options:
            raise ValueError(f"{self.text}: unknown option(s) {', '.join(sorted(self.options))}")


def parse_device(text: str, kinds: tuple[str, ...]) -> DeviceString:
    kind, sep, rest = text.partition(":")
    if kind not in kinds or (not sep and kind != "virtual"):
        raise ValueError(f"device {text!r}: must start with one of {', '.join(kinds)}")
    target, _, query = rest.partition("?")
    try:
        pairs = parse_qsl(query, keep_blank_values=False, strict_parsing=bool(query))
    except ValueError:
        raise ValueError(f"device {text!r}: options must look like name=value&name=value") from None
    options = dict(pairs)
    if len(options) != len(pairs):
        raise ValueError(f"device {text!r}: an option is given twice")
    return DeviceString(text, kind, target, options)
