"""Fluency of model-written copy: what a reader sees as garble (garble.py: unknown words, broken brackets,
placeholders, a sentence cut off, words said again...), a tokenizer-level check for repeated fragments
("Choose from 41, 41", "2.0 USB 2.0"), and the base language model's surprise at the candidate.

A candidate is scored as the model's own answer to a neutral request (`context` in data/fluency.yaml): the
mean and the largest negative log-likelihood of its tokens, the share of very surprising tokens, and the
surprise at the end-of-turn token right after it (a text the model would not end there is unfinished or
broken). The gate rejects a candidate
- with a repeated fragment, or with a surface fault that no fluent text of the calibration set has (`rules`);
- or that the weighted gate calibrated for this model calls garbled: a logistic regression over the surface
  features and the surprises, fitted on one half of a hand-labelled set (`python -m bench.fluency_gate
  --write`), its weights in data/fluency.yaml; or whose surprises fall outside bounds set for the model there.
The gate runs on model text only; realized text has its own tests. A model with no calibration gets the
repeated-fragment check and the surface rules alone.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from generators.text import garble

if TYPE_CHECKING:  # only read
    from copydesk.settings import Settings

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).with_name("data") / "fluency.yaml"
MAX_GAP = 2        # tokens between a fragment and its repeat ("41, 41": the comma)
MAX_FRAGMENT = 5   # tokens in a repeated fragment
MIN_COUNTED = 3    # a number (2 digits or more) said this many times in one text is a loop ("255 x 255 x 150 x 255")
HIGH_NLL = 8.0     # a token this surprising (nats) is counted in `high_share`


@dataclass(frozen=True)
class FluencyScore:
    tokens: int
    mean_nll: float    # mean negative log-likelihood of the text's tokens (nats)
    max_nll: float     # the most surprising token
    end_nll: float     # surprise at the end of the answer right after the text
    repeated: str | None = None  # the repeated fragment, as written
    surprises: tuple[float, ...] = ()  # each text token's surprise, in order
    # the mean hidden state of the text's tokens, by layer (only the layers the scorer was asked for)
    pooled: dict[int, tuple[float, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Thresholds:
    """Calibrated for one model and one `context`; a None bound is not used."""

    context: str
    max_end_nll: float | None = None
    min_mean_nll: float | None = None  # below it the text only echoes itself ("Weight: 68 g; Weight: 68 g")
    max_mean_nll: float | None = None
    max_token_nll: float | None = None

    def problem(self, score: FluencyScore) -> str | None:
        checks = [
            (self.max_end_nll, score.end_nll, ">", "reads unfinished"),
            (self.min_mean_nll, score.mean_nll, "<", "only repeats itself"),
            (self.max_mean_nll, score.mean_nll, ">", "reads as word salad"),
            (self.max_token_nll, score.max_nll, ">", "holds a word that does not fit"),
        ]
        for bound, value, side, what in checks:
            if bound is not None and (value > bound if side == ">" else value < bound):
                return f"{what} (surprise {value:.2f} {side} {bound:.2f})"
        return None


def surprise_features(score: FluencyScore) -> dict[str, float]:
    """The model's surprise as features of the weighted gate."""
    values = sorted(score.surprises) or [score.max_nll]
    return {"mean_nll": score.mean_nll, "max_nll": score.max_nll, "end_nll": score.end_nll,
            "high_share": sum(v > HIGH_NLL for v in values) / len(values),
            "top2_nll": sum(values[-2:]) / len(values[-2:])}


# What each surface rule says about a text, for the log and for `copydesk` users reading why a text went.
RULE_PROBLEMS = {
    "broken_pairs": "has a broken bracket or quote",
    "placeholder_or_markup": "holds a template placeholder or markup",
    "dangling_end": "stops mid-sentence",
    "ends_on_function_word": "ends on a function word",
    "adjacent_repeats": "says a word twice in a row",
    "repeated_bigrams": "says a phrase again",
    "few_words": "is too short to say anything",
    "unknown_words": "holds a word that is not English",
    "speaker_words": "speaks as a writer, not as copy",
    "reply_opener": "opens like a reply, not like copy",
}


@dataclass(frozen=True)
class Weights:
    """The weighted gate calibrated for one model: features are standardised by `mean` and `scale`, weighed by
    `coef` plus `intercept` into the log-odds that a text is garbled; above `threshold` (a probability) it is."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        return {name: c * (values[name] - m) / s
                for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef)}

    def probability(self, values: dict[str, float]) -> float:
        logit = self.intercept + sum(self.contributions(values).values())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))

    def problem(self, values: dict[str, float]) -> str | None:
        p = self.probability(values)
        if p <= self.threshold:
            return None
        top = sorted(self.contributions(values).items(), key=lambda kv: kv[1], reverse=True)[:2]
        return f"reads as garbled (p {p:.2f} > {self.threshold:.2f}; most: {', '.join(n for n, _ in top)})"


@dataclass(frozen=True)
class Probe:
    """A linear probe on the model's own reading of a text: the mean hidden state of the text's tokens at `layer`
    (all layers' outputs counted from the embeddings, 0), weighed by `coef` plus `intercept` into a log-odds that
    the text is garbled. Fitted on the labelled set's calibration part (bench/fluency_gate.py); the weighted gate
    takes its log-odds as the feature `probe`. Surface features see form, surprise sees likelihood; the hidden
    state carries how the model parsed the text, which is where entity salads differ from copy."""

    layer: int
    coef: tuple[float, ...]
    intercept: float

    def logit(self, score: FluencyScore) -> float:
        pooled = score.pooled.get(self.layer, ())
        if len(pooled) != len(self.coef):
            raise ValueError(f"probe expects {len(self.coef)} hidden values of layer {self.layer}, got {len(pooled)}")
        return self.intercept + math.fsum(c * v for c, v in zip(self.coef, pooled))


@lru_cache(maxsize=4)
def _data(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_thresholds(model_name: str, path: Path | None = None) -> Thresholds | None:
    """The surprise bounds and context calibrated for `model_name` (the settings' `llm`), or None."""
    entry = (_data(path or DATA_FILE).get("models") or {}).get(model_name)
    if not entry:
        return None
    fields = {k: entry.get(k) for k in ("max_end_nll", "min_mean_nll", "max_mean_nll", "max_token_nll")}
    return Thresholds(context=entry["context"], **fields)


def load_weights(model_name: str, path: Path | None = None) -> Weights | None:
    """The weighted gate fitted for `model_name`, or None (none fitted, or a thresholds file without one)."""
    entry = ((_data(path or DATA_FILE).get("models") or {}).get(model_name) or {}).get("weights")
    if not entry:
        return None
    return Weights(tuple(entry["features"]), tuple(map(float, entry["mean"])), tuple(map(float, entry["scale"])),
                   tuple(map(float, entry["coef"])), float(entry["intercept"]), float(entry["threshold"]))


def load_probe(model_name: str, path: Path | None = None) -> Probe | None:
    """The hidden-state probe fitted for `model_name`, or None."""
    entry = ((_data(path or DATA_FILE).get("models") or {}).get(model_name) or {}).get("probe")
    if not entry:
        return None
    return Probe(int(entry["layer"]), tuple(map(float, entry["coef"])), float(entry["intercept"]))


def load_rules(path: Path | None = None) -> tuple[str, ...]:
    """The surface features that reject a text on their own (any value above 0), chosen on the calibration half."""
    return tuple((_data(path or DATA_FILE).get("garble") or {}).get("rules") or ())


class RepeatFinder:
    """Repeated fragments found on the tokenizer's pieces: a run of whole words said again at once ("41, 41",
    "Processor Processor", "2.0 USB 2.0"), or a number said three times. Connectors that make a repeat meant
    ("16.5 x 16.5 cm", "Male/Male", "UTP (UTP)") and function words do not count (word lists in the data file)."""

    def __init__(self, tokenizer: Any) -> None:
        words = _data(DATA_FILE).get("repeats") or {}
        self.tokenizer = tokenizer
        self.connectors = {str(w).lower() for w in words.get("connectors", [])}
        self.ignored = {str(w).lower() for w in words.get("ignored", [])}

    def find(self, text: str) -> str | None:
        units = self._units(text)
        words = [w for w, _, _ in units]
        seen: Counter[tuple[str, ...]] = Counter()
        for size in range(1, MAX_FRAGMENT + 1):
            for i in range(len(words) - size + 1):
                fragment = tuple(words[i:i + size])
                if not self._counts(fragment):
                    continue
                seen[fragment] += 1
                if seen[fragment] >= MIN_COUNTED and sum(ch.isdigit() for ch in "".join(fragment)) >= 2:
                    return text[units[i][1]:units[i + size - 1][2]]
                for j in range(i + size, min(len(words) - size, i + size + MAX_GAP) + 1):
                    gap = [w for w in words[i + size:j] if w]
                    if tuple(words[j:j + size]) == fragment and not any(w in self.connectors for w in gap):
                        return text[units[i][1]:units[j + size - 1][2]]
        return None

    def _units(self, text: str) -> list[tuple[str, int, int]]:
        """The tokenizer's pieces joined into words where no word boundary falls between them ("Process"+"or"),
        each as (lower-case text, start, end); a punctuation piece is a unit of its own."""
        spans = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        units: list[tuple[str, int, int]] = []
        for start, end in spans:
            piece = text[start:end]
            # A word continues ("Process"+"or"), and so does a number through its decimal point ("2"+"."+"66").
            joins = units and units[-1][2] == start and (
                (piece[:1].isalnum() and text[start - 1:start].isalnum())
                or (piece == "." and text[start - 1:start].isdigit() and text[end:end + 1].isdigit())
                or (piece[:1].isdigit() and text[start - 1:start] == "." and text[start - 2:start - 1].isdigit()))
            if joins:
                word, first, _ = units[-1]
                units[-1] = (word + piece.lower(), first, end)
            elif piece.strip():
                lead = len(piece) - len(piece.lstrip())
                units.append((piece.strip().lower(), start + lead, end))
        return units

    def _counts(self, fragment: tuple[str, ...]) -> bool:
        """A fragment worth checking: no connector at its edges ("x 16.5 x"), not a function word, and a
        number or a word of three letters or more."""
        joined = "".join(fragment)
        if fragment[0] in self.connectors or fragment[-1] in self.connectors or joined in self.ignored:
            return False
        return any(ch.isdigit() for ch in joined) or sum(ch.isalpha() for ch in joined) >= 3


class FluencyScorer:
    """Scores texts with a causal LM and its chat tokenizer, all texts in one forward pass."""

    def __init__(self, model: Any, tokenizer: Any, context: str, layers: Sequence[int] = ()) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.layers = tuple(layers)  # pool these layers' hidden states into FluencyScore.pooled
        chat = [{"role": "user", "content": context}]
        self.prefix = list(tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=True,
                                                         return_dict=True)["input_ids"])
        self.end = tokenizer.eos_token_id

    def score(self, texts: Sequence[str]) -> list[FluencyScore]:
        import torch

        rows = [self.prefix + self.tokenizer(t, add_special_tokens=False)["input_ids"] + [self.end] for t in texts]
        if not rows:
            return []
        width = max(len(r) for r in rows)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.end
        ids = torch.full((len(rows), width), pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):  # right padding: every row's tokens keep their positions
            ids[i, :len(row)] = torch.tensor(row)
            mask[i, :len(row)] = 1
        device = next(self.model.parameters()).device
        with torch.inference_mode():
            output = self.model(input_ids=ids.to(device), attention_mask=mask.to(device),
                                output_hidden_states=bool(self.layers))
            logits = output.logits.float()
            hidden = {layer: output.hidden_states[layer].float() for layer in self.layers}
            surprise = -torch.log_softmax(logits[:, :-1], dim=-1).gather(2, ids[:, 1:].unsqueeze(2).to(device))[..., 0]
        scores = []
        start = len(self.prefix) - 1  # surprise[k] is for token k+1
        for i, row in enumerate(rows):
            values = surprise[i, start:len(row) - 1].tolist()
            text_values, end = values[:-1], values[-1]
            if not text_values:
                scores.append(FluencyScore(0, math.inf, math.inf, end))
                continue
            # the text's own tokens: after the prefix, before the end-of-turn token
            pooled = {layer: tuple(h[i, len(self.prefix):len(row) - 1].mean(0).tolist()) for layer, h in hidden.items()}
            scores.append(FluencyScore(len(text_values), sum(text_values) / len(text_values), max(text_values), end,
                                       surprises=tuple(text_values), pooled=pooled))
        return scores


class FluencyGate:
    """Which candidates read as garbled, and why; None for a candidate that passes."""

    def __init__(self, repeats: RepeatFinder, scorer: FluencyScorer | None, thresholds: Thresholds | None,
                 weights: Weights | None = None, rules: Sequence[str] = (), probe: Probe | None = None) -> None:
        self.repeats = repeats
        self.scorer = scorer
        self.thresholds = thresholds
        self.weights = weights
        self.probe = probe
        self.rules = tuple(rules)

    def problems(self, texts: Sequence[str]) -> list[str | None]:
        found: list[str | None] = []
        surfaces: list[dict[str, float]] = []
        for text in texts:
            repeated = self.repeats.find(text)
            surface = {**garble.features(text), "repeat_finder": float(repeated is not None)}
            surfaces.append(surface)
            rule = next((name for name in self.rules if surface.get(name, 0.0) > 0), None)
            found.append(f"repeats “{repeated}”" if repeated else RULE_PROBLEMS.get(rule, rule) if rule else None)
        if self.scorer is not None and (self.thresholds is not None or self.weights is not None):
            unscored = [i for i, problem in enumerate(found) if problem is None]
            for i, score in zip(unscored, self.scorer.score([texts[i] for i in unscored])):
                problem = self.thresholds.problem(score) if self.thresholds is not None else None
                if problem is None and self.weights is not None:
                    values = {**surfaces[i], **surprise_features(score)}
                    if self.probe is not None:
                        values["probe"] = self.probe.logit(score)
                    problem = self.weights.problem(values)
                found[i] = problem
        return found


def fluency_gate(generator: Any, settings: Settings) -> FluencyGate | None:
    """The gate for this generator's model text, or None when it is off or the model is not local.

    The model's surprise counts only with a calibration for it (COPYDESK_FLUENCY_THRESHOLDS, or
    data/fluency.yaml under the model's name: surprise bounds and/or fitted weights); otherwise the
    repeated-fragment check and the surface rules run alone.
    """
    if not settings.fluency_gate:
        return None
    tokenizer = getattr(generator, "tokenizer", None)
    model = getattr(generator, "model", None)
    if tokenizer is None or not getattr(tokenizer, "is_fast", False):
        log.info("Fluency gate off: %s exposes no local fast tokenizer.", getattr(generator, "name", generator))
        return None
    path = Path(settings.fluency_thresholds) if settings.fluency_thresholds else None
    name = getattr(generator, "name", "")
    thresholds = load_thresholds(name, path)
    weights = load_weights(name, path)
    probe = load_probe(name, path)
    if weights is not None and "probe" in weights.features and probe is None:
        raise ValueError(f"The fluency weights for {name} use a probe that the data file does not hold.")
    scorer = (FluencyScorer(model, tokenizer, thresholds.context, (probe.layer,) if probe else ())
              if thresholds and model is not None else None)
    if scorer is None:
        log.info("Fluency gate: no calibration for %s; only repeats and surface rules are checked.", name)
    return FluencyGate(RepeatFinder(tokenizer), scorer, thresholds, weights, load_rules(), probe)
