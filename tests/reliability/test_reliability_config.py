"""Config files with mistakes are refused before anything starts, with the file, the line,
the field and what is wrong."""

from __future__ import annotations

import subprocess
import sys

import pytest

from config import ConfigError
from config.load import parse_config
from tests.support import ROOT

GOOD = (ROOT / "config" / "center.toml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    found = [i for i, line in enumerate(text.splitlines(), 1) if line == needle]
    return found[nth - 1]


# (what is wrong, the original line, the broken line, which occurrence, field, words in message)
MISTAKES = [
    ("a typo in a key", 'daily_limit = 300', 'daily_limt = 300', 1, "services[0].daily_limt",
     "unknown field"),
    ("a wrong type", 'number = 5', 'number = "5"', 1, "counters[4].number", "Expected `int`"),
    ("a counter on a service that is not there", 'services = ["lltp"]',
     'services = ["lltp", "nosuch"]', 1, "counters[8].services[1]", "unknown service"),
    ("two counters with one number", 'number = 12', 'number = 11', 1, "counters[11].number",
     "duplicate number"),
    ("a device on an unknown counter", 'counter = "12"', 'counter = "13"', 1,
     "devices[", "unknown counter"),
    ("hours that end before they start", 'sat = ["07:00-11:30"]', 'sat = ["11:30-07:00"]', 1,
     "hours.sat[0]", "ends before it starts"),
    ("an unknown role", 'role = "kiosk"', 'role = "kiosks"', 1, "devices[0].role",
     "Invalid enum value 'kiosks'"),
    ("a site id with a space", 'site = "longan"', 'site = "long an"', 1, "center.site",
     'expected letters, digits and "-"'),
]


@pytest.mark.parametrize(("what", "original", "broken", "nth", "field", "words"), MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_a_config_mistake_names_file_line_and_field(what, original, broken, nth, field, words):
    line = _line_of(GOOD, original, nth)
    lines = GOOD.splitlines()
    lines[line - 1] = broken
    with pytest.raises(ConfigError) as caught:
        parse_config("\n".join(lines), "center.toml")
    error = caught.value
    assert error.field.startswith(field), (what, str(error))
    assert words in error.message, (what, str(error))
    assert str(error).startswith("center.toml:"), str(error)
    if field != "devices[":  # a device's counter is found by its table's line
        assert error.line == line, (what, str(error))


def test_the_hub_refuses_to_start_on_a_broken_config(tmp_path):
    bad = tmp_path / "center.toml"
    bad.write_text(GOOD.replace('[[counters]]\nid = "1"', '[[counters]\nid = "1"', 1))
    done = subprocess.run([sys.executable, "-m", "qms.cli", "hub", "--config", str(bad),
                           "--db", str(tmp_path / "ledger.db"), "--no-managed-broker",
                           "--broker", "mqtt://127.0.0.1:1"], cwd=ROOT, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2
    assert f"{bad}:" in done.stderr and "not valid TOML" in done.stderr
    assert not (tmp_path / "ledger.db").exists()
