"""What every product reader shares: row errors, file sniffing, text clean-up, number formatting."""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from copydesk.errors import InputError
from copydesk.text import without_controls

# Some real rows hold long text blobs (Amazon reviews run to tens of kB); the csv default limit is 128 kB.
csv.field_size_limit(64 * 1024 * 1024)


@dataclass(frozen=True)
class RowError:
    """A row that could not become a Product; the rest of the file still goes in."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


# A byte that is not UTF-8 this early means the file was saved in another encoding: it is refused whole.
# Further on, one stray byte spoils only its own row.
SNIFF_BYTES = 8192


def sniff_text(path: Path) -> str:
    """The first few kB of a file as text; InputError for a missing, empty or binary file."""
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file.", hint="Check the path.")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise InputError(f"{path} is empty.", hint="Give a CSV, JSON or JSONL file with one product per row.")
    if b"\x00" in head:
        raise InputError(
            f"{path} looks like a binary file, not CSV, JSON or JSONL.",
            hint="Export the catalog as CSV (UTF-8) or JSON lines.",
        )
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the 8 kB boundary is fine; anything earlier is not UTF-8.
        if len(head) < SNIFF_BYTES or error.start < len(head) - 4:
            raise InputError(
                f"{path} is not UTF-8 text (byte {error.start}).",
                hint="Save the file as UTF-8 CSV/JSON.",
            ) from error
        return head[: error.start].decode("utf-8-sig")


def csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str] | str]]]:
    """Header and (line, row) pairs of a CSV file; a row that cannot be read comes as (line, reason).

    Lines are physical lines of the file, counted as they are read (a quoted cell may span several).
    A byte that is not UTF-8 spoils only its own row. A quote that opens and does not close where it
    should would swallow the lines after it: that row is reported and those lines are read again as rows.
    """
    # surrogateescape: a bad byte becomes a marker in its own row instead of an error raised for the
    # whole decoded block (that lost 161 good rows and blamed line 241 for a byte on line 402).
    handle = path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
    lines = _Lines(handle)
    reader = csv.reader(lines, strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        handle.close()
        raise InputError(f"{path}: the CSV header cannot be read ({error}).", hint="Check the file is UTF-8 CSV.") from error
    if not header or all(not name for name in header) or not_text("".join(header)):
        handle.close()
        raise InputError(f"{path} has no UTF-8 CSV header row.", hint="The first row must name the columns.")

    def rows() -> Iterator[tuple[int, dict[str, str] | str]]:
        with handle:
            while True:
                lines.taken = []
                start = lines.number + 1
                try:
                    fields: list[str] | None = next(reader)
                    problem = ""
                except StopIteration:
                    return
                except csv.Error as error:
                    fields, problem = None, f"malformed CSV ({error})"
                if fields is not None and len(fields) != len(header) and fields != [""] * len(fields):
                    problem = f"{len(fields)} fields where the header has {len(header)}"
                if len(lines.taken) > 1 and _swallowed(lines.taken, len(header), bool(problem)):
                    yield start, _read_again(lines, start, problem or "the lines after it look like rows")
                elif problem:
                    where = f" (lines {start}-{lines.number})" if len(lines.taken) > 1 else ""
                    yield start, problem + where
                elif fields and any(fields):
                    yield _utf8_row(dict(zip(header, fields)), lines.taken, start)

    return header, rows()


class _Lines:
    """A text file's physical lines, numbered, with a way to hand some out again (after a broken quote)."""

    def __init__(self, handle: TextIO) -> None:
        self.handle = handle
        self.number = 0  # of the last line handed out
        self.taken: list[str] = []  # the lines handed out since the caller last emptied it
        self.pending: list[str] = []  # lines to hand out again, the next one last

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self.pending.pop() if self.pending else next(self.handle)
        self.number += 1
        self.taken.append(line)
        return line


def _fields_alone(line: str) -> list[str]:
    """The fields a line holds on its own, quotes read as plain characters."""
    try:
        return next(csv.reader([line], quoting=csv.QUOTE_NONE), [])
    except csv.Error:
        return []


def _swallowed(taken: list[str], width: int, failed: bool) -> bool:
    """True when a record over several lines is a broken quote rather than a cell with line breaks.

    A broken quote starts on a line that is a whole row by itself; when the record then failed, that is
    enough. When it parsed (the quote closed further down), the quote must open before the line's last
    cell, and every line taken must be a whole row. A real cell with line breaks in a middle column whose
    every line holds exactly the right number of commas cannot be told apart, and is taken for one.
    """
    first = _fields_alone(taken[0])
    if len(first) != width:
        return False
    if failed:
        return True
    return not first[-1].startswith('"') and all(len(_fields_alone(line)) == width for line in taken[1:])


def _read_again(lines: _Lines, start: int, problem: str) -> str:
    again = lines.taken[1:]
    lines.pending.extend(reversed(again))
    lines.number = start
    return (f"broken quoting: a quoted field opens on this line and runs over the next {len(again)} line(s) "
            f"({problem}); this row is skipped and those lines are read as rows of their own")


def _utf8_row(row: dict[str, str], taken: list[str], start: int) -> tuple[int, dict[str, str] | str]:
    for column, value in row.items():
        reason = not_text(value)
        if reason:
            line = start + next(i for i, text in enumerate(taken) if not_text(text))
            return line, f"{reason} in column {column!r}"
    return start, row


# Bytes that are not UTF-8 (kept by errors="surrogateescape" as U+DC80-U+DCFF), and unpaired surrogates
# from JSON escapes ("\\ud800"): neither is text, and either one fails later when the product is stored.
_SURROGATE = re.compile("[\ud800-\udfff]")


def not_text(text: str) -> str | None:
    """Why `text` cannot be stored as text (a byte that is not UTF-8, an unpaired surrogate), or None."""
    found = _SURROGATE.search(text)
    if not found:
        return None
    code = ord(found.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"not UTF-8 text (byte 0x{code - 0xDC00:02X}; save the file as UTF-8)"
    return f"holds an unpaired surrogate (\\u{code:04x}), which is not text"


def record_problem(record: Any) -> str | None:
    """not_text for a parsed JSON record (its strings, keys included)."""
    return not_text(json.dumps(record, ensure_ascii=False))


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line, record) for each line of a JSON-lines file; (line, reason) for one that is not a JSON object."""
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            reason = not_text(line)
            if reason:
                yield number, reason
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                yield number, f"not valid JSON ({getattr(error, 'msg', error)})"
                continue
            except RecursionError:
                yield number, "JSON nested too deeply"
                continue
            if not isinstance(record, dict):
                yield number, "not a JSON object"
                continue
            reason = record_problem(record) if "\\u" in line else None  # only escapes can make a surrogate
            yield (number, reason) if reason else (number, record)


# [^<>], not [^>]: a tag cannot hold "<", and stopping there keeps text full of "<" linear to scan.
_TAG = re.compile(r"<[^<>]+>")
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|ul|ol|h[1-6]|tr|table)\b[^<>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")


def strip_html(text: str) -> str:
    """Plain text from an HTML fragment (Shopify bodies): block tags become line breaks."""
    text = _BLOCK_TAG.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    return clean_text(text)


def clean_text(text: str | None) -> str:
    """Collapse runs of spaces (including no-break spaces) and blank lines; drop control characters; strip."""
    if text is None:
        return ""
    text = without_controls(str(text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    return "\n".join(line for line in lines if line)


def format_number(value: float | int) -> str:
    """17.0 -> "17", 2.13 -> "2.13": integers shown without a decimal point."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}"


def humanise_key(key: str) -> str:
    """`number_of_contents` -> "Number of contents"."""
    words = re.sub(r"[_\s]+", " ", key).strip()
    return words[:1].upper() + words[1:] if words else key
