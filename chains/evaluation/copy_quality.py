"""Copy-quality measures of listing drafts, written apart from the code that makes the drafts (issue 12 item 6,
issue 16 item 2). `copydesk eval` and bench.realization both use these; neither has a copy of its own.

- spec dumps: a bullet that is a bare "<fact name>: <fact value>" line (or such pairs joined by ";"), and a
  description sentence "The <fact name> is <value>."; a draft is a spec dump when half its bullets or half its
  description sentences are;
- bullets without a fact: the verifier finds no fact behind anything after the header;
- filler: fact-free sentences (the verifier cites no fact), counted per text across drafts;
- bare numbers: a number with neither a unit nor a counting noun after it ("Processor frequency: 2.66");
- key-fact coverage, two ways: the verifier's attribution (its minimal set of facts behind each claim: a word
  the title and the category share counts for the title only), and "value stated": every number of the fact and
  its content words (a category path: its last step that names something, "Disney" for "... > Disney > Toys") in
  the draft's supported text, whichever fact the verifier picked for them;
- distinct-2 within a category, Amazon's title and bullet rules, ROUGE-L (chains/evaluation/metrics.py).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable

from chains.drafting import key_facts, split_header
from chains.evaluation.metrics import distinct_n
from chains.grounding import GroundingVerifier, split_sentences, stems_of, unit_table
from copydesk.domain import Draft, Fact, Product

_URL = re.compile(r"https?://|www\.", re.I)
_PRICE = re.compile(r"[£$€]\s?\d|\b\d+(?:\.\d\d)\s?(?:gbp|usd|eur)\b", re.I)
_AVAILABILITY = re.compile(r"\b(in stock|out of stock|ships? (?:today|free)|available now)\b", re.I)
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]")
_NUMBER = re.compile(r"(?<![\w.,#-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\w|\.\d|,\d)")  # not in codes: "32A", "RJ-45"
_WORD_AFTER = re.compile(r"\s?-?\s?([A-Za-z]+)")
_SIGN_AFTER = re.compile(r"\s?(?:%|°|\"|″|'|\+)")
# Words after a number that do not say what it counts or measures ("up to 3 and ...", "2 x 2.").
_NOT_A_NOUN = {"and", "or", "to", "x", "of", "in", "is", "are", "for", "with", "at", "on", "by", "the", "a", "an",
               "up", "and", "from", "it", "its", "this", "that"}
_AGE_BEFORE = re.compile(r"\b(ages?|aged|age)\s+(?:from\s+)?$", re.I)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%.]+", " ", text.lower()).split()).strip(". ")


# --- spec dumps ---------------------------------------------------------------------------------------------
def bare_label_line(bullet: str, facts: list[Fact]) -> bool:
    """"Weight: 1.2 Kg", "Category: Trains; Engine type: electric", "WEIGHT: 1.2 kg"."""
    names = {_norm(f.name) for f in facts}
    values = {_norm(f.value) for f in facts}
    pieces = [p for p in re.split(r";\s*", bullet.strip()) if p.strip()]
    labelled = 0
    for piece in pieces:
        head, sep, rest = piece.partition(":")
        if sep and _norm(head) in names:
            labelled += 1
        elif sep and _norm(rest) in values and len(head.split()) <= 4:
            labelled += 1
    return labelled > 0 and labelled == len(pieces)


def spec_sentence(sentence: str, facts: list[Fact]) -> bool:
    """"The engine type is electric." / "The weight is 1.2 Kg.\""""
    match = re.fullmatch(r"\s*(?:the|its)\s+(.+?)\s+(?:is|are)\s+(.+?)\.?\s*", sentence, re.I)
    if not match:
        return False
    return _norm(match.group(1)) in {_norm(f.name) for f in facts}


def description_sentences(draft: Draft) -> list[str]:
    return [s for line in draft.description.splitlines() for s in split_sentences(line)]


# --- Amazon's rules -------------------------------------------------------------------------------------------
def title_repeats(title: str) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for word in re.findall(r"[\w'-]+", title.lower()):
        if len(word) > 1:
            counts[word] += 1
    return [w for w, n in counts.items() if n > 2]


def amazon_problems(draft: Draft) -> list[str]:
    problems = []
    if len(draft.title) > 200:
        problems.append("title over 200 characters")
    if title_repeats(draft.title):
        problems.append(f"title repeats {title_repeats(draft.title)}")
    for i, bullet in enumerate(draft.bullets, 1):
        if len(bullet) > 255:
            problems.append(f"bullet {i} over 255 characters")
    text = " ".join([draft.title, *draft.bullets, draft.description])
    for name, pattern in (("URL", _URL), ("price", _PRICE), ("availability", _AVAILABILITY), ("emoji", _EMOJI)):
        if pattern.search(text):
            problems.append(f"contains {name}")
    return problems


# --- facts behind the copy -----------------------------------------------------------------------------------
def without_header(bullet: str) -> str:
    """"SIZE AND WEIGHT: It weighs 1.2 kg." -> "It weighs 1.2 kg." (Amazon's header, or Shopify's "Header – ")."""
    return split_header(bullet)[1]


def bullets_without_fact(draft: Draft, verifier: GroundingVerifier) -> list[str]:
    """Bullets whose text after the header rests on no fact at all: praise dressed as a bullet."""
    return [b for b in draft.bullets if not verifier.check_text(without_header(b), "bullet").fact_ids]


def fact_free_sentences(draft: Draft, verifier: GroundingVerifier) -> list[str]:
    """Sentences of the bullets and description that cite no fact (praise, filler), as written."""
    texts = [without_header(b) for b in draft.bullets] + draft.description.splitlines()
    return [s for text in texts for s in split_sentences(text)
            if s.strip() and not verifier.check_text(s, "description").fact_ids]


def filler_shares(drafts: list[list[str]]) -> dict[str, float]:
    """Each fact-free sentence -> the share of drafts that carry it (each draft counted once)."""
    counts = Counter(s for sentences in drafts for s in set(sentences))
    return {s: n / len(drafts) for s, n in counts.most_common()} if drafts else {}


def bare_numbers(text: str, identifiers: Iterable[str] = ()) -> list[str]:
    """Numbers with neither a unit nor a counting noun after them, nor a name before them ("Windows 7", "USB
    2.0"), nor an age frame ("ages 3 and up"): "Processor frequency: 2.66" -> ["2.66"]. Numbers glued to letters
    or hyphens are codes ("32A", "RJ-45"); `identifiers` (the product's model number) are names, not quantities."""
    units = sorted((a for a in unit_table() if not a.isalpha() or len(a) > 1), key=len, reverse=True)
    known = {i.strip() for i in identifiers if i}
    found = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        before, after = text[:start], text[end:]
        if match.group(0) in known or re.search(r"#\s*$|\d\w*(?:,| and| or)\s*$", before):
            continue  # "# 86", "Xeon 3500 and 5500": a name, or a list of names
        if re.match(r"\s*(?:[x×–-]|to)\s*\d", after) or re.match(r"[:/]\d", after) or re.search(r"[:/]$", before):
            continue  # inside a group ("40 x 29.8 x 8 cm", "100 - 240 V", "1:72"): the group's last number decides
        if _AGE_BEFORE.search(before) or re.search(r"\b(pack|set|box) of\s+$|\bages? [\d.]+ (to|-)\s*$", before, re.I):
            continue
        previous = (before.split() or [""])[-1]
        if re.match(r"^[A-Z][\w.+-]*$|^[A-Z]{2,}", previous) and not previous.lower() in {"the", "a", "it", "and"}:
            continue  # a name with a number: "Windows 7", "USB 2.0", "Core 2 Duo", "Collection #19"
        word = _WORD_AFTER.match(after)
        if (word and (word.group(1).lower() not in _NOT_A_NOUN or re.fullmatch(r"[AVWK]", word.group(1)))) \
                or _SIGN_AFTER.match(after) \
                or any(re.match(rf"\s?{re.escape(u)}(?!\w)", after, re.I) for u in units):
            continue  # "23,000 pages", "4 cores", "2.13 GHz", "50%", "17\"", "3+"
        found.append(match.group(0))
    return found


# --- key facts ---------------------------------------------------------------------------------------------------
def key_fact_covered(fact: Fact, text: str) -> bool:
    """A plain string check: all of the fact's numbers appear in the text ("23,000" is 23000), and half of its
    longer words."""
    lower = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.lower())
    numbers = re.findall(r"\d+(?:\.\d+)?", fact.value)
    if any(not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", lower) for n in numbers):
        return False
    content = [w for w in re.findall(r"[a-z]{4,}", fact.value.lower())]
    if not content:
        return bool(numbers) or fact.value.lower() in lower
    return sum(w[:5] in lower for w in content) * 2 >= len(content)


def stated_by_verifier(draft: Draft, verifier: GroundingVerifier) -> set[str]:
    """The facts the verifier's attribution names for the draft's supported parts.

    The verifier explains a sentence by a minimal set of facts, so a word that both the product's title and
    another fact hold ("Xerox" in "Product: Xerox 006R90321 toner cartridge" and in "Brand: Xerox") is given to
    the title, which holds more of the sentence's words. The title (like the description and the ids) is never a
    key fact: it is the other facts written as one line. So each sentence the verifier supports with every fact
    is attributed a second time by the same verifier without those never-key facts, and both attributions
    count: the brand said in "The Xerox 006R90321 is ..." is the brand's."""
    parts = _parts(draft)
    stated = {fid for name, text in parts for fid in verifier.check_text(text, name).fact_ids}
    stated |= {fid for name, text in parts for c in verifier.claims(text, name) if c.supported for fid in c.fact_ids}
    ranked = {f.value.strip().lower() for f in key_facts(verifier.product, verifier.facts, limit=None)}
    atomic = [f for f in verifier.facts if f.value.strip().lower() in ranked]  # all that may be key facts
    if len(atomic) == len(verifier.facts):
        return stated
    without_title = GroundingVerifier(verifier.product, atomic)
    for name, text in parts:
        supported = [s.sentence for s in verifier.sentence_checks(text, name) if s.supported]
        for sentence in supported:
            for check in without_title.sentence_checks(sentence, name):
                stated |= set(check.fact_ids)
                stated |= {fid for c in check.claims if c.supported for fid in c.fact_ids}
    return stated


def value_stated(fact: Fact, draft: Draft, verifier: GroundingVerifier) -> bool:
    """The fact's value is said in the draft's supported text: its numbers and its content words (by stem; a
    category path by its last step), whichever fact the verifier's attribution picked for them."""
    kept = " ".join(verifier.check_text(text, name).text for name, text in _parts(draft))
    value = _path_step(fact.value) if ">" in fact.value else fact.value
    if not key_fact_covered(Fact(id=fact.id, name=fact.name, value=re.sub(r"[^\w\s.,]", " ", value),
                                 source_id=fact.source_id), kept) and re.search(r"\d", value):
        return False
    wanted = {s for s in stems_of(value) if not s.isdigit()}
    return bool(wanted) and wanted <= stems_of(kept) or (not wanted and key_fact_covered(fact, kept))


_GENERIC_STEPS = {"toys", "others", "other", "adults", "kids", "accessories", "hobbies", "games", "all"}


def _path_step(path: str) -> str:
    """A category path's last step that names something: "Characters & Brands > Disney > Toys" -> "Disney"
    (a leaf of "Toys" or "others" says nothing a copywriter would repeat)."""
    steps = [s.strip() for s in path.split(">") if s.strip()]
    return next((s for s in reversed(steps) if s.lower() not in _GENERIC_STEPS), steps[-1] if steps else path)


def coverage(product: Product, facts: list[Fact], draft: Draft, verifier: GroundingVerifier) -> dict[str, float]:
    """Key-fact coverage by the verifier's attribution, by value stated, and by the plain string check."""
    keys = key_facts(product, facts)
    if not keys:
        return {"verifier": 1.0, "value_stated": 1.0, "string": 1.0}
    stated = stated_by_verifier(draft, verifier)
    text = " ".join(t for _, t in _parts(draft))
    return {"verifier": sum(f.id in stated for f in keys) / len(keys),
            "value_stated": sum(f.id in stated or value_stated(f, draft, verifier) for f in keys) / len(keys),
            "string": sum(key_fact_covered(f, text) for f in keys) / len(keys)}


def _parts(draft: Draft) -> list[tuple[str, str]]:
    parts = [("title", draft.title), *(("bullet", b) for b in draft.bullets), ("description", draft.description)]
    return [(n, t) for n, t in parts if t and t.strip()]


# --- one draft, and many ---------------------------------------------------------------------------------------
def judge_copy(draft: Draft, product: Product, facts: list[Fact]) -> dict:
    """Every copy-quality measure of one draft (the verifier judges with the given facts)."""
    verifier = GroundingVerifier(product, facts)
    bare = [b for b in draft.bullets if bare_label_line(b, facts)]
    sentences = description_sentences(draft)
    spec = [s for s in sentences if spec_sentence(s, facts)]
    numbers = bare_numbers(" ".join([draft.title, *draft.bullets, draft.description]), [product.model or ""])
    return {
        "bullets": len(draft.bullets), "bare_bullets": len(bare), "sentences": len(sentences),
        "spec_sentences": len(spec),
        "spec_dump": (len(bare) * 2 >= len(draft.bullets) > 0) or (len(spec) * 2 >= len(sentences) > 0),
        "bullets_over_255": sum(len(b) > 255 for b in draft.bullets),
        "bullets_without_fact": bullets_without_fact(draft, verifier),
        "fact_free_sentences": fact_free_sentences(draft, verifier),
        "bare_numbers": numbers,
        "amazon_problems": amazon_problems(draft),
        "coverage": coverage(product, facts, draft, verifier),
        "paragraphs": len([p for p in draft.description.splitlines() if p.strip()]),
    }


def summarise_copy(rows: list[dict]) -> dict:
    """The copy measures over many drafts (rows from judge_copy)."""
    bullets = sum(r["bullets"] for r in rows)
    shares = filler_shares([r["fact_free_sentences"] for r in rows])
    top = next(iter(shares.items()), ("", 0.0))
    return {
        "drafts": len(rows),
        "spec_dump_drafts": sum(r["spec_dump"] for r in rows),
        "bullets": bullets,
        "bare_label_bullets": sum(r["bare_bullets"] for r in rows),
        "bare_label_bullet_rate": round(sum(r["bare_bullets"] for r in rows) / bullets, 4) if bullets else None,
        "spec_sentences": sum(r["spec_sentences"] for r in rows),
        "description_sentences": sum(r["sentences"] for r in rows),
        "bullets_over_255": sum(r["bullets_over_255"] for r in rows),
        "bullets_without_fact": sum(len(r["bullets_without_fact"]) for r in rows),
        "drafts_with_bare_numbers": sum(bool(r["bare_numbers"]) for r in rows),
        "bare_numbers": sum(len(r["bare_numbers"]) for r in rows),
        "most_repeated_filler": top[0], "most_repeated_filler_share": round(top[1], 4),
        "filler_sentences_over_20pct": sum(share > 0.2 for share in shares.values()),
        "fact_free_sentences_per_draft": round(statistics.fmean(len(r["fact_free_sentences"]) for r in rows), 3)
        if rows else 0.0,
        "key_fact_coverage_verifier": round(statistics.fmean(r["coverage"]["verifier"] for r in rows), 4) if rows else None,
        "key_fact_coverage_value_stated": round(statistics.fmean(r["coverage"]["value_stated"] for r in rows), 4)
        if rows else None,
        "key_fact_coverage_string": round(statistics.fmean(r["coverage"]["string"] for r in rows), 4) if rows else None,
        "amazon_problems": sum(len(r["amazon_problems"]) for r in rows),
        "drafts_with_3_to_5_bullets": sum(3 <= r["bullets"] <= 5 for r in rows),
    }


def distinct_2_within_category(texts_by_category: dict[str, list[str]], minimum: int = 3) -> float | None:
    """Mean distinct-2 over the categories with at least `minimum` drafts: how differently one category's
    drafts are worded."""
    groups = [texts for texts in texts_by_category.values() if len(texts) >= minimum]
    return round(statistics.fmean(distinct_n(g, 2) for g in groups), 4) if groups else None


def category_of(product: Product, fallback: str) -> str:
    return (product.category or product.attributes.get("Product type") or fallback).split(">")[0].strip()


def draft_text(draft: Draft) -> str:
    return " ".join([*draft.bullets, draft.description])


__all__ = [
    "amazon_problems", "bare_label_line", "bare_numbers", "bullets_without_fact", "category_of", "coverage",
    "description_sentences", "distinct_2_within_category", "draft_text", "fact_free_sentences", "filler_shares",
    "judge_copy", "key_fact_covered", "spec_sentence", "summarise_copy", "title_repeats", "without_header",
]
