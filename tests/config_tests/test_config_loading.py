"""The center config: the demo center loads, and each kind of mistake is refused naming the
file, the line and the field."""

from __future__ import annotations

import pytest

from config import ConfigError, load_config, parse_config
from config.load import DEFAULT_CONFIG

TEXT = DEFAULT_CONFIG.read_text(encoding="utf-8")


def test_the_demo_center_loads():
    config = load_config()
    assert config.center.site == "longan" and config.center.timezone == "Asia/Ho_Chi_Minh"
    assert len(config.departments) == 6 and len(config.counters) == 12
    assert {d.name.vi for d in config.departments} >= {"Sở Tư pháp", "Sở Xây dựng"}
    assert config.hours.sat == ["07:00-11:30"] and config.hours.sun == []
    assert config.device("counter-5").counter == "5"
    assert config.device("board-zone-a").counters == ["1", "2", "3", "4", "5", "6"]
    assert [level.name.vi for level in config.rating.levels] == [
        "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"]


def _error(old: str, new: str) -> ConfigError:
    text = TEXT.replace(old, new, 1)
    assert text != TEXT, f"the demo config has no {old!r}"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "center.toml")
    error = caught.value
    assert str(error).startswith(f"center.toml:{error.line}: ")
    assert text.splitlines()[error.line - 1].strip().startswith(new.split("\n")[0].strip()[:8])
    return error


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ("daily_limit = 300", "dailly_limit = 300", "services[0].dailly_limit", "unknown field"),
    ('services = ["dkdn", "dautu"]', 'services = ["dkdn", "dauttu"]', "counters[1].services[1]",
     "unknown service 'dauttu'"),
    ('id = "kiosk-2"', 'id = "kiosk-1"', "devices[1].id", "duplicate id 'kiosk-1'"),
    ("range = [1501, 1999]", "range = [1401, 1999]", "services[1].range",
     "overlaps service 'dkdn'"),
    ('fri = ["07:00-11:30", "13:00-17:00"]', 'fri = ["07:00-11:30", "13:00-17:60"]',
     "hours.fri[1]", "not a time of day"),
    ('mon = ["07:00-11:30", "13:00-17:00"]', 'mon = ["11:30-07:00", "13:00-17:00"]',
     "hours.mon[0]", "ends before it starts"),
    ('mon = ["07:00-11:30", "13:00-17:00"]', 'mon = ["7:00-11:30", "13:00-17:00"]',
     "hours.mon[0]", 'expected a time span like "07:00-11:30"'),
    ('id = "kiosk-1"', 'id = "kiosk 1"', "devices[0].id", "expected an id of letters"),
    ("range = [1001, 1499]", 'range = [1001, "x"]', "services[0].range[1]", "Expected `int`"),
    ('department = "skhdt"', 'department = "skhdtt"', "services[0].department",
     "unknown department"),
    ('officer = "hve"', 'officer = "nobody"', "counters[4].officer", "unknown officer"),
    ('counter = "5"', 'counter = "55"', "devices[14].counter", "unknown counter '55'"),
    ("daily_limit = 60", "daily_limit = 600", "services[11].daily_limit", "more than the range"),
    ("score = 2\n", "score = 7\n", "rating.levels[2].score", "<= 4"),
    ('face = "smile"', 'fase = "smile"', "rating.levels[1].fase", "unknown field"),
    ('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Saigonn"', "center.timezone",
     "unknown time zone"),
    ('role = "kiosk"', 'role = "kiosque"', "devices[0].role",
     "allowed: announcer, board, counter, kiosk, manager, tablet"),
    ('policy = "oldest_first"', 'policy = "oldest"', "queue.policy",
     "allowed: oldest_first, service_order"),
])
def test_mistakes_name_the_line_and_the_field(old, new, field, words):
    error = _error(old, new)
    assert error.field == field
    assert words in error.message


def test_not_toml_names_the_line():
    text = TEXT.replace("[queue]", "[queue", 1)
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "center.toml")
    assert caught.value.line == text.splitlines().index("[queue") + 1
    assert "not valid TOML" in str(caught.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.toml")


def test_the_hub_refuses_a_bad_config_with_the_message(tmp_path, caplog):
    from qms.cli import main

    bad = tmp_path / "center.toml"
    bad.write_text(TEXT.replace('services = ["dkdn", "dautu"]', 'services = ["dkdn", "x"]', 1),
                   encoding="utf-8")
    assert main(["hub", "--config", str(bad), "--db", str(tmp_path / "l.db")]) == 2
    line = TEXT.splitlines().index('services = ["dkdn", "dautu"]') + 1
    assert f"{bad}:{line}: counters[1].services[1]: unknown service 'x'" in caplog.text
