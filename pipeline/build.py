"""The two things a user asks of an episode: check it, and build its files. Only
orchestration: each step is a stage's, each file a product's."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.audio.encoded import encoded_sound
from pipeline.audio.loudness import Loudness
from pipeline.audio.music import MusicTrack, load_music
from pipeline.audio.takes import Take, load_takes
from pipeline.base.allocator import return_big_blocks
from pipeline.base.errors import EssayError, Problem
from pipeline.base.progress import Progress
from pipeline.publish.delivered import Delivered
from pipeline.publish.product import Rendered
from pipeline.publish.profiles import PROFILES, BuildProfile
from pipeline.publish.swap import swap_in
from pipeline.render.captions import captions_for
from pipeline.render.plan import SegmentJob, plan_segments
from pipeline.render.segments import SegmentResult, render_segments
from pipeline.script.model import Essay
from pipeline.script.project import Project
from pipeline.timing.timeline import Timeline, build_timeline
from pipeline.visuals.checks import check_moves


@dataclass(frozen=True)
class Checked:
    essay: Essay
    takes: dict[str, Take]
    music: list[MusicTrack]
    timeline: Timeline
    warnings: tuple[Problem, ...]  # the timeline's doubts and the products'


@dataclass(frozen=True)
class Built:
    checked: Checked
    folder: Path
    files: tuple[Path, ...]
    segments: tuple[SegmentResult, ...]
    loudness: dict[str, Loudness]  # of each delivered file that carries sound, by name
    audio_reused: bool

    @property
    def frames_encoded(self) -> int:
        return sum(s.frames for s in self.segments if not s.reused)


def check(path: Path, profile: str = "master", project: Project | None = None) -> Checked:
    """Validate everything a build with `profile` would use; its products add their
    warnings. Raises EssayError listing every problem."""
    project = project or Project.containing(path)
    essay = project.load(path)
    problems = check_moves(essay)
    takes = _collect(lambda: load_takes(essay, project.runner), problems)
    music = _collect(lambda: load_music(essay, project.cache), problems)
    if problems:
        raise EssayError(problems)
    timeline = build_timeline(essay, takes, [track.length for track in music])
    products = PROFILES[profile].products
    doubts = [w for product in products for w in product.check(essay, timeline)]
    return Checked(essay, takes, music, timeline, (*timeline.warnings, *doubts))


def _collect(load, problems: list[Problem]):
    """Run a loader; its problems join the others instead of stopping the check."""
    try:
        return load()
    except EssayError as err:
        problems += err.problems
        return None


def build(
    path: Path,
    profile: str = "master",
    workers: int | None = None,
    progress: Progress | None = None,
    burn_subtitles: bool = False,
    project: Project | None = None,
) -> Built:
    """Render, mix and write every file, then move them into output/<folder>/ together."""
    return_big_blocks()
    chosen, progress = PROFILES[profile], progress or Progress()
    project = project or Project.containing(path)
    progress.stage("checking")
    checked = check(path, profile, project)
    essay, runner = checked.essay, project.runner
    folder = project.root / "output" / chosen.folder(essay.meta.slug)
    scratch = project.cache.scratch(essay.meta.slug)
    try:
        jobs = _plan(project, checked, chosen, burn_subtitles)
        sound_of = (essay, checked.timeline, checked.takes, checked.music, chosen.sound)
        with runner.alongside(encoded_sound, *sound_of, project.cache, runner) as mixing:
            segments = render_segments(jobs, project.cache, runner, workers, progress)
            progress.stage("mixing the sound")
            sound = mixing.result()  # the sound is made while the pictures are
        progress.stage("writing the files")
        carried = {
            p.name(essay.meta.slug): sound.loudness[p.sound]
            for p in chosen.products
            if p.sound in sound.loudness
        }
        paths = tuple(s.path for s in segments)
        rendered = Rendered(essay, checked.timeline, paths, sound, carried, scratch)
        names = _write(chosen, rendered, Delivered(project.cache, folder), folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    files = tuple(sorted(folder / name for name in names))
    return Built(checked, folder, files, tuple(segments), carried, sound.reused)


def _plan(
    project: Project, checked: Checked, profile: BuildProfile, burn: bool
) -> list[SegmentJob]:
    essay, timeline = checked.essay, checked.timeline
    captions = captions_for(essay, timeline, project.templates_for(essay)) if burn else ()
    return plan_segments(essay, timeline, profile.rendition(essay.settings.video), captions)


def _write(
    profile: BuildProfile, rendered: Rendered, delivered: Delivered, folder: Path
) -> list[str]:
    """Each product made anew only when what it is made of changed; then all of them put
    into `folder` at once."""
    slug = rendered.essay.meta.slug
    staged = rendered.scratch / slug
    staged.mkdir()
    names = []
    for product in profile.products:
        name = product.name(slug)
        if not delivered.reuse(name, [product.version, product.key(rendered)], staged):
            product.make(rendered, staged / name)
        names.append(name)
    swap_in(staged, folder)
    delivered.save(names)
    return names
