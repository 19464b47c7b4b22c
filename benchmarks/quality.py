"""Picture quality for the render benchmark: the MoviePy peer's shots, and SSIM against a
slow reference render.

The reference for a frame is the frame's exact view of the full-resolution still, scaled
with Lanczos (Pillow's, which does not alias when it shrinks), then put through the same
BT.709 4:2:0 conversion as the pipeline's frames.
Every video is decoded to RGB with the matrix it was made with (ours is tagged BT.709;
MoviePy's is untagged, which ffmpeg makes and reads as BT.601), and luma is taken the same
way for all, so the comparison is of resampling and encoding, not of colour matrices.
"""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
from moviepy_peer import PeerShot
from PIL import Image, ImageOps

from pipeline.kinds.card import Card
from pipeline.kinds.still import Still
from pipeline.produce import check
from pipeline.visuals.cards import rasterise
from pipeline.visuals.motion import progress, view_at
from pipeline.visuals.yuv import bgr_to_planes


def peer_shots(episode: Path, size: tuple[int, int], seconds: float, tmp: Path):
    """The timeline's shots in its first `seconds`, for the MoviePy peer; and its audio."""
    checked = check(episode)
    timeline = checked.timeline
    fps, limit = timeline.fps, round(seconds * timeline.fps)
    shots = []
    for k, shot in enumerate(timeline.shots):
        if shot.first_frame >= limit:
            break
        image, view = _picture(
            shot.visual, size, tmp / f"card{k}.png", checked.essay.settings.fonts
        )
        kept = min(shot.end_frame, limit) - shot.first_frame

        def cut(p: float, view=view, shot=shot, kept=kept) -> tuple[float, float, float]:
            # MoviePy's p runs over the frames kept; the move is the pipeline's own
            frame = shot.first_frame + p * max(kept - 1, 1)
            return view(progress(frame, shot.first_frame, shot.still_from))

        shots.append(
            PeerShot(
                image,
                shot.first_frame / fps,
                (shot.first_frame + kept) / fps,
                shot.fade_frames / fps,
                cut,
            )
        )
    audio = checked.essay.sections[0].narration.audio
    return shots, audio, fps


def _picture(visual, size, card_path: Path, fonts):
    if isinstance(visual, Card):
        rgba = rasterise(visual.svg, fonts, size)
        cv2.imwrite(str(card_path), cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGR))
        w, h = size
        return card_path, lambda p: (w / 2, h / 2, 1.0)
    assert isinstance(visual, Still)
    image = visual.size

    def view(p: float) -> tuple[float, float, float]:
        v = view_at(visual.move, image, size, p)
        return v.cx, v.cy, v.scale

    return visual.image, view


def ssim_against_reference(
    episode: Path, size: tuple[int, int], videos: list[Path], seconds: float
) -> list[float]:
    """Mean SSIM of sampled still frames (no crossfade, no caption) for each video."""
    checked = check(episode)
    timeline = checked.timeline
    samples = []  # (frame, reference luma)
    for shot in timeline.shots:
        visual = shot.visual
        if not isinstance(visual, Still) or visual.overlay_svg:
            continue
        start, end = shot.first_frame + shot.fade_frames, shot.end_frame - 30
        for q in (0.25, 0.5, 0.75):
            frame = round(start + q * (end - start))
            if frame < seconds * timeline.fps - 1:
                p = progress(frame, shot.first_frame, shot.still_from)
                samples.append((frame, _reference(visual, size, p)))
    scores = []
    for k, video in enumerate(videos):
        matrix = "ITU709" if k == 0 else "ITU601"
        frames = _luma_frames(video, {f for f, _ in samples}, matrix)
        scores.append(round(float(np.mean([ssim(frames[f], ref) for f, ref in samples])), 4))
    return scores


def _reference(still: Still, size: tuple[int, int], p: float) -> np.ndarray:
    """The frame's exact view cut from the full-resolution still and scaled by Pillow's
    Lanczos (which widens its kernel when it shrinks, so it does not alias)."""
    with Image.open(still.image) as im:
        rgb = ImageOps.exif_transpose(im).convert("RGB")
    v = view_at(still.move, rgb.size, size, p)
    w, h = size
    box = (
        v.cx - w / 2 / v.scale,
        v.cy - h / 2 / v.scale,
        v.cx + w / 2 / v.scale,
        v.cy + h / 2 / v.scale,
    )
    out = np.asarray(rgb.resize(size, Image.Resampling.LANCZOS, box=box))
    return bgr_to_planes(np.ascontiguousarray(out[..., ::-1])).y


def _luma_frames(video: Path, wanted: set[int], matrix: str) -> dict[int, np.ndarray]:
    out = {}
    with av.open(str(video)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i in wanted:
                rgb = frame.reformat(format="rgb24", src_colorspace=matrix).to_ndarray()
                out[i] = bgr_to_planes(np.ascontiguousarray(rgb[..., ::-1])).y
            if i > max(wanted):
                break
    return out


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Structural similarity (Wang et al. 2004: 11x11 Gaussian, sigma 1.5) of two planes."""
    x, y = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(z: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(z, (11, 11), 1.5)

    mx, my = blur(x), blur(y)
    vx, vy, cov = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    score = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(score.mean())


def psnr_of_videos(a: Path, b: Path, every: int = 15) -> dict:
    """PSNR of the luma plane, as coded, of every `every`-th frame of two videos of the same
    frames: as ffmpeg's psnr filter and x264 measure it (converting to full-range grey first,
    as this did before, stretches every difference by 255/219 and costs 1.3 dB)."""
    with av.open(str(a)) as one, av.open(str(b)) as two:
        pairs = zip(_lumas(one, every), _lumas(two, every), strict=True)
        return _scores([psnr(x, y) for (_, x), (_, y) in pairs])


def psnr_against_drawn(video: Path, drawn: dict[str, np.ndarray]) -> dict:
    """PSNR of the video's luma against the frames drawn before encoding (benchmarks/drawn.py:
    the frame numbers and their yuv420p buffers)."""
    wanted = {int(k) for k in drawn}
    with av.open(str(video)) as container:
        coded = {i: y for i, y in _lumas(container, 1) if i in wanted}
    scores = []
    for k in sorted(wanted):
        h, w = coded[k].shape
        scores.append(psnr(coded[k], drawn[str(k)][: w * h].reshape(h, w)))
    return _scores(scores)


def _lumas(container, every: int):
    """(frame number, luma plane as coded) of every `every`-th frame, in presentation order."""
    for i, frame in enumerate(container.decode(video=0)):
        if i % every == 0:
            yield i, frame.to_ndarray(format="yuv420p")[: frame.height]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * float(np.log10(255**2 / mse))


def _scores(scores: list[float]) -> dict:
    return {"psnr_min": round(min(scores), 2), "psnr_mean": round(float(np.mean(scores)), 2),
            "frames": len(scores)}  # fmt: skip
