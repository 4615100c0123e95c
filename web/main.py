"""`qms web`: the center's web face, its own process and an MQTT device of role `web`.

    qms web --broker mqtt://web-1:PASSWORD@hub.local:1883 --listen 0.0.0.0:8480

It reads the retained config and state and the events, asks the hub (only) for a ticket by
its page's token and for the public rating counts, and sends the citizens' ratings as
commands. The hub stays the only writer.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("qms.web")


def listen_address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, not {text!r}")
    return host.strip("[]") or "0.0.0.0", int(port)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883",
                        help="the broker, mqtt://[user:password@]host:port")
    parser.add_argument("--listen", type=listen_address, default=("127.0.0.1", 8480),
                        help="HOST:PORT to serve on (default 127.0.0.1:8480; 0.0.0.0:8480 "
                        "for the hall's Wi-Fi)")
    parser.add_argument("--device", default="web-1",
                        help="this device's id in the center config (default web-1)")
    parser.add_argument("--site", default="longan", help="the center's site id")
    parser.add_argument("--rate-limit", type=int, default=600,
                        help="requests per minute per client address (default %(default)s; "
                        "0: none)")
    parser.add_argument("--min-ratings", type=int, default=5,
                        help="ratings an officer, counter or department needs to be ranked")
    parser.add_argument("--clock-start", type=datetime.fromisoformat, default=None,
                        help="demos: the hall's clock starts at this local time (as the hub's)")
    parser.add_argument("--clock-speed", type=float, default=1.0,
                        help="demos: how much faster than real time the clock runs")
    parser.add_argument("--nice", type=int, default=10,
                        help="CPU priority below the hub's (default %(default)s): on a shared "
                        "machine a flood of web traffic waits, the queue does not")
    parser.add_argument("--idle-priority", action=argparse.BooleanOptionalAction, default=True,
                        help="run only on the CPU time the hub, the broker and the other "
                        "devices leave (Linux SCHED_IDLE; default on): the hub's answers do not "
                        "wait behind page loads")
    parser.add_argument("--proxy-headers", action="store_true",
                        help="behind the center's reverse proxy: take the client's address "
                        "from X-Forwarded-For (for the rate limit)")


def build(args: argparse.Namespace) -> tuple[Any, Any]:
    """The device client and the ASGI app."""
    from broker.wire.clock import DemoClock, wall_clock
    from broker.wire.device_client import DeviceClient
    from web.app import WebOptions, create_app
    from web.live import LiveCenter

    clock: Any = wall_clock
    if args.clock_start is not None or args.clock_speed != 1.0:
        start = args.clock_start or datetime.now()
        if start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        clock = DemoClock(start, args.clock_speed)
    client = DeviceClient(args.broker, args.site, args.device, role="web")
    live = LiveCenter(client, clock=clock)
    app = create_app(live, WebOptions(rate_limit_per_minute=args.rate_limit,
                                      min_ratings=args.min_ratings))
    return client, app


def lower_priority(nice: int, idle: bool) -> None:
    """Below the hub on the CPU. A niced process still takes its share of a busy core and the
    hub's wake-ups wait behind it; under SCHED_IDLE every other process comes first (the
    figures: docs/benchmarks.md, the web face). The threads started after this (paho's,
    uvicorn's) inherit it."""
    if nice:
        os.nice(nice)
    if idle:
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except (AttributeError, OSError) as exc:  # not Linux, or not allowed here
            log.warning("cannot run at idle CPU priority (%s); staying at nice %d", exc, nice)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    lower_priority(args.nice, args.idle_priority)
    client, app = build(args)
    client.start()
    if not client.wait_connected(10):
        log.warning("the broker at %s is not reachable yet; serving, and retrying",
                    client.address.url)
    host, port = args.listen
    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            proxy_headers=args.proxy_headers, access_log=False,
                            timeout_graceful_shutdown=2, backlog=4096,
                            limit_concurrency=20000)
    server = uvicorn.Server(config)
    log.info("web face on http://%s:%d (device %s)", host, port, args.device)
    stopped = threading.Event()

    def stop(*_: Any) -> None:
        server.should_exit = True
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    finally:
        client.stop()
    return 0
