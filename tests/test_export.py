"""`essay export`: the tiny episode (with a looping bed and a cue over it) exported
through the real command line, read back with opentimelineio as an editor's tool reads it,
against the Timeline the build places everything by."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio
import pytest
from click.testing import CliRunner
from conftest import Project, make_project, write_music
from PIL import Image

from pipeline.cli import main
from pipeline.produce import check
from pipeline.produce import export as export_module

RATE = 48_000


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory):
    project = make_project(tmp_path_factory.mktemp("export") / "proj")
    write_music(project.root / "assets/t/bed.wav", 2.5)  # loops over the 5 s episode
    write_music(project.root / "assets/t/sting.wav", 3.0, freq=1000)
    data = project.read()
    data["music"] = {
        "bed": {"file": "assets/t/bed.wav", "level": -30},
        "cues": [{"file": "assets/t/sting.wav", "start": "two", "level": -28, "fade_out": 1}],
    }
    project.write(data)
    result = export(project.episode)
    assert result.exit_code == 0, result.output
    folder = project.root / "output" / "tiny-timeline"
    made = otio.adapters.read_from_file(str(folder / "tiny.otio"))
    return project, folder, made, check(project.episode).timeline


def export(*args) -> object:
    return CliRunner().invoke(main, ["export", *[str(a) for a in args]])


def tracks(made) -> dict[str, otio.schema.Track]:
    return {t.name: t for t in made.tracks}


def frames(t: otio.opentime.RationalTime, fps: int) -> float:
    return t.rescaled_to(fps).value


def test_each_shot_shows_exactly_where_the_timeline_puts_it(exported) -> None:
    _, _, made, timeline = exported
    pictures = tracks(made)["Pictures"]
    clips = list(pictures.find_clips(shallow_search=True))
    assert [c.name for c in clips] == [s.name for s in timeline.shots]
    assert made.global_start_time == otio.opentime.RationalTime(0, timeline.fps)
    for clip, shot in zip(clips, timeline.shots, strict=True):
        placed = pictures.range_of_child(clip)
        head, tail = pictures.handles_of_child(clip)
        # the cut is where the shot starts to fade in; its tail handle lies under the next
        assert frames(placed.start_time, timeline.fps) == shot.first_frame
        shown_until = placed.end_time_exclusive() + (tail or otio.opentime.RationalTime())
        assert abs(frames(shown_until, timeline.fps) - shot.end_frame) < 1
        assert head is None or head.value == 0
    assert frames(pictures.duration(), timeline.fps) == timeline.frames


def test_crossfades_are_dissolves_and_the_first_fades_from_black(exported) -> None:
    _, _, made, timeline = exported
    pictures = tracks(made)["Pictures"]
    fades = list(pictures.find_children(otio.schema.Transition, shallow_search=True))
    wanted = [s for s in timeline.shots if s.fade_frames]
    assert len(fades) == len(wanted) and wanted
    for fade, shot in zip(fades, wanted, strict=True):
        assert fade.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
        assert pictures.range_of_child(fade).start_time.value == shot.first_frame
        assert fade.out_offset.value == shot.fade_frames and fade.in_offset.value == 0
    assert pictures[0] is fades[0]  # nothing before it: from black
    assert made.metadata["essay"]["fade_from_black_frames"] == timeline.shots[0].fade_frames


def test_stills_keep_their_move_and_cards_are_pictures_of_the_frame(exported) -> None:
    made = exported[2]
    clips = {c.name: c for c in tracks(made)["Pictures"].find_clips(shallow_search=True)}
    still = clips["two.1"].metadata["essay"]
    assert still["kind"] == "still" and list(still["move"]["zoom"]) == [1.1, 1.0]
    assert list(still["move"]["pan"]) == [0.1, 0]
    assert clips["one.2"].metadata["essay"]["overlay"] is True
    card = _file(clips["one.1"])
    assert card.suffix == ".png" and card.parent.name == "cards"
    with Image.open(card) as im:
        assert im.size == (320, 180)
    overlays = list(tracks(made)["Overlays"].find_clips(shallow_search=True))
    assert [c.name for c in overlays] == ["one.2"]  # the still with a caption


def test_narration_clips_cut_the_takes_samples(exported) -> None:
    _, _, made, timeline = exported
    narration = tracks(made)["Narration"]
    clips = list(narration.find_clips(shallow_search=True))
    assert len(clips) == len(timeline.narration)
    for clip, take in zip(clips, timeline.narration, strict=True):
        source = clip.source_range
        assert abs(source.start_time.value_rescaled_to(RATE) - take.source_in) < RATE / 30
        assert abs(source.end_time_exclusive().value_rescaled_to(RATE) - take.source_out) < 1600
        at = narration.range_of_child(clip).start_time.value_rescaled_to(RATE)
        assert abs(at - take.start) < RATE / 30
        assert _file(clip) == take.source


def test_music_parts_loop_and_overlap_on_their_own_tracks(exported) -> None:
    _, _, made, timeline = exported
    by_name = tracks(made)
    bed, cue = by_name["Music"], by_name["Music 2"]
    loops = list(bed.find_children(otio.schema.Transition, shallow_search=True))
    assert loops, "the bed is shorter than the episode: it repeats, fading into itself"
    assert bed.duration().value_rescaled_to(RATE) == timeline.music[0].end
    (sting,) = cue.find_clips(shallow_search=True)
    assert cue.range_of_child(sting).start_time.value_rescaled_to(RATE) == timeline.music[1].start


def test_chapters_are_markers_at_their_starts(exported) -> None:
    _, _, made, timeline = exported
    markers = list(made.tracks.markers)
    assert [m.name for m in markers] == [c.title for c in timeline.chapters]
    for marker, chapter in zip(markers, timeline.chapters, strict=True):
        start = marker.marked_range.start_time.to_seconds()
        assert abs(start - chapter.start) < 1 / timeline.fps


def test_every_file_it_names_exists_and_the_subtitles_are_beside_it(exported) -> None:
    _, folder, made, _ = exported
    for clip in made.find_clips():
        assert _file(clip).is_file(), clip.name
    srt = (folder / "tiny.srt").read_text(encoding="utf-8")
    assert re.match(r"1\n00:00:00,\d{3} --> ", srt)


def test_a_second_export_replaces_the_first_whole(exported) -> None:
    project, folder, _, _ = exported
    (folder / "left-over.txt").write_text("from before")
    data = project.read()
    data["title"] = "A retitled test"
    project.write(data)
    result = export(project.episode)
    assert result.exit_code == 0, result.output
    assert not (folder / "left-over.txt").exists()
    assert otio.adapters.read_from_file(str(folder / "tiny.otio")).name == "A retitled test"
    assert not (project.root / "output" / "tiny").exists()  # the delivery is not touched
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_a_path_that_is_no_episode_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = export(tmp_path / "nowhere" / "missing.yaml")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "missing.yaml" in lines[0], lines  # the problem, the count


def test_fcp7_without_its_plugin_names_the_install(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def absent(name):
        raise otio.exceptions.NotSupportedError(name)

    monkeypatch.setattr(export_module.otio.adapters, "from_name", absent)
    result = export("--fcp7", project.episode)
    assert result.exit_code == 2, result.output
    assert "pip install otio-fcp-adapter" in result.stderr
    assert not (project.root / "output").exists()


def test_fcp7_where_the_plugin_installs(exported) -> None:
    pytest.importorskip("otio_fcp_adapter")
    project, folder, _, timeline = exported
    result = export("--fcp7", project.episode)
    assert result.exit_code == 0, result.output
    read = otio.adapters.read_from_file(str(folder / "tiny.xml"))
    video = next(t for t in read.tracks if t.kind == otio.schema.TrackKind.Video)
    starts = [video.range_of_child(c).start_time.value for c in video.find_clips()]
    assert starts == [s.first_frame for s in timeline.shots]


def _file(clip: otio.schema.Clip) -> Path:
    return Path(unquote(urlparse(clip.media_reference.target_url).path))
