"""The wire contract (v1): topics and message shapes, built and parsed here and nowhere else.
The shapes of the queue's state (`ServiceState`, `CounterState`, `BoardState`, `TicketInfo`)
are typed in `broker.core.messages`, where the engine's views build them; devices read them
from here, with the rest of the contract.

The hub decodes what comes in strictly; devices decode what the hub sends leniently (fields
they do not know are ignored), so fields can be added within v1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from broker.core.commands import Args
from broker.core.engine import OPS
from broker.core.messages import (
    VERSION,
    BoardCallInfo,
    BoardNotice,
    BoardState,
    CounterState,
    IssuedTicketInfo,
    Message,
    QueuedTicket,
    Retained,
    ServiceState,
    TicketInfo,
    TicketRef,
)
from config.schema import CenterConfig

# The contract, as devices import it: the queue state's shapes are typed in
# `broker.core.messages` (the engine's views build them) and read from here with the rest.
__all__ = [
    "MAX_PAYLOAD",
    "QOS",
    "STATE_TYPES",
    "VERSION",
    "BoardCallInfo",
    "BoardNotice",
    "BoardState",
    "CommandId",
    "ConfigMessage",
    "CounterState",
    "DeviceStatus",
    "ErrorBody",
    "Event",
    "HubStatus",
    "IncomingCommand",
    "IssuedTicketInfo",
    "Message",
    "ParsedTopic",
    "QueuedTicket",
    "Refused",
    "Reply",
    "Retained",
    "ServiceState",
    "TicketInfo",
    "TicketRef",
    "TopicKind",
    "Topics",
    "Unanswerable",
    "decode",
    "decode_command",
    "decode_reply",
    "encode",
    "encode_command",
    "encode_error",
    "encode_event",
    "encode_reply",
    "encode_state",
    "json_schemas",
    "outdated",
]

MAX_PAYLOAD = 16 * 1024  # a command is a few hundred bytes; anything near this is hostile
QOS = 1

# --- topics -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topics:
    site: str

    @property
    def root(self) -> str:
        return f"qms/v{VERSION}/{self.site}"

    @property
    def hub_status(self) -> str:
        return f"{self.root}/hub/status"

    @property
    def config(self) -> str:
        return f"{self.root}/config"

    def service_state(self, service: str) -> str:
        return f"{self.root}/state/services/{service}"

    def counter_state(self, counter: str) -> str:
        return f"{self.root}/state/counters/{counter}"

    @property
    def board_state(self) -> str:
        return f"{self.root}/state/board"

    def event(self, kind: str) -> str:
        return f"{self.root}/events/{kind}"

    def device_cmd(self, device: str) -> str:
        return f"{self.root}/devices/{device}/cmd"

    def device_reply(self, device: str) -> str:
        return f"{self.root}/devices/{device}/reply"

    def device_status(self, device: str) -> str:
        return f"{self.root}/devices/{device}/status"

    # subscriptions
    @property
    def all_commands(self) -> str:
        return f"{self.root}/devices/+/cmd"

    @property
    def all_state(self) -> str:
        return f"{self.root}/state/#"

    @property
    def all_events(self) -> str:
        return f"{self.root}/events/#"

    @property
    def all_device_status(self) -> str:
        return f"{self.root}/devices/+/status"

    def parse(self, topic: str) -> ParsedTopic | None:
        prefix = self.root + "/"
        if not topic.startswith(prefix):
            return None
        parts = topic[len(prefix):].split("/")
        match parts:
            case ["hub", "status"]:
                return ParsedTopic("hub_status")
            case ["config"]:
                return ParsedTopic("config")
            case ["state", "services", service]:
                return ParsedTopic("service_state", service)
            case ["state", "counters", counter]:
                return ParsedTopic("counter_state", counter)
            case ["state", "board"]:
                return ParsedTopic("board_state")
            case ["events", kind]:
                return ParsedTopic("event", kind)
            case ["devices", device, ("cmd" | "reply" | "status") as what]:
                return ParsedTopic(f"device_{what}", device)
        return None


TopicKind = Literal["hub_status", "config", "service_state", "counter_state", "board_state",
                    "event", "device_cmd", "device_reply", "device_status"]


@dataclass(frozen=True, slots=True)
class ParsedTopic:
    kind: TopicKind
    key: str = ""  # the service, counter, event kind or device the topic names


# --- commands and replies ---------------------------------------------------------------------

CommandId = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class ErrorBody(msgspec.Struct, frozen=True, omit_defaults=True):
    code: str
    message: str
    # With `rate_limited`: seconds until the device may send again.
    retry_after_s: float | None = None


class Reply(msgspec.Struct, frozen=True, omit_defaults=True):
    v: int  # required, so that omit_defaults never drops it
    id: str
    ok: bool
    result: dict[str, Any] | None = None
    error: ErrorBody | None = None


@dataclass(frozen=True, slots=True)
class IncomingCommand:
    id: str
    op: str
    args: Args


class Unanswerable(Exception):
    """A payload nobody can be answered for (not JSON, not an object, no id): log, drop."""


class Refused(Exception):
    """A command with an id that is refused before it reaches the queue."""

    def __init__(self, command_id: str, code: str, message: str) -> None:
        super().__init__(message)
        self.id, self.code, self.message = command_id, code, message


def encode_command(command_id: str, op: str, args: dict[str, Any] | None = None) -> bytes:
    return msgspec.json.encode({"v": VERSION, "id": command_id, "op": op, "args": args or {}})


def decode_command(payload: bytes) -> IncomingCommand:
    """Strict: raises Unanswerable or Refused(code) for anything that is not a valid command."""
    if len(payload) > MAX_PAYLOAD:
        raise Unanswerable(f"payload of {len(payload)} bytes is over the {MAX_PAYLOAD} limit")
    try:
        message = msgspec.json.decode(payload)
    except msgspec.DecodeError as exc:
        raise Unanswerable(f"not JSON: {exc}") from exc
    except RecursionError as exc:
        raise Unanswerable("JSON nested too deeply") from exc
    if not isinstance(message, dict):
        raise Unanswerable(f"not a JSON object but {type(message).__name__}")
    command_id = message.get("id")
    if not isinstance(command_id, str) or not 1 <= len(command_id) <= 100:
        raise Unanswerable("no usable id (a string of 1 to 100 characters)")
    unknown = set(message) - {"v", "id", "op", "args"}
    if unknown:
        raise Refused(command_id, "bad_request", f"unknown fields {sorted(unknown)}")
    if message.get("v") != VERSION:
        raise Refused(command_id, "bad_request", f"unsupported version {message.get('v')!r}")
    op = message.get("op")
    spec = OPS.get(op) if isinstance(op, str) else None
    if spec is None:
        raise Refused(command_id, "unknown_op", f"unknown operation {op!r}")
    args = message.get("args", {})
    if not isinstance(args, dict):
        raise Refused(command_id, "bad_request", "args must be an object")
    try:
        typed = msgspec.convert(args, spec.args, strict=True)
    except msgspec.ValidationError as exc:
        raise Refused(command_id, "bad_request", f"{op}: {exc}".replace("$", "args")) from exc
    return IncomingCommand(command_id, op, typed)


def encode_reply(command_id: str, result: dict[str, Any]) -> bytes:
    return msgspec.json.encode(Reply(VERSION, command_id, True, result=result))


def encode_error(command_id: str, code: str, message: str, *,
                 retry_after_s: float | None = None) -> bytes:
    return msgspec.json.encode(Reply(VERSION, command_id, False,
                                     error=ErrorBody(code, message, retry_after_s)))


def decode_reply(payload: bytes) -> Reply:
    return msgspec.json.decode(payload, type=Reply)


# --- what the hub publishes (devices decode these leniently) --------------------------------


class HubStatus(Message, frozen=True, kw_only=True):
    status: Literal["online", "offline"]
    at: datetime | None = None
    # Online only: the business day the hub keeps (the ledger's, not the clock's), and by how
    # many seconds the machine's clock is behind the ledger's last command (0: it is not).
    day: date | None = None
    clock_behind_s: int = 0


class ConfigMessage(Retained, frozen=True, kw_only=True):
    config: CenterConfig


class Event(Message, frozen=True, kw_only=True):
    """Every event has a kind and a time; the rest depends on the kind (see docs)."""

    kind: str
    at: datetime
    ticket: str | None = None
    number: str | None = None
    service: str | None = None
    counter: str | None = None
    counter_number: int | None = None
    officer: str | None = None
    calls: int | None = None
    priority: bool | None = None
    score: int | None = None
    text: str | None = None


class DeviceStatus(Message, frozen=True, kw_only=True):
    online: bool
    session: str = ""
    version: str = ""
    role: str = ""
    health: dict[str, Any] = msgspec.field(default_factory=dict)
    at: datetime | None = None


def encode(message: Message | dict[str, Any]) -> bytes:
    return msgspec.json.encode(message)


def encode_state(view: Retained, rev: int) -> bytes:
    """A view as published: the hub compares views without their `rev`, and numbers each
    one only as it goes out."""
    return msgspec.json.encode(msgspec.structs.replace(view, rev=rev))


def outdated(state: Retained, held: Retained | None) -> bool:
    """Older than the state a device holds: a queued signal can still bring it after a newer
    one, and it must not put the screen back."""
    return held is not None and state.rev < held.rev


def encode_event(kind: str, data: dict[str, Any]) -> bytes:
    return msgspec.json.encode({"v": VERSION, "kind": kind, **data})


_M = TypeVar("_M")
_decoders: dict[type, msgspec.json.Decoder] = {}


def decode(payload: bytes, kind: type[_M]) -> _M:
    decoder = _decoders.get(kind)
    if decoder is None:
        decoder = _decoders[kind] = msgspec.json.Decoder(kind)
    return decoder.decode(payload)


STATE_TYPES: dict[str, type[Retained]] = {
    "service_state": ServiceState,
    "counter_state": CounterState,
    "board_state": BoardState,
    "config": ConfigMessage,
}


def json_schemas() -> dict[str, Any]:
    """JSON Schemas of every message, for the docs and for third-party device makers."""
    types: list[Any] = [Reply, HubStatus, ServiceState, CounterState, BoardState, Event,
                        DeviceStatus, ConfigMessage]
    types += [spec.args for spec in OPS.values()]
    schemas, components = msgspec.json.schema_components(types)
    named = {t.__name__: s for t, s in zip(types, schemas, strict=True)}
    return {"messages": named, "$defs": components}
