"""`qms simulate`: simulated citizens and officers against a running hub, for trying a hall's
config before opening day and for load. The hub's clock must run at the same speed
(`qms hub --clock-speed N`); at speed 1 it is real time."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from config import ConfigError, load_config
from config.load import DEFAULT_CONFIG
from qms.simulation import Plan, Simulation, summarize, summary_markdown

log = logging.getLogger("qms.simulate")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--config", default=str(DEFAULT_CONFIG),
                        help="the center's config (the same file the hub runs)")
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=240.0,
                        help="simulated minutes of arrivals (default %(default)s)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="times faster than real time; match the hub's --clock-speed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--counters", default="",
                        help="staffed counters, e.g. 1-6 or 1,3,5 (default: all)")
    parser.add_argument("--out", default="simulation-out", help="where the summary goes")


def parse_counters(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "-" in part:
            low, high = part.split("-", 1)
            found += [str(n) for n in range(int(low), int(high) + 1)]
        else:
            found.append(part)
    return tuple(found)


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        log.error("%s", exc)
        return 2
    plan = Plan(citizens=args.citizens, minutes=args.minutes, speed=args.speed, seed=args.seed,
                counters=parse_counters(args.counters))
    simulation = Simulation(args.broker, config, plan)
    try:
        result = simulation.run()
    finally:
        simulation.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary = summarize(result)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False,
                                                 default=str), encoding="utf-8")
    (out / "summary.md").write_text(summary_markdown(summary), encoding="utf-8")
    print(summary_markdown(summary))
    return 0
