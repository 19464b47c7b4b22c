"""Film clips and a kind of the author's own, built through the real command line at 320x180
and checked by probing what was made: the picture and sound of every hard-case source stay
together, a clip's range re-encodes only its shot, the export carries it, and a MoviePy
kind renders through the cache."""

from __future__ import annotations

import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import opentimelineio as otio
import pytest
import yaml
from clip_media import ClipMedia
from conftest import SAID, Project, make_project, spoken, write_wav
from PIL import Image
from probe import streams
from sync_probe import beeps, flashes, offsets

FPS = 30
# each hard case, as the sync source: a flash and a beep at known times
VARIANTS = ["plain", "vfr_23976", "rotated", "anamorphic", "film_239", "hevc_10bit", "interlaced"]
RATES = ["29.97", "50", "60", "23.976"]


def essay(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=root, capture_output=True, text=True
    )


def built(project: Project, *args: str) -> str:
    done = essay(project.root, "build", "--profile", "draft", *args, str(project.episode))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


def film(project: Project, source: Path, name: str) -> str:
    target = project.root / "assets" / "film" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return str(target.relative_to(project.root))


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory, clip_media: ClipMedia) -> Project:
    """The tiny episode with Big Buck Bunny muted under section one's narration, and
    speaking at the end of section two."""
    project = make_project(tmp_path_factory.mktemp("clips") / "proj")
    bunny = film(project, clip_media.bunny(), "bunny.mp4")
    data = project.read()
    data["sections"][0]["visuals"].insert(
        1, {"clip": bunny, "from": 1.0, "to": 2.5, "credit": "Big Buck Bunny, Blender Foundation"}
    )
    data["sections"][1]["visuals"].append(
        {"clip": bunny, "from": "0:02", "to": 4.0, "sound": "on", "says": "Hello, little one."}
    )
    project.write(data)
    built(project)
    return project


def timeline_of(project: Project):
    from pipeline.produce import check

    return check(project.episode).timeline


def test_a_muted_clip_shows_its_own_frames_for_its_own_length(clips: Project) -> None:
    timeline = timeline_of(clips)
    shot = next(s for s in timeline.shots if s.visual.kind == "clip")
    assert shot.still_from - shot.first_frame == round(1.5 * FPS)
    video = clips.root / "output" / "tiny-draft" / "tiny.mp4"
    ours = _frame_at(video, shot.first_frame + shot.fade_frames + 5)
    h, w = ours.shape[:2]
    source = _frame_of(shot.visual.file, 1.0 + (shot.fade_frames + 5) / FPS, (w, h))
    away = slice(h // 8, h * 3 // 4)  # from the credit and the subtitle
    assert _psnr(ours[away], source[away]) > 24


def test_a_speaking_clip_is_heard_after_the_narration(clips: Project) -> None:
    timeline = timeline_of(clips)
    (sound,) = timeline.clip_sound
    section = timeline.sections[1]
    assert sound.start / 48_000 >= section.speech_end + 0.5 - 1 / FPS
    assert section.end_frame / FPS >= sound.start / 48_000 + 2.0
    said = [w.text for w in timeline.words if w.start >= sound.start / 48_000]
    assert said == ["Hello,", "little", "one."]
    srt = (clips.root / "output/tiny-draft/tiny.srt").read_text()
    assert "Hello, little one." in srt
    audio = _audio(clips.root / "output/tiny-draft/tiny.mp4")
    film_part = audio[sound.start + 4800 : sound.start + 96_000]
    assert np.sqrt(np.mean(film_part**2)) > 0.01, "the film's sound is in the mix"


def test_a_swapped_range_re_encodes_only_that_clips_shot(clips: Project) -> None:
    data = clips.read()
    data["sections"][0]["visuals"][1]["from"] = 1.5
    data["sections"][0]["visuals"][1]["to"] = 3.0
    clips.write(data)
    said = built(clips)
    rendered = {line.split(":")[0] for line in said.splitlines() if "rendered " in line}
    assert rendered == {"one.1 > one.2", "one.2", "one.2 > one.3"}, said


def test_the_export_carries_the_clip(clips: Project) -> None:
    done = essay(clips.root, "export", str(clips.episode))
    assert done.returncode == 0, done.stderr
    made = otio.adapters.read_from_file(str(clips.root / "output/tiny-timeline/tiny.otio"))
    pictures = next(t for t in made.tracks if t.name == "Pictures")
    found = [c for c in pictures.find_clips() if c.metadata["essay"]["kind"] == "clip"]
    assert len(found) == 2
    start = found[0].source_range.start_time
    assert start.rescaled_to(FPS).value == pytest.approx(found[0].metadata["essay"]["from"] * FPS)
    assert found[0].media_reference.target_url.endswith("bunny.mp4")
    assert found[1].metadata["essay"]["sound"] == "on"
    (sound,) = next(t for t in made.tracks if t.name == "Clips").find_clips()
    assert sound.media_reference.target_url == found[1].media_reference.target_url
    assert sound.range_in_parent().start_time.to_seconds() == pytest.approx(
        found[1].range_in_parent().start_time.to_seconds(), abs=1 / FPS
    )
    assert sound.source_range.start_time.to_seconds() == pytest.approx(2.0)


@pytest.mark.slow  # the next test covers every variant; this one is the short form
def test_picture_and_sound_stay_together_through_a_variable_rate_and_a_rotation(
    tmp_path: Path, clip_media: ClipMedia
) -> None:
    sources = [clip_media.sync_source("25", "vfr_23976"), clip_media.sync_source("25", "rotated")]
    apart = _sync_offsets(tmp_path, sources)
    assert max(abs(x) for x in apart) <= 1 / FPS, apart


@pytest.mark.slow
def test_picture_and_sound_stay_within_a_frame_whatever_the_source(
    tmp_path: Path, clip_media: ClipMedia
) -> None:
    """Every hard case and rate, each speaking at the end of a section of its own: every
    flash in the delivered video lies within a frame of its beep."""
    sources = [clip_media.sync_source("25", v) for v in VARIANTS]
    sources += [clip_media.at_rate(r) for r in RATES]
    apart = _sync_offsets(tmp_path, sources)
    worst = max(apart, key=abs) * 1000
    print(f"sound minus picture over {len(apart)} flashes: worst {worst:+.1f} ms")
    assert max(abs(x) for x in apart) <= 1 / FPS, apart


def _sync_offsets(tmp_path: Path, sources: list[Path], fps: float = FPS) -> list[float]:
    """Sound minus picture at each flash of the delivered video, the sources each speaking
    at the end of a section of its own, in a series at `fps`."""
    project = make_project(tmp_path / "proj")
    if fps != FPS:
        series = project.root / "essays" / "series.yaml"
        settings = yaml.safe_load(series.read_text())
        settings["video"]["fps"] = fps
        series.write_text(yaml.safe_dump(settings))
    data = project.read()
    still = "assets/t/dark.png"  # no flash of its own
    Image.new("RGB", (320, 180), (20, 20, 20)).save(project.root / still)
    data["sections"] = [
        {"id": f"s{k}", "title": f"Source {k}", "narration": {"audio": _take(project, k),
                                                              "text": SAID[0]},
         "visuals": [{"still": still}, {"clip": film(project, src, f"sync{k}{src.suffix}"),
                                        "sound": "on", "transition": "cut"}]}
        for k, src in enumerate(sources)
    ]  # fmt: skip
    project.write(data)
    built(project)
    video = project.root / "output" / "tiny-draft" / "tiny.mp4"
    seen, heard = flashes(video), beeps(video)
    assert len(seen) == len(heard) == 4 * len(sources), (seen, heard)
    return offsets(video)


def test_a_series_at_23_976_is_exact_and_keeps_clips_in_sync(
    tmp_path: Path, clip_media: ClipMedia
) -> None:
    """`fps: 23.976` is 24000/1001 exactly: the video says so, every frame holds 2002
    samples of sound, a 25 fps variable-rate clip keeps its flashes on its beeps, and the
    editor's timeline counts NTSC film frames."""
    rate = 24000 / 1001
    apart = _sync_offsets(tmp_path, [clip_media.sync_source("25", "vfr_23976")], 23.976)
    assert max(abs(x) for x in apart) <= 1 / rate, apart
    root = tmp_path / "proj"
    video = root / "output" / "tiny-draft" / "tiny.mp4"
    found = streams(video)["video"]
    assert found.rate == Fraction(24000, 1001)
    frames = found.frames
    assert len(_audio(video)) == pytest.approx(frames * 2002, abs=2048)  # an AAC frame
    done = essay(root, "export", "essays/tiny.yaml")
    assert done.returncode == 0, done.stderr
    made = otio.adapters.read_from_file(str(root / "output/tiny-timeline/tiny.otio"))
    assert made.duration().rate == pytest.approx(rate)
    assert made.duration().value == pytest.approx(frames, abs=1)


def test_a_kind_of_your_own_renders_through_the_cache(project: Project) -> None:
    kinds = project.root / "assets" / "kinds"
    kinds.mkdir(parents=True)
    module = kinds / "rings.py"
    module.write_text(RINGS)
    series = project.root / "essays" / "series.yaml"
    settings = yaml.safe_load(series.read_text())
    series.write_text(yaml.safe_dump({**settings, "kinds": {"rings": "assets/kinds/rings.py"}}))
    data = project.read()
    data["sections"][1]["visuals"].insert(1, {"kind": "rings", "fields": {"colour": "33aaff"},
                                              "seconds": 1.0})  # fmt: skip
    project.write(data)
    built(project)
    shot = next(s for s in timeline_of(project).shots if s.visual.kind == "kind")
    frame = _frame_at(project.root / "output/tiny-draft/tiny.mp4", shot.still_from - 3)
    blue = frame[..., 2].astype(int) - frame[..., 0]
    assert (blue > 100).mean() > 0.3, "the rings are drawn, in the colour the shot asked for"
    again = built(project)
    assert "unchanged, reused" in again and "rendered " not in again, again
    module.write_text(RINGS.replace("t * 8", "t * 4"))
    rendered = {line.split(":")[0] for line in built(project).splitlines() if "rendered " in line}
    assert rendered == {"two.1 > two.2", "two.2", "two.2 > two.3"}


def _take(project: Project, k: int) -> str:
    """A take of its own for section k (two sections may not share a file without starts)."""
    path = write_wav(project.root / f"assets/t/short{k}.wav", spoken(SAID[0]))
    return str(path.relative_to(project.root))


RINGS = """
import imageio_ffmpeg
import numpy as np
from moviepy import VideoClip


def clip(fields, duration, size, fps):
    w, h = size
    colour = np.array([int(fields["colour"][i:i + 2], 16) for i in (0, 2, 4)])
    y, x = np.mgrid[0:h, 0:w]
    r = np.hypot(x - w / 2, y - h / 2)
    return VideoClip(
        lambda t: ((np.sin(r / 6 - t * 8) > 0)[..., None] * colour).astype("uint8"),
        duration=duration,
    )
"""


def _frame_of(path: Path, at: float, size: tuple[int, int]) -> np.ndarray:
    """The source's frame showing at `at` seconds, as RGB of `size`."""
    import av

    with av.open(str(path)) as f:
        for frame in f.decode(video=0):
            if frame.time >= at - 0.02:
                return frame.to_ndarray(format="rgb24", width=size[0], height=size[1])
    raise AssertionError(f"no frame at {at}")


def _frame_at(path: Path, index: int) -> np.ndarray:
    import av

    with av.open(str(path)) as f:
        for k, frame in enumerate(f.decode(video=0)):
            if k == index:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame {index}")


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    err = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return 10 * np.log10(255**2 / max(err, 1e-9))


def _audio(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as f:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=48_000)
        chunks = [
            r.to_ndarray().reshape(-1)
            for frame in f.decode(audio=0)
            for r in resampler.resample(frame)
        ]
    return np.concatenate(chunks)


def test_the_narration_waits_for_a_clip_after_a_sentence(
    project: Project, clip_media: ClipMedia
) -> None:
    """`after:` names words of a sentence: the narration stops at its end, the film speaks
    a breath later, and the narration goes on a breath after the film; no cue spans it."""
    bunny = film(project, clip_media.bunny(), "bunny.mp4")
    data = project.read()
    data["sections"][0]["visuals"].insert(1, {
        "clip": bunny, "from": 1, "to": 2.5, "sound": "on", "after": "the first section",
        "says": "Hm.",
    })  # fmt: skip
    project.write(data)
    timeline = timeline_of(project)
    (sound,) = timeline.clip_sound
    starts, ends = sound.start / 48_000, (sound.start + sound.length) / 48_000
    takes = [c for c in timeline.narration if c.section == 0]
    assert len(takes) == 2, "the take is split where it waits"
    assert takes[0].end / 48_000 <= starts - 0.4 and takes[1].start / 48_000 >= ends + 0.4
    said = [w.text for w in timeline.words]
    assert said[said.index("section.") + 1] == "Hm.", said
    for cue in (c for c in timeline.cues if c.text != "Hm."):  # the narration's
        assert cue.end <= starts or cue.start >= ends, cue
    shot = next(s for s in timeline.shots if s.visual.kind == "clip")
    assert shot.first_frame * 48_000 // FPS == sound.start
    section = timeline.sections[0]
    assert section.speech_end - section.speech_start > 2.5  # the take, and the wait


def test_after_must_name_words_the_narration_has(project: Project, clip_media) -> None:
    bunny = film(project, clip_media.bunny(), "bunny.mp4")
    data = project.read()
    data["sections"][0]["visuals"].insert(1, {"clip": bunny, "to": 1, "sound": "on",
                                              "after": "words it lacks"})  # fmt: skip
    data["sections"][1]["visuals"].insert(1, {"clip": bunny, "to": 1, "sound": "on"})
    project.write(data)
    done = essay(project.root, "check", str(project.episode))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert any("visuals[1].after: the narration has no 'words it lacks'" in x for x in lines)
    assert any("visuals[1].sound: a clip that speaks in the middle" in x for x in lines)


LINE = "I have seen the film, and I will not forget it."
SPOKEN_AT = 0.8  # seconds into the film where the line begins
HUMAN = Path(__file__).resolve().parents[2] / "shared" / "data" / "human-speech"
SONNET = (
    "Two. When forty winters shall besiege thy brow, And dig deep trenches in thy beauty's field,"
)
SONNET_AT = (2.5, 3.2)  # where "When" begins in the LibriVox reading (after "Two.")


def synthesized_film(folder: Path) -> tuple[Path, float]:
    """A 4 s film whose sound is LINE read at SPOKEN_AT over a hum: an actor's line; and
    how long the line lasts."""
    voice = spoken(LINE)
    sound = 0.02 * np.sin(2 * np.pi * 110 * np.arange(4 * 48_000) / 48_000)
    at = round(SPOKEN_AT * 48_000)
    sound[at : at + len(voice)] += voice
    return muxed(folder, sound, 4), len(voice) / 48_000


def muxed(folder: Path, sound: np.ndarray, seconds: float) -> Path:
    wav = write_wav(folder / "line.wav", sound.astype(np.float32))
    out = folder / "line.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
         f"testsrc=size=320x180:rate=25:duration={seconds}", "-i", str(wav), "-shortest",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(out)],
        check=True,
    )  # fmt: skip
    return out


def with_a_film(project: Project, source: Path, says: str) -> object:
    data = project.read()
    data["sections"][1]["visuals"].append(
        {"clip": film(project, source, source.name), "sound": "on", "says": says}
    )
    project.write(data)
    timeline = timeline_of(project)
    (sound,) = timeline.clip_sound
    assert not [w for w in timeline.warnings if "says" in w.message], timeline.warnings
    return timeline, sound.start / 48_000


def test_a_clips_words_are_timed_to_its_own_voice(project: Project, tmp_path: Path) -> None:
    """`says` is heard in the film's sound, as a take is: its first word starts where the
    actor starts, its last ends where the actor stops (spread by length, the line would
    start with the clip, 0.8 s early)."""
    source, length = synthesized_film(tmp_path)
    timeline, clip_start = with_a_film(project, source, LINE)
    words = [w for w in timeline.words if w.start >= clip_start]
    assert [w.text for w in words] == LINE.split()
    assert words[0].start - clip_start == pytest.approx(SPOKEN_AT, abs=0.1)
    assert words[-1].end - clip_start == pytest.approx(SPOKEN_AT + length, abs=0.2)


@pytest.mark.skipif(not (HUMAN / "sonnet2.mp3").exists(), reason="no ../shared/data/human-speech")
def test_a_person_speaking_under_the_films_score_is_heard(
    project: Project, tmp_path: Path, clip_media: ClipMedia
) -> None:
    """A LibriVox reading under Big Buck Bunny's score (10 dB down): "When" is timed where
    the reader says it, not where a spread by length would put it (0.4 s in)."""
    from pipeline.audio.clip_sound import range_samples

    voice = range_samples(HUMAN / "sonnet2.mp3", 0, 9, 1)[:, 0] / 32768
    score = range_samples(clip_media.bunny(), 0, 5.3, 1)[:, 0] / 32768
    score = np.resize(score, len(voice)) * np.sqrt(np.mean(voice**2) / np.mean(score**2))
    source = muxed(tmp_path, voice + score * 10 ** (-10 / 20), 9)
    timeline, clip_start = with_a_film(project, source, SONNET)
    (when,) = [w for w in timeline.words if w.text == "When" and w.start >= clip_start]
    assert SONNET_AT[0] <= when.start - clip_start <= SONNET_AT[1], when


def test_words_the_film_does_not_say_are_warned_and_refused_when_strict(
    clips: Project,
) -> None:
    """Bunny says nothing: 'Hello, little one.' is not heard, so its captions are spread
    over the clip and the author is told; `--strict` refuses to ship them."""
    done = essay(clips.root, "check", str(clips.episode))
    assert done.returncode == 0, done.stderr
    (line,) = [x for x in done.stderr.splitlines() if "were not heard" in x]
    assert "sections[1].visuals[2]" in line and "Hello, little one." in line, line
    strict = essay(clips.root, "check", "--strict", str(clips.episode))
    assert strict.returncode == 2
    assert "were not heard" in strict.stderr


def test_a_clip_line_too_fast_to_read_is_warned_on_the_clip(
    project: Project, clip_media: ClipMedia
) -> None:
    data = project.read()
    data["sections"][1]["visuals"].append({
        "clip": film(project, clip_media.bunny(), "bunny.mp4"), "from": 1, "to": 2,
        "sound": "on", "says": "Far too many words for one second of a rabbit waking up.",
    })  # fmt: skip
    project.write(data)
    fast = [w for w in timeline_of(project).warnings if "fast here" in w.message]
    assert fast and all(w.key == "sections[1].visuals[2]" for w in fast), fast
    assert all("the film's line is fast" in w.message for w in fast), fast
