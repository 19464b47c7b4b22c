"""What the paths on a command line name: episodes, a project's folder (its whole series),
or, with no paths, the series of the project around the working directory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.errors import EssayError, Problem
from pipeline.base.runner import Runner
from pipeline.script.project import SERIES_FILE, Project, project_root


@dataclass
class Selection:
    project: Project
    episodes: list[Path] = field(default_factory=list)  # as named, or the whole series
    series_named: bool = False  # series.yaml was among the paths: it is checked as itself


def select(
    paths: Sequence[Path], runner: Runner | None = None
) -> tuple[list[Selection], list[Problem]]:
    """The projects the paths belong to, each opened once with the episodes named, in the
    order given; and the problems of paths in no project, or of a project's series.yaml."""
    chosen: dict[Path, Selection | None] = {}
    problems: list[Problem] = []
    for path in paths or [Path.cwd()]:
        try:
            root = project_root(path)
            if root not in chosen:
                chosen[root] = None  # until it opens: a broken series.yaml is reported once
                chosen[root] = Selection(Project.open(root, runner))
        except EssayError as err:
            problems += [p for p in err.problems if p not in problems]
            continue
        picked = chosen[root]
        if picked is not None:
            _name(picked, Path(path))
    return [s for s in chosen.values() if s is not None], problems


def _name(picked: Selection, path: Path) -> None:
    if path.is_dir():
        named = list(picked.project.episodes)
    elif path.name == SERIES_FILE:
        picked.series_named, named = True, []
    else:
        named = [path]
    known = {p.resolve() for p in picked.episodes}
    picked.episodes += [p for p in named if p.resolve() not in known]
