"""What a demo episode asks for (its takes, stills and music bed), read by the project's
own loader, so the text spoken is the text a build reads and the paths are those it opens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.base.errors import EssayError, Problem
from pipeline.script.normalise import narration_text
from pipeline.script.project import Project
from pipeline.script.schema import EpisodeDoc, StillShot
from pipeline.script.templates import TemplateProblem

EPISODE = Path(__file__).resolve().parents[2] / "essays" / "her.yaml"  # the default
NO_TAKE = "this script makes one take a section; give each section its own audio path"


@dataclass(frozen=True)
class Take:
    audio: str  # relative to the project, as the script writes it
    text: str  # its Jinja2 filled in


@dataclass(frozen=True)
class Episode:
    root: Path
    source: str  # the episode's YAML, relative to the project: essays/<slug>.yaml
    title: str
    takes: tuple[Take, ...]
    stills: tuple[str, ...]  # relative to the project, in order, without repeats
    music: str | None  # the bed, relative to the project

    def file(self, relative: str) -> Path:
        return self.root / relative

    @property
    def folder(self) -> str:
        """Its own assets' folder, assets/<slug>/, relative to the project."""
        return f"assets/{Path(self.source).stem}"

    def owns(self, relative: str) -> bool:
        """Whether an asset is this episode's own, not one it shares with another."""
        return Path(relative).is_relative_to(self.folder)

    @property
    def is_default(self) -> bool:
        return self.file(self.source) == EPISODE


def load(path: Path = EPISODE) -> Episode:
    """The episode over its series, validated; its asset files may not exist yet.
    Raises EssayError naming every problem."""
    project = Project.containing(path)
    path = Path(path).resolve()
    doc = project.read(path)
    stills = [v.still for sec in doc.sections for v in sec.visuals if isinstance(v, StillShot)]
    return Episode(
        root=project.root,
        source=path.relative_to(project.root).as_posix(),
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


def every_episode() -> tuple[Path, ...]:
    """Every episode of the series the default one belongs to: essays/*.yaml."""
    return Project.containing(EPISODE).episodes
