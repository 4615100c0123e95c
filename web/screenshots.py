"""`python -m web.screenshots FOLDER PREFIX name=url...`: each page in headless Chromium
(Debian's), at a phone's 390 px and a TV's 1920 px, as FOLDER/PREFIX-name-WIDTH.png.

Chromium's own `--screenshot` takes them: the demo needs no browser driver (Playwright is
only for the tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (install.sh); nothing is downloaded
# Headless as root, and no background connections: the hall (and CI) have no internet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS = ((390, 844), (1920, 1080))  # a phone's screen, a TV's


def shoot(url: str, path: Path, width: int, height: int) -> bool:
    """One screenshot of `url` at `width` x `height`; False if Chromium wrote none."""
    path.unlink(missing_ok=True)
    subprocess.run([str(CHROMIUM), "--headless", *CHROMIUM_ARGS, "--hide-scrollbars",
                    f"--window-size={width},{height}",
                    f"--screenshot={path}", url],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=False)
    return path.exists()


def main(argv: list[str]) -> int:
    folder, prefix = Path(argv[0]), argv[1]
    pages = [arg.split("=", 1) for arg in argv[2:]]
    failed = [f"{name} at {width}" for width, height in VIEWPORTS for name, url in pages
              if not shoot(url, folder / f"{prefix}-{name}-{width}.png", width, height)]
    if failed:
        print(f"no screenshot of: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
