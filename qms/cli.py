"""`qms <command>`: each command lives in its own module with `configure(parser)` and
`run(args) -> int`, imported only when chosen, so the hub never loads Qt."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "hub": ("broker.service.main", "run the hub: the queue, its ledger and the MQTT service"),
    "broker": ("broker.mosquitto.main", "run a private broker, or set up Mosquitto users and ACL"),
    "bench": ("qms.bench", "measure the hub over a real broker and print a table"),
    "kiosk": ("kiosk.main", "the take-a-number kiosk"),
    "counter": ("counter_terminal.main", "the officer's counter terminal"),
    "tablet": ("counter_terminal.tablet_main", "the desk's rating tablet"),
    "board": ("display_board.main", "the hall display board (and its voice)"),
    "announcer": ("display_board.announcer_main", "the voice alone, on the machine with speakers"),
    "manager": ("manager_console.main", "the manager console"),
    "web": ("web.main", "the center's web face: ticket pages, ranking, board, API"),
    "demo": ("qms.demo", "a whole demo center on this machine"),
    "simulate": ("qms.simulate", "simulated citizens and officers against a running hub"),
}


def _available() -> dict[str, tuple[str, str]]:
    return {name: (module, text) for name, (module, text) in COMMANDS.items()
            if importlib.util.find_spec(module) is not None}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="qms", description="Queue system for public service "
                                     "centers (Trung tâm Phục vụ hành chính công).")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")
    commands = parser.add_subparsers(dest="command", metavar="command", required=True)
    modules = {}
    available = _available()
    chosen = next((a for a in argv if a in available), None)
    for name, (module_name, text) in available.items():
        sub = commands.add_parser(name, help=text, description=text)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.configure(sub)
            modules[name] = module
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return modules[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
