"""`qms broker`: a private Mosquitto in the foreground, or `qms broker setup` to make the
center's broker users, ACL and config (optionally with TLS)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path

from broker.mosquitto.managed import ManagedBroker
from broker.mosquitto.setup import (
    CONF_FILE,
    DEVICE_CA,
    HUB_USER,
    SetupError,
    TlsFiles,
    write_setup,
)
from config import ConfigError, load_config
from config.load import add_config_option

log = logging.getLogger("qms.broker")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=1883,
                        help="loopback port for the private broker (default %(default)s)")
    parser.add_argument("--data-dir", default="data/broker",
                        help="where the private broker keeps its persistence and log "
                        "(default %(default)s)")
    parser.add_argument("--password-file", help="a password file made by `qms broker setup`")
    parser.add_argument("--acl-file", help="an ACL file made by `qms broker setup`")
    sub = parser.add_subparsers(dest="broker_command", metavar="setup")
    setup = sub.add_parser(
        "setup", help="make the Mosquitto password file, ACL and config from the center config",
        description="One broker user per device of the config and one for the hub; the ACL "
        "of the wire contract; a Mosquitto config; and credentials.toml (mode 0600) with each "
        "device's broker URL. Re-running keeps the passwords unless --rotate is given.")
    add_config_option(setup)
    setup.add_argument("--out", default="data/broker-setup",
                       help="folder for qms.passwd, qms.acl, qms.conf, credentials.toml "
                       "(default %(default)s)")
    setup.add_argument("--install-dir",
                       help="where the files will live on the broker machine, e.g. "
                       "/etc/mosquitto (the paths written into qms.conf; default: --out)")
    setup.add_argument("--data-dir", dest="mosquitto_data_dir", default="/var/lib/mosquitto",
                       help="Mosquitto's persistence folder (default %(default)s)")
    setup.add_argument("--host", default="127.0.0.1",
                       help="the broker's address as devices reach it, for their URLs "
                       "(default %(default)s)")
    setup.add_argument("--bind", default="127.0.0.1",
                       help="the address Mosquitto listens on; the hub's LAN address in a hall "
                       "(default %(default)s)")
    setup.add_argument("--port", dest="setup_port", type=int, default=1883,
                       help="the plain MQTT port (default %(default)s)")
    setup.add_argument("--no-tls", action="store_true",
                       help="no TLS: plain MQTT on --bind (a one-box center only; by default "
                       "the center's own CA and the broker's certificate are made, devices use "
                       "mqtts:// and plain MQTT stays on loopback for the hub)")
    setup.add_argument("--device-ca", default=DEVICE_CA,
                       help="where each device keeps the center's ca.crt, for its URL "
                       "(default %(default)s)")
    setup.add_argument("--tls-cert", help="the broker's certificate (PEM), instead of one "
                       "signed by the center's own CA")
    setup.add_argument("--tls-key", help="the broker's private key (PEM)")
    setup.add_argument("--tls-ca", help="the CA that signed the certificate (PEM)")
    setup.add_argument("--tls-port", type=int, default=8883, help="(default %(default)s)")
    setup.add_argument("--hub-user", default=HUB_USER, help="(default %(default)s)")
    setup.add_argument("--rotate", nargs="*", metavar="USER",
                       help="new passwords for these users, or for everyone if none is named")
    setup.add_argument("--no-bind-client-ids", action="store_true",
                       help="do not force each client's id to its user name")


def run(args: argparse.Namespace) -> int:
    if args.broker_command == "setup":
        return _setup(args)
    return _serve(args)


def _setup(args: argparse.Namespace) -> int:
    tls_given = [args.tls_cert, args.tls_key, args.tls_ca]
    if any(tls_given) and not all(tls_given):
        log.error("TLS needs all three of --tls-cert, --tls-key and --tls-ca")
        return 2
    tls = TlsFiles(Path(args.tls_cert), Path(args.tls_key), Path(args.tls_ca)) if all(
        tls_given) else None
    try:
        config = load_config(args.config)
        setup = write_setup(
            config, Path(args.out), host=args.host, port=args.setup_port, bind=args.bind,
            tls=tls, tls_port=args.tls_port, hub_user=args.hub_user,
            rotate=set(args.rotate or ()), rotate_all=args.rotate == [],
            install_dir=Path(args.install_dir) if args.install_dir else None,
            data_dir=Path(args.mosquitto_data_dir),
            bind_client_ids=not args.no_bind_client_ids, own_tls=not args.no_tls,
            device_ca=args.device_ca)
    except (ConfigError, SetupError) as exc:
        log.error("%s", exc)
        return 2
    print(f"{len(setup.users)} broker users for center {config.center.site} "
          f"({len(setup.users) - 1} devices and the hub {args.hub_user!r}):")
    for name, path in setup.files.items():
        print(f"  {name:14} {path}")
    if setup.rotated:
        print(f"  new passwords for: {', '.join(setup.rotated)}")
    if "ca" in setup.files:
        print(f"TLS: the center's CA {setup.files['ca']} (copy it to each device as "
              f"{args.device_ca}; keep ca.key private) signed {setup.files['broker_cert']} "
              f"for {args.host}; devices connect with mqtts:// on port {args.tls_port}, the "
              f"hub on loopback port {args.setup_port}.")
    install = args.install_dir or "/etc/mosquitto"
    certs = ", broker.crt, broker.key and ca.crt" if "ca" in setup.files else ""
    print(f"Install: copy {CONF_FILE} to /etc/mosquitto/conf.d/, qms.passwd, qms.acl{certs} to "
          f"{install} (owner mosquitto, mode 0600), restart mosquitto; give each device the "
          "url of its own entry in credentials.toml.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    broker = ManagedBroker(args.port, Path(args.data_dir),
                           password_file=Path(args.password_file) if args.password_file else None,
                           acl_file=Path(args.acl_file) if args.acl_file else None)
    # Before the broker listens: a Ctrl-C that comes as soon as it answers must stop it too.
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    try:
        broker.start()
    except RuntimeError as exc:
        log.error("%s", exc)
        return 1
    log.info("%s running on %s until Ctrl-C (data in %s)", broker.kind, broker.url,
             broker.data_dir)
    code = 0
    while not stopping.wait(0.5):
        if broker.process is None or broker.process.poll() is not None:
            log.error("the broker exited on its own; see %s", broker.data_dir / "broker.out")
            code = 1
            break
    broker.close()
    return code
