"""Sound: loudness on target, music ducked under the voice, clean joins, the audio edition."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pytest
from conftest import Project, make_project, speechlike, tone_bursts, write_music, write_wav
from mutagen.id3 import ID3
from scipy.signal import resample_poly

from pipeline.audio.mix import plan_mix, render
from pipeline.audio.takes import read_clips
from pipeline.base.errors import EssayError
from pipeline.produce import build, check
from pipeline.timing.envelope import HOP_SAMPLES

RATE = 48_000
FRAME = 1 / 30


def decoded(path) -> np.ndarray:
    """The file's audio as a player hears it: float (n, 2) at 48 kHz."""
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=RATE)
        chunks = [
            r.to_ndarray().reshape(-1, 2)
            for frame in c.decode(stream)
            for r in resampler.resample(frame)
        ]
    return np.concatenate(chunks)


def true_peak_db(x: np.ndarray) -> float:
    return 20 * np.log10(np.abs(resample_poly(x, 4, 1, axis=0)).max())


def lufs(x: np.ndarray) -> float:
    return pyloudnorm.Meter(RATE).integrated_loudness(x.astype(np.float64))


def at_loudness(x: np.ndarray, target: float) -> np.ndarray:
    return x * 10 ** ((target - lufs(x)) / 20)


def band_level(x: np.ndarray, freq: float, window: int = 4800) -> np.ndarray:
    """Level (dB) of one frequency in consecutive windows: follows a tone through a mix."""
    mono = x.mean(axis=1) if x.ndim == 2 else x
    n = len(mono) // window
    frames = mono[: n * window].reshape(n, window) * np.hanning(window)
    spectrum = np.abs(np.fft.rfft(frames, axis=1))
    k = round(freq * window / RATE)
    return 20 * np.log10(spectrum[:, k - 2 : k + 3].max(axis=1) + 1e-9)


def set_takes(project: Project, takes: list[np.ndarray]) -> None:
    for i, samples in enumerate(takes):
        write_wav(project.root / f"assets/t/n{i}.wav", np.clip(samples, -1, 1))


# -- loudness --------------------------------------------------------------------------------


@pytest.mark.parametrize("source_lufs", [-35.0, -8.0], ids=["quiet", "hot"])
def test_mix_meets_loudness_target_and_true_peak(project: Project, source_lufs: float) -> None:
    takes = [at_loudness(speechlike(d, seed=i), source_lufs) for i, d in enumerate((3.0, 2.5))]
    set_takes(project, takes)  # the hot ones clip at full scale, as hot recordings do
    result = build(project.episode)
    for name in ("tiny.mp4", "tiny.mp3", "tiny.m4a"):
        audio = decoded(result.folder / name)
        assert abs(lufs(audio) - (-16.0)) <= 1.0, name
        assert true_peak_db(audio) <= -1.0, name
    report = result.loudness["tiny.mp4"]
    assert abs(report.integrated + 16) <= 1.0 and report.true_peak <= -1.0


# -- ducking ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_music(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("music") / "proj")
    pattern = [(1.5, True), (3.0, False), (1.5, True)]  # a long pause inside the first take
    set_takes(project, [tone_bursts(pattern), tone_bursts([(2.0, True)], seed=1)])
    write_music(project.root / "assets/t/bed.wav", 4.0)  # shorter than the episode: it loops
    data = project.read()
    data["music"] = {
        "bed": {"file": "assets/t/bed.wav", "level": -30, "fade_in": 0.2, "fade_out": 0.5}
    }
    project.write(data)
    return project, build(project.episode)


def test_music_ducks_at_least_12_db_under_speech(with_music) -> None:
    _, result = with_music
    audio = decoded(result.folder / "tiny.mp4")
    voice, music = band_level(audio, 300), band_level(audio, 3000)
    speaking = voice > voice.max() - 10
    quiet = voice < voice.max() - 40
    # the middle of the long pause: at least a second from any speech
    runs = np.flatnonzero(np.diff(np.concatenate(([0], quiet.astype(int), [0]))))
    longest = max(zip(runs[::2], runs[1::2], strict=True), key=lambda r: r[1] - r[0])
    middle = slice(longest[0] + 10, longest[1] - 10)
    assert middle.stop - middle.start >= 5
    free = np.median(music[middle])
    under = np.median(music[speaking])
    assert free - under >= 12.0, (free, under)


def test_music_rises_in_the_intro_and_outro_and_loops(with_music) -> None:
    _, result = with_music
    audio = decoded(result.folder / "tiny.mp4")
    voice, music = band_level(audio, 300), band_level(audio, 3000)
    under = np.median(music[voice > voice.max() - 10])
    assert music[:3].max() > under + 10  # the lead-in, before the first words
    assert music[-6:].max() > under + 10  # the tail, after the last words
    assert np.all(music[1:-1] > under - 10)  # there all the way: the 4 s file loops


def test_joins_have_no_clicks(project: Project, tmp_path: Path) -> None:
    # takes that start and end in the middle of a tone: only a fade can hide the cut
    set_takes(project, [tone_bursts([(2.0, True)]), tone_bursts([(1.5, True)], freq=440)])
    checked = check(project.episode)
    essay = checked.essay
    settings = essay.settings
    stem = tmp_path / "voice.f32"
    plan = plan_mix(
        checked.timeline, checked.takes, checked.music, settings.audio, settings.ducking, stem
    )
    mix = render(plan, 0, plan.length)[:, 0]
    steps = np.abs(np.diff(mix))
    clips = checked.timeline.narration
    joins = [c.start for c in clips] + [c.end for c in clips]
    near = np.zeros(len(steps), dtype=bool)
    for j in joins:
        near[max(0, j - 480) : j + 480] = True
    assert near.any() and (~near).any()
    assert steps[near].max() <= steps[~near].max()


def test_pauses_hold_room_tone_not_digital_silence(project: Project) -> None:
    rng = np.random.default_rng(5)
    floor = lambda n: rng.normal(0, 0.003, n)  # noqa: E731 - a -50 dBFS room
    takes = [
        np.concatenate([floor(24000), speechlike(2.0, seed=i), floor(24000)]) for i in range(2)
    ]
    set_takes(project, takes)
    result = build(project.episode)
    audio = decoded(result.folder / "tiny.mp4")
    section_two = result.checked.timeline.sections[1]
    gap = slice(
        round((section_two.speech_start - 0.4) * RATE),
        round((section_two.speech_start - 0.1) * RATE),
    )
    rms_db = 10 * np.log10(np.mean(audio[gap] ** 2) + 1e-20)
    assert -75 < rms_db < -30


# -- exact lengths and the audio edition ------------------------------------------------------


def test_audio_lasts_as_long_as_the_video(with_music) -> None:
    _, result = with_music
    expected = result.checked.timeline.duration
    assert result.checked.timeline.samples == round(expected * RATE)
    for name in ("tiny.mp4", "tiny.mp3", "tiny.m4a"):
        seconds = len(decoded(result.folder / name)) / RATE
        assert abs(seconds - expected) <= FRAME, name


def test_mp3_has_a_chapter_per_section_and_its_tags(with_music) -> None:
    _, result = with_music
    tags = ID3(result.folder / "tiny.mp3")
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    sections = result.checked.timeline.sections
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == ["The first", "The second"]
    for chapter, span in zip(chapters, sections, strict=True):
        assert chapter.start_time == round(span.first_frame * FRAME * 1000)
        assert chapter.end_time == round(span.end_frame * FRAME * 1000)
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == [c.element_id for c in chapters]
    assert tags["TIT2"].text == ["A tiny test"] and tags["TALB"].text == ["The Who & The What"]
    assert tags.getall("APIC")[0].data[:2] == b"\xff\xd8"  # a JPEG cover


def test_m4a_has_chapters_and_cover(with_music) -> None:
    _, result = with_music
    with av.open(str(result.folder / "tiny.m4a")) as c:
        assert [ch["metadata"]["title"] for ch in c.chapters()] == ["The first", "The second"]
        assert any(
            s.type == "video" and s.disposition & av.stream.Disposition.attached_pic
            for s in c.streams
        )


def test_m4a_carries_the_mp4s_sound_and_its_measured_loudness(with_music) -> None:
    _, result = with_music

    def packets(name: str) -> list[bytes]:
        with av.open(str(result.folder / name)) as c:
            return [bytes(p) for p in c.demux(audio=0) if p.size]

    assert packets("tiny.m4a") == packets("tiny.mp4")  # the same stream, not encoded twice
    assert result.loudness["tiny.m4a"] == result.loudness["tiny.mp4"]


# -- a single take for the whole episode ------------------------------------------------------


def test_single_take_split_by_offsets(project: Project) -> None:
    whole = np.concatenate([speechlike(2.0, seed=1), np.zeros(RATE), speechlike(1.5, seed=2)])
    write_wav(project.root / "assets/t/full.wav", whole)
    data = project.read()
    data["narration"] = {"take": "assets/t/full.wav"}
    for section in data["sections"]:
        del section["narration"]["audio"]
    data["sections"][1]["narration"]["start"] = 2.5
    project.write(data)
    checked = check(project.episode)
    takes = checked.takes
    assert 1.9 < takes["one"].duration < 2.4  # trimmed to speech plus margins
    assert 1.4 < takes["two"].duration < 1.9
    # read again for the mix, each take is the very stretch of the file it was measured on
    pcm = (np.clip(whole, -1, 1) * 32767).astype(np.int16)
    assert takes["one"].cut[1] <= 2.5 * RATE <= takes["two"].cut[0]  # each in its own part
    clips = checked.timeline.narration
    for take, clip, samples in zip(takes.values(), clips, read_clips(clips), strict=True):
        a, b = take.cut
        assert (clip.source_in, clip.source_out) == (a, b)
        assert len(samples) == b - a
        inside = slice(clip.fade_ms * RATE // 1000, len(samples) - clip.fade_ms * RATE // 1000)
        assert np.array_equal(samples[inside], pcm[a:b][inside])


# -- errors -------------------------------------------------------------------------------


def problem_of(project: Project) -> str:
    with pytest.raises(EssayError) as info:
        check(project.episode)
    assert len(info.value.problems) == 1, [str(p) for p in info.value.problems]
    return str(info.value.problems[0])


def test_silent_take_is_an_error(project: Project) -> None:
    write_wav(project.root / "assets/t/n1.wav", np.zeros(RATE))
    text = problem_of(project)
    assert "sections[1].narration.audio" in text and "silent" in text


def test_offset_beyond_the_take_is_an_error(project: Project) -> None:
    data = project.read()
    data["narration"] = {"take": "assets/t/n0.wav"}
    for section in data["sections"]:
        del section["narration"]["audio"]
    data["sections"][1]["narration"]["start"] = 60.0
    project.write(data)
    text = problem_of(project)
    assert "sections[1].narration.start" in text and "beyond the end of the take" in text


def test_music_shorter_than_its_fades_is_an_error(project: Project) -> None:
    write_music(project.root / "assets/t/sting.wav", 1.0)
    data = project.read()
    data["music"] = {
        "cues": [{"file": "assets/t/sting.wav", "start": "one", "fade_in": 1, "fade_out": 2}]
    }
    project.write(data)
    text = problem_of(project)
    assert "music.cues[0]" in text and "shorter than its fades" in text


def test_music_level_that_would_clip_is_an_error(project: Project) -> None:
    # quiet on average, with sharp peaks (like percussion): turned up to -6 LUFS, it clips
    music = np.tile(
        np.sin(np.linspace(0, 2 * np.pi * 3000 / RATE * 4 * RATE, 4 * RATE)) * 0.02, (2, 1)
    ).T
    music[:: RATE // 4] = 0.9
    write_wav(project.root / "assets/t/bed.wav", music)
    data = project.read()
    data["music"] = {"bed": {"file": "assets/t/bed.wav", "level": -6}}
    project.write(data)
    text = problem_of(project)
    assert "music.bed" in text and "would clip" in text and "at most" in text


def test_music_cue_naming_an_unknown_section_is_an_error(project: Project) -> None:
    write_music(project.root / "assets/t/sting.wav", 3.0)
    data = project.read()
    data["music"] = {"cues": [{"file": "assets/t/sting.wav", "start": "intro"}]}
    project.write(data)
    text = problem_of(project)
    assert "music.cues[0].start" in text and "no section with id 'intro'" in text


def test_ducking_under_12_db_is_refused(project: Project) -> None:
    data = project.read()
    data["music"] = {"duck": 6}
    project.write(data)
    assert "music.duck" in problem_of(project)


def test_envelope_hop_divides_the_sample_rate() -> None:
    assert RATE % HOP_SAMPLES == 0


def test_the_sound_is_keyed_by_the_stretch_each_take_was_measured_on(project: Project) -> None:
    # its room tone and where its words are come from all of the stretch, not just the cut
    from pipeline.audio.encoded import mix_key
    from pipeline.publish.profiles import MASTER

    checked = check(project.episode)
    essay, timeline, takes = checked.essay, checked.timeline, checked.takes
    moved = {**takes, "two": replace(takes["two"], stretch=(0, takes["two"].stretch[1] + 1))}
    keys = {mix_key(essay, timeline, t, checked.music, MASTER.sound) for t in (takes, moved)}
    assert len(keys) == 2
