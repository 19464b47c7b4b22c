"""`essay export`: the episode's timeline for an editor, in output/<slug>-timeline/.

Not in output/<slug>/: that folder is the subscriber delivery, swapped in whole by every
build and listed by the manifest, so anything else put there would be gone after the next
build. The export is checked as a build is, renders nothing, and appears by rename, so a
failed export leaves the last one whole."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio

from pipeline.base.errors import EssayError, Problem, RenderError
from pipeline.produce.episode import Checked, check
from pipeline.publish.otio_timeline import (
    card_shots,
    for_fcp7,
    otio_timeline,
    overlay_shots,
    picture_png,
)
from pipeline.publish.srt import to_srt
from pipeline.publish.swap import swap_in
from pipeline.script.project import Project

FCP7_ADAPTER = "fcp_xml"  # the name otio-fcp-adapter registers
FCP7_PACKAGE = "otio-fcp-adapter"


@dataclass(frozen=True)
class Exported:
    checked: Checked
    folder: Path
    files: tuple[Path, ...]  # relative to `folder`


def timeline_folder(project: Project, slug: str) -> Path:
    return project.output / f"{slug}-timeline"


def export_timeline(path: Path, project: Project | None = None, fcp7: bool = False) -> Exported:
    """Write <slug>.otio, the cards (and captions) as PNG, <slug>.srt and, with `fcp7`, an
    FCP 7 XML of the same timeline. Raises EssayError for an episode that cannot be built,
    or for `fcp7` without its adapter."""
    project = project or Project.containing(path)
    if fcp7:
        _fcp7_available(path)
    checked = check(path, project=project)
    slug = checked.essay.meta.slug
    folder = timeline_folder(project, slug)
    work = project.cache.workspace(f"{slug}-timeline")
    try:
        staged = work / folder.name
        staged.mkdir()
        files = _write(checked, staged, folder, fcp7)
        swap_in(staged, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Exported(checked, folder, tuple(files))


def _write(checked: Checked, staged: Path, folder: Path, fcp7: bool) -> list[Path]:
    """Every file into `staged`; what they name is where they will be, in `folder`."""
    essay, timeline = checked.essay, checked.timeline
    cards = _pictures(checked, staged, "cards", card_shots(timeline), opaque=True)
    overlays = _pictures(checked, staged, "overlays", overlay_shots(timeline), opaque=False)
    made = otio_timeline(
        essay,
        timeline,
        checked.music,
        {name: folder / rel for name, rel in cards.items()},
        {name: folder / rel for name, rel in overlays.items()},
    )
    slug = essay.meta.slug
    names = [Path(f"{slug}.otio"), Path(f"{slug}.srt")]
    otio.adapters.write_to_file(made, str(staged / names[0]))
    (staged / names[1]).write_text(to_srt(timeline.cues), encoding="utf-8")
    if fcp7:
        names.append(Path(f"{slug}.xml"))
        _write_fcp7(made, float(timeline.fps), staged / names[-1])
    return names + sorted([*cards.values(), *overlays.values()])


def _pictures(
    checked: Checked, staged: Path, under: str, svgs: dict[str, str], opaque: bool
) -> dict[str, Path]:
    """Each SVG as a PNG at the series' frame size; their paths relative to the folder."""
    settings = checked.essay.settings
    size = (settings.video.width, settings.video.height)
    made = {}
    for name, svg in svgs.items():
        rel = Path(under) / f"{name}.png"
        (staged / under).mkdir(exist_ok=True)
        (staged / rel).write_bytes(picture_png(svg, settings.fonts, size, opaque))
        made[name] = rel
    return made


def _write_fcp7(made: otio.schema.Timeline, fps: float, out: Path) -> None:
    try:
        otio.adapters.write_to_file(for_fcp7(made, fps), str(out), adapter_name=FCP7_ADAPTER)
    except (otio.exceptions.OTIOError, AttributeError, KeyError, TypeError, ValueError) as err:
        # a plugin of its own version: what it cannot take is its failure, told in a line
        raise RenderError(f"the FCP 7 XML adapter ({FCP7_PACKAGE}) failed: {err!r}") from None


def _fcp7_available(path: Path) -> None:
    """Before any work: the FCP 7 XML adapter is a plugin, installed apart."""
    try:
        otio.adapters.from_name(FCP7_ADAPTER)
    except otio.exceptions.NotSupportedError:
        raise EssayError([Problem(path, None, None, "", (
            f"--fcp7 needs the OTIO adapter plugin; pip install {FCP7_PACKAGE} "
            "(or pip install 'essay[fcp]'), or leave --fcp7 out"
        ))]) from None  # fmt: skip
