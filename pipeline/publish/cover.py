"""The audio edition's square cover art, drawn from the episode's first card, and what an
edition is made of."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from pipeline.base.cache import file_digest
from pipeline.publish.product import Rendered
from pipeline.publish.tags import ffmetadata
from pipeline.script.model import Visual
from pipeline.visuals.cards import rasterise

COVER_SIZE = 1400  # podcast apps ask for square art, 1400 to 3000 px
CARD_SIZE = (1920, 1080)  # the card is drawn at this size whatever the video's


def cover_recipe(rendered: Rendered) -> list:
    """What the cover is made of: the first card and the fonts it is drawn with."""
    card = _first_card(rendered)
    fonts = rendered.essay.settings.fonts
    return [card.svg if card else "", [file_digest(f) for f in fonts]]


def edition_recipe(rendered: Rendered) -> list:
    """What an audio edition is made of: the sound, its tags and chapters, the cover."""
    tags = ffmetadata(rendered.essay.meta, rendered.timeline.chapters)
    return [rendered.sound.folder.name, tags, cover_recipe(rendered)]


def cover_jpeg(rendered: Rendered, size: int = COVER_SIZE) -> bytes:
    """The cover as JPEG bytes; none when the episode has no card."""
    card = _first_card(rendered)
    return _art(card.svg, rendered.essay.settings.fonts, size) if card else b""


def _first_card(rendered: Rendered) -> Visual | None:
    return next(iter(rendered.timeline.cards.values()), None)


@lru_cache(maxsize=2)  # the MP3 and the M4A of one build share it
def _art(svg: str, fonts: tuple[Path, ...], size: int) -> bytes:
    return cover_art(rasterise(svg, fonts, CARD_SIZE), size)


def cover_art(card: np.ndarray, size: int = COVER_SIZE) -> bytes:
    """A square JPEG: the card whole, centred on a blurred, enlarged copy of itself."""
    picture = Image.fromarray(card[..., :3])
    back = picture.resize((size, size), Image.Resampling.BILINEAR)
    back = back.filter(ImageFilter.GaussianBlur(40 * size / COVER_SIZE))
    height = round(size * picture.height / picture.width)
    front = picture.resize((size, height), Image.Resampling.LANCZOS)
    back.paste(front, (0, (size - height) // 2))
    out = io.BytesIO()
    back.save(out, "JPEG", quality=88)
    return out.getvalue()
