"""The command line: which kinds of asset to make; the README is written every time."""

from __future__ import annotations

import argparse
import sys

from pipeline.base.errors import EssayError, RenderError

from .episode import load
from .music import make_music
from .narration import make_narration
from .readme import write_readme
from .stills import make_stills

MAKERS = {"narration": make_narration, "stills": make_stills, "music": make_music}


def main(argv: list[str] | None = None) -> None:
    """Make the narration, stills and music (or just one kind), then the README."""
    parser = argparse.ArgumentParser(
        prog="make_demo_assets.py", description="Make the assets of the demo episode."
    )
    parser.add_argument("--only", choices=list(MAKERS), help="make only this kind of asset")
    args = parser.parse_args(argv)
    try:
        episode = load()
        for kind, make in MAKERS.items():
            if args.only in (None, kind):
                make(episode)
    except (EssayError, RenderError) as err:
        sys.exit(str(err))
    write_readme(episode)
