"""A film clip: a range of a video file in assets/, letterboxed (`contain`) or filling the
frame (`cover`), under the narration with its sound off, or speaking: the narration pauses
for it and its sound is part of the mix. It lasts its own length.

Its frames come from the bundled ffmpeg, conformed on the way: deinterlaced, sample aspect
and rotation honoured, HDR and BT.2020 brought to BT.709, and resampled in time to the
series' rate by timestamps (the `fps` filter), so a variable-rate phone clip plays at its
own speed. Only the range is decoded: ffmpeg seeks to the keyframe before it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from pipeline.base import ffmpeg
from pipeline.base.cache import file_digest
from pipeline.base.errors import Problem, shown
from pipeline.base.known import known
from pipeline.kinds import Drawing, Editorial, Picture
from pipeline.kinds.still import overlay_of
from pipeline.script.kinds import Making
from pipeline.script.model import Origin, OwnSound, Transition
from pipeline.script.settings import Model, Rate, TransitionSpec
from pipeline.script.source import KeyPath

VIDEO_TYPES = (".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi")
WARM_UP = 1.0  # seconds decoded before the first frame asked for, so it is the same frame
# whichever segment asks: the rate conversion then has the frames on both sides of it


def seconds(value: Any) -> Any:
    """`12.5`, `1:02.5` or `0:01:02.500` as seconds."""
    if isinstance(value, str) and re.fullmatch(r"\d+(:\d{1,2}){1,2}(\.\d+)?", value.strip()):
        total = 0.0
        for part in value.strip().split(":"):
            total = total * 60 + float(part)
        return total
    return value


class ClipShot(Model):
    lines = frozenset({"credit", "says"})
    clip: str = Field(description="Video file (mp4, mov, m4v, mkv, webm, avi).")
    from_: float = Field(
        0.0, ge=0, alias="from", description="Where it starts in the file: seconds or h:mm:ss.fff."
    )
    to: float | None = Field(
        None, gt=0, description="Where it ends in the file (default: the file's end)."
    )
    fit: Literal["contain", "cover"] = Field(
        "contain", description="`contain` letterboxes the whole picture; `cover` fills the frame."
    )
    sound: Literal["off", "on"] = Field(
        "off",
        description="`off`: under the narration; `on`: the film speaks and the narration waits "
        "(before it as the section's first shot, after it as its last, or at `after`).",
    )
    after: str | None = Field(
        None,
        max_length=500,
        description="Words of the sentence after which a speaking clip plays: the narration "
        "stops there and goes on after it.",
    )
    level: float = Field(0.0, ge=-30, le=12, description="Its sound against the narration's, dB.")
    credit: str | None = Field(None, description="Where the clip comes from, shown small.")
    says: str | None = Field(None, max_length=5000, description="Its dialogue, as written.")
    transition: TransitionSpec | None = Field(None, description="How the shot comes in.")

    _times = field_validator("from_", "to", mode="before")(lambda cls, v: seconds(v))


@dataclass(frozen=True)
class Probe:
    """What a video file is, as ffmpeg reads its header."""

    duration: float
    size: tuple[int, int]  # as shown: sample aspect applied, rotation turned
    interlaced: bool
    colour: str  # "hdr", "bt2020" or "" (BT.709 or untagged)
    audio: bool


@dataclass(frozen=True)
class Clip:
    file: Path
    start: float  # seconds into the file
    end: float
    fit: str
    probe: Probe
    overlay_svg: str | None  # its credit
    transition: Transition
    origin: Origin
    sound: OwnSound | None  # None: its sound is off
    kind: str = "clip"
    weight: float = 0.0  # it lasts its own length

    @property
    def seconds(self) -> float:
        return self.end - self.start


class ClipKind:
    tag = "clip"
    model = ClipShot
    file_keys = frozenset({"clip"})
    heading = "### A clip shot"

    def make(self, shot: ClipShot, key: KeyPath, transition: Transition, making: Making) -> Clip:
        file = making.file(shot.clip, (*key, "clip"), VIDEO_TYPES)
        found = _probe_or_report(file, key, making) if file else None
        probe = found or Probe(1.0, (16, 9), False, "", False)
        end = shot.to if shot.to is not None else probe.duration
        if found and (end > probe.duration + 0.05 or shot.from_ >= end):
            making.report((*key, "to" if shot.to is not None else "from"), (
                f"the clip's range {shot.from_:g}-{end:g} s is not inside {shot.clip}, which "
                f"lasts {probe.duration:.3f} s; give `from` and `to` within it"
            ))  # fmt: skip
        if found and shot.sound == "on" and not probe.audio:
            making.report((*key, "sound"), f"{shot.clip} has no sound; use `sound: off`")
        sound = None
        if shot.sound == "on":
            says = making.text(shot.says, (*key, "says"), lines=True) if shot.says else None
            sound = OwnSound(
                file or Path(shot.clip), shot.from_, end, shot.level, says, making.origin(key),
                shot.after,
            )  # fmt: skip
        return Clip(
            file or Path(shot.clip), shot.from_, min(end, probe.duration), shot.fit, probe,
            overlay_of(shot, key, making), transition, making.origin(key), sound,
        )  # fmt: skip

    def files(self, visual: Clip) -> tuple[Path, ...]:
        return (visual.file,)

    def pixels(self, visual: Clip) -> dict[str, Any]:
        return {
            "clip": file_digest(visual.file),
            "from": visual.start,
            "to": visual.end,
            "fit": visual.fit,
            "overlay": visual.overlay_svg,
        }

    def moves(self, visual: Clip) -> bool:
        return True

    def picture(self, visual: Clip, drawing: Drawing) -> Picture:
        return ClipFrames(visual, drawing)

    def checks(self, visual: Clip, frame: tuple[int, int]) -> list[Problem]:
        return []

    def editorial(self, visual: Clip, frames: int, fps: float) -> Editorial:
        return Editorial(visual.file.resolve(), visual.start, {
            "kind": "clip", "from": visual.start, "to": visual.end, "fit": visual.fit,
            "sound": "on" if visual.sound else "off",
        }, visual.overlay_svg)  # fmt: skip


class ClipFrames:
    """The clip's frames from one ffmpeg, in order from the first one asked for; past its
    range (or the file's end) it holds its last."""

    def __init__(self, clip: Clip, drawing: Drawing):
        self.clip, self.drawing = clip, drawing
        self.size = drawing.size[0] * drawing.size[1] * 3 // 2
        self.length = max(1, round(clip.seconds * drawing.fps))
        self.proc: subprocess.Popen | None = None
        self.read = -1  # the last moment read
        self.last: bytearray | None = None  # the last whole frame read
        self.spare = bytearray(self.size)  # read into, then swapped: no 3 MB allocated a frame
        self.over = None
        if clip.overlay_svg:
            from pipeline.visuals.cards import overlay

            self.over = overlay(clip.overlay_svg, drawing.fonts, drawing.size)

    def moment(self, n: int) -> int:
        """Its own frames, then its last held: it never shows the film past `to`."""
        return min(n, self.length - 1)

    def draw(self, moment: int, out) -> None:
        if self.proc is None or moment < self.read:
            self._open(moment)
        while self.read < moment:
            got = self.proc.stdout.readinto(self.spare) if self.proc.stdout else 0
            self.read += 1
            if got == self.size:
                self.last, self.spare = self.spare, self.last or bytearray(self.size)
        if self.last is None:
            out.fill()
        else:
            out.data[:] = memoryview(self.last)
        if self.over:
            self.over.apply(out.planes)

    def _open(self, moment: int) -> None:
        self.close()
        fps = self.drawing.fps
        warm = min(moment, round(WARM_UP * fps))
        first = moment - warm  # on the clip's frame grid, so every segment sees one grid
        args = _decode_args(self.clip, self.drawing, self.clip.start + first / fps)
        self.proc = subprocess.Popen(
            ffmpeg.command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.read = first - 1

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            for pipe in (self.proc.stdout, self.proc.stderr):
                if pipe:
                    pipe.close()
            self.proc = None


def _decode_args(clip: Clip, drawing: Drawing, at: float) -> list[str]:
    frames = max(1, round(clip.seconds * drawing.fps))  # its range and no more
    return [
        "-ss", f"{at:.6f}", *ffmpeg.source(clip.file), "-an", "-sn", "-dn",
        "-vf", conform(clip.probe, drawing.size, drawing.fps, clip.fit),
        "-frames:v", str(frames), "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1",
    ]  # fmt: skip


def conform(probe: Probe, frame: tuple[int, int], fps: Rate, fit: str) -> str:
    """The filters that bring a clip to the series' frames: deinterlaced, on the series'
    clock by timestamps, colours in BT.709, square pixels, letterboxed or cropped."""
    w, h = frame
    shown_w, shown_h = probe.size
    scale = (min if fit == "contain" else max)(w / shown_w, h / shown_h)
    sw, sh = max(2, round(shown_w * scale / 2) * 2), max(2, round(shown_h * scale / 2) * 2)
    steps = ["bwdif=mode=send_frame:deint=interlaced"] if probe.interlaced else []
    steps.append(f"fps={fps}")
    steps += _colour(probe.colour)
    steps.append(f"scale={sw}:{sh}:flags=bicubic:out_color_matrix=bt709:out_range=tv")
    steps.append("setsar=1")
    if fit == "contain":
        steps.append(f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black")
    else:
        steps.append(f"crop={w}:{h}")
    steps.append("format=yuv420p")
    return ",".join(steps)


def _colour(colour: str) -> list[str]:
    if colour == "hdr":  # tone-mapped, as a BT.709 screen shows it
        return [
            "zscale=t=linear:npl=100", "format=gbrpf32le", "zscale=p=bt709",
            "tonemap=hable:desat=0", "zscale=t=bt709:m=bt709:r=tv",
        ]  # fmt: skip
    if colour == "bt2020":
        return ["zscale=p=bt709:t=bt709:m=bt709:r=tv"]
    return []


def _probe_or_report(file: Path, key: KeyPath, making: Making) -> Probe | None:
    found = known("clip probe:2", file, _probe)
    if isinstance(found, str):
        making.report((*key, "clip"), found)
        return None
    return Probe(found[0], (found[1], found[2]), found[3], found[4], found[5])


def _probe(file: Path) -> list | str:
    # no output file: ffmpeg describes the input (at its usual log level) and stops
    proc = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", *ffmpeg.source(file)], capture_output=True
    )
    said = proc.stderr.decode(errors="replace")
    duration = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", said)
    video = re.search(r"Stream #\S+.*?: Video: (.*)", said)
    if not duration or not video:
        return f"{shown(file)} holds no video ffmpeg can read; export it as H.264 MP4"
    h, m, s = duration.groups()
    line = video.group(1)
    size = re.search(r", (\d{2,5})x(\d{2,5})", line)
    if not size:
        return f"{shown(file)}: its picture has no size ffmpeg can read; export it again"
    w, ht = int(size.group(1)), int(size.group(2))
    sar = re.search(r"\[SAR (\d+):(\d+)", line)
    if sar and int(sar.group(1)) and int(sar.group(2)):
        w = round(w * int(sar.group(1)) / int(sar.group(2)))
    turned = re.search(r"rotation of (-?[\d.]+) degrees", said)
    if turned and round(abs(float(turned.group(1)))) % 180 == 90:
        w, ht = ht, w
    colour = "hdr" if re.search(r"smpte2084|arib-std-b67", line) else (
        "bt2020" if "bt2020" in line else "")  # fmt: skip
    interlaced = bool(re.search(r"top first|bottom first|top coded|bottom coded", line))
    return [int(h) * 3600 + int(m) * 60 + float(s), w, ht, interlaced, colour, "Audio:" in said]


KIND = ClipKind()
