from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.errors import NotFoundError
from copydesk.paths import EXAMPLES_DIR
from retrieval.catalog import Catalog


def test_example_guides_rules_and_chunks(real_catalog: Catalog) -> None:
    assert {"northwind", "pebble"} <= set(real_catalog.brands())
    guide = real_catalog.style_guide("Northwind")  # brand names are case-insensitive
    assert guide.rules.title_max_length == 80 and guide.rules.bullet_count == 4
    assert "revolutionary" in guide.rules.banned_words
    assert guide.rules.visual.palette and guide.rules.visual.negative_prompt
    assert guide.chunks and all(c.source.file.endswith("guide.md") and c.source.row for c in guide.chunks)
    pebble = real_catalog.style_guide("pebble")
    assert pebble.rules.emoji == "allow" and pebble.rules.capitalisation == "title"
    chunks = real_catalog.style_chunks("pebble", "what age is this toy for", limit=2)
    assert chunks and chunks[0].brand == "pebble" and chunks[0].source_id.startswith("style:pebble:")
    assert any("Suitable for" in c.text for c in chunks)


def test_unknown_brand_names_the_known_ones(real_catalog: Catalog) -> None:
    with pytest.raises(NotFoundError, match="northwind"):
        real_catalog.style_guide("nobody")


def test_real_guide_and_text_guide_ingest(fake_catalog: Catalog, shared_data: Path) -> None:
    report = fake_catalog.ingest_styles(shared_data / "style-guides" / "zendesk-garden", "garden")
    assert report.added > 10 and not report.errors
    guide = fake_catalog.style_guide("garden")
    assert guide.rules.banned_words == [] and len(guide.chunks) == report.added
    assert not any("LICENSE" in c.source.file for c in guide.chunks)
    acme = fake_catalog.ingest_styles(EXAMPLES_DIR / "brands" / "acme", "acme")
    assert any(f.endswith("house-style.txt") for f in acme.files)
    assert fake_catalog.style_guide("acme").rules.title_max_length == 90


def test_reingest_skips_unchanged_and_removes_stale_chunks(fake_catalog: Catalog, tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text("---\nbullet_count: 3\n---\n# Shop\n## Titles\nShort.\n## Bullets\nThree.\n", encoding="utf-8")
    first = fake_catalog.ingest_styles(guide, "shop")
    assert first.added == 2
    assert fake_catalog.ingest_styles(guide, "shop").unchanged == 2
    guide.write_text("# Shop\n## Titles\nShorter.\n", encoding="utf-8")
    changed = fake_catalog.ingest_styles(guide, "shop")
    assert (changed.updated, changed.removed) == (1, 1)
    assert fake_catalog.style_guide("shop").rules.bullet_count == 3  # no front matter now: earlier rules kept
    assert [c.text for c in fake_catalog.style_guide("shop").chunks] == ["Shorter."]
