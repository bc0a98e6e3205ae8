"""Style guides from a clumsy or hostile author: alias bombs, huge files, cubic heading lines."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from copydesk.errors import InputError
from retrieval.styles.parse import MAX_GUIDE_BYTES, _split_long, chunk_by_heading, parse_guide, parse_heading


def _alias_bomb(levels: int, key: str) -> str:
    lines = ["---", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines + [f"{key}: *a{levels - 1}", "---", "# Guide", "Be brief."])


def test_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    # 9 levels of 9: 387 million strings once the title is turned into text (3.2 GB in the probe).
    path = tmp_path / "bomb.md"
    path.write_text(_alias_bomb(9, "title"), encoding="utf-8")
    assert path.stat().st_size < 500
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"bomb\.md.*aliases \(\*name\) are not allowed"):
        parse_guide(path)
    assert time.perf_counter() - started < 1


def test_a_title_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text("---\ntitle: [1, 2]\n---\n# Guide\nBe brief.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"guide\.md: the front matter's title must be text"):
        parse_guide(path)


def test_a_guide_over_the_size_cap_names_the_file_and_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "novel.md"
    path.write_text("# Novel\n" + "All work and no play. " * (MAX_GUIDE_BYTES // 20), encoding="utf-8")
    with pytest.raises(InputError, match=r"novel\.md is [\d,]+ kB; a style guide may be at most 512 kB"):
        parse_guide(path)


def test_a_long_heading_line_is_read_in_linear_time() -> None:
    # The old heading pattern took 12 s on this 2,000-space line (cubic backtracking).
    started = time.perf_counter()
    assert parse_heading("# a" + " " * 40_000 + "b") == (1, "a" + " " * 40_000 + "b")
    chunk_by_heading(("## Tone" + " " * 5_000 + "x\ntext\n") * 10, "Guide", 1)
    assert time.perf_counter() - started < 3.0


def test_closing_hashes_are_dropped_but_a_hash_in_a_word_is_kept() -> None:
    assert parse_heading("## Tone ##") == (2, "Tone")
    assert parse_heading("# C#") == (1, "C#")
    assert parse_heading("### ###") == (3, "")
    assert parse_heading("#nospace") is None and parse_heading("####### seven") is None


def test_one_long_paragraph_is_cut_in_linear_time() -> None:
    text = "x" * 5_000_000  # the 5 MB guide of the probe, as one paragraph
    started = time.perf_counter()
    pieces = _split_long(text)
    assert "".join(pieces) == text and max(map(len, pieces)) == 1500
    assert time.perf_counter() - started < 3.0
