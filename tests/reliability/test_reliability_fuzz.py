"""Hostile payloads on every command topic of a running hub (the long run:
`python -m tools.fuzz_hub --count 100000`), and the decoding of the worst of them."""

from __future__ import annotations

import pytest

from broker.wire import protocol
from tools.fuzz_hub import run, table


def test_the_hub_survives_fuzzed_commands_and_garbage_creates_nothing(tmp_path):
    figures = run(1500, batch=500, seed_value=11, workdir=tmp_path, out=None)
    print(table(figures))
    assert figures.problems == []
    assert figures.payloads == 1500 and figures.canaries == 3
    assert figures.canary_failures == 0 and figures.untraceable == 0
    assert figures.replies > 100  # refusals for everything that had an id
    assert figures.accepted >= 3  # at least the canaries' tickets


DEEP = b'{"v":1,"id":"deep","op":"ticket.issue","args":{"service":' + b"[" * 3000 + \
    b"]" * 3000 + b"}}"
BAD_UTF8 = b'{"v":1,"id":"u","op":"\x9a\xac\xcf"}'


@pytest.mark.parametrize("payload", [DEEP, BAD_UTF8], ids=["deep-nesting", "invalid-utf8"])
def test_hostile_payloads_are_dropped_by_the_decoder(payload):
    with pytest.raises((protocol.Unanswerable, protocol.Refused)):
        protocol.decode_command(payload)
