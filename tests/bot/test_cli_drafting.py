"""`copydesk draft / refine / approve / eval` through the Typer app, on a small real catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.chains.drafting.fixtures import XEROX_SKU, shared_env, write_subset

REQUIRED = {"draft_id", "version", "product", "title", "bullets", "description", "facts_used", "dropped_claims",
            "scores", "timings", "alternatives", "origin"}


@pytest.fixture
def home(shared_data: Path, tiny_lm_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings, _ = shared_env(shared_data, tiny_lm_dir)
    for name in ("home", "llm", "candidates", "max_new_tokens", "llm_threads"):
        monkeypatch.setenv(f"COPYDESK_{name.upper()}", str(getattr(settings, name)))
    return settings.home


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_draft_refine_approve_json(home: Path) -> None:
    runner = CliRunner()
    draft = _json(runner.invoke(app, ["draft", XEROX_SKU, "--channel", "amazon", "--json"]))
    assert REQUIRED <= draft.keys()
    first = draft["first_draft"]
    assert first["version"] == 1 and first["draft_id"] == draft["draft_id"]
    assert draft["version"] == (2 if draft["polished"] else 1)  # the polish is stored only when it ranks higher
    assert draft["scores"]["total"] >= first["scores"]["total"]
    assert draft["product"]["sku"] == XEROX_SKU
    assert isinstance(draft["bullets"], list) and draft["bullets"]
    assert {"retrieve", "generate", "verify", "rank", "total"} <= draft["timings"].keys()
    assert {"grounding", "coverage", "style", "fluency", "total"} <= draft["scores"].keys()
    assert all(item["fact"].startswith(item["id"]) for item in draft["facts_used"])

    refined = _json(runner.invoke(app, ["refine", draft["draft_id"], "shorter", "--json"]))
    assert (refined["draft_id"], refined["version"]) == (draft["draft_id"], draft["version"] + 1)
    size = lambda d: len(d["title"]) + sum(map(len, d["bullets"])) + len(d["description"])  # noqa: E731
    assert size(refined) < size(draft)

    approved = _json(runner.invoke(app, ["approve", draft["draft_id"], "--version", "1", "--json"]))
    assert approved == {"draft_id": draft["draft_id"], "version": 1, "approved": True}


def test_another_one_is_a_new_seed_and_a_seed_makes_its_version_again(home: Path) -> None:
    runner = CliRunner()
    first = _json(runner.invoke(app, ["draft", XEROX_SKU, "--no-polish", "--json"]))
    other = _json(runner.invoke(app, ["refine", first["draft_id"], "another one", "--json"]))
    assert (other["draft_id"], other["version"]) == (first["draft_id"], 2)
    assert other["seed"] != first["seed"] and other["bullets"] != first["bullets"]
    again = _json(runner.invoke(app, ["draft", XEROX_SKU, "--no-polish", "--seed", str(other["seed"]), "--json"]))
    assert again["draft_id"] != first["draft_id"] and again["seed"] == other["seed"]
    assert (again["title"], again["bullets"], again["description"]) == (other["title"], other["bullets"],
                                                                         other["description"])


def test_no_polish_prints_the_first_draft_without_loading_the_model(home: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import generators.text.factory as factory

    def refuse(settings):  # noqa: ANN001, ANN202
        raise AssertionError("the language model was loaded")

    monkeypatch.setattr(factory, "load_text_generator", refuse)
    draft = _json(CliRunner().invoke(app, ["draft", XEROX_SKU, "--no-polish", "--json"]))
    assert draft["version"] == 1 and draft["origin"] == "template" and draft["bullets"]
    assert draft["timings"]["generate"] == 0.0
    failed = CliRunner().invoke(app, ["draft", XEROX_SKU])  # without the flag the model is needed
    assert isinstance(failed.exception, AssertionError)
    assert "Xerox" in failed.stdout  # ... after the first draft was printed


def test_user_errors_exit_with_a_message(home: Path) -> None:
    from bot.cli import main

    import sys

    for argv in (["draft", "zz-no-such-product-9999 qqq"], ["refine", "d-000000", "shorter"],
                 ["draft", XEROX_SKU, "--brand", "nobody"]):
        old = sys.argv
        sys.argv = ["copydesk", *argv]
        try:
            with pytest.raises(SystemExit) as raised:
                main()
        finally:
            sys.argv = old
        assert raised.value.code == 1


def test_draft_prints_readable_copy(home: Path) -> None:
    result = CliRunner().invoke(app, ["draft", XEROX_SKU])
    assert result.exit_code == 0, result.output
    assert "Xerox" in result.stdout and "d-" in result.stdout
    # the first draft, then the polished one (or a line saying the first one stands)
    assert result.stdout.count(" v1 ") == 1
    assert " v2 " in result.stdout or "first draft above stands" in result.stdout


def test_eval_command_writes_reports(home: Path, tmp_path: Path, shared_data: Path) -> None:
    files = write_subset(shared_data, tmp_path / "eval-data")
    out = tmp_path / "eval-out"
    result = CliRunner().invoke(app, ["eval", "--products", str(files[0]), "--limit", "1", "--out", str(out),
                                      "--no-raw"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    assert data["products_evaluated"] == 1 and "raw" not in data["overall"]
    assert (out / "eval.md").is_file()
