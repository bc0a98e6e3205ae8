"""What every product reader shares: row errors, file sniffing, text clean-up, number formatting."""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from copydesk.errors import InputError

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


def sniff_text(path: Path) -> str:
    """The first few kB of a file as text; InputError for a missing, empty or binary file."""
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file.", hint="Check the path.")
    with path.open("rb") as handle:
        head = handle.read(8192)
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
        if error.start < len(head) - 4:
            raise InputError(
                f"{path} is not UTF-8 text (byte {error.start}).",
                hint="Save the file as UTF-8 CSV/JSON.",
            ) from error
        return head[: error.start].decode("utf-8-sig")


def csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str] | str]]]:
    """Header and (line, row) pairs of a CSV file; a row that cannot be read comes as (line, reason)."""
    handle = path.open("r", encoding="utf-8-sig", newline="")
    reader = csv.DictReader(handle, restkey=_EXTRA, strict=True)
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except (csv.Error, UnicodeDecodeError) as error:
        handle.close()
        raise InputError(f"{path}: the CSV header cannot be read ({error}).", hint="Check the file is UTF-8 CSV.") from error
    if not header or all(not name for name in header):
        handle.close()
        raise InputError(f"{path} has no CSV header row.", hint="The first row must name the columns.")
    reader.fieldnames = header

    def rows() -> Iterator[tuple[int, dict[str, str] | str]]:
        with handle:
            while True:
                line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    yield line, f"malformed CSV ({error})"
                    continue
                except UnicodeDecodeError as error:
                    yield line, f"not UTF-8 text ({error.reason}); the rest of the file cannot be read"
                    return
                if _EXTRA in row:
                    yield line, f"{len(header) + len(row[_EXTRA])} fields where the header has {len(header)}"
                elif any(value is None for value in row.values()):
                    count = sum(value is not None for value in row.values())
                    if count == 1 and not next(iter(row.values())):
                        continue  # a blank line
                    yield line, f"{count} fields where the header has {len(header)}"
                else:
                    yield line, row

    return header, rows()


_EXTRA = "\x00extra"
_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|ul|ol|h[1-6]|tr|table)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")


def strip_html(text: str) -> str:
    """Plain text from an HTML fragment (Shopify bodies): block tags become line breaks."""
    text = _BLOCK_TAG.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    return clean_text(text)


def clean_text(text: str | None) -> str:
    """Collapse runs of spaces (including no-break spaces) and blank lines; strip the ends."""
    if text is None:
        return ""
    lines = [_SPACES.sub(" ", line).strip() for line in str(text).replace("\r", "").split("\n")]
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
