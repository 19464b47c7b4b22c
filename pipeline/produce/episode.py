"""The two things a user asks of an episode: check it, and build its files. Only
orchestration: each step is a stage's, each file a product's."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.audio.clip_words import hear_clips
from pipeline.audio.encoded import encoded_sound
from pipeline.audio.loudness import Loudness
from pipeline.audio.music import MusicTrack, load_music
from pipeline.audio.scratch import refused_on_scratch
from pipeline.audio.takes import Take, load_takes
from pipeline.base.allocator import return_big_blocks
from pipeline.base.errors import EssayError, Problem
from pipeline.base.progress import Progress
from pipeline.kinds import check_shots
from pipeline.produce.series import series_of, series_templates
from pipeline.publish.episode_json import facts_from
from pipeline.publish.last_delivery import LastDelivery
from pipeline.publish.product import Product, Rendered, rehearse
from pipeline.publish.profiles import MASTER, BuildProfile
from pipeline.publish.series_files import rehearse_page
from pipeline.publish.site import site_templates
from pipeline.publish.swap import swap_in
from pipeline.render.captions import captions_for
from pipeline.render.plan import SegmentJob, plan_segments
from pipeline.render.rendition import Rendition
from pipeline.render.segments import SegmentResult, render_segments, room_for
from pipeline.script.model import Essay
from pipeline.script.project import Project
from pipeline.timing.timeline import Timeline, build_timeline


@dataclass(frozen=True)
class Checked:
    essay: Essay
    takes: dict[str, Take]
    music: list[MusicTrack]
    timeline: Timeline
    warnings: tuple[Problem, ...]  # the timeline's doubts and the products'
    renditions: tuple[Rendition, ...]  # what the profile renders of this episode
    products: tuple[Product, ...]  # and delivers: a video a rendition, then the rest


@dataclass(frozen=True)
class RanOn:
    """Where an episode's build ran, when it was not here: a cluster's worker."""

    worker: str
    seconds: float  # its task, start to end
    waited: float  # of which it waited for its segments, spread over the workers


@dataclass(frozen=True)
class Built:
    checked: Checked
    folder: Path
    files: tuple[Path, ...]
    segments: tuple[SegmentResult, ...]
    loudness: dict[str, Loudness]  # of each delivered file that carries sound, by name
    audio_reused: bool
    ran_on: RanOn | None = None

    @property
    def frames_encoded(self) -> int:
        return sum(s.frames for s in self.segments if not s.reused)


def check(
    path: Path,
    profile: BuildProfile = MASTER,
    project: Project | None = None,
    strict: bool = False,
) -> Checked:
    """Validate everything a build with `profile` would use; its products add their
    warnings; with `strict` (or the series' `strict`), each disagreement between a take and
    its script is an error. Raises EssayError listing every problem."""
    project = project or Project.containing(path)
    essay = project.load(path)
    shots = check_shots(essay)
    problems = [p for p in shots if not p.warning]
    takes = _collect(lambda: load_takes(essay, project.runner, project.cache), problems)
    music = _collect(lambda: load_music(essay, project.cache), problems)
    if problems:
        raise EssayError(problems)
    said = hear_clips(essay, project.cache)
    timeline = build_timeline(essay, takes, [track.length for track in music], said)
    if (strict or essay.settings.strict) and timeline.disagreements:
        raise EssayError(replace(p, warning=False) for p in timeline.disagreements)
    renditions = profile.renditions(essay.settings.video, essay.settings.renditions)
    products = profile.products_for(renditions)
    found = [p for product in products for p in product.check(essay, timeline)]
    found += _pages(project, profile, essay, timeline, renditions, products)
    if any(not p.warning for p in found):
        raise EssayError(p for p in found if not p.warning)
    found += [p for p in shots if p.warning]
    project.cache.keep_facts()
    warnings = (*timeline.warnings, *found)
    return Checked(essay, takes, music, timeline, warnings, renditions, products)


def _pages(project, profile, essay, timeline, renditions, products) -> list[Problem]:
    """The pages made as a build would make them (and let go): a series' page template that
    fails is a problem of the input, said by the check."""
    site = site_templates(essay.settings.templates / "site", project.root)
    found = rehearse(products, essay, timeline, renditions, site)
    if profile.series_files and not found:
        files = {p.role: p.name(essay.meta.slug) for p in products if p.role}
        facts = facts_from(essay, timeline, renditions, files)
        found += rehearse_page(series_of(project), facts, series_templates(project))
    return found


def _collect(load, problems: list[Problem]):
    """Run a loader; its problems join the others instead of stopping the check."""
    try:
        return load()
    except EssayError as err:
        problems += err.problems
        return None


def build(
    path: Path,
    profile: BuildProfile = MASTER,
    workers: int | None = None,
    progress: Progress | None = None,
    burn_subtitles: bool = False,
    project: Project | None = None,
    strict: bool = False,
) -> Built:
    """Render, mix and write every file, then move them into output/<folder>/ together.
    Another build of the same episode (on this machine or another sharing the cache) is
    waited for, so the episode is rendered once and this build reuses what it made."""
    project = project or Project.containing(path)
    progress = progress or Progress()
    slug = project.slug(path)  # it names the lock, before anything else is read
    waiting = lambda: progress.note(f"waiting for another build of {slug} to finish")  # noqa: E731
    with project.cache.lock(slug, waiting):
        return _build(path, profile, workers, progress, burn_subtitles, project, strict)


def _build(path, profile: BuildProfile, workers, progress, burn, project, strict) -> Built:
    return_big_blocks()
    progress.stage("checking")
    checked = check(path, profile, project, strict)
    essay, runner = checked.essay, project.runner
    refused = None if profile.scratch else refused_on_scratch(essay)
    if refused:  # so no subscriber receives the synthetic voice by mistake
        raise EssayError([refused])
    folder = project.output / profile.folder(essay.meta.slug)
    work = project.cache.workspace(essay.meta.slug)
    renditions, products = checked.renditions, checked.products
    try:
        jobs = _plan(project, checked, renditions, burn)
        room_for(jobs, project.cache, folder.parent)
        sound_of = (essay, checked.timeline, checked.takes, checked.music, profile.sound)
        with runner.alongside(encoded_sound, *sound_of, project.cache, runner) as mixing:
            segments = render_segments(jobs, project.cache, runner, workers, progress)
            progress.stage("mixing the sound")
            sound = mixing.result()  # the sound is made while the pictures are
        progress.stage("writing the files")
        made = (jobs, renditions, segments, sound, work)
        rendered = _rendered(checked, products, *made, project.root)
        names = _write(products, rendered, LastDelivery(project.cache, folder), folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    project.cache.keep_facts()
    files = tuple(sorted(folder / name for name in names))
    return Built(checked, folder, files, tuple(segments), rendered.loudness, sound.reused)


def _rendered(checked, products, jobs, renditions, segments, sound, work, root) -> Rendered:
    """What the products are made from."""
    essay, slug = checked.essay, checked.essay.meta.slug
    carried = {p.name(slug): sound.loudness[p.sound] for p in products if p.sound in sound.loudness}
    return Rendered(
        essay=essay,
        timeline=checked.timeline,
        jobs=tuple(jobs),
        renditions=renditions,
        segments=tuple(tuple(s.paths[k] for s in segments) for k in range(len(renditions))),
        sound=sound,
        loudness=carried,
        work=work,
        site=site_templates(essay.settings.templates / "site", root),
        files={p.role: p.name(slug) for p in products if p.role},
    )


def _plan(
    project: Project, checked: Checked, renditions: tuple[Rendition, ...], burn: bool
) -> list[SegmentJob]:
    essay, timeline = checked.essay, checked.timeline
    captions = captions_for(essay, timeline, project.templates_for(essay)) if burn else ()
    return plan_segments(essay, timeline, renditions, captions)


def _write(
    products: tuple[Product, ...], rendered: Rendered, last: LastDelivery, folder: Path
) -> list[str]:
    """Each product made anew only when what it is made of changed; then all of them put
    into `folder` at once."""
    slug = rendered.essay.meta.slug
    staged = rendered.work / slug
    staged.mkdir()
    names = []
    for product in products:
        name = product.name(slug)
        if not last.reuse(name, [product.version, product.key(rendered)], staged):
            product.make(rendered, staged / name)
        names.append(name)
    swap_in(staged, folder)
    last.save(names)
    return names
