"""Mosquitto users, ACL and config for a center, made from the center's config.

One broker user per device (the user name is the device id), one for the hub. The ACL is the
wire contract's: device X writes only its own `cmd` and `status`, reads its own `reply` and the
public `config`, `state/#`, `events/#` and `hub/status`; managers also read every device's
status (the console shows device health); the hub reads and writes everything.

Passwords are hashed the way Mosquitto 2.x does (`$7$`: PBKDF2-HMAC-SHA512, 101 rounds, a
12-byte salt), so no `mosquitto_passwd` is needed on the machine that runs the setup. The
plain passwords go to one credentials file (mode 0600) that the IT person hands out line by
line; re-running the setup keeps them unless asked to rotate.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from config.schema import CenterConfig

HUB_USER = "qms-hub"
PBKDF2_ROUNDS = 101  # what mosquitto_passwd 2.0 writes; Mosquitto reads the count per line
PASSWORD_FILE = "qms.passwd"
ACL_FILE = "qms.acl"
CONF_FILE = "qms.conf"
CREDENTIALS_FILE = "credentials.toml"
DEVICE_CA = "/etc/qms/ca.crt"  # where a device machine keeps the center's CA certificate
# What the broker may hold for one client (the hub while it is away, a slow board): past
# this it drops, so no device can fill the broker's memory while the hub is down.
MAX_QUEUED_BYTES = 16 * 1024 * 1024
MAX_QUEUED_MESSAGES = 100_000
MESSAGE_SIZE_LIMIT = 256 * 1024  # a command is a few hundred bytes; the config tens of KB


class SetupError(ValueError):
    """A setup that cannot be made as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class TlsFiles:
    cert: Path
    key: Path
    ca: Path


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    password: str


@dataclass(slots=True)
class Setup:
    """What `write_setup` wrote."""

    out: Path
    users: list[User]
    files: dict[str, Path] = field(default_factory=dict)
    rotated: list[str] = field(default_factory=list)


def password_hash(password: str, *, salt: bytes | None = None,
                  rounds: int = PBKDF2_ROUNDS) -> str:
    """A Mosquitto 2.x password file hash (`$7$rounds$salt$hash`)."""
    salt = salt if salt is not None else secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, rounds)
    return f"$7${rounds}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def password_matches(password: str, hashed: str) -> bool:
    parts = hashed.split("$")
    if len(parts) != 5 or parts[1] != "7":
        return False
    salt = base64.b64decode(parts[3])
    return secrets.compare_digest(password_hash(password, salt=salt, rounds=int(parts[2])),
                                  hashed)


def new_password() -> str:
    # URL-safe, so it goes into mqtt://user:password@host without quoting trouble.
    return secrets.token_urlsafe(18)


def acl_text(config: CenterConfig, hub_user: str = HUB_USER) -> str:
    site = config.center.site
    # `+` stands for the protocol version, so a v2 device can share the broker in an upgrade.
    root = f"qms/+/{site}"
    managers = [d.id for d in config.devices if d.role == "manager"]
    lines = [
        f"# Mosquitto ACL for center {site}, made by `qms broker setup` from the center config.",
        "# Re-run the setup after changing the devices; do not edit by hand.",
        "",
        "# The hub reads and writes everything of the center.",
        f"user {hub_user}",
        "topic readwrite qms/#",
        "",
    ]
    for manager in managers:
        lines += [
            "# A manager console shows every device's health.",
            f"user {manager}",
            f"topic read {root}/devices/+/status",
            "",
        ]
    lines += [
        "# Every device (%u is its user name, which is its device id): its own command,",
        "# status and reply topics, and the public retained state and events.",
        f"pattern write {root}/devices/%u/cmd",
        f"pattern write {root}/devices/%u/status",
        f"pattern read {root}/devices/%u/reply",
        f"pattern read {root}/config",
        f"pattern read {root}/state/#",
        f"pattern read {root}/events/#",
        f"pattern read {root}/hub/status",
        "",
    ]
    return "\n".join(lines)


def mosquitto_config(*, port: int = 1883, bind: str = "127.0.0.1",
                     data_dir: Path = Path("/var/lib/mosquitto"),
                     password_file: Path, acl_file: Path, tls: TlsFiles | None = None,
                     tls_port: int = 8883, bind_client_ids: bool = True,
                     log_file: Path | None = None) -> str:
    """A Mosquitto 2.x config for the hall: the contract's users and ACL, and the settings
    measured in DESIGN.md (TCP_NODELAY, a big queue, a message size limit)."""
    # With TLS, the plain listener is for the hub on this machine only: no password
    # crosses the hall's LAN in clear.
    plain = "127.0.0.1" if tls is not None else bind
    lines = [
        "# Mosquitto for the center's hall, made by `qms broker setup`.",
        "per_listener_settings false",
        *(["# Plain MQTT on loopback only: the hub, on this machine."] if tls else []),
        f"listener {port} {plain}",
    ]
    if tls is not None:
        lines += [
            "",
            "# TLS for devices on the hall LAN.",
            f"listener {tls_port} {bind}",
            f"certfile {tls.cert}",
            f"keyfile {tls.key}",
            f"cafile {tls.ca}",
            "tls_version tlsv1.2",
        ]
    lines += [
        "",
        "allow_anonymous false",
        f"password_file {password_file}",
        f"acl_file {acl_file}",
    ]
    if bind_client_ids:
        lines += [
            "# A client's id is its user name: a device cannot take over the hub's session",
            "# (or another device's) by connecting with its client id.",
            "use_username_as_clientid true",
        ]
    lines += [
        "",
        "# What the hub acknowledged must survive a broker restart.",
        "persistence true",
        f"persistence_location {str(data_dir).rstrip('/')}/",
        "autosave_interval 10",
        "set_tcp_nodelay true",
        *broker_limits(),
    ]
    if log_file is not None:
        lines += [f"log_dest file {log_file}"]
    lines += ["log_type error", "log_type warning", "log_type notice", ""]
    return "\n".join(lines)


def broker_limits(max_queued_bytes: int = MAX_QUEUED_BYTES,
                  max_queued_messages: int = MAX_QUEUED_MESSAGES) -> list[str]:
    """The per-client limits every Mosquitto of the project runs with (this setup's, the
    managed broker's, `hall.conf`)."""
    return [
        "# The default 1000 silently drops QoS 1 messages to a slow subscriber; but what one",
        "# client's queue may hold is bounded, in messages and in bytes: while the hub is",
        "# away, a device that floods its cmd topic fills the hub's queue up to this, and the",
        "# broker drops the rest instead of growing without end.",
        f"max_queued_messages {max_queued_messages}",
        f"max_queued_bytes {max_queued_bytes}",
        "max_inflight_messages 100",
        f"message_size_limit {MESSAGE_SIZE_LIMIT}",
    ]


def load_credentials(path: Path) -> dict[str, str]:
    """user -> password from an earlier setup's credentials file (empty if there is none)."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SetupError(f"{path}: not a credentials file of `qms broker setup`: {exc}") from exc
    users = data.get("users", {})
    return {name: entry["password"] for name, entry in users.items()
            if isinstance(entry, dict) and isinstance(entry.get("password"), str)}


def broker_url(user: str, password: str, host: str, port: int, tls: bool,
               ca: str | None = None) -> str:
    scheme = "mqtts" if tls else "mqtt"
    query = f"?ca={ca}" if tls and ca else ""
    return f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}{query}"


def make_users(config: CenterConfig, existing: dict[str, str], *, hub_user: str = HUB_USER,
               rotate: set[str] | None = None, rotate_all: bool = False) -> list[User]:
    ids = [d.id for d in config.devices]
    if hub_user in ids:
        raise SetupError(f"the hub's user {hub_user!r} is also a device id; choose another "
                         "with --hub-user")
    unknown = (rotate or set()) - {*ids, hub_user}
    if unknown:
        raise SetupError(f"cannot rotate {sorted(unknown)}: not a device of this center")
    users = []
    for name, role in [(hub_user, "hub"), *((d.id, d.role) for d in config.devices)]:
        keep = existing.get(name)
        if rotate_all or keep is None or name in (rotate or set()):
            keep = new_password()
        users.append(User(name, role, keep))
    return users


def _write_private(path: Path, text: str) -> None:
    # Created 0600 from the start: never readable by others, not even for a moment.
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def credentials_text(config: CenterConfig, users: list[User], *, host: str, port: int,
                     tls_port: int | None, device_ca: str | None = None) -> str:
    """With TLS, a device's `url` is its `mqtts://` one (trusting `device_ca`, the center's
    CA as copied to the device) and the hub's is plain on loopback, on the broker's machine."""
    lines = [
        f"# Broker credentials for center {config.center.site}, made by `qms broker setup`.",
        "# SECRET. Give each device only its own entry (its url goes to --broker).",
        "",
    ]
    for user in users:
        plain = broker_url(user.name, user.password, host, port, False)
        tls_url = (broker_url(user.name, user.password, host, tls_port, True, device_ca)
                   if tls_port is not None else None)
        if tls_url is not None and user.role == "hub":
            url = broker_url(user.name, user.password, "127.0.0.1", port, False)
        else:
            url = tls_url or plain
        lines += [
            f'[users."{user.name}"]',
            f'role = "{user.role}"',
            f'password = "{user.password}"',
            f'url = "{url}"',
        ]
        if tls_url is not None:
            lines.append(f'tls_url = "{tls_url}"')
        lines.append("")
    return "\n".join(lines)


def write_setup(config: CenterConfig, out: Path, *, host: str = "127.0.0.1", port: int = 1883,
                bind: str = "127.0.0.1", tls: TlsFiles | None = None, tls_port: int = 8883,
                hub_user: str = HUB_USER, rotate: set[str] | None = None,
                rotate_all: bool = False, install_dir: Path | None = None,
                data_dir: Path = Path("/var/lib/mosquitto"),
                bind_client_ids: bool = True, own_tls: bool = True,
                device_ca: str = DEVICE_CA) -> Setup:
    """Write qms.passwd, qms.acl, qms.conf and credentials.toml into `out`.

    `install_dir` is where the files will live on the broker machine (the paths written into
    qms.conf); by default `out` itself. TLS by default: without `tls`, the center's own CA
    and a broker certificate for `host` are made in `out` (kept when run again), unless
    `own_tls` is off (plain MQTT on `bind`: a one-box center, a test). `device_ca` is where
    each device keeps `ca.crt`, for its URL.
    """
    installed = (install_dir or out).absolute()
    made_tls = False
    if tls is None and own_tls:
        from broker.mosquitto.center_ca import ensure_center_tls

        cert, key, ca = ensure_center_tls(out, config.center.site, host)
        tls = TlsFiles(installed / cert.name, installed / key.name, installed / ca.name)
        made_tls = True
    if tls is not None and not made_tls:
        for name, path in (("certificate", tls.cert), ("key", tls.key), ("CA", tls.ca)):
            if not path.is_file():
                raise SetupError(f"the TLS {name} {path} does not exist")
    out.mkdir(parents=True, exist_ok=True)
    credentials = out / CREDENTIALS_FILE
    existing = load_credentials(credentials)
    users = make_users(config, existing, hub_user=hub_user, rotate=rotate, rotate_all=rotate_all)
    setup = Setup(out, users, rotated=[u.name for u in users
                                       if existing.get(u.name) not in (None, u.password)])
    passwd = "".join(f"{u.name}:{password_hash(u.password)}\n" for u in users)
    _write_private(out / PASSWORD_FILE, passwd)
    _write_private(out / ACL_FILE, acl_text(config, hub_user))
    (out / CONF_FILE).write_text(mosquitto_config(
        port=port, bind=bind, data_dir=data_dir, password_file=installed / PASSWORD_FILE,
        acl_file=installed / ACL_FILE, tls=tls, tls_port=tls_port,
        bind_client_ids=bind_client_ids), encoding="utf-8")
    _write_private(credentials, credentials_text(
        config, users, host=host, port=port, tls_port=tls_port if tls else None,
        device_ca=device_ca if made_tls else str(tls.ca) if tls else None))
    setup.files = {"password_file": out / PASSWORD_FILE, "acl_file": out / ACL_FILE,
                   "conf": out / CONF_FILE, "credentials": credentials}
    if made_tls:
        setup.files |= {"ca": out / "ca.crt", "broker_cert": out / "broker.crt",
                        "broker_key": out / "broker.key"}
    return setup
