"""The transformers backend, on a tiny random Llama with SmolLM2's tokenizer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import torch

from copydesk.errors import InputError
from generators.text import ChatMessage, Generation, TextGenerator, numbers_in
from generators.text.local import TransformersGenerator

MESSAGES = [
    ChatMessage("system", "You write product titles."),
    ChatMessage("user", 'Facts: F1 screen 27"; F2 resolution 3840x2160; F3 weight 2.8 kg'),
]
ALLOWED = {"27", "3840", "2160", "2.8"}


@pytest.fixture(scope="module")
def generator(tiny_lm_dir: Path):
    threads = torch.get_num_threads()
    # One thread: on a shared, busy CPU torch's thread pool makes a tiny model many times slower.
    yield TransformersGenerator.from_pretrained(tiny_lm_dir, threads=1)
    torch.set_num_threads(threads)


def reference_mean_logprob(generator: TransformersGenerator, completion_ids: list[int]) -> float:
    """transformers' own loss over the completion tokens, teacher-forced after the chat prompt."""
    prompt = generator.tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in MESSAGES],
        add_generation_prompt=True, return_dict=True, return_tensors="pt",
    )["input_ids"]
    ids = torch.cat([prompt, torch.tensor([completion_ids])], dim=1)
    labels = ids.clone()
    labels[:, : prompt.shape[1]] = -100
    with torch.no_grad():
        return -float(generator.model(input_ids=ids, labels=labels).loss)


def test_satisfies_the_protocol(generator: TransformersGenerator) -> None:
    assert isinstance(generator, TextGenerator)


def test_n_candidates_in_one_call_deterministic_per_seed(generator: TransformersGenerator) -> None:
    first = generator.generate(MESSAGES, n=3, max_new_tokens=8, seed=7, temperature=1.0)
    again = generator.generate(MESSAGES, n=3, max_new_tokens=8, seed=7, temperature=1.0)
    other = generator.generate(MESSAGES, n=3, max_new_tokens=8, seed=8, temperature=1.0)
    assert len(first) == 3 and all(isinstance(g, Generation) for g in first)
    assert [g.text for g in first] == [g.text for g in again]
    assert [g.text for g in first] != [g.text for g in other]
    assert len({g.text for g in first}) == 3  # sampled candidates differ from one another
    for g in first:
        assert g.finish_reason == "length" and g.tokens == 8
        assert g.mean_logprob is not None and g.mean_logprob < 0


def test_greedy_candidates_are_identical(generator: TransformersGenerator) -> None:
    texts = {g.text for g in generator.generate(MESSAGES, n=2, max_new_tokens=6, temperature=0.0)}
    assert len(texts) == 1


def test_stop_sequence_cuts_the_text_and_ends_the_row(generator: TransformersGenerator) -> None:
    [free] = generator.generate(MESSAGES, max_new_tokens=16, seed=3, temperature=1.0)
    stop = free.text[12:16]  # a piece from the middle of what this seed writes
    [stopped] = generator.generate(MESSAGES, max_new_tokens=16, seed=3, temperature=1.0, stop=[stop])
    assert stopped.text == free.text[: free.text.index(stop)]
    assert stopped.finish_reason == "stop"
    assert stopped.tokens < free.tokens


def test_streaming_sends_every_candidate_as_it_grows(generator: TransformersGenerator) -> None:
    events: list[tuple[int, str]] = []
    results = generator.generate(
        MESSAGES, n=2, max_new_tokens=12, seed=5, temperature=1.0, on_text=lambda i, d: events.append((i, d))
    )
    for index, result in enumerate(results):
        assert "".join(d for i, d in events if i == index) == result.text
    # interleaved step by step, not sent after the fact one candidate at a time
    first_of_1 = next(k for k, (i, _) in enumerate(events) if i == 1)
    last_of_0 = max(k for k, (i, _) in enumerate(events) if i == 0)
    assert first_of_1 < last_of_0


def test_streaming_never_shows_a_stop_sequence(generator: TransformersGenerator) -> None:
    [free] = generator.generate(MESSAGES, max_new_tokens=16, seed=3, temperature=1.0)
    stop = free.text[12:16]
    deltas: list[str] = []
    [result] = generator.generate(
        MESSAGES, max_new_tokens=16, seed=3, temperature=1.0, stop=[stop], on_text=lambda i, d: deltas.append(d)
    )
    assert "".join(deltas) == result.text
    assert stop not in "".join(deltas)


@pytest.fixture
def digit_loving(generator: TransformersGenerator):
    """The same model biased hard towards digits and separators, so numbers appear in most samples."""
    tokenizer = generator.tokenizer
    bias = torch.zeros(len(tokenizer))
    for token_id in range(len(tokenizer)):
        if tokenizer.decode([token_id]) in set("0123456789.,"):
            bias[token_id] = 9.0
    handle = generator.model.lm_head.register_forward_hook(lambda module, args, output: output + bias)
    yield generator
    handle.remove()


def test_number_constraint_allows_only_fact_numbers(digit_loving: TransformersGenerator) -> None:
    settings = dict(n=4, max_new_tokens=32, temperature=1.0, top_p=1.0)
    free = digit_loving.generate(MESSAGES, seed=11, **settings)
    free_numbers = set().union(*(numbers_in(g.text) for g in free))
    assert free_numbers - ALLOWED, "the biased model should invent numbers when unconstrained"

    written: set[str] = set()
    for seed in range(3):
        for g in digit_loving.generate(MESSAGES, seed=seed, allowed_numbers=ALLOWED, **settings):
            assert numbers_in(g.text) <= ALLOWED, g.text
            written |= numbers_in(g.text)
    assert len(written) >= 2  # it did write numbers, only the allowed ones


def test_number_constraint_with_no_numbers_allowed(digit_loving: TransformersGenerator) -> None:
    results = digit_loving.generate(MESSAGES, n=2, max_new_tokens=20, seed=1, temperature=1.0, top_p=1.0, allowed_numbers=set())
    assert all(not numbers_in(g.text) for g in results)


def test_score_is_the_mean_token_loglikelihood(generator: TransformersGenerator) -> None:
    completion = "A 27 inch monitor."
    ids = generator.tokenizer(completion, add_special_tokens=False)["input_ids"]
    assert generator.score(MESSAGES, completion) == pytest.approx(reference_mean_logprob(generator, ids), abs=1e-4)
    with pytest.raises(InputError):
        generator.score(MESSAGES, "")


def test_generation_reports_the_mean_loglikelihood_of_its_tokens(generator: TransformersGenerator) -> None:
    [greedy] = generator.generate(MESSAGES, max_new_tokens=6, temperature=0.0)
    prompt = generator.tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in MESSAGES],
        add_generation_prompt=True, return_dict=True, return_tensors="pt",
    )
    with torch.no_grad():
        ids = generator.model.generate(**prompt, do_sample=False, max_new_tokens=6)[0, prompt["input_ids"].shape[1] :]
    assert greedy.tokens == len(ids) == 6
    assert greedy.mean_logprob == pytest.approx(reference_mean_logprob(generator, ids.tolist()), abs=1e-4)


def test_one_instance_serves_many_threads(generator: TransformersGenerator) -> None:
    expected = {seed: [g.text for g in generator.generate(MESSAGES, n=2, max_new_tokens=6, seed=seed)] for seed in range(4)}
    got: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            got[seed] = [g.text for g in generator.generate(MESSAGES, n=2, max_new_tokens=6, seed=seed)]
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert got == expected


def test_bad_arguments_are_input_errors(generator: TransformersGenerator) -> None:
    with pytest.raises(InputError):
        generator.generate([], max_new_tokens=2)
    with pytest.raises(InputError):
        generator.generate(MESSAGES, n=0)
