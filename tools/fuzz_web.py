"""Fuzz the web face's API from its own OpenAPI document with Schemathesis, against a real hall
on loopback (Mosquitto, hub, `qms web`): no answer may be a 5xx, and the hub must still serve
afterwards (a kiosk takes a number, a counter calls it).

    .venv/bin/python -m tools.fuzz_web --max-time 600          # the long run
    .venv/bin/python -m tools.fuzz_web --max-time 20 -n 30     # what the test suite runs

Some tickets are issued first, so that the fuzzer meets real tokens among its guesses only by
the document's examples: it cannot find them, which is the point.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.web_hall import WebHall


def fuzz(out: Path, *, max_time: int, examples: int, workers: int = 1) -> int:
    out = out.resolve()
    with WebHall(out) as hall:
        kiosk, counter = hall.client("kiosk-1"), hall.client("counter-5")
        for _ in range(5):
            kiosk.request("ticket.issue", {"service": "datdai"})
        schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
        command = [schemathesis or "schemathesis", "run", f"{hall.url}/api/docs/openapi.json",
                   "--checks", "not_a_server_error", "--max-time", str(max_time),
                   "--max-examples", str(examples), "--workers", str(workers), "--seed", "1",
                   "--request-timeout", "10", "--phases", "examples,coverage,fuzzing",
                   "--suppress-health-check", "all", "--report-dir", str(out / "report")]
        started = time.monotonic()
        # In the output folder: Schemathesis keeps its example database where it runs.
        run = subprocess.run(command, capture_output=True, text=True, timeout=max_time + 300,
                             cwd=out)
        print(run.stdout[-4000:])
        print(run.stderr[-2000:], file=sys.stderr)
        # The hub is still serving, and the web face with it.
        issued = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
        counter.request("counter.open", {"officer": "hve", "pin": "1234"})  # the demo PIN
        counter.request("counter.call_next")
        alive = hall.web is not None and hall.web.poll() is None
        print(f"schemathesis exit {run.returncode} after {time.monotonic() - started:.0f} s; "
              f"hub issued {issued['number']} afterwards; web face alive: {alive}")
        return 0 if run.returncode == 0 and alive else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-time", type=int, default=600, help="seconds of fuzzing")
    parser.add_argument("-n", "--max-examples", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="fuzz-web-"))
    return fuzz(out, max_time=args.max_time, examples=args.max_examples, workers=args.workers)


if __name__ == "__main__":
    sys.exit(main())
