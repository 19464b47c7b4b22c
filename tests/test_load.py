"""Validation: every class of bad input is one located problem naming file, line and key."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import Project, write_wav

from pipeline.base.errors import EssayError, Problem
from pipeline.produce import check
from pipeline.script.load import load_essay


def problems(path: Path, loader=load_essay) -> list[Problem]:
    with pytest.raises(EssayError) as info:
        loader(path)
    return info.value.problems


def line_of(path: Path, snippet: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if snippet in line:
            return n
    raise AssertionError(f"{snippet!r} not in {path}")


def edit(project: Project, change) -> None:
    data = project.read()
    change(data)
    project.write(data)


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_the_fixture_is_valid(project: Project) -> None:
    essay = load_essay(project.episode)
    assert [s.id for s in essay.sections] == ["one", "two"]
    assert "Her & its ending" in essay.sections[1].narration.text  # Jinja over metadata


def test_yaml_syntax_error(project: Project) -> None:
    text = project.episode.read_text().replace("title: A tiny test", "title: [A tiny test")
    project.write_text(text)
    p = only(problems(project.episode))
    assert p.file == project.episode and p.line is not None
    assert "YAML syntax error" in p.message


def test_unknown_key_suggests_the_right_one(project: Project) -> None:
    edit(project, lambda d: d["sections"][1].update(titel=d["sections"][1].pop("title")))
    found = problems(project.episode)
    unknown = next(p for p in found if p.key == "sections[1].titel")
    assert unknown.line == line_of(project.episode, "titel:")
    assert "did you mean 'title'" in unknown.message
    # the same mistake leaves `title` missing: one mistake, one line
    assert not any(p.key == "sections[1].title" for p in found)


def test_unknown_key_in_a_shot_suggests_a_shot_key(project: Project) -> None:
    edit(project, lambda d: d["sections"][0]["visuals"][1].update(wieght=2))
    p = only(problems(project.episode))
    assert p.key == "sections[0].visuals[1].wieght"
    assert "did you mean 'weight'" in p.message


def test_wrong_type(project: Project) -> None:
    edit(project, lambda d: d["sections"][0]["visuals"][1]["move"].update(zoom="big"))
    p = only(problems(project.episode))
    assert p.key == "sections[0].visuals[1].move.zoom"
    assert p.line == line_of(project.episode, "zoom: big")
    assert "expected" in p.message and "'big'" in p.message


def test_wrong_type_in_series_file_names_series_file(project: Project) -> None:
    series = project.root / "essays" / "series.yaml"
    series.write_text(series.read_text().replace("fps: 30", "fps: thirty"))
    p = only(problems(project.episode))
    assert p.file == series and p.key == "video.fps"
    assert p.line == line_of(series, "fps: thirty")


def test_missing_required_key(project: Project) -> None:
    # (a missing `audio` is no mistake: the section is read by the scratch voice)
    edit(project, lambda d: d["sections"][0]["narration"].pop("text"))
    p = only(problems(project.episode))
    assert p.key == "sections[0].narration.text"
    assert "missing" in p.message
    assert p.line == line_of(project.episode, "narration:")


def test_missing_file(project: Project) -> None:
    edit(project, lambda d: d["sections"][1]["narration"].update(audio="assets/t/gone.wav"))
    p = only(problems(project.episode))
    assert p.key == "sections[1].narration.audio"
    assert p.line == line_of(project.episode, "gone.wav")
    assert "file not found: assets/t/gone.wav" in p.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(project: Project) -> None:
    (project.root / "assets/t/n0.wav").chmod(0)
    p = only(problems(project.episode))
    assert p.key == "sections[0].narration.audio" and "permission" in p.message


def test_path_leaving_the_project(project: Project, tmp_path: Path) -> None:
    outside = write_wav(tmp_path / "outside.wav", [0.1] * 4800)
    edit(project, lambda d: d["sections"][0]["narration"].update(audio=f"../{outside.name}"))
    p = only(problems(project.episode))
    assert p.key == "sections[0].narration.audio"
    assert "leaves the project folder" in p.message


def test_absolute_path_outside_the_project(project: Project, tmp_path: Path) -> None:
    edit(project, lambda d: d["sections"][0]["visuals"][1].update(still="/etc/hostname"))
    p = only(problems(project.episode))
    assert p.key == "sections[0].visuals[1].still" and "leaves the project folder" in p.message


def test_audio_that_cannot_be_decoded(project: Project) -> None:
    (project.root / "assets/t/n1.wav").write_bytes(b"RIFF0000WAVEnot really audio" * 10)
    p = only(problems(project.episode, loader=check))
    assert p.key == "sections[1].narration.audio"
    assert p.line == line_of(project.episode, "n1.wav")
    assert "cannot decode audio" in p.message


def test_audio_of_zero_length(project: Project) -> None:
    write_wav(project.root / "assets/t/n0.wav", [])
    p = only(problems(project.episode, loader=check))
    assert p.key == "sections[0].narration.audio" and "zero length" in p.message


def test_image_that_cannot_be_decoded(project: Project) -> None:
    still = project.root / "assets/t/s1.jpg"
    still.write_bytes(still.read_bytes()[:300])  # truncated JPEG
    p = only(problems(project.episode))
    assert p.key == "sections[1].visuals[0].still"
    assert p.line == line_of(project.episode, "s1.jpg")
    assert "cannot decode image" in p.message


def test_duplicate_section_ids(project: Project) -> None:
    edit(project, lambda d: d["sections"][1].update(id="one"))
    p = only(problems(project.episode))
    assert p.key == "sections[1].id"
    assert "duplicate section id 'one'" in p.message and "sections[0]" in p.message


def test_card_text_that_cannot_fit(project: Project) -> None:
    long = "This quotation goes on and on " * 12
    edit(project, lambda d: d["sections"][1]["visuals"][1]["fields"].update(text=long))
    p = only(problems(project.episode))
    assert p.key == "sections[1].visuals[1].fields.text"
    assert "does not fit" in p.message and "shorten" in p.message


def test_long_title_wraps_instead(project: Project) -> None:
    edit(
        project,
        lambda d: d.update(title="A considerably longer episode title that needs two lines"),
    )
    svg = load_essay(project.episode).sections[0].visuals[0].svg
    assert svg.count("<tspan") == 2


def test_card_field_the_template_does_not_use(project: Project) -> None:
    edit(project, lambda d: d["sections"][1]["visuals"][1]["fields"].update(atribution="x"))
    p = only(problems(project.episode))
    assert p.key == "sections[1].visuals[1].fields.atribution"
    assert "attribution" in p.message


def test_unknown_template(project: Project) -> None:
    edit(project, lambda d: d["sections"][0]["visuals"][0].update(card="titel"))
    p = only(problems(project.episode))
    assert p.key == "sections[0].visuals[0].card" and "no template 'titel'" in p.message


def test_undefined_name_in_text(project: Project) -> None:
    edit(project, lambda d: d["sections"][0]["narration"].update(text="About {{ film.titel }}."))
    p = only(problems(project.episode))
    assert p.key == "sections[0].narration.text" and "titel" in p.message


def test_card_text_is_escaped_in_svg(project: Project) -> None:
    evil = 'Fish & chips <script>alert("x")</script>'
    edit(project, lambda d: d["sections"][1]["visuals"][1]["fields"].update(text=evil))
    svg = load_essay(project.episode).sections[1].visuals[1].svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; chips" in svg


def test_focus_leaving_the_frame(project: Project) -> None:
    move = {"zoom": [2.0, 2.0], "pan": [1.0, 0], "focus": [0.3, 0.5]}
    edit(project, lambda d: d["sections"][0]["visuals"][1].update(move=move))
    p = only(problems(project.episode, loader=check))
    assert p.key == "sections[0].visuals[1].move" and "focus" in p.message


def test_every_problem_is_reported_at_once(project: Project) -> None:
    def breakage(d: dict) -> None:
        d["sections"][0]["narration"]["audio"] = "assets/t/none.wav"
        d["sections"][1]["visuals"][0]["still"] = "assets/t/none.jpg"
        d["sections"][1]["id"] = "one"

    edit(project, breakage)
    keys = {p.key for p in problems(project.episode)}
    assert keys == {"sections[0].narration.audio", "sections[1].visuals[0].still", "sections[1].id"}


def test_problem_line_format(project: Project) -> None:
    edit(project, lambda d: d["sections"][1]["narration"].update(audio="assets/t/03.wav"))
    p = only(problems(project.episode))
    text = str(p)
    assert re.match(
        r"^.*tiny\.yaml:\d+:\d+: sections\[1\]\.narration\.audio: file not found: assets/t/03\.wav",
        text,
    )
    assert "\n" not in text


def test_series_file_is_not_an_episode(project: Project) -> None:
    p = only(problems(project.root / "essays" / "series.yaml"))
    assert "series file" in p.message


def test_empty_episode_lists_the_required_keys(project: Project) -> None:
    project.write_text("")
    keys = {p.key for p in problems(project.episode)}
    assert {"episode", "title", "film", "sections"} <= keys


def test_yaml_merge_and_anchors_work(project: Project) -> None:
    data = project.read()
    text = yaml.safe_dump(data, sort_keys=False)
    project.write_text("x-move: &slow {zoom: [1.0, 1.05]}\n" + text)
    p = only(problems(project.episode))  # x-move is not a key of the format
    assert p.key == "x-move" and p.line == 1
