"""`copydesk check` through the Typer app on a small real catalog: sentence verdicts as text and JSON, a JSON draft
file, and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.chains.drafting.fixtures import XEROX_SKU, shared_env

GOOD = "Original Xerox toner in black, 6 per pack. Yields 23000 pages. A reliable choice for any office."
BAD = "Yields 30000 pages in vivid cyan."


@pytest.fixture
def home(shared_data: Path, tiny_lm_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings, _ = shared_env(shared_data, tiny_lm_dir)
    for name in ("home", "llm"):
        monkeypatch.setenv(f"COPYDESK_{name.upper()}", str(getattr(settings, name)))
    return settings.home


def test_json_lists_every_sentence_with_its_verdict_and_claims(home: Path) -> None:
    result = CliRunner().invoke(app, ["check", XEROX_SKU, "--text", f"{GOOD} {BAD}", "--json"])
    assert result.exit_code == 1, result.output  # an unsupported claim: exit 1, for scripts
    data = json.loads(result.stdout)
    assert data["sku"] == XEROX_SKU and data["verifier_version"]
    verdicts = [(s["sentence"], s["supported"]) for s in data["sentences"]]
    assert verdicts == [("Original Xerox toner in black, 6 per pack.", True), ("Yields 23000 pages.", True),
                        ("A reliable choice for any office.", True), (BAD, False)]
    bad = data["sentences"][-1]["claims"]
    assert {(c["text"], c["supported"]) for c in bad} >= {("30000", False), ("cyan", False)}
    assert all(c["reason"] for c in bad if not c["supported"])
    yields = [c for c in data["sentences"][1]["claims"] if c["text"] == "23000"]
    assert yields[0]["facts"] == [{"id": "F9", "fact": "Black toner page yield: 23000 pages"}]


def test_text_output_and_a_json_draft_file(home: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", XEROX_SKU, "--text", GOOD])
    assert result.exit_code == 0, result.output
    assert "0 of 3 sentences have unsupported claims" in result.stdout
    assert "F9 Black toner page yield: 23000" in result.stdout
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps({"title": "Xerox 006R90321 Black Toner", "bullets": [BAD], "description": GOOD}))
    result = CliRunner().invoke(app, ["check", XEROX_SKU, "--file", str(draft)])
    assert result.exit_code == 1
    assert f"✗ [bullet] {BAD}" in result.stdout and "✓ [title] Xerox 006R90321 Black Toner" in result.stdout


@pytest.mark.parametrize("args, message", [
    ([], "either --text"),
    (["--text", "x", "--file", "y.txt"], "either --text"),
    (["--file", "missing.txt"], "No such file"),
    (["--text", "   "], "no copy to check"),
])
def test_bad_input_fails_with_a_clear_message(home: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["check", XEROX_SKU, *args])
    assert result.exit_code != 0
    assert message in result.output + str(result.exception)  # main() prints a CopydeskError as "error: ..."


def test_an_unknown_product_is_an_error(home: Path) -> None:
    result = CliRunner().invoke(app, ["check", "NO-SUCH-SKU-424242", "--text", GOOD])
    assert result.exit_code != 0
