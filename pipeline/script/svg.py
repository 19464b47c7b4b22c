"""A card as resvg will be given it, checked when the card is filled (at `essay check`):
XML that parses, with no document type (its entities are a way to make a small file huge,
and resvg refuses them) and nothing that names another file. resvg would draw an
`<image href="/home/me/...">` from anywhere on the machine; a card draws with its own
shapes and the project's fonts, so only a reference inside the card (`#id`) is taken."""

from __future__ import annotations

from xml.parsers import expat


class _Refused(Exception):
    pass


def svg_problem(svg: str) -> str | None:
    """What makes `svg` unfit for the rasteriser, ending with the fix; None if nothing."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _doctype
    parser.EntityDeclHandler = _entity
    parser.ProcessingInstructionHandler = _instruction
    parser.StartElementHandler = _element
    try:
        parser.Parse(svg, True)
    except _Refused as err:
        return f"line {parser.CurrentLineNumber} of the filled card: {err}"
    except expat.ExpatError as err:
        what = expat.ErrorString(err.code)
        return (
            f"the filled card is not well-formed XML at its line {err.lineno}, column "
            f"{err.offset + 1} ({what}); fix the template, or the text it is given"
        )
    return None


def _doctype(*_: object) -> None:
    raise _Refused("a card has no <!DOCTYPE> (resvg refuses its entities); remove it")


def _entity(*_: object) -> None:
    raise _Refused("a card declares no <!ENTITY>; remove it and write the text out")


def _instruction(target: str, _data: str) -> None:
    raise _Refused(f"a card has no <?{target} ...?> instruction; remove it")


def _element(name: str, attributes: dict[str, str]) -> None:
    for attribute, value in attributes.items():
        if attribute.rpartition(":")[2] == "href" and not value.strip().startswith("#"):
            raise _Refused(
                f'<{name} {attribute}="{value[:60]}"> names a file (or an address) for the '
                "card to load; a card draws with its own shapes and the project's fonts: "
                "remove it, or show the picture as a still"
            )
