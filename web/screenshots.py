"""`python -m web.screenshots FOLDER PREFIX name=url...`: each page in headless Chromium
(Debian's), at a phone's 390 px and a TV's 1920 px, as FOLDER/PREFIX-name-WIDTH.png."""

from __future__ import annotations

import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (install.sh --dev); nothing is downloaded
# Headless as root, and no background connections: the hall (and CI) have no internet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS = ({"width": 390, "height": 844}, {"width": 1920, "height": 1080})


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    folder, prefix = Path(argv[0]), argv[1]
    pages = [arg.split("=", 1) for arg in argv[2:]]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for viewport in VIEWPORTS:
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            for name, url in pages:
                page.goto(url)
                page.wait_for_timeout(300)
                page.screenshot(path=str(folder / f"{prefix}-{name}-{viewport['width']}.png"),
                                full_page=viewport["width"] < 1000)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
