"""The service's OpenAPI document, committed as docs/openapi.json.

    python -m driftcheck.serve.openapi            # write docs/openapi.json
    python -m driftcheck.serve.openapi --check    # exit 1 when it is stale
    python -m driftcheck.serve.openapi -          # print it

The document depends on the endpoints and the report models only, never on a
configuration: it is generated from an application over a service with no targets.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def document() -> dict[str, Any]:
    from driftcheck.config import Config
    from driftcheck.serve.app import create_app
    from driftcheck.serve.service import Service

    return create_app(Service(Config(), [])).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if argv[:1] == ["-"]:
        sys.stdout.write(text)
        return 0
    current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.is_file() else ""
    if argv[:1] == ["--check"]:
        if current != text:
            sys.stderr.write(f"{DOCUMENT} is stale: run python -m driftcheck.serve.openapi\n")
            return 1
        return 0
    if current != text:
        DOCUMENT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
