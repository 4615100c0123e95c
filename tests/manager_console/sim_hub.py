"""`python -m tests.manager_console.sim_hub CLOCK_FILE hub ...`: the real hub process, except
that its clock reads the time a test writes into CLOCK_FILE, so a test can live through a
whole working day in a few seconds."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from broker.service import main as hub_main
from broker.service.hub import Hub
from qms import cli


class FileClock:
    """The time held in a file; the test moves it forward, the hub reads it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text().strip())

    def set(self, at: datetime) -> None:
        staging = self.path.with_suffix(".new")
        staging.write_text(at.isoformat())
        os.replace(staging, self.path)  # the hub never reads half a time


def main() -> int:
    clock = FileClock(Path(sys.argv[1]))

    class FileClockHub(Hub):
        """Whatever clock `qms hub` would give it, this hub reads the file."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "clock": clock})

    hub_main.Hub = FileClockHub  # type: ignore[misc]
    return cli.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
