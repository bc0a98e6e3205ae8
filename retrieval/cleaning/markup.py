"""HTML in catalog text to plain text that keeps its structure.

`<br>` is a line break, a paragraph or heading is a block of its own (blank line between blocks), a list
item is a "- " line, entities are decoded, every other tag goes. The stdlib's html.parser does the work
(no new dependency): it decodes every named and numeric entity, reads broken markup ("</br>", unclosed
"<LI>") without raising, and takes only "<" followed by a letter as a tag, so "ages <3" stays text where a
regex for "<...>" would eat it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "section", "article", "header", "footer", "blockquote", "pre", "table", "tr",
           "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
_ITEMS = {"li", "dt", "dd"}
_HIDDEN = {"script", "style", "template", "noscript", "head", "title"}  # their content is not product text
# Text that holds markup: a tag ("<p", "</li", "<br/") or an entity ("&amp;", "&#174;"). Each alternative
# starts with a literal and its repeat stops at "<" or ">", so the scan is linear.
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:[\s/][^<>]*)?>|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# A "<" that opens no complete tag is text. Escaping it before parsing keeps html.parser linear: fed "<p <p <p ..."
# it rescans the rest of the text at every "<" (40,000 characters took 120 s). Each look ahead stops at the next
# "<" or ">", so this scan is linear too.
_LOOSE_LT = re.compile(r"<(?![A-Za-z/!?][^<>]{0,2000}>)")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_PARAGRAPH = "\x1e"  # a blank line between blocks, resolved after whitespace is collapsed
_LINE = "\n"


def has_markup(text: str) -> bool:
    return _MARKUP.search(text) is not None


class _Plain(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []  # start tags as written (end tags only when alone), for the record
        self._opened: set[str] = set()
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(self.get_starttag_text() or f"<{tag}>")
        self._opened.add(tag)
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag in _ITEMS:
            self.parts.append(_LINE + "- ")
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN:
            self._hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._opened:  # an end tag alone, such as "</br>"
            self.tags.append(f"</{tag}>")
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "br":  # "</br>" is written for "<br>" in real catalogs
            self.parts.append(_LINE)
        elif tag in _ITEMS:
            self.parts.append(_LINE)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data.replace("\n", " "))  # in HTML a newline in text is a space

    def handle_comment(self, data: str) -> None:
        self.tags.append("<!--…-->")


def html_to_text(text: str) -> tuple[str, list[str]]:
    """Plain text of an HTML fragment, and the tags taken out (as written, first occurrence each)."""
    parser = _Plain()
    parser.feed(_LOOSE_LT.sub("&lt;", text))
    parser.close()
    return tidy("".join(parser.parts)), list(dict.fromkeys(parser.tags))


def tidy(text: str) -> str:
    """Spaces collapsed and lines stripped; empty lines dropped, except one blank line between blocks."""
    blocks = []
    for block in text.split(_PARAGRAPH):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        kept = "\n".join(line for line in lines if line and line != "-")
        if kept:
            blocks.append(kept)
    return "\n\n".join(blocks)
