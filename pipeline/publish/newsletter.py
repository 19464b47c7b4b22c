"""The newsletter edition of an episode: `<slug>.email.html` (what the mailing service
sends), `<slug>.email.txt` (its plain-text part), `<slug>.eml` (both as one
multipart/alternative message, to look at or import) and `<slug>-email.jpg`, the poster with
a play mark that the email shows (most clients play no video: the picture links to the page).

The HTML is `email.html` of the pages' templates (a series overrides it in
<templates>/site/, as the pages), its CSS inlined by css-inline; every address in it is
under `site.url` (relative to the episode's folder when the series has none).
"""

from __future__ import annotations

import hashlib
import io
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from urllib.parse import quote

from PIL import Image, ImageDraw

from pipeline.publish.episode_json import facts_of
from pipeline.publish.feed import FEED
from pipeline.publish.page import PAGE
from pipeline.publish.pictures import frame_key, poster_frame
from pipeline.publish.product import Product, Rendered, text_product
from pipeline.publish.site import PageProblem
from pipeline.publish.times import clock
from pipeline.render.frames import frame_rgb

TEMPLATE = "email.html"
WIDTH = 1200  # twice the column: sharp on a high-density screen
LIMIT = 102_000  # bytes: Gmail clips a message's HTML beyond about 102 KB


def _address(rendered: Rendered, name: str) -> str:
    """A file of the episode's folder (or the series', from `../`), as the email links it."""
    site = rendered.essay.settings.site
    slug = rendered.essay.meta.slug
    if name.startswith("../"):
        path = name[3:]
        return site.url + quote(path) if site else name
    return f"{site.url}{quote(slug)}/{quote(name)}" if site else quote(name)


def _links(rendered: Rendered) -> dict[str, str | None]:
    files, settings = rendered.files, rendered.essay.settings
    public_feed = settings.site is not None and settings.feed.public
    return {
        "page": _address(rendered, PAGE),
        "poster": _address(rendered, files["email_poster"]),
        "audio": _address(rendered, files["mp3"]) if files.get("mp3") else None,
        "feed": _address(rendered, f"../{FEED}") if public_feed else None,
        "unsubscribe": settings.newsletter.unsubscribe,
    }


def _context(rendered: Rendered) -> dict:
    facts, links = facts_of(rendered), _links(rendered)
    chapters = [
        {"at": clock(c.start), "title": c.title, "href": f"{links['page']}#t={round(c.start, 3)}"}
        for c in facts.chapters
    ]
    site = rendered.essay.settings.site
    return {"episode": facts, "links": links, "chapters": chapters, "clock": clock,
            "language": site.language if site else "en"}  # fmt: skip


def email_html(rendered: Rendered) -> str:
    """The email's HTML, its CSS inlined. Raises PageProblem (a template of the series')."""
    import css_inline

    filled = rendered.site.render(TEMPLATE, _context(rendered))
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    html = inliner.inline(filled)
    if len(html.encode("utf-8")) > LIMIT:
        raise PageProblem(
            f"the email is {len(html.encode('utf-8')):,} bytes, over the {LIMIT:,} Gmail "
            "shows before clipping it; shorten the template or the summary",
            rendered.site.path_of(TEMPLATE),
        )
    return html


def email_text(rendered: Rendered) -> str:
    """The plain-text part: the same words and the same links."""
    context = _context(rendered)
    facts, links = context["episode"], context["links"]
    lines = [f"{facts.series}, episode {facts.number}", "", facts.title, facts.film, ""]
    lines += [f"Watch the episode ({clock(facts.duration)}): {links['page']}", ""]
    lines += [facts.summary, ""] if facts.summary else []
    if context["chapters"]:
        marks = [f"{c['at']}  {c['title']}  {c['href']}" for c in context["chapters"]]
        lines += ["Chapters", *marks, ""]
    lines += [f"Listen to the audio edition: {links['audio']}"] if links["audio"] else []
    lines += [f"Follow the podcast feed: {links['feed']}"] if links["feed"] else []
    lines += ["", f"Unsubscribe: {links['unsubscribe']}"] if links["unsubscribe"] else []
    return "\n".join(" ".join(line.split()) for line in lines) + "\n"


def email_message(rendered: Rendered) -> str:
    """Both parts as one message (multipart/alternative, UTF-8), with RFC 8058's one-click
    unsubscribe when the series gives an address (a merge tag stays as written)."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = " ".join(rendered.essay.meta.title.split())
    newsletter = rendered.essay.settings.newsletter
    if newsletter.sender:
        message["From"] = newsletter.sender
    if newsletter.unsubscribe:
        message["List-Unsubscribe"] = f"<{newsletter.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email_text(rendered), charset="utf-8", cte="quoted-printable")
    html = email_html(rendered)
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # the same episode makes the same file: a boundary of its content, not a random one
    message.set_boundary("essay-" + hashlib.sha256(message.get_body().as_bytes()).hexdigest()[:32])
    return message.as_string()


def _play_poster(rendered: Rendered, out: Path) -> None:
    """The poster frame at WIDTH, a play mark in its middle."""
    frame = poster_frame(rendered.essay, rendered.timeline)
    picture = Image.fromarray(frame_rgb(rendered.jobs, frame))
    height = round(picture.height * WIDTH / picture.width)
    picture = picture.resize((WIDTH, height), Image.Resampling.LANCZOS).convert("RGBA")
    mark = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(mark)
    r, (cx, cy) = round(height * 0.14), (WIDTH // 2, height // 2)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(20, 14, 12, 170),
                 outline=(255, 255, 255, 235), width=max(2, r // 12))  # fmt: skip
    t = r * 0.5
    draw.polygon([(cx - t * 0.7, cy - t), (cx - t * 0.7, cy + t), (cx + t, cy)],
                 fill=(255, 255, 255, 240))  # fmt: skip
    buffer = io.BytesIO()
    marked = Image.alpha_composite(picture, mark).convert("RGB")
    marked.save(buffer, "JPEG", quality=82, optimize=True)
    out.write_bytes(buffer.getvalue())


EMAIL_POSTER = Product(
    "-email.jpg", lambda r: [frame_key(r), WIDTH], _play_poster, role="email_poster"
)
EMAIL_HTML = text_product(".email.html", email_html, role="email", rehearsed=True)
EMAIL_TEXT = text_product(".email.txt", email_text, role="email_text")
EMAIL_EML = text_product(".eml", email_message, role="eml")
