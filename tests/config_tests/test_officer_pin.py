"""`qms officer set-pin`: the PIN becomes an argon2 hash in that officer's entry, and nothing
else of the file changes (comments, order, layout)."""

from __future__ import annotations

import subprocess
import sys

from config import load_config
from config.load import DEFAULT_CONFIG
from config.officer_pin import hash_pin, pin_matches
from tests.support import DEMO_PIN, ROOT


def _set_pin(path, officer: str, pin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qms.cli", "officer", "set-pin", "--config",
                           str(path), officer], input=pin + "\n", cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_set_pin_rewrites_only_that_officers_hash(tmp_path):
    path = tmp_path / "center.toml"
    before = DEFAULT_CONFIG.read_text(encoding="utf-8")
    path.write_text(before, encoding="utf-8")
    done = _set_pin(path, "ttb", "246810")
    assert done.returncode == 0, done.stderr
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True)
               if a != b]
    assert len(changed) == 1 and changed[0][0].startswith('pin_hash = "$argon2id$')
    config = load_config(path)
    assert pin_matches(config.officer("ttb").pin_hash, "246810")
    assert not pin_matches(config.officer("ttb").pin_hash, DEMO_PIN)
    assert pin_matches(config.officer("nva").pin_hash, DEMO_PIN)  # the others as they were
    assert "246810" not in after


def test_set_pin_refuses_an_unknown_officer_or_a_pin_that_is_not_digits(tmp_path):
    path = tmp_path / "center.toml"
    path.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    unknown = _set_pin(path, "nobody", "1234")
    assert unknown.returncode == 2 and "no officer 'nobody'" in unknown.stderr
    short = _set_pin(path, "ttb", "12a")
    assert short.returncode == 2 and "4 to 12 digits" in short.stderr
    assert path.read_text(encoding="utf-8") == DEFAULT_CONFIG.read_text(encoding="utf-8")


def test_the_demo_officers_have_the_documented_demo_pin():
    config = load_config()
    assert config.officers and all(pin_matches(o.pin_hash, DEMO_PIN) for o in config.officers)
    assert not pin_matches(hash_pin("1111"), DEMO_PIN)
    # The config the hub publishes to the devices has no hash.
    assert all(o.pin_hash is None for o in config.public().officers)
