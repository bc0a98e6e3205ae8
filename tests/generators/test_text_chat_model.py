"""The LangChain wrapper: composes in chains, passes options and stop sequences, streams."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from copydesk.errors import InputError
from generators.text import ChatMessage
from generators.text.chat_model import CopydeskChatModel
from generators.text.local import TransformersGenerator


@pytest.fixture(scope="module")
def generator(tiny_lm_dir: Path):
    threads = torch.get_num_threads()
    yield TransformersGenerator.from_pretrained(tiny_lm_dir, threads=1)
    torch.set_num_threads(threads)


PROMPT = ChatPromptTemplate.from_messages([("system", "You write titles."), ("user", "Facts: {facts}")])


def test_chain_composes_and_matches_the_generator(generator: TransformersGenerator) -> None:
    model = CopydeskChatModel(generator=generator, max_new_tokens=6, seed=5, temperature=1.0)
    text = (PROMPT | model | StrOutputParser()).invoke({"facts": "27 inch"})
    direct = generator.generate(
        [ChatMessage("system", "You write titles."), ChatMessage("user", "Facts: 27 inch")],
        max_new_tokens=6, seed=5, temperature=1.0,
    )
    assert text == direct[0].text


def test_n_candidates_and_per_call_options(generator: TransformersGenerator) -> None:
    model = CopydeskChatModel(generator=generator, n=3, max_new_tokens=5)
    result = model.generate([[HumanMessage("Facts: 27 inch")]], seed=2)
    candidates = result.generations[0]
    assert len(candidates) == 3 and len({c.text for c in candidates}) == 3
    assert candidates[0].generation_info["tokens"] == 5
    with pytest.raises(InputError, match="Unknown generation options"):
        model.invoke([HumanMessage("x")], colour="red")


def test_stop_sequences_reach_the_generator(generator: TransformersGenerator) -> None:
    model = CopydeskChatModel(generator=generator, max_new_tokens=16, seed=3, temperature=1.0)
    free = model.invoke([SystemMessage("s"), HumanMessage("u")]).content
    stop = free[8:12]
    cut = model.invoke([SystemMessage("s"), HumanMessage("u")], stop=[stop]).content
    assert cut == free[: free.index(stop)]


def test_stream_yields_candidate_zero_as_it_grows(generator: TransformersGenerator) -> None:
    model = CopydeskChatModel(generator=generator, n=2, max_new_tokens=8, seed=4, temperature=1.0)
    chunks = list((PROMPT | model).stream({"facts": "27 inch"}))
    assert len([c for c in chunks if c.content]) > 1
    whole = "".join(c.content for c in chunks)
    assert whole == (PROMPT | model | StrOutputParser()).invoke({"facts": "27 inch"})
