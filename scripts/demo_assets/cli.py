"""The command line: which episodes, which kinds of asset; each README is written every time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.base.errors import EssayError, RenderError

from .episode import EPISODE, every_episode, load
from .music import make_music
from .narration import make_narration
from .readme import write_readme
from .stills import make_stills

MAKERS = {"narration": make_narration, "stills": make_stills, "music": make_music}


def main(argv: list[str] | None = None) -> None:
    """Make the narration, stills and music (or just one kind) of each episode, then its
    README. Every episode is read before anything is made, so a mistake in one makes none."""
    parser = argparse.ArgumentParser(
        prog="make_demo_assets.py", description="Make the assets of the demo episodes."
    )
    parser.add_argument("--only", choices=list(MAKERS), help="make only this kind of asset")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--episode",
        action="append",
        type=Path,
        metavar="YAML",
        help="the episode to make (again for more; default essays/her.yaml)",
    )
    which.add_argument("--all", action="store_true", help="every episode in essays/")
    args = parser.parse_args(argv)
    try:
        paths = every_episode() if args.all else args.episode or [EPISODE]
        episodes = [load(path) for path in paths]
        for episode in episodes:
            print(f"{episode.source}")
            for kind, make in MAKERS.items():
                if args.only in (None, kind):
                    make(episode)
            write_readme(episode)
    except (EssayError, RenderError) as err:
        sys.exit(str(err))
