"""A new episode from the series' outline: `essay new` makes it, the command line prints.

The outline is the series' own (SERIES.md): who the protagonist is, what the film is about,
the flaw, the turn, and what the ending argues. Every section gets a title, a heading card
and one line of placeholder narration, read by the scratch voice until its take is
recorded, so the episode checks and builds as a draft before anything else exists.
"""

from __future__ import annotations

import datetime
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.characters import unwelcome
from pipeline.base.errors import EssayError, Problem
from pipeline.script import schema
from pipeline.script.model import Film
from pipeline.script.project import EPISODE_TYPES, ESSAYS, Project, slug_problem

ASSETS = "assets"
FOLDERS = ("narration", "stills")

# (id, title, placeholder narration): the outline of every episode of the series
OUTLINE = (
    ("cold-open", "Cold open",
     "This is {{ series }}. Today: {{ film.title }}, from {{ film.year }}, directed by "
     "{{ film.director }}: who carries its theme, and what its ending argues."),
    ("the-who", "The who",
     "Placeholder for the who. Say who the protagonist is when the film begins, what they "
     "want, what they believe about themselves, and what they will not see."),
    ("the-what", "The what",
     "Placeholder for the what. Say what the film is about under its story: the theme, and "
     "the question it keeps asking of its protagonist, and of us."),
    ("the-flaw", "The flaw",
     "Placeholder for the flaw. Say what stands between the protagonist and what they need, "
     "and where the film first lets us see it."),
    ("the-turn", "The turn",
     "Placeholder for the turn. Say what finally forces the change, and why the story must "
     "take the easy way out away before the character can move."),
    ("the-ending", "What the ending argues",
     "Placeholder for the ending. Say what the last scenes argue about character and theme. "
     "Thank you for watching {{ series }}. Until the next film."),
)  # fmt: skip


@dataclass(frozen=True)
class NewEpisode:
    episode: Path  # essays/<slug>.yaml
    number: int
    folders: tuple[Path, ...]  # assets/<slug>/narration, .../stills
    sections: int


def new_episode(
    project: Project,
    slug: str,
    film: str,
    year: str,
    director: str,
    title: str | None = None,
    date: datetime.date | None = None,
) -> NewEpisode:
    """Write essays/<slug>.yaml from the outline, with the next free episode number, and
    make its asset folders. Raises EssayError (one problem) for a bad slug, film or year,
    or an episode that exists already: nothing is written then."""
    made = _film(film, year, director)
    wrong = unwelcome(title) if title else None
    if wrong:
        raise _refused("--title", f"holds {wrong}")
    path = _free(project, slug)
    folders = tuple(project.root / ASSETS / slug / name for name in FOLDERS)
    if not folders[0].parent.resolve().is_relative_to(project.root.resolve()):
        raise _refused("slug", f"{ASSETS}/{slug} is a link out of the project; remove it")
    number = next_number(project)
    text = episode_yaml(slug, made, number, title or f"{made.title}: the ending explained", date)
    _write_checked(project, path, text)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    readme = project.root / ASSETS / slug / "README.md"
    if not readme.exists():  # the author's own notes stay
        readme.write_text(assets_readme(slug, made), encoding="utf-8")
    return NewEpisode(path, number, folders, len(OUTLINE))


def _film(title: str, year: str, director: str) -> Film:
    """The film, as the format takes it. Raises EssayError naming the option to fix."""
    bounds = schema.Film.model_fields["year"].metadata
    low, high = (getattr(m, k) for m, k in zip(bounds, ("ge", "le"), strict=True))
    if not re.fullmatch(r"\d{4}", year.strip()) or not low <= int(year) <= high:
        raise _refused("--year", f"got {year!r}; use the film's release year, {low} to {high}")
    for option, value in (("--film", title), ("--director", director)):
        if not value.strip():
            raise _refused(option, "is empty; give it, e.g. --film 'Her' --director 'Spike Jonze'")
        wrong = unwelcome(value)
        if wrong:
            raise _refused(option, f"holds {wrong}")
    return Film(title.strip(), int(year), director.strip())


def _free(project: Project, slug: str) -> Path:
    """essays/<slug>.yaml, if the slug is one and no episode has it. Raises EssayError."""
    wrong = slug_problem(slug)
    if wrong:
        raise _refused("slug", f"{wrong}; give another, e.g. groundhog-day")
    for suffix in EPISODE_TYPES:
        found = project.root / ESSAYS / f"{slug}{suffix}"
        if found.exists():
            raise EssayError([Problem(found, None, None, "", (
                "the episode exists already and is left as it is; edit it, or give "
                "`essay new` another name"
            ))])  # fmt: skip
    return project.root / ESSAYS / f"{slug}.yaml"


def next_number(project: Project) -> int:
    """One more than the highest episode number in essays/ (1 for the first); an episode
    that does not read is passed over: its own check says why."""
    numbers = [0]
    for path in project.episodes:
        try:
            data = project.source(path).data  # as a check reads it: never through a link out
        except EssayError:
            continue
        found = data.get("episode") if isinstance(data, dict) else None
        if isinstance(found, int) and not isinstance(found, bool):
            numbers.append(found)
    return max(numbers) + 1


def _write_checked(project: Project, path: Path, text: str) -> None:
    """Validate the episode written under a hidden name, then rename it into place: a new
    episode is whole and valid, or not there."""
    hidden = path.with_name(f".~new~{path.name}")
    hidden.write_text(text, encoding="utf-8")
    try:
        project.read(hidden, named=path)
        hidden.replace(path)
    finally:
        hidden.unlink(missing_ok=True)


def episode_yaml(slug: str, film: Film, number: int, title: str, date: datetime.date | None) -> str:
    """The episode's YAML: its metadata, then one section for each part of the outline."""
    when = (date or datetime.date.today()).isoformat()
    head = [
        f"# Episode {number} of the series, made by `essay new` from the series' outline.",
        "# Every section is read by the scratch voice until its take is recorded: put the",
        f"# take in the section's `audio:` (see assets/{slug}/README.md). A master",
        "# build refuses scratch narration; `essay build --profile draft` shows it.",
        f"episode: {number}",
        f"title: {_q(title)}",
        f"film: {{title: {_q(film.title)}, year: {film.year}, director: {_q(film.director)}}}",
        f"date: {when}",
        "",
        "sections:",
    ]
    body = []
    last = len(OUTLINE) - 1
    for k, (section, heading, line) in enumerate(OUTLINE):
        cards = ["title"] if k == 0 else ["heading", "end"] if k == last else ["heading"]
        body += [
            f"  - id: {section}",
            f"    title: {_q(heading)}",
            "    narration:",
            "      audio: scratch      # the synthetic voice; the take's path once recorded",
            "      text: >-",
            textwrap.fill(line, 88, initial_indent=" " * 8, subsequent_indent=" " * 8),
            "    visuals:",
            *(f"      - card: {card}" for card in cards),
            "",
        ]
    return "\n".join(head + body)


def assets_readme(slug: str, film: Film) -> str:
    return f"""# Assets of essays/{slug}.yaml ({film.title}, {film.year})

## narration/

The recorded takes, one a section: `.wav`, `.mp3`, `.m4a`, `.flac` or `.ogg`, any sample
rate, mono or stereo. Name them by section, e.g. `narration/01-cold-open.wav`, and replace
`audio: scratch` in that section of `essays/{slug}.yaml` with the path:

    audio: assets/{slug}/narration/01-cold-open.wav

Until then the section is read by the scratch voice (espeak-ng): enough to judge timing
and subtitles in a draft build, and refused by a master build.

## stills/

The pictures: `.jpg`, `.jpeg`, `.png` or `.webp`, at least the video's size (1920x1080)
at the tightest zoom of their move. Add each to a section's `visuals`:

    - still: assets/{slug}/stills/01-opening.jpg
      caption: What the picture shows
      credit: Where it comes from

The project may not ship frames from a film it did not make: use artwork you may
publish, and say in `credit` where it comes from.
"""


def _q(text: str) -> str:
    """A YAML scalar that reads back as `text`, whatever it holds (a colon, a quote, #)."""
    return json.dumps(text, ensure_ascii=False)


def _refused(key: str, message: str) -> EssayError:
    return EssayError([Problem(None, None, None, key, message)])
