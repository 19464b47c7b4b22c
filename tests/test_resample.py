"""stills.resample: every output pixel is the still's, bilinear, at its exact sub-pixel place."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.visuals.stills import PAD, _origin, resample

SLOPE = 8  # the test picture changes by at most this many levels a pixel


def picture() -> np.ndarray:
    y, x = np.mgrid[0:500, 0:700]
    wave = np.abs((x + 2 * y) % 64 - 32) * SLOPE * 0.75 / 3 + np.abs(y % 48 - 24) * SLOPE / 4
    return cv2.copyMakeBorder(wave.astype(np.uint8), PAD, PAD, PAD, PAD, cv2.BORDER_REPLICATE)


def bilinear(src: np.ndarray, step: float, x: float, y: float, shape) -> np.ndarray:
    """The exact answer, in floating point."""
    h, w = shape
    xs, ys = x + step * np.arange(w), y + step * np.arange(h)
    x0, y0 = np.floor(xs).astype(int), np.floor(ys).astype(int)
    fx, fy = xs - x0, (ys - y0)[:, None]
    s = src.astype(np.float64)
    top = s[y0][:, x0] * (1 - fx) + s[y0][:, x0 + 1] * fx
    bottom = s[y0 + 1][:, x0] * (1 - fx) + s[y0 + 1][:, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def test_resample_is_bilinear_to_a_32nd_of_a_pixel_whatever_the_step_and_offset() -> None:
    src, rng = picture(), np.random.default_rng(7)
    out = np.empty((90, 160), np.uint8)
    fast = 0
    for step in [*rng.uniform(0.6, 2.6, 150), 1.0, 1.25, 2.0]:  # and whole-number ratios
        x = PAD + rng.uniform(0, 700 - 160 * step - 2)
        y = PAD + rng.uniform(0, 500 - 90 * step - 2)
        fast += _origin(x, step) is not None and _origin(y, step) is not None
        resample(src, out, step, x, y)
        error = np.abs(out - bilinear(src, step, x, y, out.shape)).max()
        # rounding to 8 bits, OpenCV's fixed-point weights, and the sub-pixel tolerance
        assert error <= 0.5 + 0.25 + SLOPE / 32, (step, x, y, error)
    assert fast > 0.8 * 153  # the quick way (cv2.resize) is the usual one


def test_resample_up_to_the_edge_of_the_still_repeats_its_edge() -> None:
    src = picture()
    out = np.empty((90, 160), np.uint8)
    for step in (1.3, 2.7):
        resample(src, out, step, -0.4 + PAD, -0.3 + PAD)  # the still's own corner, at the edge
        inside = bilinear(src, step, PAD, PAD, out.shape)[2:, 2:]
        assert np.abs(out[2:, 2:] - inside).max() <= 0.75 + SLOPE * (0.4 * 1.01 + 1 / 32)
