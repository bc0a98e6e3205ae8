"""The sentence planner: items -> 3-5 themed bullets (what it is and who it is for first) and a description
in two or three short paragraphs, in one voice and one channel's style.

Content selection (phrases.items_for), then sentence planning (themes, order, aggregation of items with
the same verb), then surface realization (frames from the voice, articles and lists by inflect). Every
sentence is checked by the verifier as it is made; a frame the verifier rejects is replaced by another
realization, and an item that fails on its own is left out, so the realized draft is verified by construction.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from itertools import groupby

from chains.drafting.realize import values as v
from chains.drafting.realize.naming import Naming
from chains.drafting.realize.phrases import Item
from chains.drafting.realize.voice import headers, lines
from chains.grounding import GroundingVerifier

MAX_ITEMS_PER_SENTENCE = 3
BULLET_MAX_CHARS = 255
TOY_THEMES = ["identity", "contents", "play", "power", "build", "look", "performance", "connectivity",
              "compatibility", "capacity", "care", "extra"]


@dataclass
class Plan:
    bullets: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    fact_ids: set[str] = field(default_factory=set)


class Planner:
    def __init__(self, naming: Naming, items: list[Item], verifier: GroundingVerifier, voice: str,
                 rng: random.Random, *, toy: bool, channel: str) -> None:
        self.naming = naming
        self.verifier = verifier
        self.voice = voice
        self.rng = rng
        self.toy = toy
        self.channel = channel
        self.items = [i for i in items if i.kind == "label" or self._passes(f"It {i.vp}.")]
        self.audience = next((i for i in self.items if i.kind == "age"), None)
        self._headers_used: set[str] = set()

    # --- verification --------------------------------------------------------------------------------
    def _passes(self, text: str) -> bool:
        checked = self.verifier.check_text(text, "bullet")
        return not checked.dropped

    def _first_passing(self, options: list[str], **values: str) -> str:
        """The first option (in seeded order) that fills and passes the verifier; "" when none does."""
        order = options[:]
        self.rng.shuffle(order)
        for option in order:
            text = _fill(option, values)
            if text and self._passes(text):
                return text
        return ""

    # --- sentences -----------------------------------------------------------------------------------
    def subject(self, first: bool) -> str:
        if first:
            return self.naming.short
        options = [s for s in lines(self.voice, "subjects") if "{kind}" not in s or self.naming.kind]
        options = [s for s in options if s != "{short}"] or ["It"]
        return _fill(self.rng.choice(options), {"short": self.naming.short, "kind": self.naming.kind or ""})

    def sentences(self, items: list[Item], *, first_subject: bool = False) -> list[str]:
        """Items said in one or two sentences: "It weighs 1.2 kg and measures 40 x 29.8 x 8 cm.\""""
        out: list[str] = []
        natural = [i for i in items if i.kind not in {"label", "care"}]
        for start in range(0, len(natural), MAX_ITEMS_PER_SENTENCE):
            chunk = natural[start:start + MAX_ITEMS_PER_SENTENCE]
            subject = self.subject(first_subject and start == 0)
            text = f"{subject} {aggregate(chunk, self.rng.choice(lines(self.voice, 'has_verbs')))}."
            if not self._passes(text):  # a subject or an aggregate the verifier rejects: plain "It" and one by one
                text = " ".join(f"It {i.vp}." for i in chunk)
            out.append(_capitalise(text))
        for item in (i for i in items if i.kind == "care"):
            out.append(_capitalise(item.obj.rstrip(".")) + ".")
        labels = [i for i in items if i.kind == "label"]
        if labels:
            out.append(_capitalise(" and ".join(f"its {_label_name(i)} is {i.obj}" for i in labels[:2])) + ".")
        return [s for s in out if self._passes(s)]

    def identity_sentence(self) -> str:
        n = self.naming
        audience = f" for {self.audience.obj}" if self.audience else ""
        values = {"name": n.name, "brand": n.brand or "", "kind": n.kind or "", "audience": audience,
                  "a_kind": v.article(n.kind) if n.kind else ""}
        kind_in_name = bool(n.kind) and all(w in n.name.lower() for w in n.kind.split())
        key = "opener" if n.kind and not kind_in_name else "opener_plain"
        options = lines(self.voice, key)
        if n.brand and n.brand.lower() in n.name.lower():  # "Faller 140431 from Faller": say the brand once
            options = [o.replace(" from {brand}", "").replace(" by {brand}", "").replace(" ({brand})", "")
                       for o in options if "{brand} " not in o.split("{name}")[0]]
        if not n.brand:
            options = [f"{{name}} is {{a_kind}}{{audience}}." if n.kind else "{name}{audience}."]
        text = self._first_passing(options, **values)
        return text or _fill("{name}{audience}.", values)

    def flourish(self, key: str) -> str:
        return self._first_passing([o for o in lines(self.voice, key) if o])

    # --- bullets -------------------------------------------------------------------------------------
    def themes(self) -> list[tuple[str, list[Item]]]:
        """Items grouped by theme, most important theme first (by its best item); identity leads."""
        rest = [i for i in self.items if i is not self.audience]
        order = {t: n for n, t in enumerate(TOY_THEMES)} if self.toy else {}
        grouped: dict[str, list[Item]] = {}
        for item in rest:
            grouped.setdefault("extra" if item.kind == "label" else item.theme, []).append(item)
        if "extra" in grouped:  # at most one plain "name: value" bullet, of at most two facts
            labels = [i for i in grouped["extra"] if i.kind == "label"][:2]
            grouped["extra"] = [i for i in grouped["extra"] if i.kind != "label"] + labels
        themes = sorted(grouped.items(), key=lambda kv: (order.get(kv[0], 0), -max(i.weight for i in kv[1])))
        if self.toy:
            themes = sorted(themes, key=lambda kv: order.get(kv[0], 99))
        return themes

    def bullets(self, count: int) -> tuple[list[str], set[str]]:
        used: set[str] = set()
        first = self.identity_sentence()
        opener_items = [self.audience] if self.audience else []
        identity = [first]
        themes = self.themes()
        if len(themes) + 1 < 3 and not self.toy:  # few themes: the biggest one split in two
            themes = _split(themes)
        bullets = [("identity", identity, opener_items)]
        for theme, items in themes[: count - 1]:
            sentences = self.sentences(items[:MAX_ITEMS_PER_SENTENCE])
            if sentences:
                bullets.append((theme, sentences, items))
        if len(bullets) < 3:  # few facts: a bullet per remaining item, then a fact-free line in the voice
            spare = [i for _, items in themes[count - 1:] for i in items]
            for item in spare[: 3 - len(bullets)]:
                bullets.append((item.theme, self.sentences([item]), [item]))
        for key in ("toy_flourish" if self.toy else "flourish", "closer"):
            if len(bullets) < 3 and (line := self.flourish(key)):
                bullets.append(("extra", [line], []))
        out = []
        for theme, sentences, items in bullets:
            text = self.bullet(theme, sentences)
            if text:
                out.append(text)
                used |= {fid for i in items for fid in i.fact_ids}
        return out, used

    def bullet(self, theme: str, sentences: list[str]) -> str:
        """Header and sentences, the header checked as the channel shows it (upper case on Amazon)."""
        order: list[str] = []
        for options in (headers(self.voice, theme), headers("neutral", theme), headers(self.voice, "extra")):
            options = list(options)
            self.rng.shuffle(options)  # the theme's own headers first, in seeded order
            order += [o for o in options if o not in order]
        for header in [h for h in order if h not in self._headers_used] + [""]:
            text = self.style_bullet(header, sentences)
            if text and self._passes(text):
                self._headers_used.add(header)
                return text
        return ""

    def style_bullet(self, header: str, sentences: list[str]) -> str:
        sentences = [s for s in sentences if s]
        if not sentences:
            return ""
        head = header.upper() if self.channel == "amazon" else header
        joiner = " – " if self.channel == "shopify" else ": "
        text = f"{head}{joiner}{' '.join(sentences[:2])}" if head else " ".join(sentences[:2])
        while len(text) > BULLET_MAX_CHARS and len(sentences) > 1:
            sentences = sentences[:-1]
            text = f"{head}{joiner}{' '.join(sentences)}"
        if len(text) > BULLET_MAX_CHARS:
            text = text[:BULLET_MAX_CHARS].rsplit(",", 1)[0].rstrip(" ,;") + "."
        return text

    # --- description -----------------------------------------------------------------------------------
    def description(self, length: str) -> tuple[list[str], set[str]]:
        used: set[str] = {fid for fid in (self.audience.fact_ids if self.audience else [])}
        first = [self.identity_sentence()]
        flourish = self.flourish("toy_flourish" if self.toy else "flourish")
        if flourish:
            first.append(flourish)
        themes = self.themes()
        features = [(t, items) for t, items in themes if t not in {"build", "look", "contents", "care", "extra"}]
        physical = [(t, items) for t, items in themes if t in {"build", "look", "contents", "care"}]
        paragraphs = [" ".join(first)]
        limit = {"short": 1, "normal": 2, "long": 4}[length]
        second: list[str] = []
        for _, items in features[:limit]:
            chosen = items[:MAX_ITEMS_PER_SENTENCE]
            second += self.sentences(chosen)
            used |= {fid for i in chosen for fid in i.fact_ids}
        if second:
            paragraphs.append(" ".join(second))
        if length != "short":
            third: list[str] = []
            for _, items in physical[:limit]:
                chosen = [i for i in items if i.kind != "label"][:MAX_ITEMS_PER_SENTENCE]
                third += self.sentences(chosen)
                used |= {fid for i in chosen for fid in i.fact_ids}
            closer = self.flourish("closer")
            if closer and closer not in paragraphs[0]:
                third.append(closer)
            if third:
                paragraphs.append(" ".join(third))
        return paragraphs, used


def _split(themes: list[tuple[str, list[Item]]]) -> list[tuple[str, list[Item]]]:
    if not themes:
        return themes
    biggest = max(range(len(themes)), key=lambda n: len(themes[n][1]))
    theme, items = themes[biggest]
    if len(items) < 2:
        return themes
    half = (len(items) + 1) // 2
    return [*themes[:biggest], (theme, items[:half]), ("extra", items[half:]), *themes[biggest + 1:]]


def aggregate(items: list[Item], has: str = "has") -> str:
    """Verb phrases joined, items sharing a verb said once: "has 4 USB ports and Bluetooth and weighs 2 kg".
    `has`: the voice's word for the "has" items of this sentence ("features", "comes with")."""
    groups = []
    ordered = sorted(items, key=lambda i: i.verb != "has")  # the "has" items together, first
    for verb, run in groupby(ordered, key=lambda i: i.verb):
        run = list(run)
        verb = has if verb == "has" else verb
        if verb and len(run) > 1:
            groups.append(f"{verb} {v.join([i.obj for i in run])}")
        else:
            groups.extend(f"{verb} {i.obj}".strip() for i in run)
    if len(groups) <= 2:
        return " and ".join(groups)
    return ", ".join(groups[:-1]) + " and " + groups[-1]


def _label_name(item: Item) -> str:
    name = item.label.split(":", 1)[0]
    return v.lower_value(re.sub(r"\s*\([^)]*\)", "", name))


def _fill(template: str, values: dict[str, str]) -> str:
    try:
        text = template.format(**values)
    except (KeyError, IndexError):
        return ""
    return re.sub(r"\s+([,.:])", r"\1", " ".join(text.split()))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
