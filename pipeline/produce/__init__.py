"""What a user asks of the project: check and build episodes (episode.py), and the series'
files over every delivered episode (series.py). Only orchestration."""

from pipeline.produce.episode import Built, Checked, build, check

__all__ = ["Built", "Checked", "build", "check"]
