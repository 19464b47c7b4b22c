"""essay: narrated video essays from a YAML script."""

__version__ = "0.1.0"
