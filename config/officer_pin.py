"""Officers' PINs: an argon2id hash in the config, never the PIN itself.

The hub verifies a PIN when a counter terminal opens a counter (`broker.service.hub`);
`qms officer set-pin` writes a new hash into the center's TOML, changing only that field
(comments and layout are kept, through tomlkit).
"""

from __future__ import annotations

import re
from pathlib import Path

import argon2
import tomlkit

# One of OWASP's equivalent argon2id minimums (7 MiB, 5 passes, 1 lane): about 40 ms per
# check on a hall's hub, which checks one at each sign-in on its single thread. The 19 MiB
# variant cost the same time but left the hub 20 MB bigger for good (glibc keeps the freed
# block). A 4-digit PIN is protected mostly by the hub's online limits (the rate limit, the
# lock after wrong PINs) and by the hash never leaving the hub (the devices' config has none).
_HASHER = argon2.PasswordHasher(time_cost=5, memory_cost=7_168, parallelism=1)
PIN_PATTERN = re.compile(r"^[0-9]{4,12}$")


class PinError(ValueError):
    """A PIN or a config that cannot take one; the message says why."""


def hash_pin(pin: str) -> str:
    if not PIN_PATTERN.match(pin):
        raise PinError("a PIN is 4 to 12 digits")
    return _HASHER.hash(pin)


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _HASHER.verify(pin_hash, pin)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def set_pin_in_file(path: Path, officer_id: str, pin: str) -> None:
    """Rewrite `pin_hash` of one `[[officers]]` entry of the TOML at `path`, keeping the rest
    of the file as it is; the file is checked with the loader before it replaces the old."""
    from config.load import parse_config  # the loader, to refuse writing a broken file

    text = path.read_text(encoding="utf-8")
    document = tomlkit.parse(text)
    officers = document.get("officers")
    entry = next((o for o in officers or () if o.get("id") == officer_id), None)
    if entry is None:
        raise PinError(f"{path}: no officer {officer_id!r} in [[officers]]")
    entry["pin_hash"] = hash_pin(pin)
    new_text = tomlkit.dumps(document)
    parse_config(new_text, str(path))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(path)
