"""Render profiles: the delivery settings (master) and a quick look (draft)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.script.schema import Video

PROFILES = ("master", "draft")
DRAFT_HEIGHT = 480


@dataclass(frozen=True)
class Profile:
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


def profile_for(video: Video, name: str) -> Profile:
    if name == "draft":
        width = round(DRAFT_HEIGHT * video.width / video.height / 2) * 2
        # ultrafast: a look, not a delivery (its stream is H.264 Constrained Baseline)
        return Profile("draft", width, DRAFT_HEIGHT, video.fps, 28, "ultrafast")
    return Profile("master", video.width, video.height, video.fps, video.crf, video.preset)
