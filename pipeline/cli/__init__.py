"""The `essay` command: one module per subcommand. The only package that prints."""

from __future__ import annotations

import click

from pipeline.cli.build import build
from pipeline.cli.check import check
from pipeline.cli.prune import prune_command
from pipeline.cli.verify import verify_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="essay")
def main() -> None:
    """Narrated video essays from a YAML script: video, subtitles, the audio edition."""


main.add_command(check)
main.add_command(build)
main.add_command(prune_command)
main.add_command(verify_command)
