"""A validated EpisodeDoc made into an Essay: paths resolved, text filled in, cards drawn as
SVG, and every problem on the way collected, not just the first."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.base.characters import unwelcome
from pipeline.base.errors import EssayError, Problem
from pipeline.script import model as m
from pipeline.script import schema as s
from pipeline.script.assets import AUDIO_TYPES, Assets
from pipeline.script.fonts import Font
from pipeline.script.kinds import kind_named
from pipeline.script.settings import SCRATCH, MusicCue, TransitionSpec
from pipeline.script.source import KeyPath, Source, key_name
from pipeline.script.templates import (
    OVERLAY_TEMPLATE,
    CardTemplates,
    TemplateProblem,
    render_text,
)
from pipeline.script.words import sentence_end


def context_of(doc: s.EpisodeDoc) -> dict[str, Any]:
    """The names the author's text and the card templates may use."""
    return {
        "series": doc.series,
        "episode": doc.episode,
        "title": doc.title,
        "film": {"title": doc.film.title, "year": doc.film.year, "director": doc.film.director},
        "author": doc.author or "",
        "date": doc.date.isoformat() if doc.date else "",
    }


def section_context(context: dict[str, Any], i: int, sec: s.Section) -> dict[str, Any]:
    return {**context, "section": {"id": sec.id, "title": sec.title, "number": i + 1}}


def narration_text(doc: s.EpisodeDoc, i: int) -> str:
    """Section i's script as it is read: its Jinja2 filled in as the loader fills it.
    Raises TemplateProblem."""
    sec = doc.sections[i]
    context = section_context(context_of(doc), i, sec)
    context["section"]["title"] = render_text(sec.title, context)
    return render_text(sec.narration.text, context)


@dataclass
class Normaliser:
    """Turns a validated EpisodeDoc into an Essay, collecting every problem on the way."""

    path: Path  # the episode's YAML
    root: Path  # the project folder
    source: Source  # series.yaml and the episode, merged
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.assets = Assets(self.root, self.report)

    def report(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def origin(self, path: KeyPath) -> m.Origin:
        mark = self.source.mark(path)
        return m.Origin(mark and mark.file, mark and mark.line, mark and mark.col, key_name(path))

    def text(self, raw: str, path: KeyPath, context: dict[str, Any], lines: bool = False) -> str:
        """The author's text, its Jinja2 filled in; `lines`: it may run over lines."""
        try:
            filled = render_text(raw, context)
        except TemplateProblem as err:
            self.problems.append(self.source.problem_in_text(path, str(err), err.line))
            return raw
        wrong = unwelcome(filled, lines) if filled is not raw else None
        if wrong:  # the YAML was checked; what its expressions made (`{{ "\x1b" }}`) is here
            self.report(path, f"once filled in, the text holds {wrong}")
        return filled

    def essay(
        self, doc: s.EpisodeDoc, fonts: dict[str, Font], templates: CardTemplates | None
    ) -> m.Essay:
        """Raises EssayError with every problem found, those reported before included."""
        context = context_of(doc)
        sections = tuple(
            self.section(doc, i, sec, context, templates) for i, sec in enumerate(doc.sections)
        )
        self.check_unique_ids(doc)
        self.check_shared_takes(doc)
        music, poster = self.music(doc), self.poster(doc)
        if doc.subtitles.font not in fonts and not self.problems:
            self.report(
                ("subtitles", "font"),
                f"no font named '{doc.subtitles.font}' in `fonts`; use one of: {', '.join(fonts)}",
            )
        if self.problems:
            raise EssayError(self.problems)
        settings = _settings(doc, fonts, templates, self.root)
        meta = _meta(self.path, doc)
        return m.Essay(
            self.path, self.root, meta, settings, sections, music, poster, doc.allow_scratch
        )

    def check_unique_ids(self, doc: s.EpisodeDoc) -> None:
        first: dict[str, int] = {}
        for i, sec in enumerate(doc.sections):
            if sec.id in first:
                self.report(
                    ("sections", i, "id"),
                    f"duplicate section id '{sec.id}', also used by sections[{first[sec.id]}]; "
                    "give each section its own id",
                )
            first.setdefault(sec.id, i)

    def check_shared_takes(self, doc: s.EpisodeDoc) -> None:
        """Sections that name one file as their `audio` each start where they say (from the
        file's start, if they do not): the second of two without a `start` would be cut
        from nothing. One take of the whole episode, whose starts alignment finds, is the
        episode's `narration.take`."""
        first: dict[str, int] = {}
        for i, sec in enumerate(doc.sections):
            audio = sec.narration.audio
            if audio is None or audio == SCRATCH:
                continue
            if audio in first and sec.narration.start is None:
                self.report(("sections", i, "narration", "audio"), (
                    f"sections[{first[audio]}] uses this take too, and without a `start` both "
                    "begin at its start; give this section its `start` in the take (and the "
                    "one before its `end`), or make the file the episode's one take, "
                    "`narration: {take: ...}`, whose sections alignment finds"
                ))  # fmt: skip
            first.setdefault(audio, i)

    def section(self, doc, i: int, sec: s.Section, context, templates) -> m.Section:
        here: KeyPath = ("sections", i)
        context = section_context(context, i, sec)
        title = self.text(sec.title, (*here, "title"), context)
        context["section"]["title"] = title
        narration = self.narration(doc, i, context)
        making = _Making(self, doc, context, templates)
        visuals = []
        for j, shot in enumerate(sec.visuals):
            key = (*here, "visuals", j)
            transition = self.transition(doc, shot.transition)
            visuals.append(kind_named(shot).make(shot, key, transition, making))
        self.check_speaking(here, visuals, narration.text)
        return m.Section(sec.id, title, narration, tuple(visuals), self.origin(here))

    def check_speaking(self, here: KeyPath, visuals: list, text: str) -> None:
        """A clip that speaks opens its section, closes it, or plays after a sentence of
        its narration that is there, with a shot before it."""
        for j, visual in enumerate(visuals):
            sound, key = visual.sound, (*here, "visuals", j)
            if sound is None:
                continue
            if sound.after is None and 0 < j < len(visuals) - 1:
                self.report((*key, "sound"), (
                    "a clip that speaks in the middle of its section needs `after:`, words of "
                    "the sentence it follows; or make it the first or last shot"
                ))  # fmt: skip
            elif sound.after is not None and j == 0:
                self.report((*key, "after"), (
                    "a clip that plays after a sentence needs a shot before it, shown while "
                    "that sentence is said; add one, or leave out `after` to open the section"
                ))  # fmt: skip
            elif sound.after is not None and sentence_end(text.split(), sound.after) is None:
                self.report((*key, "after"), (
                    f"the narration has no '{sound.after}'; give words of the sentence the "
                    "clip follows, as the text writes them"
                ))  # fmt: skip

    def narration(self, doc: s.EpisodeDoc, i: int, context) -> m.Narration:
        """The section's take: its own file, or its stretch of the episode's single take."""
        here: KeyPath = ("sections", i, "narration")
        spec = doc.sections[i].narration
        shared = doc.narration.take if doc.narration else None
        if spec.audio == SCRATCH or (spec.audio is None and shared is None):
            text = self.text(spec.text, (*here, "text"), context, lines=True)
            return self.scratch(spec, here, text)
        raw = spec.audio or shared
        key = (*here, "audio") if spec.audio or not shared else ("narration", "take")
        start = spec.start if spec.start is not None else (0.0 if raw != shared else None)
        end = spec.end
        following = doc.sections[i + 1].narration if i + 1 < len(doc.sections) else None
        if end is None and following and (following.audio or shared) == raw:
            end = following.start
        file = self.assets.file(raw, key, AUDIO_TYPES) if raw else None
        return m.Narration(
            text=self.text(spec.text, (*here, "text"), context, lines=True),
            audio=file or Path(raw or ""),
            start=0.0 if i == 0 and start is None else start,
            end=end,
            origin=self.origin(key),
            offsets=self.origin((*here, "start")),
            script=self.origin((*here, "text")),
            keep_last=_retakes(doc, spec) == "keep-last",
        )

    def scratch(self, spec: s.Narration, here: KeyPath, text: str) -> m.Narration:
        """A section without a recorded take: the synthetic voice reads its text whole."""
        for name in ("start", "end"):
            if getattr(spec, name) is not None:
                self.report(
                    (*here, name),
                    f"a section on scratch narration has no take to {name} in; remove "
                    f"`{name}`, or give the section its recorded `audio`",
                )
        return m.Narration(
            text=text,
            audio=None,
            start=0.0,
            end=None,
            origin=self.origin((*here, "audio")),
            offsets=self.origin((*here, "start")),
            script=self.origin((*here, "text")),
            scratch=True,
        )

    def music(self, doc: s.EpisodeDoc) -> tuple[m.MusicPart, ...]:
        clips = [(("music", "bed"), doc.music.bed)] if doc.music.bed else []
        clips += [(("music", "cues", k), cue) for k, cue in enumerate(doc.music.cues)]
        parts = []
        for key, clip in clips:
            span = self.cue_span(doc, key, clip) if isinstance(clip, MusicCue) else None
            file = self.assets.file(clip.file, (*key, "file"), AUDIO_TYPES)
            if file:
                parts.append(
                    m.MusicPart(
                        file,
                        clip.level,
                        clip.fade_in,
                        clip.fade_out,
                        clip.loop,
                        span,
                        self.origin(key),
                    )
                )
        return tuple(parts)

    def poster(self, doc: s.EpisodeDoc) -> m.Poster | None:
        if doc.poster is None:
            return None
        ids = [sec.id for sec in doc.sections]
        if doc.poster.section not in ids:
            self.report(
                ("poster", "section"),
                f"no section with id '{doc.poster.section}'; use one of: {', '.join(ids)}",
            )
            return None
        return m.Poster(ids.index(doc.poster.section), doc.poster.at, self.origin(("poster",)))

    def cue_span(self, doc: s.EpisodeDoc, key: KeyPath, clip: MusicCue) -> tuple[int, int]:
        """The first and last section a music cue covers."""
        ids = {sec.id: i for i, sec in enumerate(doc.sections)}
        first, last = ids.get(clip.start), ids.get(clip.end or clip.start)
        named = [("start", first)] + ([("end", last)] if clip.end else [])
        for name, found in named:
            if found is None:
                self.report(
                    (*key, name),
                    f"no section with id '{getattr(clip, name)}'; use one of: {', '.join(ids)}",
                )
        if first is not None and last is not None and last < first:
            self.report((*key, "end"), "the cue ends before it starts; swap start and end")
        return (first or 0, last or 0)

    def transition(self, doc: s.EpisodeDoc, t: TransitionSpec | None) -> m.Transition:
        chosen = _overlay(doc.defaults.transition, t)
        return m.Transition(chosen.type, chosen.duration if chosen.type == "crossfade" else 0.0)

    def fill(
        self, templates: CardTemplates | None, name: str, context, fields, key: KeyPath
    ) -> str | None:
        if templates is None:
            return None
        try:
            return templates.render(name, context, fields)
        except TemplateProblem as err:
            where = (*key, "fields", err.field) if err.field else (*key, "card")
            if err.field in ("caption", "credit") and name == OVERLAY_TEMPLATE:
                where = (*key, err.field)
            self.report(where, str(err))
            return None


@dataclass
class _Making:
    """What a kind makes its shot with: the normaliser, bound to one section's names."""

    normaliser: Normaliser
    doc: s.EpisodeDoc
    context: dict[str, Any]
    templates: CardTemplates | None

    @property
    def root(self) -> Path:
        return self.normaliser.root

    def file(self, raw: str, key: KeyPath, types: tuple[str, ...]) -> Path | None:
        return self.normaliser.assets.file(raw, key, types)

    def image_size(self, file: Path, key: KeyPath) -> tuple[int, int] | None:
        return self.normaliser.assets.image_size(file, key)

    def text(self, raw: str, key: KeyPath, lines: bool = False) -> str:
        return self.normaliser.text(raw, key, self.context, lines)

    def fill(self, name: str, fields, key: KeyPath) -> str | None:
        return self.normaliser.fill(self.templates, name, self.context, fields, key)

    def origin(self, key: KeyPath) -> m.Origin:
        return self.normaliser.origin(key)

    def report(self, key: KeyPath, message: str) -> None:
        self.normaliser.report(key, message)

    def setting(self, name: str) -> Any:
        """A setting of the episode: `move` (the default move), `video`, `kinds`."""
        if name == "move":
            return self.doc.defaults.move
        return getattr(self.doc, name)


def _meta(path: Path, doc: s.EpisodeDoc) -> m.Meta:
    film = m.Film(doc.film.title, doc.film.year, doc.film.director)
    return m.Meta(
        path.stem, doc.series, doc.episode, doc.title, film, doc.author, doc.date,
        doc.summary, doc.guid,
    )  # fmt: skip


def _settings(
    doc: s.EpisodeDoc, fonts: dict[str, Font], templates: CardTemplates | None, root: Path
) -> m.Settings:
    return m.Settings(
        video=doc.video,
        timing=doc.timing,
        subtitles=doc.subtitles,
        audio=doc.audio,
        ducking=doc.music.ducking(),
        fonts=tuple(sorted({f.path for f in fonts.values()})),
        font_names=tuple((name, f.path) for name, f in fonts.items()),
        templates=templates.folder if templates else root,
        renditions=tuple(h for h in doc.renditions if h <= doc.video.height),
        site=doc.site,
        scratch=doc.scratch,
        strict=doc.strict,
        feed=doc.feed,
        newsletter=doc.newsletter,
    )


def _overlay(default: Any, chosen: Any) -> Any:
    """The default model with the keys the author set in `chosen` put over it."""
    if chosen is None:
        return default
    return type(default)(**{**default.model_dump(), **chosen.model_dump(exclude_unset=True)})


def _retakes(doc: s.EpisodeDoc, spec: s.Narration) -> str:
    """The section's own `retakes`, else the episode's."""
    return spec.retakes or (doc.narration.retakes if doc.narration else "keep-last")
