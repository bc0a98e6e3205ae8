"""The fluency gate's mechanics on the tiny random LM (SmolLM2's tokenizer): scores computed, repeated
fragments found, thresholds read from settings and data. Its figures come from bench/fluency_gate.py."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from copydesk.settings import Settings
from generators.text.fluency import (RULE_PROBLEMS, FluencyGate, FluencyScore, FluencyScorer, Probe, RepeatFinder,
                                     Thresholds, Weights, fluency_gate, load_probe, load_rules, load_thresholds,
                                     load_weights, surprise_features)
from generators.text.local import TransformersGenerator


@pytest.fixture(scope="module")
def generator(tiny_lm_dir: Path):
    threads = torch.get_num_threads()
    yield TransformersGenerator.from_pretrained(tiny_lm_dir, threads=1)
    torch.set_num_threads(threads)


@pytest.mark.parametrize(("text", "repeat"), [
    ("Choose from 41, 41", "41, 41"),
    ("Choose from 6, 6 pc(s)", "6, 6"),
    ("Choose from 3 years and up, 3 years and up.", "years and up, 3 years and up"),
    ("Processor Processor (2)", "Processor Processor"),
    ("This product offers a 2.0 USB 2.0 A to Mini-b Cable.", "2.0 USB 2.0"),
    ("Screen: 255 x 255 x 150 x 255 mm", "255"),          # a number said three times
    ("Choose from 41 or 42", None),
    ("16.5 x 16.5 x 30 cm", None),                        # a square base is no loop
    ("The dartboard measures 36 cm x 36 cm x 1.1 cm.", None),  # "1.1" is one number
    ("The connector gender is Male connector/Male connector.", None),
    ("No batteries, no assembly, no fuss.", None),        # function words repeat in grammar
])
def test_repeated_fragments_are_found_on_the_tokenizers_pieces(generator: TransformersGenerator, text: str,
                                                                 repeat: str | None) -> None:
    assert RepeatFinder(generator.tokenizer).find(text) == repeat


def test_scores_are_computed_per_text_and_padding_changes_nothing(generator: TransformersGenerator) -> None:
    scorer = FluencyScorer(generator.model, generator.tokenizer, "Write one line of product copy.")
    texts = ["A soft plush toy.", "Wooden train set with 24 pieces, for ages 3 and up."]
    together = scorer.score(texts)
    alone = [scorer.score([t])[0] for t in texts]
    assert [s.tokens for s in together] == [len(generator.tokenizer(t, add_special_tokens=False)["input_ids"])
                                            for t in texts]
    for a, b in zip(together, alone):
        assert math.isfinite(a.mean_nll) and a.max_nll >= a.mean_nll > 0 and a.end_nll > 0
        assert a.mean_nll == pytest.approx(b.mean_nll, abs=1e-4) and a.end_nll == pytest.approx(b.end_nll, abs=1e-4)


def test_thresholds_name_what_is_wrong() -> None:
    bounds = Thresholds(context="c", max_end_nll=10.0, min_mean_nll=1.0, max_mean_nll=8.0, max_token_nll=20.0)
    assert bounds.problem(FluencyScore(5, 4.0, 12.0, 9.0)) is None
    assert bounds.problem(FluencyScore(5, 4.0, 12.0, 11.0)).startswith("reads unfinished")
    assert bounds.problem(FluencyScore(5, 0.5, 2.0, 9.0)).startswith("only repeats itself")
    assert bounds.problem(FluencyScore(5, 9.0, 12.0, 9.0)).startswith("reads as word salad")
    assert bounds.problem(FluencyScore(5, 4.0, 25.0, 9.0)).startswith("holds a word that does not fit")


def test_the_shipped_model_has_a_fitted_gate() -> None:
    llm = Settings(_env_file=None).llm
    shipped, weights = load_thresholds(llm), load_weights(llm)
    assert shipped is not None and shipped.context
    assert weights is not None and 0.0 < weights.threshold < 1.0
    assert len(weights.features) == len(weights.coef) == len(weights.mean) == len(weights.scale)
    assert {"end_nll", "unknown_share", "repeat_finder"} <= set(weights.features)
    assert set(load_rules()) <= set(weights.features)


def test_weights_say_which_features_made_a_text_garbled() -> None:
    weights = Weights(("repeated_words", "end_nll"), (0.0, 5.0), (1.0, 2.0), (2.0, 1.0), -1.0, 0.5)
    assert weights.problem({"repeated_words": 0.0, "end_nll": 5.0}) is None         # p = sigmoid(-1)
    problem = weights.problem({"repeated_words": 2.0, "end_nll": 5.0})              # p = sigmoid(3)
    assert problem is not None and problem.startswith("reads as garbled (p 0.95 > 0.50; most: repeated_words")


def test_surprise_features_of_a_score() -> None:
    found = surprise_features(FluencyScore(4, 3.0, 9.0, 2.0, surprises=(1.0, 9.0, 1.0, 1.0)))
    assert found == {"mean_nll": 3.0, "max_nll": 9.0, "end_nll": 2.0, "high_share": 0.25, "top2_nll": 5.0}


def test_the_gate_reads_its_thresholds_from_settings(generator: TransformersGenerator, tmp_path: Path) -> None:
    texts = ["Choose from 41, 41", "A soft plush toy for ages 3 and up."]
    assert fluency_gate(generator, Settings(_env_file=None, fluency_gate=False)) is None
    repeats_only = fluency_gate(generator, Settings(_env_file=None))  # the tiny model has no calibration
    assert isinstance(repeats_only, FluencyGate) and repeats_only.scorer is None
    assert repeats_only.problems(texts) == ["repeats “41, 41”", None]
    # the surface rules need no model (which features are rules is the bench's choice, in the data file)
    examples = {"speaker_words": "I'm so excited to share this drill!", "dangling_end": "Cordless drill with two batteries,",
                "broken_pairs": "Cordless drill (with two batteries.", "placeholder_or_markup": "Brand: [Your Brand]",
                "adjacent_repeats": "A cordless cordless drill."}
    rules = [rule for rule in load_rules() if rule in examples]
    assert rules
    assert repeats_only.problems([examples[rule] for rule in rules]) == [RULE_PROBLEMS[rule] for rule in rules]

    data = tmp_path / "fluency.yaml"
    data.write_text(f"models:\n  {generator.name!r}:\n    context: Write one line of product copy.\n"
                    "    max_end_nll: 0.0\n", encoding="utf-8")  # nothing ends that surely: every text fails
    strict = fluency_gate(generator, Settings(_env_file=None, fluency_thresholds=data))
    assert strict is not None and strict.scorer is not None
    found = strict.problems(texts)
    assert found[0] == "repeats “41, 41”" and found[1].startswith("reads unfinished")

    weighted = tmp_path / "weighted.yaml"
    weighted.write_text(f"models:\n  {generator.name!r}:\n    context: Write one line of product copy.\n"
                        "    weights: {features: [end_nll], mean: [0.0], scale: [1.0], coef: [1.0], intercept: 0.0,"
                        " threshold: 0.0}\n", encoding="utf-8")  # any surprise at the end is too much
    gate = fluency_gate(generator, Settings(_env_file=None, fluency_thresholds=weighted))
    assert gate is not None and gate.weights is not None and gate.thresholds is not None
    assert gate.problems(texts)[1].startswith("reads as garbled (p ")


def test_the_scorer_pools_the_texts_own_hidden_states(generator: TransformersGenerator) -> None:
    """The probe reads the mean hidden state of the text's tokens only: not the request before it, not the
    end-of-turn token after it, and not the padding of a shorter text in the same batch."""
    layer = generator.model.config.num_hidden_layers
    scorer = FluencyScorer(generator.model, generator.tokenizer, "Write one line of product copy.", (1, layer))
    texts = ["A soft plush toy.", "Wooden train set with 24 pieces, for ages 3 and up."]
    together = scorer.score(texts)
    alone = [scorer.score([t])[0] for t in texts]
    for a, b, text in zip(together, alone, texts):
        assert set(a.pooled) == {1, layer} and len(a.pooled[layer]) == generator.model.config.hidden_size
        assert a.pooled[layer] == pytest.approx(b.pooled[layer], abs=1e-4)
        ids = scorer.prefix + generator.tokenizer(text, add_special_tokens=False)["input_ids"]
        with torch.inference_mode():
            states = generator.model(input_ids=torch.tensor([ids]), output_hidden_states=True).hidden_states[layer]
        expected = states[0, len(scorer.prefix):].mean(0).tolist()
        assert a.pooled[layer] == pytest.approx(expected, abs=1e-4)
    assert FluencyScorer(generator.model, generator.tokenizer, "c").score(texts)[0].pooled == {}


def test_a_probe_is_a_linear_score_of_one_layer() -> None:
    probe = Probe(layer=2, coef=(1.0, -2.0), intercept=0.5)
    assert probe.logit(FluencyScore(3, 1.0, 2.0, 1.0, pooled={2: (3.0, 1.0), 5: (9.0, 9.0)})) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="layer 2"):
        probe.logit(FluencyScore(3, 1.0, 2.0, 1.0, pooled={5: (9.0, 9.0)}))


def test_the_gate_weighs_the_probe_it_is_given(generator: TransformersGenerator, tmp_path: Path) -> None:
    """A probe in the data file is loaded with the weights, its layer pooled, its log-odds a feature; weights that
    name a probe the file does not hold are refused at start, not at the first draft."""
    size, layers = generator.model.config.hidden_size, generator.model.config.num_hidden_layers
    head = f"models:\n  {generator.name!r}:\n    context: Write one line of product copy.\n"
    weights = ("    weights: {features: [probe], mean: [0.0], scale: [1.0], coef: [1.0], intercept: 0.0,"
               " threshold: 0.5}\n")
    for intercept, rejected in ((-100.0, False), (100.0, True)):  # no weight on the states: the intercept decides
        data = tmp_path / f"probe{intercept}.yaml"
        data.write_text(head + weights + f"    probe: {{layer: {layers}, coef: {[0.0] * size}, intercept: {intercept}}}\n",
                        encoding="utf-8")
        gate = fluency_gate(generator, Settings(_env_file=None, fluency_thresholds=data))
        assert gate is not None and gate.probe == load_probe(generator.name, data)
        assert gate.scorer is not None and gate.scorer.layers == (layers,)
        problem = gate.problems(["A soft plush toy for ages 3 and up."])[0]
        assert (problem is not None and problem.startswith("reads as garbled") and "probe" in problem) == rejected
        assert rejected or problem is None
    orphan = tmp_path / "orphan.yaml"
    orphan.write_text(head + weights, encoding="utf-8")
    with pytest.raises(ValueError, match="probe"):
        fluency_gate(generator, Settings(_env_file=None, fluency_thresholds=orphan))
