"""Score candidate drafts and keep the best plus diverse alternatives.

Scores are in [0, 1]:
- grounding: 1 / (1 + unsupported), unsupported = the claims and sentences the facts do not support plus
  what the verifier already removed (`dropped_claims`): one invented claim halves it, whatever the
  draft's length, so a candidate that needed cutting ranks below one that did not;
- coverage: the share of the product's key facts (`key_facts`) the copy states;
- style: 1 minus 0.25 per brand/channel rule violation (`check_rules`);
- fluency: the model's mean token log-likelihood mapped by 1 + lp/5 (0 at lp <= -5); None (templates,
  unscored copy) is a neutral 0.5.
"""

from __future__ import annotations

from chains.drafting.key_facts import key_facts
from chains.rules import check_rules
from chains.grounding import find_quantities, same_quantity
from chains.grounding import GroundingVerifier
from chains.grounding import generic_words, stem, stopwords, words
from copydesk.domain import BrandRules, Draft, DraftScores, Fact, Product

__all__ = ["WEIGHTS", "draft_text", "fact_covered", "key_facts", "rank", "score_draft"]

WEIGHTS = {"grounding": 0.45, "coverage": 0.25, "style": 0.2, "fluency": 0.1}
NEAR_DUPLICATE = 0.7  # word-bigram Jaccard above which an alternative repeats a better draft
NEUTRAL_FLUENCY = 0.5


def draft_text(draft: Draft) -> str:
    return "\n".join([draft.title, *draft.bullets, draft.description, draft.meta_description or ""])


def score_draft(draft: Draft, product: Product, facts: list[Fact], rules: BrandRules, channel: str,
                fluency: float | None) -> DraftScores:
    grounding = _grounding(draft, product, facts, rules)
    keys = key_facts(product, facts)
    text = draft_text(draft)
    coverage = sum(fact_covered(f, text) for f in keys) / len(keys) if keys else 1.0
    style = max(0.0, 1.0 - 0.25 * len(check_rules(draft, rules, channel)))
    fluent = NEUTRAL_FLUENCY if fluency is None else min(1.0, max(0.0, 1.0 + fluency / 5.0))
    total = (WEIGHTS["grounding"] * grounding + WEIGHTS["coverage"] * coverage + WEIGHTS["style"] * style
             + WEIGHTS["fluency"] * fluent)
    return DraftScores(grounding=round(grounding, 4), coverage=round(coverage, 4), style=round(style, 4),
                       fluency=round(fluent, 4), total=round(total, 4))


def rank(drafts: list[Draft], *, keep: int) -> list[Draft]:
    """Best `scores.total` first (ties keep the input order); an alternative that nearly repeats a draft
    already kept is skipped, so fewer than `keep` may come back."""
    ordered = sorted(enumerate(drafts), key=lambda item: (-item[1].scores.total, item[0]))
    kept: list[Draft] = []
    kept_grams: list[set[tuple[str, str]]] = []
    for _, draft in ordered:
        grams = _bigrams(draft_text(draft))
        if any(_jaccard(grams, other) > NEAR_DUPLICATE for other in kept_grams):
            continue
        kept.append(draft)
        kept_grams.append(grams)
        if len(kept) == keep:
            break
    return kept


def fact_covered(fact: Fact, text: str) -> bool:
    """Does the text state the fact? Its numbers must all appear (unit-aware) and at least half of its
    content words."""
    stated = find_quantities(text)
    numbers = find_quantities(fact.value)
    if any(not any(same_quantity(q, s) or same_quantity(s, q) for s in stated) for q in numbers):
        return False
    value_stems = {stem(w) for w, start, _ in words(fact.value)
                   if not any(q.start <= start < q.end for q in numbers)} - stopwords() - generic_words()
    if not value_stems:
        return bool(numbers) or fact.value.strip().lower() in text.lower()
    text_stems = {stem(w) for w, _, _ in words(text)}
    return len(value_stems & text_stems) * 2 >= len(value_stems)


def _grounding(draft: Draft, product: Product, facts: list[Fact], rules: BrandRules) -> float:
    # The brand's required phrases are added by the rules, not claimed by the model: they count as supported.
    verifier = GroundingVerifier(product, facts, allowed_texts=rules.required_phrases)
    bad = len(draft.dropped_claims)
    fields = [("title", draft.title), *[("bullet", b) for b in draft.bullets], ("description", draft.description)]
    if draft.meta_description:
        fields.append(("meta_description", draft.meta_description))
    for name, text in fields:
        checked = verifier.check_title(text) if name == "title" else verifier.check_text(text, name)
        bad += len(checked.dropped)
    return 1.0 / (1.0 + bad)


def _bigrams(text: str) -> set[tuple[str, str]]:
    tokens = [w.lower() for w, _, _ in words(text)]
    return set(zip(tokens, tokens[1:]))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
