"""`copydesk bulk` through the Typer app on a small real catalog: a file of SKUs with bad rows, a rerun that
resumes instead of redrafting, a category into an Amazon flat file, and usage errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.bot.test_cli_drafting import home  # noqa: F401 - the fixture: COPYDESK_* pointing at the catalog
from tests.chains.drafting.fixtures import shared_env


def _summary(result) -> dict:  # noqa: ANN001
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_file_of_skus_then_a_rerun_that_redoes_nothing(home: Path, tmp_path: Path, shared_data: Path,  # noqa: F811
                                                        tiny_lm_dir: Path) -> None:
    _, catalog = shared_env(shared_data, tiny_lm_dir)
    skus = sorted(catalog.products.get(include=[])["ids"])
    listing = tmp_path / "skus.csv"
    listing.write_text("sku,note\n" + "".join(f"{s},x\n" for s in skus[:5]) + "NOPE-9,bad\n", encoding="utf-8")
    out = tmp_path / "drafts.csv"
    args = ["bulk", "--file", str(listing), "--out", str(out), "--channel", "amazon", "--workers", "1", "--json"]
    first = _summary(CliRunner().invoke(app, args))
    assert (first["products"], first["drafted"], first["failed"], first["resumed"]) == (6, 5, 1, 0)
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["reference"] for r in rows] == [*skus[:5], "NOPE-9"]
    assert rows[-1]["status"] == "failed" and "NOPE-9" in rows[-1]["issues"]

    again = _summary(CliRunner().invoke(app, args))
    assert again["job_id"] == first["job_id"] and again["drafted_now"] == 0 and again["resumed"] == 6
    assert list(csv.DictReader(out.open(encoding="utf-8", newline=""))) == rows  # the same drafts, not new ones

    shown = CliRunner().invoke(app, args[:-1])  # without --json: a summary line and the bad row's reason
    assert shown.exit_code == 0 and "5 of 6 products drafted" in shown.stdout and "NOPE-9" in shown.output


def test_a_category_into_an_amazon_flat_file(home: Path, tmp_path: Path, shared_data: Path,  # noqa: F811
                                             tiny_lm_dir: Path) -> None:
    _, catalog = shared_env(shared_data, tiny_lm_dir)
    toy = next(p for p in catalog.get_many(catalog.products.get(include=[])["ids"]).values() if p.category)
    part = toy.category.split(">")[0].strip()
    out = tmp_path / "amazon.csv"
    summary = _summary(CliRunner().invoke(app, ["bulk", "--category", part, "--out", str(out), "--json"]))
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert summary["drafted"] == len(rows) >= 1 and toy.sku in [r["item_sku"] for r in rows]
    assert all(r["item_name"] and r["bullet_point1"] for r in rows)


def test_usage_errors_say_what_to_do(home: Path, tmp_path: Path) -> None:  # noqa: F811
    from bot.cli import main
    import sys

    for argv in (["bulk", "--category", "Toys", "--query", "wooden", "--out", str(tmp_path / "x.csv")],
                 ["bulk", "--query", "wooden", "--out", str(tmp_path / "x.xlsx")],
                 ["bulk", "--query", "wooden", "--brand", "nobody", "--out", str(tmp_path / "x.csv")]):
        old = sys.argv
        sys.argv = ["copydesk", *argv]
        try:
            try:
                main()
                code = 0
            except SystemExit as exit_:
                code = exit_.code
        finally:
            sys.argv = old
        assert code == 1, argv
