"""Video renditions: the size, rate and x264 settings a segment is encoded with."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.script.schema import Video

DRAFT_HEIGHT = 480


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    fps: int
    crf: int
    preset: str

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    def x264_args(self) -> list[str]:
        """H.264 High, 4:2:0, BT.709, closed GOP with a keyframe every 2 s (STANDARDS.md)."""
        # the colour tags go to x264 itself: ffmpeg's own options lose two of the three
        x264 = "open-gop=0:colorprim=bt709:transfer=bt709:colormatrix=bt709"
        return [
            *("-c:v", "libx264", "-preset", self.preset, "-crf", str(self.crf)),
            *("-profile:v", "high", "-pix_fmt", "yuv420p", "-color_range", "tv"),
            *("-g", str(2 * self.fps), "-keyint_min", str(self.fps), "-x264-params", x264),
        ]


def delivery(video: Video) -> Rendition:
    """The series' own settings: what subscribers get."""
    return Rendition("master", video.width, video.height, video.fps, video.crf, video.preset)


def draft(video: Video) -> Rendition:
    """A quick look at 480 lines. ultrafast: its stream is H.264 Constrained Baseline."""
    width = round(DRAFT_HEIGHT * video.width / video.height / 2) * 2
    return Rendition("draft", width, DRAFT_HEIGHT, video.fps, 28, "ultrafast")
