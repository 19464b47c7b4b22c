"""One episode loaded on its own, within the project it belongs to (tests, scripts)."""

from __future__ import annotations

from pathlib import Path

from pipeline.script.model import Essay
from pipeline.script.project import Project


def load_essay(path: Path) -> Essay:
    """Raises EssayError with every problem found."""
    return Project.containing(path).load(path)
