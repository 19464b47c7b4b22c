"""The series' settings: every key series.yaml may hold (and an episode may override), its
type, default and meaning. `docs/essay-format.md` documents them; a test keeps the two in
step.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pipeline.base.characters import unwelcome

# No "ultrafast": it turns off CABAC and B-frames, so the stream is no longer H.264 High.
X264_PRESETS = ("superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


SCRATCH = "scratch"  # `audio: scratch`: the synthetic voice reads the section
MAX_WEIGHT = 1000  # a shot's share against another's: more is none at all


class Model(BaseModel):
    # no .inf or .nan: a pause or a cue without end is no setting
    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, allow_inf_nan=False
    )
    # the fields whose text may run over lines (a narration, a summary); in every other one
    # a line break would forge a line of a line-based file (a chapter, a header)
    lines: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_acting_characters(cls, value: Any, info: ValidationInfo) -> Any:
        """No control or bidi control character anywhere in the author's text: a terminal, a
        subtitle file or a page would act on it (docs/essay-format.md, "Text")."""
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and _holds_model(field.annotation):
            return value  # its own fields are checked by its own model
        wrong = _unwelcome_in(value, info.field_name in cls.lines)
        if wrong:
            raise ValueError(wrong)
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """YAML reads `yes`, `no`, `on` and `off` as true and false, which pydantic would
        take as 1 and 0: a number written so is a mistake."""
        values = value if isinstance(value, list | tuple) else [value]
        found = next((v for v in values if isinstance(v, bool)), None)
        field = cls.model_fields.get(info.field_name or "")
        if found is not None and field and _numeric(field.annotation):
            raise ValueError(
                f"expected a number, got {str(found).lower()} (YAML reads yes, no, on and off "
                "as true and false); write a number"
            )
        return value


def _unwelcome_in(value: Any, lines: bool, key: str = "") -> str | None:
    """The first unwelcome character in a value's text, its keys and items included."""
    if isinstance(value, str):
        wrong = unwelcome(value, lines)
        return f"in {key!r}: {wrong}" if wrong and key else wrong
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list | tuple) else ()  # fmt: skip
    for k, v in items:
        inner = f"{key}.{k}" if key else str(k)
        wrong = _unwelcome_in(k, False, inner) if isinstance(k, str) else None
        wrong = wrong or _unwelcome_in(v, lines, inner)
        if wrong:
            return wrong
    return None


def _holds_model(t: Any) -> bool:
    if isinstance(t, type) and issubclass(t, BaseModel):
        return True
    return any(_holds_model(a) for a in typing.get_args(t))


def _numeric(t: Any) -> bool:
    """Whether a field of type `t` holds numbers: int, float, optional or in a list or pair."""
    if t in (int, float):
        return True
    origin = typing.get_origin(t)
    nested = origin in (list, tuple, typing.Union, types.UnionType)
    return nested and any(_numeric(a) for a in typing.get_args(t) if a is not type(None))


Pair = tuple[float, float]
Rate = int | Fraction  # frames per second: 48 kHz holds a whole number of samples a frame


class Video(Model):
    width: int = Field(1920, ge=64, le=7680, description="Frame width in pixels (even).")
    height: int = Field(1080, ge=64, le=4320, description="Frame height in pixels (even).")
    fps: Literal[23.976, 24, 25, 30, 50, 60] = Field(
        30, description="Frames per second (constant); 23.976 is 24000/1001 exactly."
    )
    # 0 is lossless, which H.264 High (what the renditions promise) cannot carry: x264 refuses
    crf: int = Field(20, ge=1, le=51, description="x264 quality: lower is better and bigger.")
    preset: Literal[X264_PRESETS] = Field(  # type: ignore[valid-type]
        "veryfast", description="x264 speed preset for the master profile."
    )

    @property
    def rate(self) -> Rate:
        """Frames per second, exactly: film's NTSC rate as the fraction it is."""
        return Fraction(24000, 1001) if self.fps == 23.976 else int(self.fps)

    @field_validator("width", "height")
    @classmethod
    def _even(cls, v: int) -> int:
        if v % 2:
            raise ValueError(f"must be even for 4:2:0 video; use {v + 1}")
        return v


class Pacing(Model):
    lead_in: float = Field(0.5, ge=0, le=30, description="Seconds before the first narration.")
    pause: float = Field(
        1.0, ge=0, le=30, description="Seconds between one section's narration and the next."
    )
    tail: float = Field(2.0, ge=0, le=60, description="Seconds after the last narration.")


class Subtitles(Model):
    max_line_chars: int = Field(42, ge=10, le=80, description="Characters per subtitle line.")
    max_lines: int = Field(2, ge=1, le=3, description="Lines per cue.")
    max_cps: float = Field(
        17.0, gt=0, le=100, description="Reading speed limit, characters per second."
    )
    min_duration: float = Field(0.833, gt=0, le=60, description="Shortest cue, seconds.")
    max_duration: float = Field(7.0, gt=0, le=60, description="Longest cue, seconds.")
    min_gap_frames: int = Field(
        2, ge=0, le=60, description="Frames of gap between consecutive cues."
    )
    font: str = Field("sans", description="Font (a name in `fonts`) of burned-in subtitles.")
    size: float = Field(
        48, ge=12, le=160, description="Burned-in text size, px in a 1080-line frame."
    )
    outline: float = Field(3.0, ge=0, le=12, description="Outline around burned-in text, px.")
    position: float = Field(
        0.08, ge=0, le=0.5, description="Burned-in text's distance from the bottom, of the height."
    )

    @field_validator("max_duration")
    @classmethod
    def _longest(cls, v: float, info: ValidationInfo) -> float:
        shortest = info.data.get("min_duration")
        if shortest is not None and v < shortest:
            raise ValueError(
                f"{v:g} s is shorter than min_duration ({shortest:g} s); make it at least that"
            )
        return v


BITRATES = {"bitrate": (32, 512), "edition_bitrate": (32, 320)}  # kb/s


class Audio(Model):
    loudness: float = Field(-16.0, ge=-40, le=-5, description="Integrated loudness target, LUFS.")
    true_peak: float = Field(-1.0, ge=-12, le=0, description="True-peak ceiling, dBTP.")
    bitrate: str = Field(
        "256k",
        pattern=r"^\d+k$",
        description="AAC bitrate of the sound in the MP4 and the M4A edition.",
    )
    edition_bitrate: str = Field(
        "192k", pattern=r"^\d+k$", description="Bitrate of the MP3 edition."
    )

    @field_validator("bitrate", "edition_bitrate")
    @classmethod
    def _kbps(cls, v: str, info: ValidationInfo) -> str:
        """What the encoders make: AAC up to 512k in stereo, MP3 up to 320k (its highest)."""
        low, high = BITRATES[info.field_name or "bitrate"]
        if not low <= int(v[:-1]) <= high:
            raise ValueError(f"use a bitrate from {low}k to {high}k, e.g. {v[:-1][:3]}k")
        return v

    trim_margin: float = Field(
        0.15, ge=0, le=2, description="Seconds of silence kept before and after each take."
    )
    room_tone: bool = Field(
        True, description="Fill pauses with the take's own room tone (false: digital silence)."
    )
    fade: float = Field(0.01, ge=0.005, le=0.02, description="Fade at every join, seconds.")


class Scratch(Model):
    """The synthetic voice (espeak-ng) that reads sections without a recorded take."""

    voice: str = Field(
        "en-us", description="An espeak-ng voice: a language, and a variant after a +."
    )
    rate: int = Field(150, ge=80, le=450, description="Words a minute.")
    pitch: int = Field(45, ge=0, le=99, description="Base pitch, 0 (low) to 99 (high).")

    @field_validator("voice")
    @classmethod
    def _voice(cls, v: str) -> str:
        language, _, variant = v.lower().partition("+")
        languages, variants = espeak_voices()
        if language not in languages:
            close = difflib.get_close_matches(language, sorted(languages), n=3)
            hint = ", ".join(close) if close else "en-us, en-gb, fr, de"
            raise ValueError(f"espeak-ng has no voice '{language}'; use one like {hint}")
        if variant and variant not in variants:
            raise ValueError(
                f"espeak-ng has no variant '{variant}'; use one like m3, f2, or leave out the +"
            )
        return v.lower()


@cache
def espeak_voices() -> tuple[frozenset[str], frozenset[str]]:
    """The languages and the variants espeak-ng's voice data holds (lowercase): a language is
    a file under lang/, a variant one under voices/!v, as espeak_SetVoiceByName finds them.
    Read from the data espeakng-loader ships, so a name is checked with the YAML."""
    import espeakng_loader

    data = Path(espeakng_loader.get_data_path())
    languages = frozenset(f.name.lower() for f in (data / "lang").rglob("*") if f.is_file())
    variants = frozenset(f.name.lower() for f in (data / "voices" / "!v").iterdir())
    return languages, variants


class MusicClip(Model):
    """A music file placed in the episode."""

    file: str = Field(description="Audio file: wav, mp3, m4a, flac or ogg.")
    level: float = Field(
        -30.0, ge=-60, le=-6, description="Its loudness when nothing is said, LUFS."
    )
    fade_in: float = Field(2.0, ge=0, le=30, description="Seconds.")
    fade_out: float = Field(3.0, ge=0, le=30, description="Seconds.")
    loop: bool = Field(True, description="Repeat to fill its span (else play once).")


class MusicCue(MusicClip):
    """Music over a range of sections: an intro sting, an outro."""

    start: str = Field(description="Section id where it starts (at the section's first frame).")
    end: str | None = Field(None, description="Section id where it ends (default: `start`).")
    loop: bool = Field(False, description="Repeat to fill its span (else play once).")


class Ducking(Model):
    """How the music goes down under the voice: what the mix reads of `music:`."""

    duck: float = Field(
        15.0, ge=12, le=40, description="dB the music goes down while the narrator speaks."
    )
    attack: float = Field(0.08, ge=0.01, le=0.5, description="Seconds to go down.")
    release: float = Field(0.4, ge=0.05, le=3, description="Seconds to come back up.")
    hold: float = Field(
        0.8, ge=0, le=10, description="Pauses shorter than this keep the music down, seconds."
    )


class Music(Ducking):
    """`music:` as written: the files (resolved into Essay.music) and the ducking."""

    bed: MusicClip | None = Field(None, description="Music under the whole episode.")
    cues: list[MusicCue] = Field(default_factory=list, description="Music over section ranges.")

    def ducking(self) -> Ducking:
        return Ducking(**self.model_dump(include=set(Ducking.model_fields)))


class Move(Model):
    """A Ken Burns move. Zoom 1 means the still just covers the frame."""

    zoom: Pair = Field((1.0, 1.08), description="Zoom at the start and at the end of the shot.")
    pan: Pair = Field(
        (0.0, 0.0),
        description="How far the view travels, as fractions of the frame's width and height.",
    )
    focus: Pair = Field(
        (0.5, 0.5),
        description="Point of the image (0-1 across, 0-1 down) the view centres on.",
    )

    @field_validator("zoom")
    @classmethod
    def _zoom(cls, v: Pair) -> Pair:
        if not all(1.0 <= z <= 4.0 for z in v):
            raise ValueError("zoom must be between 1 (the still covers the frame) and 4")
        return v

    @field_validator("focus")
    @classmethod
    def _focus(cls, v: Pair) -> Pair:
        if not all(0.0 <= c <= 1.0 for c in v):
            raise ValueError("focus is a point in the image: both numbers between 0 and 1")
        return v

    @field_validator("pan")
    @classmethod
    def _pan(cls, v: Pair) -> Pair:
        if not all(-1.0 <= c <= 1.0 for c in v):
            raise ValueError("pan is a fraction of the frame: both numbers between -1 and 1")
        return v


class TransitionSpec(Model):
    """How a shot comes in, as written: `crossfade`, `cut`, or
    `{type: crossfade, duration: 1.2}`."""

    type: Literal["cut", "crossfade"] = Field("crossfade", description="cut or crossfade.")
    duration: float = Field(0.8, ge=0, le=5, description="Crossfade length, seconds.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"type": data} if isinstance(data, str) else data


class Defaults(Model):
    move: Move = Field(default_factory=Move, description="Move of a still that sets none.")
    transition: TransitionSpec = Field(
        default_factory=TransitionSpec, description="Transition of a shot that sets none."
    )


DEFAULT_FONTS = {
    "serif": "assets/fonts/EBGaramond12-Regular.ttf",
    "italic": "assets/fonts/EBGaramond12-Italic.ttf",
    "sans": "assets/fonts/Lato-Regular.ttf",
}


class Site(Model):
    """Where the series is published: what its pages and its podcast feed say of it."""

    lines = frozenset({"description"})

    url: str = Field(
        description="The address `output/` is published at, e.g. https://example.org/series/."
    )
    description: str = Field(
        "", max_length=4000, description="What the series is about (the feed's description)."
    )
    language: str = Field("en", description="The narration's language, an ISO 639 code.")
    category: str = Field("TV & Film", description="Apple Podcasts category.")
    explicit: bool = Field(False, description="Whether the feed is marked explicit.")
    author: str | None = Field(None, description="Who the feed names (default: `author`).")

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        scheme, _, rest = v.partition("://")
        host = rest.split("/", 1)[0]
        odd = any(c.isspace() or c in '"<>\\^`{|}' for c in v)  # never in an address
        if scheme not in ("http", "https") or not host or odd or "." not in host:
            raise ValueError("must be an address like https://example.org/series/")
        return v if v.endswith("/") else v + "/"

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if '"' in v or not v.strip():  # none of Apple's has one; feedgen's lookup breaks on it
            raise ValueError(
                f"'{v}' is not an Apple Podcasts category; use one of Apple's, e.g. TV & Film"
            )
        return v

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        if not is_language(v):
            raise ValueError(f"'{v}' is not an ISO 639 language code; use e.g. en, fr, en-gb")
        return v.lower()


class Feed(Model):
    """Who may read the podcast feed."""

    public: bool = Field(
        True,
        description="Write the public feed.xml (false: only subscribers' private feeds, "
        "made by `essay publish`).",
    )


MEDIA_CACHE = "public, max-age=604800"  # a week: names stay when an episode is rebuilt
SHORT_CACHE = "public, max-age=300"  # five minutes: pages, feeds, the manifest


class Publish(Model):
    """Where `essay publish` puts output/: a bucket of any S3-compatible store, or a folder."""

    to: str = Field(
        description="s3://bucket/prefix, or a folder (relative to the project) to copy into."
    )
    endpoint: str | None = Field(
        None, description="The store's address, for one that is not AWS (https://...)."
    )
    region: str | None = Field(None, description="The bucket's region (default: boto3's).")
    media_cache: str = Field(MEDIA_CACHE, description="Cache-Control of media and pictures.")
    short_cache: str = Field(
        SHORT_CACHE, description="Cache-Control of pages, transcripts, feeds and the manifest."
    )

    @field_validator("to")
    @classmethod
    def _to(cls, v: str) -> str:
        if v.startswith("s3://"):
            bucket = v[5:].split("/", 1)[0]
            if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket):
                raise ValueError("must be s3://bucket/prefix (a bucket name: a-z, 0-9, . and -)")
        elif "://" in v or not v.strip():
            raise ValueError("must be s3://bucket/prefix, or a folder such as ../public")
        return v

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", v):
            raise ValueError("must be an address like https://s3.example.org")
        return v

    @field_validator("media_cache", "short_cache")
    @classmethod
    def _cache(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9=, _-]+", v):
            raise ValueError("must be a Cache-Control value, e.g. public, max-age=300")
        return v


_ADDRESS = re.compile(r"[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+")


class Newsletter(Model):
    """The newsletter edition of each episode (<slug>.email.html, .email.txt, .eml)."""

    unsubscribe: str | None = Field(
        None,
        description="One-click unsubscribe address (https://...), or a mailing service's "
        "merge tag such as {{unsubscribe_url}}, passed through untouched.",
    )
    sender: str | None = Field(None, description="The From of the .eml, e.g. Name <a@b.org>.")

    @field_validator("unsubscribe")
    @classmethod
    def _unsubscribe(cls, v: str | None) -> str | None:
        tag = re.fullmatch(r"(\{\{|\*\||%%|\[)[\w .:-]+(\}\}|\|\*|%%|\])", v or "")
        if v is not None and not tag and not re.fullmatch(r"https://[^\s<>\"]+", v):
            raise ValueError("must be an https:// address or a merge tag like {{unsubscribe_url}}")
        return v

    @field_validator("sender")
    @classmethod
    def _sender(cls, v: str | None) -> str | None:
        if v is not None and not _ADDRESS.fullmatch(v):
            raise ValueError("must be an address, e.g. The Who & The What <news@example.org>")
        return v


def is_language(code: str) -> bool:
    """An ISO 639 code (two or three letters), with a region after a dash if any."""
    import langcodes

    primary = code.split("-", 1)[0].lower()
    return langcodes.tag_is_valid(code) and len(primary) in (2, 3) and _known(primary)


def _known(primary: str) -> bool:
    import langcodes

    try:
        return langcodes.Language.get(primary).is_valid()
    except langcodes.LanguageTagError:
        return False


class SeriesDoc(Model):
    """essays/series.yaml: the series and its settings."""

    series: str = Field(description="The series title.", min_length=1)
    author: str | None = Field(
        None, description="Who writes and narrates; an episode may override."
    )
    video: Video = Field(default_factory=Video)
    timing: Pacing = Field(default_factory=Pacing)
    subtitles: Subtitles = Field(default_factory=Subtitles)
    audio: Audio = Field(default_factory=Audio)
    music: Music = Field(default_factory=Music)
    defaults: Defaults = Field(default_factory=Defaults)
    scratch: Scratch = Field(
        default_factory=Scratch, description="The voice of sections without a recorded take."
    )
    fonts: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_FONTS),
        description="Font files by the name templates use for them.",
    )
    templates: str = Field("assets/templates", description="Folder of the card templates.")
    kinds: dict[str, str] = Field(
        default_factory=dict,
        description="Kinds of shot of the project's own: a name and the Python module that "
        "makes its picture (code the build runs; name only modules you wrote or trust).",
    )
    renditions: list[int] = Field(
        default_factory=lambda: [1080, 720, 480],
        description="Heights of the video delivered (the video's own is the master; "
        "taller ones are skipped).",
    )
    site: Site | None = Field(None, description="Where the series is published (the feed).")
    feed: Feed = Field(default_factory=Feed, description="Who may read the podcast feed.")
    publish: Publish | None = Field(None, description="Where `essay publish` sends output/.")
    newsletter: Newsletter = Field(
        default_factory=Newsletter, description="The newsletter edition of each episode."
    )
    strict: bool = Field(
        False,
        description="A take and its script must agree: each disagreement is an error, not a "
        "warning (as `essay build --strict`).",
    )

    @field_validator("renditions")
    @classmethod
    def _renditions(cls, v: list[int]) -> list[int]:
        if not v or any(h < 90 or h > 4320 or h % 2 for h in v) or len(set(v)) < len(v):
            raise ValueError("needs distinct even heights from 90 to 4320, e.g. [1080, 720, 480]")
        return sorted(v, reverse=True)
