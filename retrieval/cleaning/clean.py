"""Clean one product's text at ingest and record every removal on it (`Product.removed`).

HTML becomes plain text in every text field. The rules of rules.yaml (labels, seller and marketplace
boilerplate, condition words) apply to the description and, where a rule says so, to attribute values;
a description line that repeats an earlier one goes too. The title keeps its words: only its markup goes
(a title is identity; listing titles are built elsewhere).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Literal, TypeVar

import yaml

from copydesk.domain import Product, RemovedText
from retrieval.cleaning.markup import has_markup, html_to_text

RULES_FILE = Path(__file__).with_name("rules.yaml")
MAX_SENTENCE = 300  # a longer "sentence" is a run-on of several: only the match goes, not all of it
MIN_REPEAT = 20     # shorter repeated lines ("- 1 x Die") may be meant
_GAP = "\x00"       # where a span was taken out, until the text around it is joined again
_BREAK = "\x01"     # where a heading was taken out: the text after it starts a new line
_UNMARK = str.maketrans({_GAP: " ", _BREAK: " "})
# Sentence ends: a stop and a space, a stop run into a capital ("kid.Package"), a line break, a "2>" list mark.
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]”’]*(?:\s+|(?=[A-Z]))|\n|\s(?=\d{1,2}>\s)")
# A run of gaps with the separators around them ("Calculation - Great Discounts, ... Free Shipping.").
_JOIN = re.compile(r"[ \t,;:|/–—-]*[\x00\x01](?:[ \t,;:|/–—.!?-]*[\x00\x01])*[ \t,;:|/–—-]*(?P<stop>[.!?]*)[ \t]*")
_SPACES = re.compile(r"[ \t]+")

Item = TypeVar("Item")


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Literal["label", "boilerplate", "condition"]
    reason: str
    pattern: str
    scope: Literal["span", "sentence"] = "span"
    fields: Literal["description", "all"] = "description"

    def compiled(self, title: str) -> re.Pattern[str]:
        if "{title}" not in self.pattern:
            return _compile(self.pattern)
        words = r"\s{1,3}".join(re.escape(word) for word in title.split())
        return re.compile(self.pattern.replace("{title}", words), re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(Rule(**entry) for entry in data["rules"])


def clean_products(items: Iterable[Item]) -> Iterator[Item]:
    """Every Product cleaned; anything else (a RowError) passed on as it is."""
    for item in items:
        yield clean_product(item) if isinstance(item, Product) else item  # type: ignore[misc]


def clean_product(product: Product) -> Product:
    removed: list[RemovedText] = []
    changes: dict[str, object] = {}
    for field in ("title", "brand", "category", "model"):
        value = getattr(product, field)
        if value and has_markup(value):
            text, found = _plain(value, field)
            removed += found
            changes[field] = " ".join(text.split()) or (value if field == "title" else None)
    title = str(changes.get("title", product.title))
    if product.description:
        text, found = clean_text(product.description, "description", title)
        removed += found
        if text != product.description:
            changes["description"] = text or None
    attributes: dict[str, str] = {}
    for name, value in product.attributes.items():
        text, found = clean_text(value, f"attribute {name!r}", title, everywhere=False)
        removed += found
        if text:
            attributes[name] = text
    if attributes != product.attributes:
        changes["attributes"] = attributes
    if not removed and not changes:
        return product
    return product.model_copy(update={**changes, "removed": [*product.removed, *removed]})


def clean_text(text: str, field: str, title: str, *, everywhere: bool = True) -> tuple[str, list[RemovedText]]:
    """`text` without markup and without what the rules match, and a record of each removal.
    everywhere=False (attribute values) applies only the rules marked `fields: all`, and keeps repeats."""
    removed: list[RemovedText] = []
    text = text.translate(_UNMARK)  # the marks are control characters, never product text
    if has_markup(text):
        text, removed = _plain(text, field)
    for rule in rules():
        if everywhere or rule.fields == "all":
            text, found = _apply(rule, rule.compiled(title), text, field)
            removed += found
    if any(r.kind != "markup" for r in removed):
        text = _join(text)
    if everywhere:
        text, found = _without_repeats(text, field)
        removed += found
    return text, _unique(removed)


def _plain(text: str, field: str) -> tuple[str, list[RemovedText]]:
    plain, tags = html_to_text(text)
    if not tags:  # entities only: decoded, nothing taken out
        return plain, []
    return plain, [RemovedText(field=field, text=" ".join(tags)[:200], kind="markup", rule="html",
                               reason="HTML markup made plain text (line breaks, paragraphs and lists kept)")]


def _apply(rule: Rule, pattern: re.Pattern[str], text: str, field: str) -> tuple[str, list[RemovedText]]:
    spans: list[tuple[int, int]] = []
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] if rule.scope == "sentence" else []
    for match in pattern.finditer(text):
        start, end = match.span("cut") if "cut" in pattern.groupindex and match.group("cut") else match.span()
        if rule.scope == "sentence":
            i = bisect.bisect_right(ends, start)
            first, last = (ends[i - 1] if i else 0), (ends[i] if i < len(ends) else len(text))
            if last - first <= MAX_SENTENCE:
                start, end = first, last
        if end > start and not (spans and start < spans[-1][1]):
            spans.append((start, end))
    if not spans:
        return text, []
    removed = [RemovedText(field=field, text=" ".join(text[s:e].translate(_UNMARK).split()), reason=rule.reason,
                           kind=rule.kind, rule=rule.id) for s, e in spans]
    mark = _BREAK if rule.kind == "label" else _GAP
    kept, at = [], 0
    for start, end in spans:
        kept += [text[at:start], mark]
        at = end
    kept.append(text[at:])
    return "".join(kept), [r for r in removed if r.text]


def _join(text: str) -> str:
    """The text around removals joined again: a heading's gap is a line break; a span's gap is a space, or
    nothing at a line's edge; a sentence end after a gap is kept only when the text before it has none;
    separators left dangling go; a line that held only removed text goes; spaces are tidied."""
    lines = []
    for line in text.replace(_BREAK, "\n" + _BREAK).split("\n"):
        marked = _GAP in line or _BREAK in line
        line = _SPACES.sub(" ", _JOIN.sub(partial(_joined, line), line)).strip()
        if marked and not re.search(r"\w", line):
            continue
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _joined(line: str, match: re.Match[str]) -> str:
    before = line[: match.start()].rstrip(" \t")
    at_end = match.end() == len(line)
    if not before:
        return ""
    if before.endswith((".", "!", "?")):
        return "" if at_end else " "
    return match.group("stop")[:1] + ("" if at_end else " ")


def _without_repeats(text: str, field: str) -> tuple[str, list[RemovedText]]:
    """Lines that repeat an earlier line whole, or its start cut short ("...Brand: V"): scraped pages often
    hold the same text twice, and a draft built from it would say everything twice."""
    kept: list[str] = []
    seen: list[str] = []  # the kept lines in sorted order: any line that starts with `line` sorts right after it
    removed: list[RemovedText] = []
    for line in text.split("\n"):
        at = bisect.bisect_left(seen, line)
        if len(line) >= MIN_REPEAT and at < len(seen) and seen[at].startswith(line):
            removed.append(RemovedText(field=field, text=line, kind="repeat", rule="repeated-text",
                                       reason="the same text again, whole or cut short"))
            continue
        kept.append(line)
        seen.insert(at, line)
    return ("\n".join(kept), removed) if removed else (text, [])


def _unique(removed: list[RemovedText]) -> list[RemovedText]:
    seen: dict[tuple[str, str | None, str], RemovedText] = {}
    for item in removed:
        seen.setdefault((item.field, item.rule, item.text), item)
    return list(seen.values())
