"""The project: the folder that holds essays/. Its series settings are validated once, the
fonts and card templates its episodes use are opened once, and its cache lives in it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pipeline.base.cache import Cache
from pipeline.base.errors import EssayError, Problem, shown
from pipeline.base.runner import Runner
from pipeline.script import model as m
from pipeline.script import schema as s
from pipeline.script.assets import FONT_TYPES, Assets
from pipeline.script.fonts import Font, open_font
from pipeline.script.normalise import Normaliser
from pipeline.script.settings import SeriesDoc
from pipeline.script.source import KeyPath, Source, merge, read_yaml
from pipeline.script.templates import CardTemplates
from pipeline.script.validate import validate

ESSAYS = "essays"
SERIES_FILE = "series.yaml"
EPISODE_TYPES = (".yaml", ".yml")
OUTPUT = "output"
# An episode's name (its file's, without .yaml) names its folder in output/ and its address:
# lowercase words of letters and digits joined by hyphens, so none is a series file's name
# (index.html, feed.xml) or `..`, none holds what a shell or a URL would act on, and every
# file made from it fits a file system's 255 bytes, temporaries' prefixes included.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 64
# the folders other than the episode's own a slug names: a draft build's, an export's
OTHER_FOLDERS = ("-draft", "-timeline")


class Project:
    """Open one with `Project.open(root)` or `Project.containing(path)`."""

    def __init__(self, root: Path, series: Source, settings: SeriesDoc, runner: Runner):
        self.root = root
        self.series_file = root / ESSAYS / SERIES_FILE
        self.series_source = series
        self.series = settings
        self.runner = runner
        self.cache = Cache.for_project(root)
        self._fonts: dict[Path, Font] = {}
        self._templates: dict[tuple, CardTemplates] = {}
        self._series_parts: tuple[dict[str, Font], CardTemplates | None] = ({}, None)
        self._read: dict[Path, tuple[tuple[int, ...], Source, s.EpisodeDoc]] = {}

    @classmethod
    def open(cls, root: Path, runner: Runner | None = None) -> Project:
        """Raises EssayError naming every problem of series.yaml."""
        root = Path(root).resolve()
        _inside(root, root / ESSAYS / SERIES_FILE)
        series = read_yaml(root / ESSAYS / SERIES_FILE)
        project = cls(root, series, validate(SeriesDoc, series), runner or Runner())
        if isinstance(series.data, dict):
            # the fonts in effect, the bundled ones if the series names none, are what an
            # episode's `fonts` merges over, key by key, as every setting's mapping does
            series.data.setdefault("fonts", dict(project.series.fonts))
        problems: list[Problem] = []
        assets = Assets(root, _reporter(series, problems))
        fonts = project._open_fonts(project.series.fonts, assets)
        templates = project._open_templates(project.series.templates, fonts, assets)
        if problems:
            raise EssayError(problems)
        project._series_parts = (fonts, templates)
        return project

    @classmethod
    def containing(cls, path: Path, runner: Runner | None = None) -> Project:
        """The project `path` (an episode, a folder, the series file) belongs to."""
        return cls.open(project_root(path), runner)

    @property
    def output(self) -> Path:
        """Where builds deliver: output/<slug>/ an episode, and the series' files."""
        return self.root / OUTPUT

    @property
    def episodes(self) -> tuple[Path, ...]:
        """Every episode of the series: essays/*.yaml (or .yml) but the series file, by
        name; hidden files (an editor's lock or backup, say) are not episodes."""
        found = [p for p in (self.root / ESSAYS).iterdir() if p.suffix in EPISODE_TYPES]
        return tuple(sorted(p for p in found if p.name != SERIES_FILE and _seen(p)))

    def is_series_file(self, path: Path) -> bool:
        return Path(path).resolve() == self.series_file.resolve()

    def read(self, path: Path, named: Path | None = None) -> s.EpisodeDoc:
        """An episode's YAML over the series', validated, its files not looked at (for
        tools that make those files); `named`: the episode it is to be, if it is written
        under another name. Raises EssayError."""
        return self._validated(path, self.source(path, named), _stamp(path))

    def _validated(self, path: Path, source: Source, stamp: tuple[int, ...]) -> s.EpisodeDoc:
        """Validated once while the file stays as it was: the series' checks after a build
        read what the build read."""
        doc = validate(s.EpisodeDoc, source)
        self._read[Path(path).resolve()] = (stamp, source, doc)
        return doc

    def _known(self, path: Path) -> tuple[Source, s.EpisodeDoc]:
        stamp = _stamp(path)
        held = self._read.get(path.resolve())
        if held and held[0] == stamp:
            return held[1], held[2]
        source = self.source(path)
        return source, self._validated(path, source, stamp)

    def load(self, path: Path) -> m.Essay:
        """An episode of this project, validated. Raises EssayError with every problem."""
        stamp = _stamp(path)
        source = self.source(path)
        normaliser = Normaliser(Path(path), self.root, source)
        try:
            doc = self._validated(path, source, stamp)
        except EssayError as err:
            normaliser.assets.check_all(source.data)  # worth knowing even when the shape is wrong
            said = {p.key for p in err.problems}  # a key refused once is said once
            more = [p for p in normaliser.problems if p.key not in said]
            raise EssayError(err.problems + more) from None
        fonts, templates = self._series_parts
        if doc.fonts != self.series.fonts or doc.templates != self.series.templates:
            fonts = self._open_fonts(doc.fonts, normaliser.assets)
            templates = self._open_templates(doc.templates, fonts, normaliser.assets)
        # decoding proves a still whole: every one at once, on all cores
        stills = [getattr(v, "still", None) for sec in doc.sections for v in sec.visuals]
        stills = [still for still in stills if isinstance(still, str)]
        normaliser.assets.probe(stills, self.runner)
        return normaliser.essay(doc, fonts, templates)

    def source(self, path: Path, named: Path | None = None) -> Source:
        """An episode's YAML over the series', with the marks of both (`named`: see read)."""
        path = Path(path)
        if self.is_series_file(path):
            raise _about(path, "this is the series file; give an episode, e.g. essays/her.yaml")
        if path.resolve().parent != (self.root / ESSAYS).resolve():
            # its slug names its folder in output/: elsewhere, two files could share one
            raise _about(path, f"an episode lives in {ESSAYS}/; move it to {ESSAYS}/{path.name}")
        self.slug(named or path)
        return merge(self.series_source, read_yaml(path))

    def slug(self, path: Path) -> str:
        """The episode's name, from its file's. Raises EssayError if it cannot be one."""
        wrong = slug_problem(Path(path).stem)
        if wrong:
            raise _about(path, f"{wrong}; rename the file, e.g. to {ESSAYS}/groundhog-day.yaml")
        return Path(path).stem

    def templates_for(self, essay: m.Essay) -> CardTemplates:
        """The card templates an episode was drawn with (for the cards made after loading)."""
        fonts = {name: self._font(path) for name, path in essay.settings.font_names}
        return self._templates_at(essay.settings.templates, fonts)

    def _open_fonts(self, spec: dict[str, str], assets: Assets) -> dict[str, Font]:
        fonts = {}
        for role, raw in spec.items():
            file = assets.file(raw, ("fonts", role), FONT_TYPES)
            if file is None:
                continue
            try:
                fonts[role] = self._font(file)
            except OSError:
                assets.report(
                    ("fonts", role),
                    f"not a usable font file: {raw}; use a TrueType or OpenType font",
                )
        return fonts

    def _font(self, file: Path) -> Font:
        if file not in self._fonts:
            self._fonts[file] = open_font(file)
        return self._fonts[file]

    def _open_templates(
        self, raw: str, fonts: dict[str, Font], assets: Assets
    ) -> CardTemplates | None:
        folder = (self.root / raw).resolve()
        if not _is_dir(folder) or not folder.is_relative_to(self.root):
            assets.report(
                ("templates",),
                f"no templates folder at {raw}; it must be a folder inside the project",
            )
            return None
        return self._templates_at(folder, fonts)

    def _templates_at(self, folder: Path, fonts: dict[str, Font]) -> CardTemplates:
        known = (folder, tuple(sorted((name, f.path) for name, f in fonts.items())))
        if known not in self._templates:
            self._templates[known] = CardTemplates(folder, self.root, fonts)
        return self._templates[known]

    def check_series(self) -> list[Problem]:
        """What is wrong between the episodes (two with one number, two with one name), and
        a warning when there can be no feed. An episode that does not validate is left to
        its own check."""
        found: list[Problem] = []
        numbers: dict[int, Path] = {}
        slugs: dict[str, Path] = {}
        for path in self.episodes:
            try:
                source, doc = self._known(path)
            except EssayError:
                continue
            found += _between(path, source, doc, numbers, slugs, self.series.site is not None)
            numbers.setdefault(doc.episode, path)
            slugs.setdefault(path.stem, path)
        if self.series.site is None:
            found.append(Problem(self.series_file, None, None, "site", (
                "no `site:`, so no podcast feed: give the series' address, "
                "`site: {url: https://...}`, and the build writes the feed too"
            ), warning=True))  # fmt: skip
        return found


def _between(
    path: Path,
    source: Source,
    doc: s.EpisodeDoc,
    numbers: dict[int, Path],
    slugs: dict[str, Path],
    feed: bool,
) -> list[Problem]:
    """What one episode gets wrong against the ones before it."""
    found = []
    if doc.episode in numbers:
        found.append(source.problem(("episode",), (
            f"episode {doc.episode} is also {shown(numbers[doc.episode])}; "
            "give each episode its own number"
        )))  # fmt: skip
    if path.stem in slugs:
        found.append(source.problem((), (
            f"{shown(slugs[path.stem])} has the same name: both would be output/{path.stem}/; "
            "rename one"
        )))  # fmt: skip
    if feed and doc.date is None:
        found.append(source.problem(("date",), (
            "the podcast feed needs the episode's date; add `date: YYYY-MM-DD`"
        )))  # fmt: skip
    return found


def _stamp(path: Path) -> tuple[int, ...]:
    """A file as it stands: a new save changes one of these."""
    try:
        st = Path(path).stat()
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name an episode (its folders in output/, its address), or None."""
    said = repr(slug)  # whatever it holds, said on one line
    if not SLUG.fullmatch(slug):
        return (
            f"got {said}; an episode's name is lowercase letters, digits and single hyphens "
            "(it names the episode's folder in output/ and its address)"
        )
    if len(slug) > MAX_SLUG:
        return (
            f"got a name of {len(slug)} characters; an episode's name is at most {MAX_SLUG}, so "
            "the files made from it fit what a file system holds"
        )
    for end, folder in zip(OTHER_FOLDERS, ("draft build", "export"), strict=True):
        if slug.endswith(end):
            return (
                f"got {said}; an episode's name does not end in '{end}': output/{slug}/ is "
                f"the {folder}'s folder of the episode '{slug.removesuffix(end)}'"
            )
    if slug == "series":
        return f"got {said}; that is the series file's name"
    return None


def project_root(path: Path) -> Path:
    """The nearest folder at or above `path` that holds essays/series.yaml."""
    start = Path(path).resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ESSAYS / SERIES_FILE).is_file():
            return candidate
    raise _about(Path(path), (
        f"no {ESSAYS}/{SERIES_FILE} here or in any folder above; a project keeps its "
        f"episodes in {ESSAYS}/ beside a {SERIES_FILE} that says `series: <title>`"
    ))  # fmt: skip


def _about(path: Path, message: str) -> EssayError:
    """A problem with a whole file."""
    return EssayError([Problem(path, None, None, "", message)])


def _inside(root: Path, path: Path) -> None:
    """Raises EssayError if `path` (the series file) leads out of the project by a link,
    before it is read: the project is what is read."""
    real = path.resolve()
    if not real.is_relative_to(root):
        raise _about(path, (
            f"it leads out of the project folder, to {real}; copy the file into the "
            "project instead of linking to it"
        ))  # fmt: skip


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name longer than the file system holds: no folder
        return False


def _seen(path: Path) -> bool:
    return not path.name.startswith((".", "~"))


def _reporter(source: Source, problems: list[Problem]) -> Callable[[KeyPath, str], None]:
    return lambda path, message: problems.append(source.problem(path, message))
