"""Writes the JSON Schemas of the wire contract: `python -m broker.wire.export_schemas [PATH]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from broker.wire.protocol import json_schemas

DEFAULT = Path(__file__).resolve().parents[2] / "docs" / "protocol-schemas.json"


def schemas_text() -> str:
    return json.dumps(json_schemas(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    target.write_text(schemas_text(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
