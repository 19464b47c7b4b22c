"""Bad media through the real command line: each is one line naming the YAML file, its line,
the key and the fix (exit 2, the same from `essay check` and `essay build`), or a documented
behaviour that renders right, probed in the files the build delivers."""

from __future__ import annotations

import re
import resource
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import RATE, Project, make_project, speechlike, tone_bursts, write_music, write_wav
from PIL import Image
from test_audio import band_level, decoded, lufs, true_peak_db

from pipeline.base import ffmpeg
from pipeline.cli import main
from pipeline.produce import check


@dataclass(frozen=True)
class Ran:
    """What one command said."""

    project: Project
    exit_code: int
    stderr: str

    def line(self, key: str) -> str:
        """The one line about `key`, checked to be `<episode>:<line>:<col>: <key>: ...`."""
        found = [s for s in self.stderr.splitlines() if f": {key}: " in s]
        assert len(found) == 1, self.stderr
        where = re.escape(str(self.project.episode))
        assert re.match(rf"{where}:\d+:\d+: {re.escape(key)}: ", found[0]), found[0]
        return found[0]

    def line_no(self, key: str) -> int:
        return int(self.line(key).split(":")[1])

    def problems(self) -> list[str]:
        lines = [s for s in self.stderr.splitlines() if ".yaml:" in s]
        return [s for s in lines if ": warning: " not in s]


def essay(project: Project, *args: str) -> Ran:
    result = CliRunner().invoke(main, [*args, str(project.episode)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return Ran(project, result.exit_code, result.stderr)


def refused(project: Project) -> Ran:
    """`essay check` and a draft build: both refuse it, in the same words."""
    checked, built = essay(project, "check"), essay(project, "build", "--profile", "draft")
    assert checked.exit_code == built.exit_code == 2, checked.stderr + built.stderr
    assert checked.problems() and checked.problems() == built.problems()
    assert "nothing was built" in built.stderr
    return checked


def written_at(project: Project, text: str) -> int:
    """The line of the episode's YAML where `text` is written."""
    lines = project.episode.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def use_take(project: Project, section: int, path: str) -> None:
    data = project.read()
    data["sections"][section]["narration"]["audio"] = path
    project.write(data)


def encode(src: Path, out: Path, *args: str) -> Path:
    subprocess.run(ffmpeg.command("-y", "-i", str(src), *args, str(out)), check=True)
    return out


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


# -- takes that cannot be used ---------------------------------------------------------------


def _silent(p: Project) -> None:
    write_wav(p.root / "assets/t/n1.wav", np.zeros(2 * RATE))


def _too_short(p: Project) -> None:
    write_wav(p.root / "assets/t/n1.wav", speechlike(0.3, seed=1))


def _text_as_mp3(p: Project) -> None:
    (p.root / "assets/t/n1.mp3").write_text("not a recording\n" * 40)
    use_take(p, 1, "assets/t/n1.mp3")


def _picture_as_mp3(p: Project) -> None:
    shutil.copy(p.root / "assets/t/s0.jpg", p.root / "assets/t/n1.mp3")
    use_take(p, 1, "assets/t/n1.mp3")


def _unknown_codec(p: Project) -> None:
    wav = p.root / "assets/t/n1.wav"  # a WAV whose format tag no decoder knows
    data = bytearray(wav.read_bytes())
    data[20:22] = struct.pack("<H", 0x1234)
    wav.write_bytes(bytes(data))


def _m4a_cut_short(p: Project) -> None:
    m4a = encode(p.root / "assets/t/n1.wav", p.root / "assets/t/n1.m4a", "-c:a", "aac")
    cut_in_half(m4a)  # its index (moov) comes last: it is gone
    use_take(p, 1, "assets/t/n1.m4a")


UNUSABLE_TAKES = {
    "silent": (_silent, "n1.wav", ["silent", "record it again"]),
    "too short for its text": (_too_short, "n1.wav", ["0.3 s of speech", "record the section"]),
    "text named .mp3": (_text_as_mp3, "n1.mp3", ["decode audio n1.mp3", "not an MP3"]),
    "picture named .mp3": (_picture_as_mp3, "n1.mp3", ["holds no sound: it is a picture (mjpeg)"]),
    "unknown codec in a .wav": (_unknown_codec, "n1.wav", ["tag 0x1234", "convert it to"]),
    "m4a cut short": (_m4a_cut_short, "n1.m4a", ["cut short", "moov atom", "export it again"]),
}


@pytest.mark.parametrize("case", UNUSABLE_TAKES)
def test_an_unusable_take_is_one_line_naming_the_key_and_the_fix(case, tmp_path) -> None:
    make, name, says = UNUSABLE_TAKES[case]
    project = make_project(tmp_path / "proj")
    make(project)
    ran = refused(project)
    assert len(ran.problems()) == 1
    line = ran.line("sections[1].narration.audio")
    assert ran.line_no("sections[1].narration.audio") == written_at(project, f"t/{name}")
    assert all(words in line for words in says), line


# -- takes that are damaged but usable -------------------------------------------------------


@pytest.fixture(scope="module")
def cut_takes(tmp_path_factory):
    """Section one's WAV holds half the frames its header promises; section two's MP3 stops
    halfway. Both decode: the build uses what they hold, and says so."""
    project = make_project(tmp_path_factory.mktemp("cut") / "proj")
    wav = write_wav(project.root / "assets/t/n0.wav", speechlike(4.0, seed=0))
    data = wav.read_bytes()
    wav.write_bytes(data[: 44 + (len(data) - 44) // 2])
    whole = write_wav(project.root / "assets/t/whole.wav", speechlike(4.0, seed=1))
    cut_in_half(encode(whole, project.root / "assets/t/n1.mp3", "-b:a", "128k"))
    use_take(project, 1, "assets/t/n1.mp3")
    return project, essay(project, "check"), essay(project, "build", "--profile", "draft")


@pytest.mark.parametrize("section", [0, 1], ids=["wav", "mp3"])
def test_a_take_cut_short_is_a_warning_and_builds(cut_takes, section) -> None:
    project, checked, built = cut_takes
    assert checked.exit_code == built.exit_code == 0, checked.stderr + built.stderr
    key = f"sections[{section}].narration.audio"
    line = checked.line(key)
    assert line == built.line(key) and ": warning: " in line
    assert re.search(r"decodes to (1\.9|2\.0) s but its header says 4\.0 s", line), line
    assert "export it again" in line
    assert (project.root / "output/tiny-draft/tiny.mp4").stat().st_size > 0


def test_a_take_cut_short_is_warned_of_again_when_its_measure_is_remembered(cut_takes) -> None:
    project, checked, _ = cut_takes
    again = essay(project, "check")  # the takes' measurements come from the cache now
    assert again.line("sections[0].narration.audio") == checked.line("sections[0].narration.audio")


def test_an_m4a_cut_short_with_its_index_first_is_a_warning(tmp_path) -> None:
    project = make_project(tmp_path / "proj")
    whole = write_wav(project.root / "assets/t/whole.wav", speechlike(4.0, seed=1))
    m4a = encode(whole, project.root / "assets/t/n1.m4a", "-c:a", "aac", "-movflags", "+faststart")
    cut_in_half(m4a)
    use_take(project, 1, "assets/t/n1.m4a")
    ran = essay(project, "check")
    assert ran.exit_code == 0, ran.stderr
    assert "its header says 4.0 s" in ran.line("sections[1].narration.audio")


# -- stills ----------------------------------------------------------------------------------


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header says it is width x height: a decompression bomb's shape."""
    Image.new("1", (8, 8)).save(path)
    data = bytearray(path.read_bytes())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    path.write_bytes(bytes(data))
    return path


# pytest records every warning, whatever the filters; the command line shows this one never
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_over_the_pixel_limit_is_refused_from_its_header(tmp_path) -> None:
    project = make_project(tmp_path / "proj")
    png_claiming(project.root / "assets/t/huge.png", 40000, 40000)  # Pillow will not open it
    png_claiming(project.root / "assets/t/big.png", 10000, 10000)  # Pillow only warns
    data = project.read()
    data["sections"][0]["visuals"][1]["still"] = "assets/t/huge.png"
    data["sections"][1]["visuals"][0]["still"] = "assets/t/big.png"
    project.write(data)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ran = refused(project)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100  # 10000x10000 RGB would be 300 MB
    huge, big = ran.line("sections[0].visuals[1].still"), ran.line("sections[1].visuals[0].still")
    assert "1,600 million pixels" in huge and "89 million" in big and "scale it down" in big
    assert "100 million pixels (10000x10000)" in big and "DecompressionBomb" not in ran.stderr


def test_a_link_out_of_the_project_is_refused_naming_where_it_leads(tmp_path) -> None:
    project = make_project(tmp_path / "proj")
    outside = shutil.copy(project.root / "assets/t/s0.jpg", tmp_path / "elsewhere.jpg")
    (project.root / "assets/t/s0.jpg").unlink()
    (project.root / "assets/t/s0.jpg").symlink_to(outside)
    ran = refused(project)
    line = ran.line("sections[0].visuals[1].still")
    assert ran.line_no("sections[0].visuals[1].still") == written_at(project, "t/s0.jpg")
    assert "assets/t/s0.jpg leads out of the project folder" in line
    assert f"links to {outside}" in line and "copy the file into the project" in line


W, H = 640, 360  # the frame's shape: a still shows whole


def _stills() -> dict[str, tuple[Image.Image, list[tuple[int, ...]]]]:
    """Image kinds, each with the colours the left and right of the frame should show
    (transparent pixels over black, the frame behind every shot)."""
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., 1] = 255  # green under alpha 0: garbage if alpha is dropped
    rgba[:, : W // 2] = (255, 255, 0, 255)
    palette = Image.new("P", (W, H), 1)
    palette.putpalette([0, 0, 255, 255, 255, 0] + [0] * 762)
    return {
        "cmyk.jpg": (Image.new("CMYK", (W, H), (0, 255, 255, 0)), [(255, 0, 0)] * 2),
        "i16.png": (Image.fromarray(np.full((H, W), 40000, np.uint16)), [(156, 156, 156)] * 2),
        "grey.png": (Image.new("L", (W, H), 128), [(128, 128, 128)] * 2),
        "la.png": (Image.new("LA", (W, H), (200, 128)), [(100, 100, 100)] * 2),
        "palette.png": (palette, [(255, 255, 0)] * 2),
        "rgba.png": (Image.fromarray(rgba), [(255, 255, 0), (0, 0, 0)]),
        "small.png": (Image.new("RGB", (80, 45), (255, 128, 0)), [(255, 128, 0)] * 2),
    }


@pytest.fixture(scope="module")
def stills(tmp_path_factory):
    """One section, a shot each for the image kinds (held, cut), built as a draft; and a
    frame from the middle of each shot, RGB, as a player shows it."""
    project = make_project(tmp_path_factory.mktemp("stills") / "proj")
    kinds = _stills()
    (project.root / "assets/img").mkdir()
    for name, (image, _) in kinds.items():
        image.save(project.root / "assets/img" / name, **({"quality": 95} if "jpg" in name else {}))
    transparent = Image.new("P", (W, H), 1)  # every pixel the transparent index
    transparent.putpalette([0, 0, 255, 255, 255, 0] + [0] * 762)
    transparent.save(project.root / "assets/img/palette-clear.png", transparency=1)
    kinds["palette-clear.png"] = (transparent, [(0, 0, 0)] * 2)
    data = project.read()
    data["sections"] = data["sections"][:1]
    data["sections"][0]["visuals"] = [
        {"still": f"assets/img/{name}", "move": "none", "transition": "cut"} for name in kinds
    ]
    project.write(data)
    write_wav(project.root / "assets/t/n0.wav", speechlike(4.0, seed=0))
    checked, built = essay(project, "check"), essay(project, "build", "--profile", "draft")
    timeline = check(project.episode).timeline
    middles = [(s.first_frame + s.end_frame) // 2 for s in timeline.shots]
    frames = _frames(project.root / "output/tiny-draft/tiny.mp4", middles)
    return project, checked, built, dict(zip(kinds, frames, strict=True)), kinds


def _frames(mp4: Path, numbers: list[int]) -> list[np.ndarray]:
    """The frames numbered, decoded in one pass of the project's ffmpeg."""
    pick = "+".join(f"eq(n\\,{n})" for n in numbers)
    cmd = ffmpeg.command("-i", str(mp4), "-vf", f"select={pick}", "-fps_mode", "passthrough")
    out = subprocess.run([*cmd, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True)
    return list(np.frombuffer(out.stdout, np.uint8).reshape(len(numbers), 480, -1, 3))


@pytest.mark.parametrize(
    "name", ["cmyk.jpg", "i16.png", "grey.png", "la.png", "palette.png", "palette-clear.png",
             "rgba.png", "small.png"],
)  # fmt: skip
def test_every_image_mode_renders_its_colours(stills, name) -> None:
    _, checked, built, frames, kinds = stills
    assert checked.exit_code == built.exit_code == 0, checked.stderr + built.stderr
    frame = frames[name]
    w = frame.shape[1]
    for x, want in zip((w // 4, 3 * w // 4), kinds[name][1], strict=True):
        seen = frame[220:260, x - 20 : x + 20].reshape(-1, 3).mean(axis=0)
        assert np.abs(seen - want).max() <= 12, (name, seen.round(), want)


def test_an_image_too_small_for_the_frame_is_a_warning_naming_the_upscale(stills) -> None:
    _, checked, built, _, kinds = stills
    key = f"sections[0].visuals[{list(kinds).index('small.png')}].still"
    for ran in (checked, built):
        line = ran.line(key)
        assert ": warning: upscaled 4.0x: " in line and "80x45" in line
        assert "use an image at least 320x180" in line
    assert sum("upscaled" in s for s in checked.stderr.splitlines()) == 1


# -- music -----------------------------------------------------------------------------------


def with_music(project: Project, bed: dict, cues: list[dict] = ()) -> None:
    data = project.read()
    data["music"] = {"bed": bed, "cues": list(cues)}
    project.write(data)


def test_silent_music_and_music_shorter_than_its_fades_are_refused(tmp_path) -> None:
    project = make_project(tmp_path / "proj")
    write_wav(project.root / "assets/t/quiet.wav", np.zeros((3 * RATE, 2)))
    write_music(project.root / "assets/t/sting.wav", 1.0)
    sting = {"file": "assets/t/sting.wav", "start": "one", "fade_in": 1, "fade_out": 2}
    with_music(project, {"file": "assets/t/quiet.wav"}, [sting])
    ran = refused(project)
    silent, short = ran.line("music.bed"), ran.line("music.cues[0]")
    assert "quiet.wav is silent" in silent and "export it again" in silent
    assert "sting.wav (1.0 s) is shorter than its fades" in short and "loop it" in short


def narrated(root: Path) -> Project:
    """Narration of tone at 300 Hz, with a pause: the music's own band shows through it."""
    project = make_project(root)
    pattern = [(1.5, True), (1.5, False), (1.0, True)]
    write_wav(project.root / "assets/t/n0.wav", tone_bursts(pattern))
    write_wav(project.root / "assets/t/n1.wav", tone_bursts([(1.5, True)], seed=1))
    return project


@pytest.fixture(scope="module")
def long_bed(tmp_path_factory):
    """A bed that does not loop, much longer than the episode: a master build."""
    project = narrated(tmp_path_factory.mktemp("long") / "proj")
    write_music(project.root / "assets/t/bed.wav", 30.0)
    with_music(project, {"file": "assets/t/bed.wav", "loop": False, "fade_out": 1.0})
    ran = essay(project, "build")
    return ran, decoded(project.root / "output/tiny/tiny.mp4")


def test_music_longer_than_the_episode_fades_out_at_its_end(long_bed) -> None:
    ran, audio = long_bed
    assert ran.exit_code == 0 and "music" not in ran.stderr, ran.stderr
    music = band_level(audio, 3000)  # 0.1 s windows
    assert music[-12:-10].min() > music[-1] + 20  # there a second before the end; faded out
    assert abs(lufs(audio) + 16) <= 1.0 and true_peak_db(audio) <= -1.0


@pytest.fixture(scope="module")
def short_parts(tmp_path_factory):
    """A 1.5 s bed that does not loop; a 2 s cue that loops under fades longer than it."""
    project = narrated(tmp_path_factory.mktemp("short") / "proj")
    write_music(project.root / "assets/t/bed.wav", 1.5)
    write_music(project.root / "assets/t/cue.wav", 2.0, freq=5000)
    bed = {"file": "assets/t/bed.wav", "loop": False, "fade_in": 0.2, "fade_out": 0.5}
    cue = {"file": "assets/t/cue.wav", "start": "two", "loop": True, "fade_in": 2, "fade_out": 3}
    with_music(project, bed, [cue])
    ran = essay(project, "build", "--profile", "draft")
    timeline = check(project.episode).timeline
    return ran, decoded(project.root / "output/tiny-draft/tiny.mp4"), timeline


def test_a_bed_that_does_not_loop_ends_with_its_file_faded_and_leaves_nothing(
    short_parts,
) -> None:
    ran, audio, _ = short_parts
    assert ran.exit_code == 0, ran.stderr
    music = band_level(audio, 3000)
    assert music[10] > music[16] + 30  # up at 1.0 s; gone at 1.6 s, after its fade
    assert music[16:].max() < music[10] - 30
    after = audio[2 * RATE : 3 * RATE]  # the pause in the first take: no music, no offset
    assert abs(float(after.mean())) < 1e-4


def test_a_looping_cue_longer_than_its_file_fades_in_and_out_over_its_span(short_parts) -> None:
    _, audio, timeline = short_parts
    two = timeline.sections[1]
    cue = band_level(audio, 5000)
    first, last = two.first_frame * 10 // 30, two.end_frame * 10 // 30
    assert cue[first + 5 : last - 5].min() > np.median(cue[: first - 5]) + 20  # there, looping
