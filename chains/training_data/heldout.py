"""The held-out rows of a source file, written in that file's own format.

`copydesk eval --products FILE` reads catalog files, so the test split is handed to it as
a copy of each source file holding only the test-split rows (same header, same columns):
the eval then reads exactly what training never saw, through the same reader.
"""

from __future__ import annotations

import csv
from pathlib import Path

from retrieval.readers import detect_format
from retrieval.readers.base import csv_rows


def write_rows(source: Path, rows: set[int], out: Path) -> int:
    """Copy the records of `source` that start on the given 1-based lines into `out`; returns how many."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if detect_format(source) in ("icecat", "json"):
        return _write_lines(source, rows, out)
    header, records = csv_rows(source)
    written = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for line, record in records:
            if line in rows and isinstance(record, dict):
                writer.writerow(record)
                written += 1
    return written


def _write_lines(source: Path, rows: set[int], out: Path) -> int:
    with source.open(encoding="utf-8") as src:
        lines = [line if line.endswith("\n") else line + "\n" for number, line in enumerate(src, start=1) if number in rows]
    # The reader picks a JSON file's format from its first record (an Icecat record without any spec
    # reads as generic JSON), so the first line written is one that is recognised as the source's format.
    wanted = detect_format(source)
    probe = out.with_name(out.name + ".probe")
    for index, line in enumerate(lines):
        probe.write_text(line, encoding="utf-8")
        if detect_format(probe) == wanted:
            lines.insert(0, lines.pop(index))
            break
    probe.unlink(missing_ok=True)
    out.write_text("".join(lines), encoding="utf-8")
    return len(lines)
