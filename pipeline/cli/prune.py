"""`essay prune`: free the cache of what recent builds have not used."""

from __future__ import annotations

import re
from pathlib import Path

import click

from pipeline.base.cache import Cache, prune
from pipeline.base.errors import EssayError
from pipeline.cli import report
from pipeline.script.project import project_root

DAY = 24 * 3600
_UNITS = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}
_MOST = 1e18  # bytes: an exabyte


class Size(click.ParamType):
    """A size such as 500M or 2G (decimal units; a bare number is bytes)."""

    name = "size"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)b?\s*", str(value), re.IGNORECASE)
        if not found:
            self.fail(f"{value!r} is not a size; write it like 500M or 2G", param, ctx)
        size = float(found.group(1)) * _UNITS[found.group(2).lower()]
        if size >= _MOST:  # float('9' * 400) is infinite: no disk is that big
            self.fail(f"{value[:20]!r}... is more than disks hold; write it like 500M", param, ctx)
        return int(size)


@click.command(name="prune")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    metavar="DAYS",
    help="Remove entries no build has used for this many days (30 if no option is given).",
)
@click.option(
    "--max-size",
    type=Size(),
    metavar="SIZE",
    help="Then remove the least recently used until the cache is at most this size.",
)
def prune_command(path: Path | None, older_than: float | None, max_size: int | None) -> None:
    """Remove cache entries of the project at PATH (default: the one around the working
    directory) that builds have stopped using. A build after pruning makes them again."""
    try:
        root = project_root(path or Path.cwd())
    except EssayError as err:
        report.problems(err.problems, "nothing was pruned")
        raise SystemExit(report.EXIT_INVALID) from None
    if older_than is None and max_size is None:
        older_than = 30
    cache = Cache.for_project(root)
    age = older_than * DAY if older_than is not None else None
    done = report.guard(lambda: prune(cache, age, max_size), "what was removed is gone")
    removed = report.plural(done.removed, "entry", "entries")
    kept = report.plural(done.kept, "entry", "entries")
    report.say(
        f"pruned {report.shown(cache.root)}: {removed} removed, {_bytes(done.freed)} freed; "
        f"{kept} ({_bytes(done.size)}) kept"
    )


def _bytes(n: float) -> str:
    if n < 1000:
        return f"{n:.0f} bytes"
    for unit in ("kB", "MB", "GB"):
        n /= 1000
        if n < 1000 or unit == "GB":
            break
    return f"{n:.1f} {unit}"
