"""The two things a user asks for: check an essay, and build its files."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

from pipeline.allocator import return_big_blocks
from pipeline.audio.loudness import Loudness
from pipeline.audio.music import MusicTrack, load_music
from pipeline.audio.streams import MASTER, MP3, AudioStreams, audio_streams
from pipeline.audio.takes import Take, load_takes
from pipeline.errors import EssayError
from pipeline.publish.edition import cover_art, write_m4a, write_mp3
from pipeline.publish.outputs import publish
from pipeline.publish.reuse import Delivered, key_of
from pipeline.publish.subtitles import chapters_vtt, to_srt, to_vtt
from pipeline.render.assemble import assemble, ffmetadata
from pipeline.render.cache import Cache
from pipeline.render.captions import captions_for
from pipeline.render.plan import file_digest, plan_segments
from pipeline.render.profile import profile_for
from pipeline.render.segments import Progress, SegmentResult, render_segments
from pipeline.script.load import load_essay
from pipeline.script.model import Card, Essay
from pipeline.timing.timeline import Timeline, build_timeline
from pipeline.visuals.cards import rasterise


@dataclass(frozen=True)
class Checked:
    essay: Essay
    takes: dict[str, Take]
    music: list[MusicTrack]
    timeline: Timeline


@dataclass(frozen=True)
class Built:
    checked: Checked
    folder: Path
    files: tuple[Path, ...]
    segments: tuple[SegmentResult, ...]
    loudness: dict[str, Loudness]  # measured on the delivered files, by file name
    audio_reused: bool

    @property
    def frames_encoded(self) -> int:
        return sum(s.frames for s in self.segments if not s.reused)


def check(path: Path) -> Checked:
    """Validate everything a build would use. Raises EssayError listing every problem."""
    essay = load_essay(path)
    problems: list = []
    takes = _collect(load_takes, essay, problems)
    music = _collect(load_music, essay, problems)
    if problems:
        raise EssayError(problems)
    timeline = build_timeline(essay, takes)
    return Checked(essay, takes, music, timeline)


def _collect(load, essay: Essay, problems: list):
    """Run a loader; its problems join the others instead of stopping the check."""
    try:
        return load(essay)
    except EssayError as err:
        problems += err.problems
        return None


def output_folder(essay: Essay, profile: str) -> Path:
    name = essay.meta.slug if profile == "master" else f"{essay.meta.slug}-{profile}"
    return essay.root / "output" / name


def build(
    path: Path,
    profile: str = "master",
    workers: int | None = None,
    progress: Progress | None = None,
    burn_subtitles: bool = False,
) -> Built:
    """Render, mix and write every file, then move them into output/<slug>/ together."""
    return_big_blocks()
    progress = progress or Progress()
    progress.stage("checking")
    checked = check(path)
    essay, timeline = checked.essay, checked.timeline
    cache = Cache.for_project(essay.root)
    scratch = cache.scratch(essay.meta.slug)
    folder = output_folder(essay, profile)
    delivered = Delivered(cache.root / "delivered" / f"{folder.name}.json", folder)
    try:
        captions = captions_for(essay, timeline) if burn_subtitles else ()
        jobs = plan_segments(essay, timeline, profile_for(essay.settings.video, profile), captions)
        with ThreadPoolExecutor(1) as mixer:  # the sound is made while the pictures are
            sound_of = partial(audio_streams, essay, timeline, checked.takes, checked.music)
            mixing = mixer.submit(sound_of, cache.root, draft=profile == "draft")
            segments = render_segments(jobs, cache, workers, progress)
            progress.stage("mixing the sound")
            sound = mixing.result()
        progress.stage("writing the files")
        staged = scratch / essay.meta.slug
        staged.mkdir()
        products = _Products(checked, list(segments), sound, staged, scratch, delivered)
        files = products.write()
        publish(staged, folder)
        delivered.save(f.name for f in files)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    files = sorted(folder / f.name for f in files)
    loudness = _delivered_loudness(essay, sound)
    return Built(checked, folder, tuple(files), tuple(segments), loudness, sound.reused)


@dataclass
class _Products:
    """The files of a build, each made anew only when what it is made of changed."""

    checked: Checked
    segments: list[SegmentResult]
    sound: AudioStreams
    staged: Path
    scratch: Path
    delivered: Delivered

    def write(self) -> list[Path]:
        essay, timeline = self.checked.essay, self.checked.timeline
        slug, meta, chapters = essay.meta.slug, essay.meta, timeline.chapters
        texts = {
            f"{slug}.srt": to_srt(timeline.cues),
            f"{slug}.vtt": to_vtt(timeline.cues),
            f"{slug}.chapters.vtt": chapters_vtt(timeline.chapters),
        }
        measured = _delivered_loudness(essay, self.sound)
        if measured:  # a draft's sound is not measured
            texts[f"{slug}.loudness.json"] = _loudness_report(essay, measured)
        for name, text in texts.items():
            (self.staged / name).write_text(text, encoding="utf-8")
        tags = ffmetadata(meta, chapters)
        video = [s.path.stem for s in self.segments]
        made = {f"{slug}.mp4": (key_of(video, self.sound.folder.name, tags), self._video)}
        if self.sound.has(MP3):  # a draft has no audio edition
            art = self._cover_recipe()
            made[f"{slug}.mp3"] = (key_of(self.sound.folder.name, tags, art), self._mp3)
            made[f"{slug}.m4a"] = (key_of(self.sound.folder.name, tags, art), self._m4a)
        for name, (key, make) in made.items():
            if not self.delivered.reuse(name, key, self.staged):
                make(self.staged / name)
        return [self.staged / n for n in [*texts, *made]]

    def _video(self, out: Path) -> None:
        essay, timeline = self.checked.essay, self.checked.timeline
        paths = [s.path for s in self.segments]
        assemble(paths, self.sound.path(MASTER), timeline.chapters, essay.meta, out, self.scratch)

    def _mp3(self, out: Path) -> None:
        essay = self.checked.essay
        write_mp3(
            self.sound.path(MP3), out, essay.meta, self.checked.timeline.chapters, self._cover()
        )

    def _m4a(self, out: Path) -> None:
        essay = self.checked.essay
        write_m4a(
            self.sound.path(MASTER),
            out,
            essay.meta,
            self.checked.timeline.chapters,
            self._cover(),
            self.scratch,
        )

    def _cover_recipe(self) -> list:
        card = _first_card(self.checked.essay)
        return [
            card.svg if card else "",
            [file_digest(f) for f in self.checked.essay.settings.fonts],
        ]

    @cached_property
    def _art(self) -> bytes:
        card = _first_card(self.checked.essay)
        fonts = self.checked.essay.settings.fonts
        return cover_art(rasterise(card.svg, fonts, (1920, 1080))) if card else b""

    def _cover(self) -> bytes:
        """Square cover art for the audio edition, from the episode's first card."""
        return self._art


def _first_card(essay: Essay) -> Card | None:
    return next((v for s in essay.sections for v in s.visuals if isinstance(v, Card)), None)


def _delivered_loudness(essay: Essay, sound: AudioStreams) -> dict[str, Loudness]:
    slug = essay.meta.slug
    names = {MASTER: [f"{slug}.mp4", f"{slug}.m4a"], MP3: [f"{slug}.mp3"]}
    return {n: measured for stream, measured in sound.loudness.items() for n in names[stream]}


def _loudness_report(essay: Essay, measured: dict[str, Loudness]) -> str:
    audio = essay.settings.audio
    report = {
        "target": {"integrated": audio.loudness, "true_peak": audio.true_peak},
        "measured": {name: m.as_dict() for name, m in measured.items()},
        "meter": "ITU-R BS.1770-4 (ffmpeg ebur128, true peak 4x oversampled)",
    }
    return json.dumps(report, indent=2) + "\n"
