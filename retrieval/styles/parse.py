"""Reading one style-guide file: front matter, MDX clean-up, chunks by heading.

The heading scan is a short line loop rather than a Markdown parser: all it needs is ATX headings
outside code fences, and it must keep the original line numbers for citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from copydesk.domain import BrandRules
from copydesk.errors import InputError

SUFFIXES = (".md", ".mdx", ".markdown", ".txt")
MAX_CHUNK_CHARS = 1500
# The largest real guide in the shared data has 17 kB. A 5 MB file took 290 s to embed on a CPU; 512 kB
# is about 350 chunks, half a minute.
MAX_GUIDE_BYTES = 512 * 1024
RULE_KEYS = set(BrandRules.model_fields)

# The closing #s are stripped in Python: "(.*?)\s*#*\s*$" backtracks cubically on a long line of spaces
# (12 s for a 2,000-space heading line).
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_JSX_TAG = re.compile(r"</?[A-Za-z][\w.]*(?:\s[^<>]*?)?/?>", re.DOTALL)
_JSX_EXPR = re.compile(r"\{[^{}\n]*\}")
_FENCED_BLOCK = re.compile(r"(^[ \t]*(?:```|~~~).*?^[ \t]*(?:```|~~~)[^\n]*$)", re.MULTILINE | re.DOTALL)


# libyaml when present: a hundred times faster, and it stops deep nesting at once ("[[[[..." of 5 kB took
# the pure-Python loader 2 s).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_front_matter(text: str) -> Any:
    """yaml.safe_load without aliases: rules never need `*name`, and nested aliases expand exponentially
    (a 383-byte front matter became 3.2 GB when its title was turned into text)."""
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in front matter",
                                              event.start_mark)
    return yaml.load(text, Loader=_LOADER)


def parse_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line ("## Tone ##" -> (2, "Tone")), else None."""
    match = _HEADING.match(line)
    if not match:
        return None
    text = match.group(2).strip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1].isspace()):  # a closing sequence, not "C#"
        text = closed.strip()
    return len(match.group(1)), text


@dataclass
class ParsedGuide:
    title: str
    rules: dict[str, Any]
    sections: list[tuple[str, str, int]] = field(default_factory=list)  # (heading, text, line)
    notes: list[str] = field(default_factory=list)


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, number of lines the front matter took)."""
    if not text.startswith("---"):
        return {}, text, 0
    lines = text.split("\n")
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            try:
                data = load_front_matter("\n".join(lines[1:end])) or {}
            except yaml.YAMLError as error:
                raise InputError(f"The YAML front matter is not valid YAML: {error}") from error
            except RecursionError as error:
                raise InputError("The YAML front matter is nested too deeply.") from error
            if not isinstance(data, dict):
                raise InputError("The front matter must be a YAML mapping (key: value lines).")
            return data, "\n".join(lines[end + 1 :]), end + 1
    return {}, text, 0


def strip_mdx(body: str) -> str:
    """Drop import/export statements (with their multi-line bodies), JSX tags and {expressions}; keep text.

    Line count is preserved (removed lines become blank) so chunk line numbers stay true.
    """
    out: list[str] = []
    depth = 0
    skipping = False
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence:
            out.append(line)
            continue
        if not skipping and re.match(r"^(import|export)\s", line):
            skipping, depth = True, 0
        if skipping:
            depth += line.count("{") + line.count("(") - line.count("}") - line.count(")")
            if depth <= 0 and (line.rstrip().endswith((";", "}", ")")) or re.match(r"^(import|export)\s.*\S$", line)):
                skipping = False
            out.append("")
            continue
        out.append(line)
    # Odd pieces are fenced code blocks: left as they are.
    pieces = _FENCED_BLOCK.split("\n".join(out))
    for i in range(0, len(pieces), 2):
        # Drop tags but keep the newlines inside multi-line tags, so line numbers survive.
        text = _JSX_TAG.sub(lambda m: "\n" * m.group(0).count("\n"), pieces[i])
        pieces[i] = _JSX_EXPR.sub("", text)
    return "".join(pieces)


def _split_long(text: str) -> list[str]:
    if len(text) <= MAX_CHUNK_CHARS:
        return [text]
    pieces: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text):
        if current and len(current) + len(paragraph) > MAX_CHUNK_CHARS:
            pieces.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}".strip() if current else paragraph
        if len(current) > MAX_CHUNK_CHARS:
            # Cut by index: slicing the rest off again and again copies a long paragraph quadratically.
            keep = len(current) % MAX_CHUNK_CHARS or MAX_CHUNK_CHARS
            pieces.extend(current[i:i + MAX_CHUNK_CHARS] for i in range(0, len(current) - keep, MAX_CHUNK_CHARS))
            current = current[len(current) - keep:]
    if current.strip():
        pieces.append(current)
    return pieces


def chunk_by_heading(body: str, title: str, first_line: int) -> list[tuple[str, str, int]]:
    """(heading path, text, 1-based line) for each non-empty section; text before any heading is `title`."""
    sections: list[tuple[str, list[str], int]] = [(title, [], first_line)]
    trail: list[tuple[int, str]] = []
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            in_fence = not in_fence
        found = None if in_fence else parse_heading(line)
        if found:
            level = found[0]
            trail = [(lvl, h) for lvl, h in trail if lvl < level] + [found]
            path = " > ".join(h for _, h in trail)
            if trail[0][1] != title and title:
                path = f"{title} > {path}"
            sections.append((path, [], first_line + offset))
        else:
            sections[-1][1].append(line)
    chunks: list[tuple[str, str, int]] = []
    for heading, lines, line_no in sections:
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        if not re.search(r"\w", text):
            continue
        for piece in _split_long(text):
            chunks.append((heading, piece, line_no))
    return chunks


def parse_guide(path: Path) -> ParsedGuide:
    """Read one guide file; InputError (naming the file) for unreadable text, bad rules or a file too large."""
    size = path.stat().st_size
    if size > MAX_GUIDE_BYTES:
        raise InputError(
            f"{path} is {size / 1024:,.0f} kB; a style guide may be at most {MAX_GUIDE_BYTES // 1024} kB.",
            hint="Keep the brand's writing rules in the guide, or split a long guide into one file per topic.",
        )
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text.", hint="Save style guides as UTF-8 Markdown or text.") from error
    try:
        front, body, used_lines = split_front_matter(text)
    except InputError as error:
        raise InputError(f"{path}: {error.message}") from error
    rules = {k: v for k, v in front.items() if k in RULE_KEYS}
    notes: list[str] = []
    if rules:
        unknown = sorted(set(front) - RULE_KEYS - {"title", "brand", "description"})
        if unknown:
            notes.append(f"{path}: front matter keys not used as rules: {', '.join(unknown)}")
        try:
            BrandRules.model_validate(rules)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise InputError(f"{path}: invalid brand rules in the front matter ({problems}).") from error
    if path.suffix.lower() == ".mdx":
        body = strip_mdx(body)
    title = front.get("title") or ""
    if not isinstance(title, str):
        raise InputError(f"{path}: the front matter's title must be text, not {type(title).__name__}.")
    title = title.strip()
    if not title:
        first_heading = next((found[1] for found in map(parse_heading, body.split("\n")) if found), None)
        title = first_heading or path.stem.replace("-", " ").replace("_", " ").capitalize()
    return ParsedGuide(title=title, rules=rules, sections=chunk_by_heading(body, title, used_lines + 1), notes=notes)


def guide_files(path: Path) -> list[Path]:
    """A file, or every .md/.mdx/.txt file under a folder (licence and source notes skipped), sorted."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"{path} does not exist.", hint="Give a style-guide file or a folder of them.")
    files = [
        p for p in sorted(path.rglob("*"))
        if p.is_file() and p.suffix.lower() in SUFFIXES
        and not p.stem.upper().startswith(("LICENSE", "LICENCE", "COPYING", "SOURCE"))
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    ]
    if not files:
        raise InputError(f"{path} holds no .md, .mdx or .txt files.", hint="Give a folder of Markdown style guides.")
    return files
