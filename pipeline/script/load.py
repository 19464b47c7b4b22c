"""Load an episode: read series.yaml and the episode, validate, resolve, render text."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from pipeline.errors import EssayError, Problem
from pipeline.script import model as m
from pipeline.script import schema as s
from pipeline.script.source import KeyPath, Source, key_name, merge, read_yaml
from pipeline.script.validate import validate
from pipeline.visuals.fonts import Font, open_font
from pipeline.visuals.motion import focus_in_view
from pipeline.visuals.templates import CardTemplates, TemplateProblem, render_text

AUDIO_TYPES = (".wav", ".mp3", ".m4a", ".flac", ".ogg")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp")
SERIES_FILE = "series.yaml"
_FILE_KEYS = {"audio", "take", "still", "file"}
OVERLAY_TEMPLATE = "caption"


def _about(file: Path, message: str) -> EssayError:
    """A problem with a whole file."""
    return EssayError([Problem(file, None, None, "", message)])


def project_root(episode: Path) -> Path:
    """Episodes live in <project>/essays/; asset paths are relative to <project>."""
    folder = episode.resolve().parent
    return folder.parent if folder.name == "essays" else folder


def load_essay(path: Path) -> m.Essay:
    """Raises EssayError with every problem found."""
    path = Path(path)
    if path.name == SERIES_FILE:
        raise _about(path, "this is the series file; give an episode, e.g. essays/her.yaml")
    series_path = path.parent / SERIES_FILE
    if not series_path.is_file():
        raise _about(
            series_path, f"no {SERIES_FILE} beside the episode; create one with `series: <title>`"
        )
    sources, problems = [], []
    for file in (series_path, path):
        try:
            sources.append(read_yaml(file))
        except EssayError as err:
            problems += err.problems
    if problems:
        raise EssayError(problems)
    series, episode = sources
    for model, source in ((s.SeriesDoc, series), (s.EpisodeDoc, merge(series, episode))):
        try:
            doc = validate(model, source)
        except EssayError as err:
            problems += [p for p in err.problems if p not in problems]
    normaliser = _Normaliser(path, project_root(path), source)
    if problems:
        # the files named are worth checking even when the structure is wrong
        normaliser.check_files(source.data)
        raise EssayError(problems + normaliser.problems)
    return normaliser.essay(doc)


@dataclass
class _Normaliser:
    """Turns a validated EpisodeDoc into an Essay, collecting every problem on the way."""

    path: Path
    root: Path
    source: Source
    problems: list[Problem] = field(default_factory=list)
    probed: dict[Path, tuple[int, int] | str] = field(default_factory=dict)

    def essay(self, doc: s.EpisodeDoc) -> m.Essay:
        fonts = self.fonts(doc)
        meta = m.Meta(
            slug=self.path.stem,
            series=doc.series,
            episode=doc.episode,
            title=doc.title,
            film=m.Film(doc.film.title, doc.film.year, doc.film.director),
            author=doc.author,
            date=doc.date,
        )
        context = {
            "series": meta.series,
            "episode": meta.episode,
            "title": meta.title,
            "film": {
                "title": meta.film.title,
                "year": meta.film.year,
                "director": meta.film.director,
            },
            "author": meta.author or "",
            "date": meta.date.isoformat() if meta.date else "",
        }
        templates = self.templates(doc, fonts)
        self.probe_stills(doc)
        sections = tuple(
            self.section(doc, i, sec, context, templates) for i, sec in enumerate(doc.sections)
        )
        self.check_unique_ids(doc)
        music = self.music(doc)
        if doc.subtitles.font not in fonts and not self.problems:
            self.report(
                ("subtitles", "font"),
                f"no font named '{doc.subtitles.font}' in `fonts`; use one of: {', '.join(fonts)}",
            )
        if self.problems:
            raise EssayError(self.problems)
        settings = m.Settings(
            video=doc.video,
            timing=doc.timing,
            subtitles=doc.subtitles,
            audio=doc.audio,
            music=doc.music,
            fonts=tuple(sorted({f.path for f in fonts.values()})),
            font_names=tuple((name, f.path) for name, f in fonts.items()),
            templates=templates.folder if templates else self.root,
        )
        return m.Essay(self.path, self.root, meta, settings, sections, music)

    # -- problems and paths -------------------------------------------------------------

    def report(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def origin(self, path: KeyPath) -> m.Origin:
        mark = self.source.mark(path)
        return m.Origin(mark and mark.file, mark and mark.line, mark and mark.col, key_name(path))

    def asset(self, raw: str, path: KeyPath, types: tuple[str, ...]) -> Path | None:
        """Resolve a path the author wrote; None (and a problem reported) if unusable."""
        resolved = self.inside(raw)
        if resolved is None:
            self.report(
                path,
                f"path leaves the project folder: {raw}; "
                f"keep assets inside {self.root} and use a relative path",
            )
        elif not resolved.exists():
            self.report(
                path, f"file not found: {raw}; paths are relative to the project folder {self.root}"
            )
        elif not resolved.is_file():
            self.report(path, f"not a file: {raw}")
        elif not os.access(resolved, os.R_OK):
            self.report(path, f"cannot read {raw}: permission denied")
        elif types and resolved.suffix.lower() not in types:
            kinds = ", ".join(t.lstrip(".") for t in types)
            self.report(path, f"unsupported file type '{resolved.suffix}'; use {kinds}")
        else:
            return resolved
        return None

    def inside(self, raw: str) -> Path | None:
        """The path the author wrote, resolved; None if it leaves the project folder."""
        resolved = (self.root / raw).resolve()
        return resolved if resolved.is_relative_to(self.root.resolve()) else None

    def check_files(self, data: Any, path: KeyPath = ()) -> None:
        """Report problems with every asset path in raw (unvalidated) data."""
        if isinstance(data, dict):
            for key, value in data.items():
                if key in _FILE_KEYS and isinstance(value, str):
                    self.asset(value, (*path, key), ())
                else:
                    self.check_files(value, (*path, key))
        elif isinstance(data, list):
            for i, value in enumerate(data):
                self.check_files(value, (*path, i))

    def text(self, raw: str, path: KeyPath, context: dict[str, Any]) -> str:
        try:
            return render_text(raw, context)
        except TemplateProblem as err:
            self.report(path, str(err))
            return raw

    # -- parts -------------------------------------------------------------------------------

    def fonts(self, doc: s.EpisodeDoc) -> dict[str, Font]:
        fonts = {}
        for role, raw in doc.fonts.items():
            file = self.asset(raw, ("fonts", role), (".ttf", ".otf"))
            if file is None:
                continue
            try:
                fonts[role] = open_font(file)
            except OSError:
                self.report(
                    ("fonts", role),
                    f"not a usable font file: {raw}; use a TrueType or OpenType font",
                )
        return fonts

    def templates(self, doc: s.EpisodeDoc, fonts: dict[str, Font]) -> CardTemplates | None:
        folder = (self.root / doc.templates).resolve()
        if not folder.is_dir() or not folder.is_relative_to(self.root.resolve()):
            self.report(
                ("templates",),
                f"no templates folder at {doc.templates}; it must be a folder inside the project",
            )
            return None
        return CardTemplates(folder, self.root, fonts)

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

    def section(self, doc, i: int, sec: s.Section, context, templates) -> m.Section:
        here: KeyPath = ("sections", i)
        context = {**context, "section": {"id": sec.id, "title": sec.title, "number": i + 1}}
        title = self.text(sec.title, (*here, "title"), context)
        context["section"]["title"] = title
        narration = self.narration(doc, i, context)
        visuals = []
        for j, shot in enumerate(sec.visuals):
            key = (*here, "visuals", j)
            transition = self.transition(doc, shot.transition)
            if isinstance(shot, s.StillShot):
                visuals.append(self.still(doc, key, shot, transition, context, templates))
            else:
                visuals.append(self.card(key, shot, transition, context, templates))
        return m.Section(sec.id, title, narration, tuple(visuals))

    def narration(self, doc: s.EpisodeDoc, i: int, context) -> m.Narration:
        """The section's take: its own file, or its stretch of the episode's single take."""
        here: KeyPath = ("sections", i, "narration")
        spec = doc.sections[i].narration
        shared = doc.narration.take if doc.narration else None
        raw = spec.audio or shared
        key = (*here, "audio") if spec.audio or not shared else ("narration", "take")
        if raw is None:
            self.report(
                (*here, "audio"),
                "required key is missing; add the section's take, "
                "or give the episode one `narration: {take: ...}`",
            )
        start = spec.start if spec.start is not None else (0.0 if raw != shared else None)
        end = spec.end
        following = doc.sections[i + 1].narration if i + 1 < len(doc.sections) else None
        if end is None and following and (following.audio or shared) == raw:
            end = following.start
        file = self.asset(raw, key, AUDIO_TYPES) if raw else None
        return m.Narration(
            text=self.text(spec.text, (*here, "text"), context),
            audio=file or Path(raw or ""),
            start=0.0 if i == 0 and start is None else start,
            end=end,
            origin=self.origin(key),
            offsets=self.origin((*here, "start")),
            script=self.origin((*here, "text")),
        )

    def music(self, doc: s.EpisodeDoc) -> tuple[m.MusicPart, ...]:
        ids = {sec.id: i for i, sec in enumerate(doc.sections)}
        parts = []
        clips = [(("music", "bed"), doc.music.bed)] if doc.music.bed else []
        clips += [(("music", "cues", k), cue) for k, cue in enumerate(doc.music.cues)]
        for key, clip in clips:
            span = None
            if isinstance(clip, s.MusicCue):
                first, last = ids.get(clip.start), ids.get(clip.end or clip.start)
                named = [("start", first)] + ([("end", last)] if clip.end else [])
                for name, found in named:
                    if found is None:
                        self.report(
                            (*key, name),
                            f"no section with id '{getattr(clip, name)}'; "
                            f"use one of: {', '.join(ids)}",
                        )
                if first is not None and last is not None and last < first:
                    self.report((*key, "end"), "the cue ends before it starts; swap start and end")
                span = (first or 0, last or 0)
            file = self.asset(clip.file, (*key, "file"), AUDIO_TYPES)
            if file:
                origin = self.origin(key)
                parts.append(
                    m.MusicPart(
                        file, clip.level, clip.fade_in, clip.fade_out, clip.loop, span, origin
                    )
                )
        return tuple(parts)

    def transition(self, doc: s.EpisodeDoc, t: s.Transition | None) -> m.Transition:
        chosen = _overlay(doc.defaults.transition, t)
        return m.Transition(chosen.type, chosen.duration if chosen.type == "crossfade" else 0.0)

    def still(self, doc, key, shot: s.StillShot, transition, context, templates) -> m.Still:
        image = self.asset(shot.still, (*key, "still"), IMAGE_TYPES)
        move = _overlay(doc.defaults.move, shot.move)
        size = self.image_size(image, (*key, "still")) if image else None
        frame = (doc.video.width, doc.video.height)
        if size and not focus_in_view(move, size, frame):
            self.report(
                (*key, "move"),
                "the move takes the focus point out of frame; reduce pan or zoom, or move focus",
            )
        overlay = None
        if (shot.caption or shot.credit) and templates:
            fields = {
                name: self.text(value, (*key, name), context)
                for name, value in (("caption", shot.caption), ("credit", shot.credit))
                if value
            }
            overlay = self.fill(templates, OVERLAY_TEMPLATE, context, fields, key)
        return m.Still(
            image or Path(shot.still), move, overlay, shot.weight, transition, self.origin(key)
        )

    def card(self, key, shot: s.CardShot, transition, context, templates) -> m.Card:
        fields = {k: self.text(v, (*key, "fields", k), context) for k, v in shot.fields.items()}
        svg = self.fill(templates, shot.card, context, fields, key) if templates else ""
        return m.Card(svg or "", shot.weight, transition, self.origin(key))

    def fill(
        self, templates: CardTemplates, name: str, context, fields, key: KeyPath
    ) -> str | None:
        try:
            return templates.render(name, context, fields)
        except TemplateProblem as err:
            where = (*key, "fields", err.field) if err.field else (*key, "card")
            if err.field in ("caption", "credit") and name == OVERLAY_TEMPLATE:
                where = (*key, err.field)
            self.report(where, str(err))
            return None

    def image_size(self, file: Path, key: KeyPath) -> tuple[int, int] | None:
        """The still's upright size, or None (and a problem reported) if it does not decode."""
        size = self.probed[file] if file in self.probed else _probe(file)
        if isinstance(size, str):
            self.report(
                key, f"cannot decode image {_rel(file)}: {size}; re-export it as JPEG or PNG"
            )
            return None
        return size

    def probe_stills(self, doc: s.EpisodeDoc) -> None:
        """Decode every still at once, on all cores (the decoder lets go of the GIL)."""
        stills = {
            self.inside(v.still)
            for sec in doc.sections
            for v in sec.visuals
            if isinstance(v, s.StillShot)
        }
        files = [f for f in stills if f is not None and f.is_file()]
        with ThreadPoolExecutor(os.cpu_count()) as pool:
            self.probed = dict(zip(files, pool.map(_probe, files), strict=True))


def _probe(file: Path) -> tuple[int, int] | str:
    """Upright size; decoding the image (at 1/8 scale, cheaply) proves it is whole.
    A string says why it does not decode."""
    try:
        with Image.open(file) as im:
            w, h = im.size
            turned = im.getexif().get(_EXIF_ORIENTATION, 1) in (5, 6, 7, 8)
            im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
            im.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        return str(err)
    return (h, w) if turned else (w, h)


_EXIF_ORIENTATION = 0x0112


def _overlay(default: Any, chosen: Any) -> Any:
    """The default model with the keys the author set in `chosen` put over it."""
    if chosen is None:
        return default
    return type(default)(**{**default.model_dump(), **chosen.model_dump(exclude_unset=True)})


def _rel(path: Path) -> str:
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel
