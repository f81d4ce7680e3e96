"""The `driftcheck` executable's entry point: `--version` answers before anything heavy loads.

Everything else goes to the command line proper (`driftcheck.cli`), which imports
typer; the commands import the rest only when they run.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from driftcheck import __version__

        sys.stdout.write(f"driftcheck {__version__}\n")
        return
    try:
        from driftcheck.cli import main as run
    except KeyboardInterrupt:
        # Ctrl-C while the command line is still loading: nothing has started yet.
        sys.stderr.write("driftcheck: interrupted\n")
        raise SystemExit(130) from None
    run()
