"""The model's generation step: one realized part (a bullet, a description paragraph) rewritten.

The step renders its prompt from prompts/ (copy_system.txt, refine.txt, through `system_message` and
`rewrite_prompt`: the polish at inference and the training data both call these), asks the model for K
candidates in ONE batched call, with decoding constrained to the numbers found in the shown facts and text,
and passes every candidate through the grounding verifier. A bullet with any unsupported claim is rejected
whole; a description keeps its supported sentences only. What was rejected or dropped is counted, so the
chain can say honestly where the realized text stands.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from chains.drafting import field_sense, request_echo
from chains.prompts import render
from chains.grounding import split_sentences
from chains.grounding import unit_table
from chains.grounding import GroundingVerifier
from chains.grounding import stem, stems_of, stopwords, words
from copydesk.domain import Claim, Fact
from copydesk.settings import Settings
from generators.text.base import ChatMessage, TextGenerator
from generators.text.fluency import FluencyGate, fluency_gate
from generators.text.number_trie import numbers_in

log = logging.getLogger(__name__)

# The small model often wraps its answer: "Title: ...", "- ...", "1. ...", quotes.
_LEAD = re.compile(
    r"^\s*(?:(?:title|bullet(?: point)?|description|answer|product(?: title)?)\s*:\s*|[-*•·]\s+|\d+[.)]\s+)", re.I
)
_CODE_LABEL = re.compile(r"(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9-]{6,}")  # "B00SDHUHBE", "CF226X"
# New-token budgets per step (each also capped by settings.max_new_tokens): a bullet the model has not
# finished by then is rambling, and every token costs about 0.1-0.5 s on a busy 2-core CPU.
BULLET_TOKENS = 36
_FACT_VALUE_CHARS = 240  # long catalog values are cut in prompts: the small model loses track of long contexts


@dataclass
class Candidate:
    text: str
    fact_ids: list[str]
    logprob: float | None
    dropped: list[Claim] = field(default_factory=list)
    finished: bool = True  # False: the model ran out of tokens mid-text


@dataclass
class StepOutcome:
    """The verified candidates of one step (best log-likelihood first) and what was thrown away."""

    label: str  # "title", "bullet 2", "description"
    passed: list[Candidate]
    generated: int
    dropped: list[Claim]

    @property
    def dropped_sentences(self) -> int:
        return sum(1 for claim in self.dropped if claim.kind == "sentence")


@dataclass
class Timer:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, started: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def fact_lines(facts: Sequence[Fact]) -> str:
    return "\n".join(f"- {f.name}: {cut_value(f.value)}" for f in facts)


def allowed_numbers(facts: Sequence[Fact], *extra: str) -> set[str]:
    """Every digit string the step's facts (as shown in the prompt) contain; the model may write no other."""
    found: set[str] = set()
    for fact in facts:
        found |= numbers_in(f"{fact.name}: {cut_value(fact.value)}")
    for text in extra:
        found |= numbers_in(text)
    return found


def clean(text: str) -> str:
    """One line of model output without the wrappers the small model likes to add."""
    text = text.strip().splitlines()[0] if text.strip() else ""
    previous = None
    while previous != text:
        previous = text
        text = _LEAD.sub("", text).strip().strip('"“”\'`*').strip()
    return text


def cut_value(value: str) -> str:
    return value if len(value) <= _FACT_VALUE_CHARS else value[:_FACT_VALUE_CHARS].rsplit(" ", 1)[0] + " …"


def rewrite_tokens(field_name: str, text: str) -> int:
    """The new-token budget of a rewrite of `text`: about the realized part's own length, with room to spare."""
    return BULLET_TOKENS * 2 if field_name == "bullet" else max(48, len(text) // 3)


def system_message(*, brand: str, voice: str, style: str = "") -> ChatMessage:
    """The system turn of every model step (prompts/copy_system.txt)."""
    return ChatMessage("system", render("copy_system", brand=brand, voice=voice, style=style))


def rewrite_prompt(field_name: str, text: str, facts: Sequence[Fact], change: str) -> str:
    """The user turn of a rewrite step (prompts/refine.txt): the facts shown, the current text, the change."""
    return render("refine", facts=fact_lines(facts), field=field_name, text=text, change=change)


class Steps:
    """Runs the generation steps for one product with one verifier and one system turn (`system_message`).
    `seed`: the first generation's sampling seed (default: settings.seed); each step uses the next one."""

    def __init__(
        self,
        generator: TextGenerator,
        settings: Settings,
        verifier: GroundingVerifier,
        *,
        system: ChatMessage,
        timer: Timer,
        seed: int | None = None,
    ) -> None:
        self.generator = generator
        self.settings = settings
        self.verifier = verifier
        self.system = system
        self.timer = timer
        self._seed = settings.seed if seed is None else seed
        self.fluency = fluency_gate(generator, settings)  # model text only: realized text never reaches _run

    def rewrite(self, field_name: str, text: str, facts: Sequence[Fact], change: str, *, tokens: int) -> StepOutcome:
        """The model's one step: the current text of one part rewritten to be `change`, every candidate verified.
        A bullet is judged whole (any unsupported claim rejects it); a description keeps its supported sentences."""
        prompt = rewrite_prompt(field_name, text, facts, change)
        whole = field_name != "description"
        return self._run(field_name, field_name, prompt, allowed_numbers(facts, text), tokens=tokens, whole=whole)

    # --- internals -------------------------------------------------------------------------------
    def _run(
        self,
        label: str,
        field_name: str,
        prompt: str,
        numbers: set[str],
        *,
        tokens: int,
        whole: bool,
        on_text: Callable[[str], None] | None = None,
    ) -> StepOutcome:
        stream = None
        if on_text is not None:
            def stream(index: int, delta: str) -> None:  # the first candidate is shown while the rest are generated
                if index == 0:
                    on_text(delta)

        started = time.perf_counter()
        self._seed += 1
        generations = self.generator.generate(
            [self.system, ChatMessage("user", prompt)],
            n=self.settings.candidates,
            max_new_tokens=min(tokens, self.settings.max_new_tokens),
            temperature=self.settings.temperature,
            seed=self._seed,
            stop=("\n",) if whole else ("\n\n",),
            allowed_numbers=numbers,
            on_text=stream,
        )
        self.timer.add("generate", started)

        started = time.perf_counter()
        passed: list[Candidate] = []
        dropped: list[Claim] = []
        seen: set[str] = set()
        for generation in generations:
            finished = generation.finish_reason == "stop"
            text = clean(generation.text) if whole else " ".join(generation.text.split())
            if not whole and not finished:
                text = without_unfinished_sentence(text)
            if not text or text.lower() in seen:
                continue
            seen.add(text.lower())
            if field_name == "title":
                checked = self.verifier.check_title(text)
            else:
                checked = self.verifier.check_text(text, field_name)
            dropped.extend(checked.dropped)
            kept = checked.text.strip()
            if not kept or not checked.fact_ids or (whole and checked.dropped):
                continue  # nothing left, nothing grounded, or a title/bullet that lost a claim: reject
            passed.append(
                Candidate(kept, list(checked.fact_ids), generation.mean_logprob, list(checked.dropped), finished or not whole)
            )
        self.timer.add("verify", started)
        started = time.perf_counter()
        passed = fluent(self.fluency, passed, field_name)
        self.timer.add("fluency", started)
        passed.sort(key=lambda c: c.logprob if c.logprob is not None else float("-inf"), reverse=True)
        return StepOutcome(label, passed, len(generations), dropped)


def fluent(gate: FluencyGate | None, candidates: list[Candidate], part: str | None = None) -> list[Candidate]:
    """The model's candidates that the fluency gate lets through: grounded word by word is not enough
    ("Choose from 41, 41"). Only model text comes here; the template's text is never scored. `part`: the part
    the candidates were asked for ("bullet"), None for any."""
    if gate is None or not candidates:
        return candidates
    # field sense (chains/drafting/field_sense.py) and request echoes (request_echo.py) beside the gate: the gate
    # lives in generators/, which may read neither the knowledge graph's units that tell "Minimum price: 40 g" is
    # no price, nor the prompt templates a "Current description: ..." copies
    problems = [problem or field_sense.problem(c.text) or request_echo.problem(c.text, part)
                for c, problem in zip(candidates, gate.problems([c.text for c in candidates]))]
    for candidate, problem in zip(candidates, problems):
        if problem:
            log.debug("fluency gate rejects %r: %s", candidate.text, problem)
    return [c for c, problem in zip(candidates, problems) if problem is None]


def accept(
    outcome: StepOutcome,
    *,
    min_words: int,
    cites: set[str] | None = None,
    repeats: int = 3,
    beyond: str | None = None,
    labels: Sequence[Fact] = (),
) -> StepOutcome:
    """Keep the verified candidates that read as copy: finished, `min_words` words, no degenerate repetition;
    where given, citing one of the step's own facts (`cites`), saying something the product's name does not
    (`beyond`), and not opening with a fact's label (`labels`). The verifier only judges "supported":
    "Xerox" alone, "159g, 10 yrs, 159g, 159g", "Thomas & Friends Trackmaster Diesel 1." or "Brand: DYMO
    LabelWriter" is supported but is no bullet or title."""
    kept = [
        c for c in outcome.passed
        if c.finished and len(c.text.split()) >= min_words and (cites is None or cites & set(c.fact_ids))
        and not repetitive(c.text, repeats) and (beyond is None or adds_words(c.text, beyond))
        and not starts_with_label(c.text, labels)
    ]
    return StepOutcome(outcome.label, kept, outcome.generated, outcome.dropped)


def adds_words(text: str, name: str) -> bool:
    """True when `text` has a content word that is not in `name` and is not a unit. Numbers do not count:
    "Diesel 1" for the "Diesel 10" only passed because the facts state a 1 somewhere, and "15.2 x 15.2 x 4
    centimeters" is a measurement with nothing saying what it measures."""
    ignored = stems_of(name) | stopwords()  # generic words count: "for ages 3 years and up" says something
    units = unit_table()
    return any(stem(w) not in ignored and w.lower() not in units and len(w) > 1 for w, _, _ in words(text))


def starts_with_label(text: str, facts: Sequence[Fact]) -> bool:
    """A fact line echoed as a title ("Brand: DYMO LabelWriter"), or a code used as a label
    ("B00SDHUHBE: Transformers Robots in Disguise", an ASIN heading a bullet)."""
    head = text.split(":", 1)[0].strip() if ":" in text else None
    if head is None:
        return False
    return bool(_CODE_LABEL.fullmatch(head)) or any(head.lower() == f.name.lower() for f in facts)


def repetitive(text: str, repeats: int = 3) -> bool:
    """Degenerate output: a content word or a word pair `repeats` times or more ("159g, 159g, 159g",
    "2GB SD Card, 2GB SD Card, 2GB SD"), or under half of the words distinct ("6 x 6 x 6 x 6")."""
    tokens = [t for t in re.findall(r"[\w.&'-]+", text.lower()) if t.strip(".'-")]
    if len(tokens) >= 6 and len(set(tokens)) < len(tokens) / 2:
        return True
    content = Counter(t for t in tokens if len(t) > 2 or any(ch.isdigit() for ch in t))
    pairs = Counter(zip(tokens, tokens[1:]))
    return any(n >= repeats for n in content.values()) or any(n >= repeats for n in pairs.values())


def without_unfinished_sentence(text: str) -> str:
    """A description cut off by the token budget, without its unfinished last sentence."""
    if text.rstrip().endswith((".", "!", "?")):
        return text
    sentences = split_sentences(text)
    return " ".join(sentences[:-1])
