"""Segments cut at shots and crossfades: together they draw exactly the frames the episode
drawn whole would, and each one's key changes with what it shows and with nothing else."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import numpy as np
from conftest import SAID, Project, spoken, write_still, write_wav

from pipeline.base import ffmpeg
from pipeline.produce import check
from pipeline.publish.mp4 import assemble
from pipeline.publish.profiles import PROFILES
from pipeline.render.compose import Segment
from pipeline.render.frames import job_at
from pipeline.render.plan import ShotInSegment, plan_segments
from pipeline.render.rendition import Rendition
from pipeline.visuals.yuv import FrameBuffer


def planned(project: Project):
    checked = check(project.episode)
    settings = checked.essay.settings
    renditions = PROFILES["master"].renditions(settings.video, settings.renditions)
    return checked.timeline, plan_segments(checked.essay, checked.timeline, renditions)


def drawn(job, frame: int) -> np.ndarray:
    out = FrameBuffer(*job.size)
    Segment(job).draw(frame, out)
    return np.array(out.data, copy=True)


def test_the_pieces_draw_the_episode_drawn_whole(project: Project) -> None:
    timeline, jobs = planned(project)
    assert [j.at for j in jobs] == [0, *np.cumsum([j.frames for j in jobs])[:-1]]
    assert sum(j.frames for j in jobs) == timeline.frames
    whole = replace(jobs[0], at=0, frames=timeline.frames, shots=tuple(
        ShotInSegment(s.visual, s.first_frame, s.end_frame, s.fade_frames, s.still_from)
        for s in timeline.shots
    ))  # fmt: skip
    for frame in range(0, timeline.frames, 3):
        piece = job_at(jobs, frame)
        assert np.array_equal(drawn(piece, frame - piece.at), drawn(whole, frame)), frame


def test_a_key_holds_what_a_piece_shows_not_where_it_is(project: Project) -> None:
    _, before = planned(project)
    data = project.read()
    data["sections"][0]["narration"]["text"] += " And a little more."  # cues only
    project.write(data)
    _, same = planned(project)
    assert [j.keys for j in same] == [j.keys for j in before]
    write_still(project.root / "assets/t/s0.jpg", seed=77)  # the first section's still
    _, swapped = planned(project)
    changed = [j.name for j, k in zip(swapped, before, strict=True) if j.keys != k.keys]
    assert changed == ["one.1 > one.2", "one.2", "one.2 > two.1"]


def test_a_longer_take_before_moves_the_shots_after_it_without_a_new_key(project) -> None:
    _, before = planned(project)
    slower = spoken(SAID[0], rate=120)  # section one, read more slowly
    write_wav(project.root / "assets/t/n0.wav", slower)
    _, after = planned(project)
    moved = {j.name: j for j in after if j.section == "two"}
    assert all(moved[j.name].at > j.at for j in before if j.section == "two")
    assert {j.name for j in after if j.keys not in {b.keys for b in before}} <= {
        "black > one.1",
        "one.1",
        "one.1 > one.2",
        "one.2",
    }  # section one's own shots, whose length changed; none of section two's
    assert [moved[j.name].keys for j in before if j.section == "two"] == [
        j.keys for j in before if j.section == "two"
    ]


def test_frames_keep_their_times_across_the_joins(tmp_path: Path) -> None:
    """x264 starts a segment with B-frames, so its MP4 has an edit list, whose length ffmpeg
    writes in whole milliseconds and sometimes one short (a slow zoom of 35 frames, 1166.67
    ms, is written 1166): joined by the length read from the file, every frame after such a
    join came 0.65 ms early. The join is told each segment's length from its frames."""
    master = Rendition("master", 320, 180, 30, 20, "superfast")
    zoom = "testsrc2=size=640x360:rate=30,zoompan=z='1+on/300':d=1:s=320x180:fps=30"
    segments = []
    for k in range(3):
        seg = tmp_path / f"{k}.mp4"
        ffmpeg.run("-f", "lavfi", "-i", zoom, "-frames:v", "35", *master.x264_args(), "-an",
                   "-f", "mp4", "-y", str(seg), what="a test segment")  # fmt: skip
        segments.append((seg, 35))
    sound = tmp_path / "sound.m4a"
    ffmpeg.run("-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "3.5", "-c:a", "aac",
               "-y", str(sound), what="a test sound")  # fmt: skip
    out = tmp_path / "joined.mp4"
    assemble(segments, 30, sound, ";FFMETADATA1\n", out, tmp_path)
    with av.open(str(out)) as joined:
        step = 1 / (joined.streams.video[0].time_base * 30)
        times = sorted(frame.pts for frame in joined.decode(video=0))
    assert times == [round(i * step) for i in range(105)]
