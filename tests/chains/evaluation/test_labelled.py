"""The labelled-set measurement (chains/evaluation/labelled.py): rows load with their own facts, the split keeps a
product (and its planted errors) on one side, and the figures count what the verifier did."""

from __future__ import annotations

from chains.evaluation.labelled import RowResult, by_claim_type, headline, judge, load_rows


def test_rows_carry_their_facts_and_the_split_is_by_product() -> None:
    rows = load_rows()
    assert len(rows) >= 387 + 64
    assert all(r.facts and r.facts[0].id == "F1" for r in rows)
    by_id = {r.id: r for r in rows}
    planted = [r for r in rows if r.source == "planted"]
    assert planted and all(r.label == "unsupported" for r in planted)
    sides = {r.product.sku: r.held_out for r in rows}
    assert all(sides[r.product.sku] == r.held_out for r in rows)
    assert 0.15 < sum(r.held_out for r in rows) / len(rows) < 0.6
    assert by_id["amz-0002"].label == "praise_only"


def test_figures_count_the_verdicts() -> None:
    rows = [r for r in load_rows() if r.id in {"amz-0001", "amz-0002", "pl-0001"}]
    results = [RowResult(r, accepted=(r.id == "amz-0002"), dropped=[]) for r in rows]
    figures = headline(results)
    assert figures["acceptance_supported_and_praise"] == 1.0
    assert figures["recall_unsupported_and_planted"] == 1.0
    flipped = [RowResult(r.row, accepted=not r.accepted, dropped=[]) for r in results]
    assert headline(flipped)["acceptance_supported_and_praise"] == 0.0
    assert headline(flipped)["recall_planted"] == 0.0
    assert by_claim_type(flipped)["number_unit"]["unsupported_missed"] == 2


def test_the_verifier_separates_a_praise_sentence_from_an_invented_height() -> None:
    rows = [r for r in load_rows() if r.id in {"amz-0001", "amz-0002"}]
    verdicts = {r.row.id: r.accepted for r in judge(rows)}
    assert verdicts == {"amz-0001": False, "amz-0002": True}


def test_the_eval_report_leads_with_the_verifier_version_and_its_labelled_figures() -> None:
    from chains.evaluation.labelled import verifier_figures
    from chains.evaluation.report import verifier_lines
    from chains.grounding import VERIFIER_VERSION

    figures = verifier_figures()
    assert figures["version"] == VERIFIER_VERSION and figures["all"]["sentences"] >= 451
    text = "\n".join(verifier_lines(figures))
    assert f"Verifier version {VERIFIER_VERSION}" in text
    assert f"{figures['all']['acceptance_supported_and_praise']:.1%}" in text
    assert f"{figures['held_out']['recall_unsupported_and_planted']:.1%}" in text
    assert "gate's own count" in text
