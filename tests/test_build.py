"""End to end: a tiny essay built into real files, then probed as a player would."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import srt
import webvtt
from conftest import SAID, TEXTS, Project, make_project, speechlike, spoken, write_still, write_wav
from probe import chapters, streams, top_level_atoms, video_frames

from pipeline.base.errors import EssayError, RenderError
from pipeline.produce import build, check
from pipeline.publish.profiles import DRAFT
from pipeline.render.rendition import Rendition

FRAME = 1 / 30
_MS = datetime.timedelta(milliseconds=1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("built") / "proj")
    return project, build(project.episode)


def script_words(project: Project) -> str:
    expanded = [t.replace("{{ film.title }}", "Her") for t in TEXTS]
    return " ".join(" ".join(expanded).split())


def test_build_writes_the_files(built) -> None:
    project, result = built
    folder = project.root / "output" / "tiny"
    assert result.folder == folder
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "index.html", "tiny-cover.jpg", "tiny-email.jpg", "tiny-thumbnail.jpg",
        "tiny.chapters.json", "tiny.chapters.vtt", "tiny.description.txt", "tiny.email.html",
        "tiny.email.txt", "tiny.eml", "tiny.episode.json", "tiny.jpg", "tiny.loudness.json",
        "tiny.m4a", "tiny.mp3", "tiny.mp4", "tiny.srt", "tiny.transcript.html",
        "tiny.transcript.json", "tiny.vtt",
    ]  # fmt: skip
    assert sorted(p.name for p in result.files) == names


def test_mp4_streams_match_the_delivery_settings(built) -> None:
    _, result = built
    s = streams(result.folder / "tiny.mp4")
    video, audio = s["video"], s["audio"]
    assert (video.codec, video.profile, video.pix_fmt) == ("h264", "High", "yuv420p")
    assert (video.width, video.height, video.rate) == (320, 180, 30)
    assert video.colour == (1, 1, 1)  # BT.709 matrix, primaries and transfer
    assert (audio.codec, audio.profile, audio.rate) == ("aac", "LC", 48000)


def test_duration_equals_the_narration_timeline(built) -> None:
    _, result = built
    timeline = result.checked.timeline
    # the timeline's own arithmetic: lead-in + takes + pauses + tail, each section rounded
    # up to whole frames
    takes = [t.duration for t in result.checked.takes.values()]
    expected = 0.3 + takes[0] + 0.5 + takes[1] + 0.7
    assert 0 <= timeline.duration - expected <= 2 * FRAME
    s = streams(result.folder / "tiny.mp4")
    assert s["video"].frames == timeline.frames
    assert abs(s["video"].duration - timeline.duration) <= FRAME
    assert abs(s["audio"].duration - timeline.duration) <= FRAME
    assert timeline.samples == round(timeline.duration * 48000)


def test_mp4_is_faststart(built) -> None:
    atoms = top_level_atoms(built[1].folder / "tiny.mp4")
    assert atoms.index("moov") < atoms.index("mdat")


def test_mp4_has_a_chapter_per_section(built) -> None:
    _, result = built
    found = chapters(result.folder / "tiny.mp4")
    assert [c[2] for c in found] == ["The first", "The second"]
    assert found[1][0] == pytest.approx(
        result.checked.timeline.sections[1].first_frame / 30, abs=0.002
    )


def test_srt_parses_and_carries_the_script(built) -> None:
    project, result = built
    text = (result.folder / "tiny.srt").read_text(encoding="utf-8")
    cues = list(srt.parse(text))
    assert [c.index for c in cues] == list(range(1, len(cues) + 1))
    assert " ".join(" ".join(c.content.split()) for c in cues) == script_words(project)
    assert not text.startswith("\ufeff")


def test_vtt_parses_and_says_the_same_as_the_srt(built) -> None:
    project, result = built
    vtt = webvtt.from_buffer(io.StringIO((result.folder / "tiny.vtt").read_text(encoding="utf-8")))
    subs = list(srt.parse((result.folder / "tiny.srt").read_text(encoding="utf-8")))
    assert len(vtt.captions) == len(subs)
    for cap, sub in zip(vtt.captions, subs, strict=True):
        assert cap.start_time.in_milliseconds() == sub.start // _MS
        assert cap.end_time.in_milliseconds() == sub.end // _MS
        assert cap.text.replace("&amp;", "&") == sub.content
    joined = " ".join(c.text.replace("&amp;", "&") for c in vtt.captions)
    assert " ".join(joined.split()) == script_words(project)


def test_chapters_vtt_has_one_cue_per_section(built) -> None:
    text = (built[1].folder / "tiny.chapters.vtt").read_text(encoding="utf-8")
    captions = webvtt.from_buffer(io.StringIO(text)).captions
    assert [c.text for c in captions] == ["The first", "The second"]


def test_rebuild_renders_nothing(built) -> None:
    project, first = built
    assert first.frames_encoded == first.checked.timeline.frames
    assert not first.audio_reused
    again = build(project.episode)
    assert again.frames_encoded == 0
    assert all(s.reused for s in again.segments) and again.audio_reused
    for name in ("tiny.mp4", "tiny.mp3", "tiny.m4a"):
        assert (again.folder / name).stat().st_size > 0


def test_narration_text_edit_rewrites_subtitles_only(project: Project) -> None:
    first = build(project.episode)
    inodes = {n: (first.folder / n).stat().st_ino for n in ("tiny.mp4", "tiny.mp3", "tiny.m4a")}
    data = project.read()
    data["sections"][0]["narration"]["text"] = "A different first section, said the same way."
    project.write(data)
    result = build(project.episode)
    assert result.frames_encoded == 0 and result.audio_reused
    assert "A different first section" in (result.folder / "tiny.srt").read_text()
    # the MP4 and the audio edition are the very files delivered before
    assert {n: (result.folder / n).stat().st_ino for n in inodes} == inodes


def test_a_retake_remakes_the_sound_and_the_mp4_but_no_pictures(project: Project) -> None:
    first = build(project.episode)
    before = (first.folder / "tiny.mp4").read_bytes()
    write_wav(project.root / "assets/t/n1.wav", speechlike(2.3, seed=42))  # re-recorded, longer
    result = build(project.episode)
    assert not result.audio_reused
    # the shots whose length changed; the crossfade into the card is the same frames
    assert rendered(result) == ["one.2 > two.1", "two.1", "two.2"]
    assert (result.folder / "tiny.mp4").read_bytes() != before


def test_card_edit_renders_that_section_only(project: Project) -> None:
    build(project.episode)
    data = project.read()
    data["sections"][1]["visuals"][1]["fields"]["text"] = "Another quotation"
    project.write(data)
    result = build(project.episode)
    assert rendered(result) == ["two.1 > two.2", "two.2"]
    assert result.frames_encoded == shown(result, "two.2")  # the frames that show the card


def test_a_still_swapped_renders_the_frames_that_show_it(project: Project) -> None:
    build(project.episode)
    write_still(project.root / "assets/t/s1.jpg", seed=99)
    result = build(project.episode)
    assert rendered(result) == ["one.2 > two.1", "two.1", "two.1 > two.2"]
    assert result.frames_encoded == shown(result, "two.1")


def rendered(built) -> list[str]:
    return [s.name for s in built.segments if not s.reused]


def shown(built, shot: str) -> int:
    """The frames a shot is on screen, its fades in and out included."""
    span = next(s for s in built.checked.timeline.shots if s.name == shot)
    return span.end_frame - span.first_frame


def test_draft_profile(project: Project) -> None:
    result = build(project.episode, profile=DRAFT)
    s = streams(result.folder / "tiny.mp4")
    assert (s["video"].height, s["video"].codec) == (480, "h264")
    assert result.folder.name == "tiny-draft"
    assert not (result.folder / "tiny.mp3").exists()  # a quick look: no audio edition
    assert abs(s["audio"].duration - result.checked.timeline.duration) <= FRAME


def test_invalid_essay_builds_nothing(project: Project) -> None:
    data = project.read()
    data["sections"][0]["narration"]["audio"] = "assets/t/missing.wav"
    project.write(data)
    with pytest.raises(EssayError):
        build(project.episode)
    assert not (project.root / "output").exists()


def test_failed_build_keeps_the_previous_output(project: Project, monkeypatch) -> None:
    first = build(project.episode)
    before = {p.name: p.read_bytes() for p in first.folder.iterdir()}
    data = project.read()
    data["sections"][1]["visuals"][1]["fields"]["text"] = "Changed, so section two renders"
    project.write(data)
    # a real failure of the real ffmpeg: it is asked for an encoder it does not have
    broken = ["-c:v", "no_such_encoder"]
    monkeypatch.setattr(Rendition, "x264_args", lambda self: broken)
    with pytest.raises(RenderError, match="section 'two'"):
        build(project.episode)
    after = {p.name: p.read_bytes() for p in first.folder.iterdir()}
    assert after == before
    assert not list((project.root / ".essay-cache" / "work").iterdir())


def test_cli_reports_problems_in_one_line_each_and_exits_2(project: Project) -> None:
    data = project.read()
    data["sections"][0]["narration"]["audio"] = "assets/t/missing.wav"
    data["sections"][1]["titel"] = "x"
    project.write(data)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "essays/tiny.yaml"],
        cwd=project.root,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert all(line.startswith("essays/tiny.yaml:") for line in lines[:-1])
    assert "sections[0].narration.audio: file not found" in lines[0]
    assert "sections[1].titel: unknown key" in lines[1]
    assert lines[-1] == "2 problems found; nothing was built"
    assert not (project.root / "output").exists()


def test_cli_build_on_a_pipe_is_quiet_and_says_where_files_are(project: Project) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "essays/tiny.yaml"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "dumb"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stderr + proc.stdout  # no terminal control codes in logs
    assert "output/tiny/: 20 files; open output/tiny/index.html" in proc.stdout
    lines = re.findall(r"^(\S.*): rendered (\d+) frames in [\d.]+ s$", proc.stderr, re.M)
    names = [s.name for s in build(project.episode).segments]  # all reused now
    assert sorted(n for n, _ in lines) == sorted(names)  # a line per shot and crossfade
    assert f"{len(names)} of {len(names)} shots and crossfades rendered" in proc.stdout


def test_check_does_not_render(project: Project) -> None:
    checked = check(project.episode)
    assert len(checked.timeline.sections) == 2
    assert not (project.root / "output").exists()
    cache = project.root / ".essay-cache"
    assert not (cache / "segments").exists() and not (cache / "sound").exists()
    measured = {p.suffix for p in (cache / "analysis").iterdir()}
    # takes, measured; what was learnt of the files as they stand (files.json); their seals
    assert measured == {".npz", ".json", ".seal"}


def test_burned_in_subtitles_are_drawn_and_follow_the_text(project: Project) -> None:
    plain = video_frames(build(project.episode).folder / "tiny.mp4")
    burned = build(project.episode, burn_subtitles=True)
    assert burned.frames_encoded == burned.checked.timeline.frames  # other pixels, other keys
    cue = burned.checked.timeline.cues[0]
    frame = round((cue.start + cue.end) / 2 * 30)
    bottom = slice(120, 180)  # where the series puts subtitles in a 180-line frame
    a = plain[frame][bottom]
    b = video_frames(burned.folder / "tiny.mp4")[frame][bottom]
    changed = abs(a.astype(int) - b.astype(int)).max(axis=-1) > 60  # white text, black outline
    assert changed.mean() > 0.02, changed.mean()
    data = project.read()
    data["sections"][1]["narration"]["text"] = "Other words for the second section."
    project.write(data)
    again = build(project.episode, burn_subtitles=True)
    assert {s.section for s in again.segments if not s.reused} == {"two"}


def test_cli_check_lists_warnings_and_still_passes(project: Project) -> None:
    # two sentences read at 260 words a minute: too fast to read along
    write_wav(project.root / "assets/t/n0.wav", spoken(SAID[0], rate=260))
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", "essays/tiny.yaml"],
        cwd=project.root, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0
    assert "warning: the cue 'This is the first section." in proc.stderr
    assert "characters a second" in proc.stderr and "ok:" in proc.stdout


@pytest.fixture
def elsewhere(tmp_path):
    """A folder on another file system than the project's (tmpfs), removed afterwards."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs /dev/shm on a file system of its own")
    folder = Path(tempfile.mkdtemp(dir=shm))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_output_on_another_file_system(project: Project, elsewhere: Path) -> None:
    (project.root / "output").symlink_to(elsewhere)  # output/ a mounted volume, say
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    (elsewhere / f".tiny.{dead}.new").mkdir()  # what a build killed mid-copy leaves
    first = build(project.episode)
    data = project.read()
    data["sections"][0]["narration"]["text"] = "A different first section, said the same way."
    project.write(data)
    again = build(project.episode)  # the MP4 is taken over from the delivered one, copied
    assert again.frames_encoded == 0 and again.audio_reused
    assert sorted(p.name for p in elsewhere.iterdir()) == ["tiny"]  # nothing hidden left
    names = {p.name for p in first.files}
    assert {p.name for p in (elsewhere / "tiny").iterdir()} == names
    assert "A different first section" in (elsewhere / "tiny" / "tiny.srt").read_text()
    assert streams(elsewhere / "tiny" / "tiny.mp4")["video"].height == 180
