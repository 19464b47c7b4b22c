"""Video renditions: the size, rate and x264 settings each video file is encoded with.

The master is the series' own size; the web renditions are smaller, scaled from the same
frames in the same pass, capped near the bitrates STANDARDS.md gives (720p about 5 Mb/s,
480p about 2.5 Mb/s). Every rendition has a keyframe at each segment's start and every 2 s
after it, and nowhere else, so keyframes fall at the same times in all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.script.settings import Rate, Video

DRAFT_HEIGHT = 480
_MASTER_NAME = "master"


@dataclass(frozen=True)
class Rendition:
    name: str  # "master", "720p", "draft"
    width: int
    height: int
    fps: Rate
    crf: int
    preset: str
    maxrate: int | None = None  # bits a second, the most a viewer's connection must carry

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    def x264_args(self) -> list[str]:
        """H.264 High, 4:2:0, BT.709, closed GOP with a keyframe every 2 s (STANDARDS.md)."""
        # the colour tags go to x264 itself: ffmpeg's own options lose two of the three;
        # no scene-cut keyframes, so each rendition's keyframes are the others'
        x264 = "open-gop=0:scenecut=0:colorprim=bt709:transfer=bt709:colormatrix=bt709"
        rate = self.maxrate
        cap = ["-maxrate", str(rate), "-bufsize", str(2 * rate)] if rate else []
        return [
            *("-c:v", "libx264", "-preset", self.preset, "-crf", str(self.crf)),
            *("-profile:v", "high", "-pix_fmt", "yuv420p", "-color_range", "tv"),
            *("-g", str(round(2 * self.fps)), "-keyint_min", str(round(self.fps))),
            *("-x264-params", x264),
            *cap,
        ]


def master_and_web(video: Video, heights: tuple[int, ...] = ()) -> tuple[Rendition, ...]:
    """The series' own settings (what subscribers get), then a rendition for each of
    `heights` below the video's, tallest first."""
    master = Rendition(_MASTER_NAME, video.width, video.height, video.rate, video.crf, video.preset)
    smaller = sorted({h for h in heights if h < video.height}, reverse=True)
    return (master, *(_web(video, h) for h in smaller))


def _web(video: Video, height: int) -> Rendition:
    width = round(height * video.width / video.height / 2) * 2
    # 8 Mb/s at 1080p30, less than in proportion to the pixels: 720p 4.4, 480p 2.4 Mb/s
    rate = 8_000_000 * (width * height / (1920 * 1080)) ** 0.75 * video.rate / 30
    return Rendition(
        f"{height}p", width, height, video.rate, video.crf, video.preset, int(round(rate, -5))
    )


def draft(video: Video, heights: tuple[int, ...] = ()) -> tuple[Rendition, ...]:
    """A quick look at 480 lines. ultrafast: its stream is H.264 Constrained Baseline."""
    width = round(DRAFT_HEIGHT * video.width / video.height / 2) * 2
    return (Rendition("draft", width, DRAFT_HEIGHT, video.rate, 28, "ultrafast"),)
