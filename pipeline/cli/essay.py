"""The `essay` group: every subcommand under one rule for interrupts and unwritable files."""

from __future__ import annotations

import click

from pipeline.base.signals import stopping_cleanly
from pipeline.cli import report
from pipeline.cli.build import build_command
from pipeline.cli.check import check_command
from pipeline.cli.export import export_command
from pipeline.cli.new import new_command
from pipeline.cli.prune import prune_command
from pipeline.cli.verify import verify_command
from pipeline.cli.watch import watch_command


class _Essay(click.Group):
    """Every subcommand under one rule: an interrupt, a signal or a file that cannot be
    written ends the program with one line and its exit status, never a traceback."""

    def invoke(self, ctx: click.Context):
        with stopping_cleanly():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt as stop:
                report.stopped(stop)
            except OSError as err:
                report.unwritable(err)


@click.group(cls=_Essay, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="essay")
def main() -> None:
    """Narrated video essays from a YAML script: video, subtitles, the audio edition."""


main.add_command(new_command)
main.add_command(check_command)
main.add_command(build_command)
main.add_command(prune_command)
main.add_command(verify_command)
main.add_command(export_command)
main.add_command(watch_command)
