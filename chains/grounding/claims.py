"""Find the checkable claims of one sentence and judge each against the facts; judge the sentence as a whole.

Order matters: model codes, certifications, quantities, absolute words, number words, colours, materials,
compatibility phrases and names each claim their span of the sentence first; every word left over is a
content word that must be a stopword, a generic marketing word (chains/grounding/data/generic_words.txt) or a word
the facts use. A sentence is supported only when all its claims and all its content words are.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from chains.grounding import frames
from chains.grounding.fact_index import NEGATIVE_VALUES, FactIndex, fact_order
from chains.grounding.language import CAPITALISED_CLASSES, BUYERS, implied_by_kind, label_spans, not_copy, title_case, word_class
from chains.grounding.units import Quantity, find_quantities, number_group, quantity_regex, unit_table
from chains.grounding.vocabulary import (
    absolutes,
    certifications,
    colours,
    generic_words,
    group_of,
    materials,
    stem,
    stopwords,
    words,
)
from copydesk.domain import Claim

NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100, "dozen": 12}
_CURRENCY_RE = re.compile(r"(?P<symbol>[£$€])\s?(?P<amount>\d[\d,]*(?:\.\d+)?)")
_CODE_RE = re.compile(r"(?<![\w.])[A-Za-z0-9]*(?:[A-Za-z][0-9]|[0-9][A-Za-z])[A-Za-z0-9]*(?:[-./][A-Za-z0-9]+)*")
# A word a "no" fact uses is supported only when negated: by a negation shortly before it ("no remote
# control", "does not include a remote"), or by the "no" value restated after it ("Faxing: N").
_NEGATION_BEFORE = re.compile(r"(?:\b(?:no|not|without|non|never|none)\b|n't\b)[^.;,]{0,40}$", re.IGNORECASE)
_NO_VALUE_AFTER = re.compile(r"^[^.;,:]{0,60}:\s*(?:no|n|none|false)\b", re.IGNORECASE)


def negated(sentence: str, start: int, end: int) -> bool:
    return bool(_NEGATION_BEFORE.search(sentence[:start]) or _NO_VALUE_AFTER.search(sentence[end:]))
_COMPATIBILITY_RE = re.compile(
    r"\b(?:compatible with|works with|for use with|designed for use with|fits)\s+(?P<object>[^,.;:!?()]{1,60}?)"
    r"(?=\s*(?:[,.;:!?()]|\band\b|\bor\b|$))",
    re.IGNORECASE,
)


@dataclass
class SentenceVerdict:
    sentence: str
    field_name: str | None = None
    claims: list[Claim] = field(default_factory=list)
    unsupported_words: list[str] = field(default_factory=list)
    fact_ids: list[str] = field(default_factory=list)

    @property
    def supported(self) -> bool:
        return not self.unsupported_words and all(c.supported for c in self.claims)

    @property
    def dropped(self) -> list[Claim]:
        """The unsupported claims, plus one `sentence` claim naming the content words no fact supports."""
        out = [c for c in self.claims if not c.supported]
        if self.unsupported_words:
            listed = ", ".join(dict.fromkeys(self.unsupported_words))
            out.append(Claim(text=self.sentence, kind="sentence", supported=False, field=self.field_name,
                             reason=f"the facts do not mention: {listed}"))
        return out


@dataclass
class _Work:
    """One sentence being judged: which characters a claim has taken, and the verdict so far."""

    sentence: str
    verdict: SentenceVerdict
    covered: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.covered = [False] * len(self.sentence)

    def take(self, start: int, end: int) -> bool:
        if any(self.covered[start:end]):
            return False
        self.covered[start:end] = [True] * (end - start)
        return True

    def add(self, text: str, kind: str, support: list[str], reason: str) -> None:
        ids = sorted({i for i in support if i}, key=fact_order)
        claim = Claim(text=text, kind=kind, supported=bool(support), fact_ids=ids,  # type: ignore[arg-type]
                      reason="" if support else reason, field=self.verdict.field_name)
        self.verdict.claims.append(claim)


class SentenceJudge:
    """Judges sentences against one product's FactIndex. `strict`: no word counts as mere language (a list of
    contents); `strict="field"`: not even a generic word, every content word must be the facts' (the
    value of a field line, "Connector gender: Female", is all fact and no marketing language)."""

    def __init__(self, index: FactIndex, *, strict: bool | str = False) -> None:
        self.index = index
        self.strict = strict
        self._implied = {} if strict else implied_by_kind(index.stem_facts)
        self._absolute_words = {stem(a): a for a in absolutes() if re.fullmatch(r"[^\W\d_]+", a)}
        self._absolute_phrases = [a for a in absolutes() if not re.fullmatch(r"[^\W\d_]+", a)]

    def judge(self, sentence: str, field_name: str) -> SentenceVerdict:
        work = _Work(sentence, SentenceVerdict(sentence=sentence, field_name=field_name))
        self._field = field_name
        if (found := not_copy(sentence)) is not None:
            work.add(sentence, "not_copy", [], f"not copy: '{found}' is a refusal, placeholder or instruction")
            return work.verdict
        for start, end in label_spans(sentence):
            work.take(start, end)
        if not self.strict:
            self._frame_claims(work)
        self._span_claims(work)
        content, negated_ids = self._word_claims(work)
        verdict = work.verdict
        claim_ids = [i for c in verdict.claims if c.supported for i in c.fact_ids]
        verdict.fact_ids = sorted(set(claim_ids) | set(self._cover(content)) | set(negated_ids), key=fact_order)
        return verdict

    def _frame_claims(self, work: "_Work") -> None:
        """Frames that change what the words inside them claim (chains/grounding/frames.py)."""
        sentence, facts = work.sentence, [item.fact for item in self.index.facts if item.fact.id]
        found = [*frames.single_item(sentence, facts), *frames.name_numbers(sentence, self.index),
                 *frames.bounds(sentence, self.index), *frames.renamed(sentence, facts), *frames.unbounded(sentence, self.index),
                 *frames.negated_contents(sentence, self.index), *frames.field_lines(sentence, facts, self._is_value),
                 *frames.contents(sentence, self._items)]
        for claim in found:
            if work.take(claim.start, claim.end):
                work.add(claim.text, claim.kind, claim.support, claim.reason)

    def _items(self, text: str) -> tuple[list[str], list[str]]:
        verdict = SentenceJudge(self.index, strict=True).judge(text, self._field or "")
        missing = [*verdict.unsupported_words, *(c.text for c in verdict.claims if not c.supported)]
        return verdict.fact_ids, missing

    def _is_value(self, value: str, facts: list) -> bool:
        said = _polarity(value)
        if said is not None:  # "Assembly required: No" against "Assembly Required: Yes"
            return any(_polarity(f.value) == said for f in facts)
        judge = SentenceJudge(FactIndex.build(facts), strict="field")
        return judge.judge(value, self._field or "").supported

    def _span_claims(self, work: "_Work") -> None:
        """Claims that span several characters or words: certifications, absolute phrases, codes,
        quantities, compatibility. Each takes its span so later passes do not judge it again."""
        sentence = work.sentence
        for pattern in certifications():
            for m in pattern.finditer(sentence):
                if work.take(m.start(), m.end()):
                    work.add(m.group(0), "certification", self.index.pattern_support(pattern, m.group(0)),
                             f"'{m.group(0)}' is a certification or standard the facts do not state")
        for phrase in self._absolute_phrases:
            for m in _phrase_regex(phrase).finditer(sentence):
                if work.take(m.start(), m.end()):
                    work.add(m.group(0), "absolute", self.index.phrase_support(phrase),
                             f"'{m.group(0)}' is an absolute claim the facts do not make")
        quantity_re = quantity_regex()
        for m in _CODE_RE.finditer(sentence):
            if not quantity_re.fullmatch(m.group(0)) and work.take(m.start(), m.end()):
                plus = sentence[m.end() : m.end() + 1] == "+"  # "A3+" is another paper size than "A3"
                work.add(m.group(0) + "+" * plus, "model", self.index.code_support(m.group(0), plus=plus),
                         f"'{m.group(0)}{'+' * plus}' is a model code or name the facts do not mention")
        for m in _CURRENCY_RE.finditer(sentence):
            if work.take(m.start(), m.end()):
                work.add(m.group(0), "number", self.index.currency_support(m.group("symbol"), m.group("amount")),
                         f"'{m.group(0)}' is a price the facts do not state")
        for q in find_quantities(sentence):
            if work.take(q.start, q.end):
                work.add(q.label, "number", self.index.quantity_support(q), self._number_reason(q))
        for m in quantity_regex().finditer(sentence):
            self._group_claim(work, m)
        for m in _COMPATIBILITY_RE.finditer(sentence):
            content = [w for w, _, _ in words(m.group("object")) if self._is_content(w)]
            missing = [w for w in content if not self.index.has_stem(stem(w))]
            support = [] if missing else self._cover([stem(w) for w in content]) or [""]
            work.add(m.group(0), "compatibility", support,
                     f"'{m.group(0)}': the facts do not mention {', '.join(missing)}")
            work.take(m.start("object"), m.end("object"))

    def _group_claim(self, work: "_Work", match: re.Match[str]) -> None:
        """Numbers written as a group ("200x234") must be one fact's group when a fact groups any of them:
        each number being stated somewhere is not enough ("200x234 resolution" from a brightness of 200 and
        a resolution of 480 x 234). Groups of separately stated numbers (width, depth, height) still pass."""
        if not number_group(match):
            return
        supports = [set(self.index.quantity_support(q)) for q in find_quantities(match.group(0))]
        if not any(self.index.grouped(i) for ids in supports for i in ids):
            return
        together = [i for i in set.intersection(*supports) if self.index.grouped(i)]
        work.add(match.group(0), "number", sorted(together, key=fact_order),
                 f"'{match.group(0)}': no fact states these numbers together")

    def _word_claims(self, work: "_Work") -> tuple[list[str], list[str]]:
        """Single-word claims (number words, absolute words, colours, materials, names) and the content
        words; returns the supported content stems and the ids of "no" facts a negated sentence uses."""
        content: list[str] = []
        negated_ids: list[str] = []
        capitals_say_nothing = title_case(work.sentence)
        position = -1
        previous = ""
        for word, start, end in words(work.sentence):
            if any(work.covered[start:end]):
                continue
            position += 1
            after_buyer, previous = previous in BUYERS, word.lower()
            token = _token_at(work.sentence, start)
            if token != word and self.index.has_stem(stem(token)):  # "TrackMaster" for the facts' "Trackmaster"
                content.append(stem(token))
                continue
            s = stem(word)
            lower = word.lower()
            if lower in NUMBER_WORDS:
                work.add(word, "number", self._number_word_support(lower),
                         f"'{word}' ({NUMBER_WORDS[lower]}) is not a number the facts state")
            elif s in self._absolute_words:
                work.add(word, "absolute", self._negatable(work, start, end, [s], self.index.phrase_support(word)),
                         f"'{word}' is an absolute claim the facts do not make")
            elif (group := group_of(s, colours())) is not None:
                support = self._negatable(work, start, end, group.stems, self._group_support(group.stems))
                work.add(word, "colour", support, f"the facts give no colour '{word}'")
            elif (group := group_of(s, materials())) is not None:
                support = self._negatable(work, start, end, group.stems, self._group_support(group.stems))
                work.add(word, "material", support, f"the facts give no material '{word}'")
            elif not self._is_content(word):
                continue
            elif self.index.has_stem(s):
                content.append(s)
            elif s in self._implied:  # "soft" for a plush toy: the fact naming the kind supports it
                content.append(self._implied[s])
            elif after_buyer and not self.strict and not _looks_like_name(word, position):
                continue  # "on your desk", "any playroom": the buyer's world
            elif no_facts := self.index.negated_by(s):
                if negated(work.sentence, start, end):
                    negated_ids.extend(no_facts)
                else:
                    work.add(word, "sentence", [], f"'{word}': {no_facts[0]} says no")
            elif not self.strict and (cls := word_class(word)) and (
                    capitals_say_nothing or cls in CAPITALISED_CLASSES or not _looks_like_name(word, position)):
                continue  # marketing language: no factual content (chains/grounding/language.py)
            elif _looks_like_name(word, position):
                work.add(word, "brand", [], f"'{word}' is a brand or name the facts do not mention")
            else:
                work.verdict.unsupported_words.append(word)
        return content, negated_ids

    def _is_content(self, word: str) -> bool:
        """A word that must be supported: not a stopword, not generic, not a unit name ("half an inch"). Two
        capitals are an abbreviation ("PU leather", "UK"), so they count too."""
        s = stem(word)
        return ((len(word) > 2 or (len(word) == 2 and word.isupper())) and s not in stopwords() and (self.strict == "field" or s not in generic_words())
                and word.lower() not in unit_table())

    def _negatable(self, work: "_Work", start: int, end: int, stems: Collection[str], support: list[str]) -> list[str]:
        """Support, or for a negated word the "no" facts that use it ("Blue angel certified: no")."""
        if support or not negated(work.sentence, start, end):
            return support
        return [i for s in stems for i in self.index.negated_by(s)]

    def _group_support(self, stems: frozenset[str]) -> list[str]:
        return [i for s in stems for i in self.index.stem_facts.get(s, [])]

    def _number_word_support(self, word: str) -> list[str]:
        value = NUMBER_WORDS[word]
        by_value = [item.fact.id for item in self.index.facts if any(q.value == value for q in item.quantities)]
        return by_value + self.index.stem_facts.get(stem(word), [])

    def _number_reason(self, q: Quantity) -> str:
        similar = self.index.same_dimension(q)
        if similar:
            fact_id, stated = similar[0]
            return f"'{q.label}' is not in the facts ({fact_id} says {stated.label})"
        return f"'{q.label}' is not a number the facts state"

    def _cover(self, stems: list[str]) -> list[str]:
        """A small set of facts that together use all the given words (greedy set cover)."""
        remaining = set(stems)
        chosen: list[str] = []
        while remaining:
            counts: dict[str, int] = {}
            for s in remaining:
                for fact_id in self.index.facts_with_stem(s):
                    counts[fact_id] = counts.get(fact_id, 0) + 1
            if not counts:
                break
            best = max(counts, key=lambda i: (counts[i], -fact_order(i)))
            chosen.append(best)
            remaining = {s for s in remaining if best not in self.index.facts_with_stem(s)}
        return chosen


_TOKEN_RE = re.compile(r"[^\W\d_]+")


def _token_at(sentence: str, start: int) -> str:
    """The whole run of letters a (camel-case) word part belongs to."""
    left = start
    while left > 0 and (sentence[left - 1].isalpha()):
        left -= 1
    match = _TOKEN_RE.match(sentence, left)
    return match.group(0) if match else ""


def _polarity(value: str) -> bool | None:
    lower = value.strip().lower()
    return False if lower in NEGATIVE_VALUES else True if lower in {"yes", "y", "true", "included"} else None


def _looks_like_name(word: str, position: int) -> bool:
    """A capitalised word inside a sentence, or an all-capitals word anywhere: a brand, model or place."""
    return (position > 0 and word[:1].isupper()) or (len(word) > 1 and word.isupper())


def _phrase_regex(phrase: str) -> re.Pattern[str]:
    body = r"\s*".join(re.escape(part) for part in phrase.split())
    end = r"(?!\w)" if phrase[-1].isalnum() else ""
    return re.compile(rf"(?<![\w.]){body}{end}", re.IGNORECASE)
