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
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

import yaml

from copydesk.domain import Product, RemovedText
from retrieval.cleaning.markup import has_markup, html_to_text

RULES_FILE = Path(__file__).with_name("rules.yaml")
MAX_SENTENCE = 300  # a longer "sentence" is a run-on of several: only the match goes, not all of it
MIN_WHOLE_REPEAT = 8  # a shorter line said twice ("- 1 x Die") may be meant
MIN_CUT_REPEAT = 20    # a line cut short must be this long to be taken for the start of an earlier one
_GAP = "\x00"       # where a span was taken out, until the text around it is joined again
_BREAK = "\x01"     # where a heading was taken out: the text after it starts a new line
_UNMARK = str.maketrans({_GAP: " ", _BREAK: " "})
# Sentence ends: a stop and a space, a stop run into a capital ("kid.Package") or a comma (Flipkart's fields:
# "Dupatta Set .,Indcrown") or a removed label, a line break, a "2>" list mark; not the stop of a price's "Rs. 699".
_SENTENCE_END = re.compile(r"(?<!\bRs)[.!?]+[\"')\]”’]*(?:[\s\x00\x01]+|,|(?=[A-Z]))|\n|\s(?=\d{1,2}>\s)")
# A run of gaps with the separators around them ("Calculation - Great Discounts, ... Free Shipping.").
_JOIN = re.compile(r"[ \t,;:|/–—-]*[\x00\x01](?:[ \t,;:|/–—.!?-]*[\x00\x01])*[ \t,;:|/–—-]*(?P<stop>[.!?]*)[ \t]*")
_SPACES = re.compile(r"[ \t]+")
# "traintastic toys!An amazing world": a sentence end with no space before the next sentence (sellers paste
# lines together); a space goes in, nothing is removed. Not before a domain's "Com"/"Co" ("Amazon.Com").
_MISSING_SPACE = re.compile(r"(?<=[a-z]{3}[.!?])(?=[A-Z][a-z]+\b)(?!(?:Com|Co|Net|Org|In|Uk)\b)")
EMPTY_REASON = "a placeholder for a missing value"
_LIST_NUMBER = re.compile(r"\s*\d{1,2}[.)]\s*")  # "2. " before a sentence: it goes with the sentence

Item = TypeVar("Item")


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Literal["label", "boilerplate", "condition"]
    reason: str
    pattern: str
    scope: Literal["span", "sentence"] = "span"
    fields: Literal["description", "all"] = "description"
    keep: dict[str, str] = field(default_factory=dict)  # group name -> attribute name

    def compiled(self, title: str) -> re.Pattern[str]:
        if "{title}" not in self.pattern:
            return _compile(self.pattern)
        words = r"\s{1,3}".join(re.escape(word) for word in title.split())
        return re.compile(self.pattern.replace("{title}", words), re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=1)
def _rules_data() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    return tuple(Rule(**entry) for entry in _rules_data()["rules"])


@lru_cache(maxsize=2)
def empty_values(key: str) -> frozenset[str]:
    return frozenset(str(v).lower() for v in _rules_data().get(key) or ())


def is_empty_value(value: str, *, name: bool = False) -> bool:
    """A field holding only a placeholder for "no value" ("MISSING"); `name`: a brand, model or category, which
    "N/A" or "None" leaves empty too."""
    said = " ".join(value.split()).lower()
    return said in empty_values("empty_values") or (name and said in empty_values("empty_names"))


class Cleaned(NamedTuple):
    text: str
    removed: list[RemovedText]
    kept: dict[str, str]  # attribute name -> value said only inside removed text (see `keep` in rules.yaml)


def clean_products(items: Iterable[Item]) -> Iterator[Item]:
    """Every Product cleaned; anything else (a RowError) passed on as it is."""
    for item in items:
        yield clean_product(item) if isinstance(item, Product) else item  # type: ignore[misc]


def clean_product(product: Product) -> Product:
    removed: list[RemovedText] = []
    changes: dict[str, object] = {}
    for field in ("title", "brand", "category", "model"):
        value = getattr(product, field)
        if value and field != "title" and is_empty_value(value, name=True):
            removed.append(RemovedText(field=field, text=value, reason=EMPTY_REASON, kind="empty", rule="empty-value"))
            changes[field] = None
        elif value and has_markup(value):
            text, found = _plain(value, field)
            removed += found
            changes[field] = " ".join(text.split()) or (value if field == "title" else None)
    title = str(changes.get("title", product.title))
    kept: dict[str, str] = {}
    if product.description:
        text, found, kept = clean_text(product.description, "description", title)
        removed += found
        if text != product.description:
            changes["description"] = text or None
    attributes: dict[str, str] = {}
    for name, value in product.attributes.items():
        if is_empty_value(value):
            removed.append(RemovedText(field=f"attribute {name!r}", text=value, reason=EMPTY_REASON, kind="empty",
                                       rule="empty-value"))
            continue
        text, found, _ = clean_text(value, f"attribute {name!r}", title, everywhere=False)
        removed += found
        if text:
            attributes[name] = text
    known = {_spelling(name) for name in attributes}
    attributes |= {name: value for name, value in kept.items() if _spelling(name) not in known}
    if attributes != product.attributes:
        changes["attributes"] = attributes
    if not removed and not changes:
        return product
    return product.model_copy(update={**changes, "removed": [*product.removed, *removed]})


def clean_text(text: str, field: str, title: str, *, everywhere: bool = True) -> Cleaned:
    """`text` without markup and without what the rules match, a record of each removal, and the attribute
    values said only inside removed text. everywhere=False (attribute values) applies only the rules marked
    `fields: all`, and keeps repeats."""
    removed: list[RemovedText] = []
    kept: dict[str, str] = {}
    text = text.translate(_UNMARK)  # the marks are control characters, never product text
    if has_markup(text):
        text, removed = _plain(text, field)
    for rule in rules():
        if everywhere or rule.fields == "all":
            text, found = _apply(rule, rule.compiled(title), text, field, kept)
            removed += found
    if any(r.kind != "markup" for r in removed):
        text = _join(text)
    if everywhere:
        text, found = _without_repeats(text, field)
        removed += found
        text = _MISSING_SPACE.sub(" ", text)
    return Cleaned(text, _unique(removed), kept)


def _spelling(name: str) -> str:
    return name.casefold().replace("colour", "color")


def _plain(text: str, field: str) -> tuple[str, list[RemovedText]]:
    plain, tags = html_to_text(text)
    if not tags:  # entities only: decoded, nothing taken out
        return plain, []
    return plain, [RemovedText(field=field, text=" ".join(tags)[:200], kind="markup", rule="html",
                               reason="HTML markup made plain text (line breaks, paragraphs and lists kept)")]


def _apply(rule: Rule, pattern: re.Pattern[str], text: str, field: str,
           kept: dict[str, str]) -> tuple[str, list[RemovedText]]:
    spans: list[tuple[int, int, str]] = []
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] if rule.scope == "sentence" else []
    for match in pattern.finditer(text):
        start, end = match.span("cut") if "cut" in pattern.groupindex and match.group("cut") else match.span()
        if rule.scope == "sentence":
            start, end = _sentence(ends, start, end, text)
        if end <= start or (spans and start < spans[-1][1]):
            continue
        saved = {rule.keep[g]: " ".join(v.split()) for g in rule.keep if (v := match.group(g)) and v.strip()}
        kept.update({name: value for name, value in saved.items() if name not in kept})
        note = "; ".join(f"“{value}” kept as {name}" for name, value in saved.items())
        spans.append((start, end, f"{rule.reason} ({note})" if note else rule.reason))
    if not spans:
        return text, []
    removed = [RemovedText(field=field, text=" ".join(text[s:e].translate(_UNMARK).split()), reason=why,
                           kind=rule.kind, rule=rule.id) for s, e, why in spans]
    mark = _BREAK if rule.kind == "label" else _GAP
    parts, at = [], 0
    for start, end, _ in spans:
        parts += [text[at:start], mark]
        at = end
    parts.append(text[at:])
    return "".join(parts), [r for r in removed if r.text]


def _sentence(ends: list[int], start: int, end: int, text: str) -> tuple[int, int]:
    """The sentence around a match (with a list number such as "2." before it), or the match alone when
    that "sentence" is a run-on longer than MAX_SENTENCE."""
    i = bisect.bisect_right(ends, start)
    first, last = (ends[i - 1] if i else 0), (ends[i] if i < len(ends) else len(text))
    if i >= 2 and _LIST_NUMBER.fullmatch(text, ends[i - 2], first):
        first = ends[i - 2]
    return (first, last) if last - first <= MAX_SENTENCE else (start, end)


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
        whole = at < len(seen) and seen[at] == line and len(line) >= MIN_WHOLE_REPEAT
        if whole or (len(line) >= MIN_CUT_REPEAT and at < len(seen) and seen[at].startswith(line)):
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
