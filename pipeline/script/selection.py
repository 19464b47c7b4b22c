"""What the paths on a command line name: episodes, a project's folder (its whole series),
or, with no paths, the series of the project around the working directory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.errors import EssayError, Problem
from pipeline.base.runner import Runner
from pipeline.script.project import ESSAYS, Project, project_root


@dataclass
class Selection:
    project: Project
    episodes: list[Path] = field(default_factory=list)  # as named, or the whole series
    series_named: bool = False  # series.yaml was among the paths: it is checked as itself


def select(
    paths: Sequence[Path], runner: Runner | None = None
) -> tuple[list[Selection], list[Problem]]:
    """The projects the paths belong to, each opened once with the episodes named, in the
    order given; and the problems of paths that name none, or of a project's series.yaml.
    No paths: the whole series of the project around the working directory."""
    chosen: dict[Path, Selection | None] = {}
    problems: list[Problem] = []
    for path in [Path(p) for p in paths] or [Path.cwd()]:
        try:
            root = project_root(path)
            if root not in chosen:
                chosen[root] = None  # until it opens: a broken series.yaml is reported once
                chosen[root] = Selection(Project.open(root, runner))
            if chosen[root] is not None:
                _name(chosen[root], path, whole=not paths)
        except EssayError as err:
            problems += [p for p in err.problems if p not in problems]
    return [s for s in chosen.values() if s is not None], problems


def _name(picked: Selection, path: Path, whole: bool) -> None:
    project = picked.project
    if path.is_dir():
        if not whole and path.resolve() not in (project.root, (project.root / ESSAYS).resolve()):
            raise EssayError([Problem(path, None, None, "", (
                f"a folder names the whole series only as the project's folder or its "
                f"{ESSAYS}/ folder; give those, or episodes"
            ))])  # fmt: skip
        named = list(project.episodes)
    elif project.is_series_file(path):
        picked.series_named, named = True, []
    else:
        named = [path]
    known = {p.resolve() for p in picked.episodes}
    picked.episodes += [p for p in named if p.resolve() not in known]
