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
from pipeline.cli.publish import publish_command
from pipeline.cli.subscribers import subscribers_command
from pipeline.cli.verify import verify_command
from pipeline.cli.watch import watch_command


class _Said(click.ClickException):
    """An option or an argument the command line refuses, said as every problem is: one
    line (click's own is three, with the usage), its exit status click's (2)."""

    def __init__(self, err: click.ClickException):
        super().__init__(err.format_message())
        self.exit_code = err.exit_code
        self.ctx = getattr(err, "ctx", None)

    def show(self, file: object = None) -> None:
        where = self.ctx.command_path if self.ctx else "essay"
        report.say(f"{where}: {self.message.rstrip('.')}; see {where} --help", err=True)


class _Essay(click.Group):
    """Every subcommand under one rule: an interrupt, a signal or a file that cannot be
    written ends the program with one line and its exit status, never a traceback; an
    option refused is one line too."""

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as err:
            raise _Said(err) from None

    def invoke(self, ctx: click.Context):
        with stopping_cleanly():
            try:
                return super().invoke(ctx)
            except _Said:
                raise
            except click.ClickException as err:
                raise _Said(err) from None
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
main.add_command(publish_command)
main.add_command(subscribers_command)
