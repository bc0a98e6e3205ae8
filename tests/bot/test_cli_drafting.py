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
    assert draft["product"]["sku"] == XEROX_SKU and draft["version"] == 1
    assert isinstance(draft["bullets"], list) and draft["bullets"]
    assert {"retrieve", "generate", "verify", "rank", "total"} <= draft["timings"].keys()
    assert {"grounding", "coverage", "style", "fluency", "total"} <= draft["scores"].keys()
    assert all(item["fact"].startswith(item["id"]) for item in draft["facts_used"])

    refined = _json(runner.invoke(app, ["refine", draft["draft_id"], "shorter", "--json"]))
    assert (refined["draft_id"], refined["version"]) == (draft["draft_id"], 2)
    size = lambda d: len(d["title"]) + sum(map(len, d["bullets"])) + len(d["description"])  # noqa: E731
    assert size(refined) < size(draft)

    approved = _json(runner.invoke(app, ["approve", draft["draft_id"], "--version", "1", "--json"]))
    assert approved == {"draft_id": draft["draft_id"], "version": 1, "approved": True}


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


def test_eval_command_writes_reports(home: Path, tmp_path: Path, shared_data: Path) -> None:
    files = write_subset(shared_data, tmp_path / "eval-data")
    out = tmp_path / "eval-out"
    result = CliRunner().invoke(app, ["eval", "--products", str(files[0]), "--limit", "1", "--out", str(out),
                                      "--no-raw"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    assert data["products_evaluated"] == 1 and "raw" not in data["overall"]
    assert (out / "eval.md").is_file()
