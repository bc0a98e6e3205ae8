"""Value normalisation: catalog values as copy says them ("1.2 Kg" -> "1.2 kg", "36 months - 10 years" ->
ages 3 to 10, "Memory Stick (MS),MMC,SD" -> a list). Pure functions; the families decide what to say."""

from __future__ import annotations

import re
from dataclasses import dataclass

import inflect

from retrieval.knowledge import with_unit

ENGINE = inflect.engine()
YES = {"yes", "y", "true"}
NO = {"no", "n", "false", "none", "not included", "not required", "not supported", "not available"}
_AGE = re.compile(r"(?P<a>\d+(?:\.\d+)?)\s*(?P<au>years?|months?|yrs?)?\s*(?:-|to|–)\s*(?P<b>\d+(?:\.\d+)?)\s*"
                  r"(?P<bu>years?|months?|yrs?)|(?P<m>\d+(?:\.\d+)?)\s*(?P<mu>years?|months?|yrs?)?\s*(?:and up|\+|and over|or over|plus)?",
                  re.IGNORECASE)
_UNIT_CASE = {"kg": "kg", "g": "g", "cm": "cm", "mm": "mm", "m": "m", "kilograms": "kg", "grams": "g",
              "centimeters": "cm", "centimetres": "cm", "millimeters": "mm", "millimetres": "mm"}
_MEASURE = re.compile(r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<u>[A-Za-z]+)$")


def yes(value: str) -> bool:
    return value.strip().lower() in YES


def no(value: str) -> bool:
    return value.strip().lower() in NO


@dataclass(frozen=True)
class Age:
    low: str
    high: str | None
    unit: str  # "years" or "months" (of `low`)
    high_unit: str = "years"

    def phrase(self) -> str:
        """"ages 3 and up", "ages 3 to 10", "ages 18 months to 5 years"."""
        low = self.low if self.unit == "years" else f"{self.low} months"
        if self.high is None:
            return f"ages {low} and up"
        if self.high == self.low and self.high_unit == self.unit:
            return f"children aged {low}"
        high = self.high if self.high_unit == "years" and self.unit == "years" else f"{self.high} {self.high_unit}"
        return f"ages {low} to {high}"


def age(value: str) -> Age | None:
    """A recommended age as the catalog writes it; 36 months becomes 3 years, a reversed range is put right."""
    text = value.strip()
    match = _AGE.search(text)
    if not match:
        return None
    if match.group("a"):
        a, au = _years(match.group("a"), match.group("au") or match.group("bu"))
        b, bu = _years(match.group("b"), match.group("bu"))
        if au == bu and float(a) > float(b):
            a, b = b, a
        if (a, au) == (b, bu):  # "3 - 3 years": Amazon's form for 3+, not "children aged 3" only
            return Age(a, None, au)
        return Age(a, b, au, bu)
    low, unit = _years(match.group("m"), match.group("mu") or "years")
    return Age(low, None, unit)


def _years(number: str, unit: str | None) -> tuple[str, str]:
    unit = (unit or "years").lower()
    if unit.startswith("month"):
        months = float(number)
        if months >= 24 and months % 12 == 0:
            return _plain(months / 12), "years"
        return _plain(months), "months"
    return _plain(float(number)), "years"


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def measure(name: str, value: str) -> str | None:
    """A number with its unit as copy writes it ("1.2 Kg" -> "1.2 kg", Icecat "2.13" -> "2.13 GHz", "23000"
    pages -> "23,000 pages"); None when the number has no known unit (it is then never said)."""
    shown = with_unit(name, value)
    if shown is None:
        return None
    match = _MEASURE.match(shown.strip())
    if match and match.group("u").lower() in _UNIT_CASE:
        unit = _UNIT_CASE[match.group("u").lower()]
        number = float(match.group("n"))
        if unit == "g" and number >= 1000:  # 3460 g reads as 3.46 kg
            return f"{_plain(round(number / 1000, 2))} kg"
        return f"{grouped(match.group('n'))} {unit}"
    small = re.fullmatch(r"0\.(\d+) GB", shown.strip())  # 0.512 GB is 512 MB
    if small:
        return f"{int(small.group(1).ljust(3, '0')[:3])} MB"
    memory = re.fullmatch(r"(\d+) MB", shown.strip())
    if memory and int(memory.group(1)) >= 1024 and int(memory.group(1)) % 1024 == 0:  # 16384 MB is 16 GB
        return f"{int(memory.group(1)) // 1024} GB"
    return grouped(shown.strip())


def grouped(text: str) -> str:
    """Thousands separated as English copy writes them: "23000 pages" -> "23,000 pages" (the verifier reads
    "23,000" as 23000). Numbers glued to letters or inside codes ("R1179", "dv7-1211ea") are left alone."""
    def group(match: re.Match[str]) -> str:
        before = text[: match.start()].split()[-1:] or [""]
        if re.search(r"[A-Z]{2}|/", before[0]):  # "ISO/IEC 24711" is a name, not a quantity
            return match.group(1)
        return f"{int(match.group(1)):,}"

    return re.sub(r"(?<![\w.,/-])(\d{4,})(?![\w.,/-]|\.\d)", group, text)


def dimensions(value: str) -> str:
    """"40 x 29.8 x 8 cm" as written, with the unit's case tidied."""
    text = " ".join(value.split())
    text = re.sub(r"\s*[x×X]\s*", " x ", text)
    return re.sub(r"\b(Kg|CM|Cm|MM|Mm)\b", lambda m: m.group(1).lower(), text)


def items(value: str) -> list[str]:
    """A list value split into its items: "Memory Stick (MS),MMC,SD" or "Windows 7; Windows 8"."""
    parts = re.split(r"\s*(?:,|;|\n|\s/\s)\s*(?![^()]*\))", value)
    return [p.strip() for p in parts if p.strip()]


def join(parts: list[str], conjunction: str = "and") -> str:
    """"a, b and c", without the Oxford comma. Hand-written: inflect's join switches to semicolons when a part
    holds a comma, and "2,400 labels" does."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


def article(phrase: str) -> str:
    """"a 4.6 m cable", "an electric train set" (inflect reads digits as spoken: "an 8 GB card")."""
    return ENGINE.a(phrase)


def lower_value(value: str) -> str:
    """Lowercase a plain word value ("Plastic" -> "plastic") but keep names and codes ("USB", "PVC", "Wi-Fi")."""
    return " ".join(w if (sum(c.isupper() for c in w) > 1 or any(c.isdigit() for c in w)) else w.lower()
                    for w in value.split())
