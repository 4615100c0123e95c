"""`python -m web.export_openapi`: the web face's OpenAPI document as docs/web-openapi.json,
for the province's portal and the one-stop e-system (the running service serves the same at
/api/docs/openapi.json; a test fails if the file is stale)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "docs" / "web-openapi.json"


def openapi() -> dict[str, Any]:
    from broker.wire.device_client import DeviceClient
    from web.app import create_app
    from web.live import LiveCenter

    # Never started: the document needs the app, not a broker.
    live = LiveCenter(DeviceClient("mqtt://127.0.0.1:1", "longan", "web-1", role="web"))
    return create_app(live).openapi_schema.to_schema()


def text() -> str:
    return json.dumps(openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    OUT.write_text(text(), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
