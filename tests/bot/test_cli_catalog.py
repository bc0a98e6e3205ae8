"""The catalog commands end to end: ingest, search, show, brands (JSON output), and a clear input error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from copydesk.errors import InputError
from copydesk.paths import EXAMPLES_DIR


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COPYDESK_HOME", str(tmp_path / "home"))
    return CliRunner()


def test_ingest_search_show_brands(runner: CliRunner) -> None:
    demo = EXAMPLES_DIR / "catalog" / "shopify-demo.csv"
    ingested = runner.invoke(app, ["ingest", "products", str(demo), "--json"])
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.output)["added"] == 7
    again = runner.invoke(app, ["ingest", "products", str(demo)])
    assert again.exit_code == 0 and "7 unchanged" in again.output

    found = runner.invoke(app, ["search", "wooden toy for toddlers", "--limit", "3", "--json"])
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)
    assert len(hits) == 3 and hits[0]["sku"].startswith("PB-") and "score" in hits[0]

    shown = runner.invoke(app, ["show", "NW-HUB-7", "--json"])
    assert shown.exit_code == 0
    product = json.loads(shown.output)
    assert product["title"] == "Northwind 7-Port USB-C Hub" and product["attributes"]["Weight"] == "120 g"
    # The body's HTML became text with its paragraphs, and `show` lists what ingest took out and why.
    assert product["description"].startswith("Seven ports from one USB-C cable") and "\n\nAluminium" in product["description"]
    assert [(r["kind"], r["text"]) for r in product["removed"]] == [("markup", "<p>")]
    listed = runner.invoke(app, ["show", "NW-HUB-7"]).output.split("Removed at ingest", 1)[1]
    assert "description [html] '<p>': HTML markup made plain text" in listed

    styles = runner.invoke(app, ["ingest", "styles", str(EXAMPLES_DIR / "brands" / "northwind"), "--brand", "northwind"])
    assert styles.exit_code == 0, styles.output
    brands = json.loads(runner.invoke(app, ["brands", "--json"]).output)
    assert brands[0]["brand"] == "northwind" and brands[0]["rules"]["title_max_length"] == 80


def test_unmappable_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("Ref,Label\nX1,Mug\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "products", str(odd)])
    assert isinstance(result.exception, InputError)
    assert "Ref, Label" in str(result.exception) and "--map" in str(result.exception)
    mapped = runner.invoke(app, ["ingest", "products", str(odd), "--map", "sku=Ref", "--map", "title=Label", "--json"])
    assert mapped.exit_code == 0 and json.loads(mapped.output)["added"] == 1

