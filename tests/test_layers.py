"""The stages only look down: import-linter's contract holds, and an upward import breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}  # the package in `root`, not the installed one
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True
    )


def test_the_layers_hold() -> None:
    proc = lint(REPO)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "Layers only look down KEPT" in proc.stdout


@pytest.mark.parametrize(
    ("module", "imports", "broken"),
    [
        ("timing/align.py", "pipeline.audio.takes", "pipeline.timing is not allowed to import"),
        ("base/cache.py", "pipeline.script.model", "pipeline.base is not allowed to import"),
        ("audio/mix.py", "pipeline.visuals.motion", "pipeline.audio is not allowed to import"),
    ],
)
def test_an_import_that_does_not_look_down_breaks_them(
    tmp_path: Path, module: str, imports: str, broken: str
) -> None:
    shutil.copytree(
        REPO / "pipeline", tmp_path / "pipeline", ignore=shutil.ignore_patterns("*.pyc")
    )
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    source = tmp_path / "pipeline" / module
    source.write_text(source.read_text() + f"\nimport {imports}  # noqa\n")
    proc = lint(tmp_path)
    assert proc.returncode != 0
    assert broken in proc.stdout
    assert f"{module[:-3].replace('/', '.')} -> {imports}" in proc.stdout


# What rendering, mixing and the products need, which `essay --help` must not pay for
HEAVY = ("cv2", "numpy", "pydub", "mutagen", "PIL", "scipy", "opentimelineio", "watchfiles")


def test_help_imports_nothing_a_build_needs() -> None:
    probe = (
        "import sys\n"
        "from pipeline.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Usage: " in proc.stdout
    imported = proc.stdout.splitlines()[-1]
    assert imported == "", f"essay --help imported {imported}"


def test_the_command_line_offers_every_build_profile() -> None:
    from pipeline.cli.build import PROFILE_NAMES
    from pipeline.publish.profiles import PROFILES

    assert tuple(PROFILES) == PROFILE_NAMES
