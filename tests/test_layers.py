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
