"""What the demo episode asks for (its takes, stills and music bed), read by the project's
own loader, so the text spoken is the text a build reads and the paths are those it opens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.base.errors import EssayError, Problem
from pipeline.script.normalise import narration_text
from pipeline.script.project import Project
from pipeline.script.schema import EpisodeDoc, StillShot
from pipeline.script.templates import TemplateProblem

EPISODE = Path(__file__).resolve().parents[2] / "essays" / "her.yaml"
NO_TAKE = "this script makes one take a section; give each section its own audio path"


@dataclass(frozen=True)
class Take:
    audio: str  # relative to the project, as the script writes it
    text: str  # its Jinja2 filled in


@dataclass(frozen=True)
class Episode:
    root: Path
    title: str
    takes: tuple[Take, ...]
    stills: tuple[str, ...]  # relative to the project, in order, without repeats
    music: str | None  # the bed, relative to the project

    def file(self, relative: str) -> Path:
        return self.root / relative


def load(path: Path = EPISODE) -> Episode:
    """The episode over its series, validated; its asset files may not exist yet.
    Raises EssayError naming every problem."""
    project = Project.containing(path)
    doc = project.read(path)
    stills = [v.still for sec in doc.sections for v in sec.visuals if isinstance(v, StillShot)]
    return Episode(
        root=project.root,
        title=doc.title,
        takes=_takes(path, doc),
        stills=tuple(dict.fromkeys(stills)),
        music=doc.music.bed.file if doc.music.bed else None,
    )


def _takes(path: Path, doc: EpisodeDoc) -> tuple[Take, ...]:
    takes, problems = [], []
    for i, sec in enumerate(doc.sections):
        key = f"sections[{i}].narration"
        if not sec.narration.audio:  # espeak makes a take a section; a shared one is not cut
            problems.append(Problem(path, None, None, f"{key}.audio", NO_TAKE))
        try:
            takes.append(Take(sec.narration.audio or "", narration_text(doc, i)))
        except TemplateProblem as err:
            problems.append(Problem(path, None, None, f"{key}.text", str(err)))
    if problems:
        raise EssayError(problems)
    return tuple(takes)
