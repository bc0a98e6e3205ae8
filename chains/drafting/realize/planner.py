"""The sentence planner: items -> themed bullets (what it is and who it is for first) and a description in one
to three short paragraphs, in one voice and one channel's style.

Content selection (phrases.items_for), then sentence planning (themes, order, aggregation of items with the
same verb), then surface realization (frames from the voice, articles and lists). Every bullet carries at least
one fact: a thin product gets fewer bullets, never a bullet of praise. A draft carries at most one fact-free
line (praise.py), chosen for the product's class and the brand's voice. Sentence subjects vary: the same
subject never opens two sentences in a row. Every sentence is checked by the verifier as it is made; a frame
the verifier rejects is replaced by another, and an item that fails on its own is left out.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import groupby

from chains.drafting.realize import values as v
from chains.drafting.realize.naming import Naming, names_a_thing, plural_name
from chains.drafting.realize.phrases import Item
from chains.drafting.realize.praise import praise_lines, praise_share
from chains.drafting.realize.voice import headers, lines
from chains.grounding import GroundingVerifier

MAX_ITEMS_PER_SENTENCE = 3
BULLET_MAX_CHARS = 255
TOY_THEMES = ["identity", "contents", "play", "scale", "power", "build", "look", "performance", "connectivity",
              "compatibility", "capacity", "care", "standards", "extra"]
PHYSICAL = {"build", "look", "contents", "care", "standards", "scale"}
NOT_IDENTITY = {"build", "look", "standards", "care", "extra", "identity"}  # themes that never say what it is
HAS_VERBS = {"has", "comes with", "offers", "features", "brings", "gives you", "provides", "includes"}


@dataclass(frozen=True)
class Material:
    """Sentences from the supplier's own description that may open the description (cleaned and verified)."""

    sentences: tuple[str, ...]
    fact_id: str


class Planner:
    def __init__(self, naming: Naming, items: list[Item], verifier: GroundingVerifier, voice: str,
                 rng: random.Random, *, toy: bool, channel: str, praise_class: str = "general",
                 material: Material | None = None, adjective: str = "", labels: frozenset[str] = frozenset()) -> None:
        self.naming = naming
        self.adjective = f"{adjective} " if adjective else ""  # "original" toner cartridge (Icecat's Type)
        self.labels = {label.lower() for label in labels}  # fact names: never a header ("SIZE: ..." reads as a field)
        self.verifier = verifier
        self.voice = voice
        self.rng = rng
        self.toy = toy
        self.channel = channel
        self.material = material
        self.items = [i for i in items if self._passes(f"It {i.vp}.")]
        self.audience = next((i for i in self.items if i.kind == "age"), None)
        self._headers_used: set[str] = set()
        self._last_subject = ""
        self._name_subjects = 0  # sentences the short name has opened
        self._praise = self._choose_praise(praise_class)
        self._identity_said: set[int] = set()  # items the first bullet said (bullets are planned first)

    # --- verification --------------------------------------------------------------------------------
    def _passes(self, text: str) -> bool:
        return not self.verifier.check_text(text, "bullet").dropped

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
        """A sentence's subject: never the one the last sentence opened with; the name or the kind only to open a
        paragraph or after another subject; a plural kind ("labels") never, since the verbs are singular."""
        n = self.naming
        options = lines(self.voice, "subjects")
        plural = bool(n.kind) and (v.ENGINE.singular_noun(n.kind.split()[-1]) is not False)
        options = [s for s in options if ("{kind}" not in s or (n.kind and not plural))
                   and ("{short}" not in s or (n.short and not plural_name(n.short)))]
        if not first:
            options = [s for s in options if s != "{short}" or len(n.short.split()) <= 3]
        if self._name_subjects >= 2:  # "Nanoblock Mallard Duck offers ... Nanoblock Mallard Duck needs ...": twice is enough
            options = [s for s in options if "{short}" not in s]
        product_like = n.kind or re.search(r"\d", n.short) or not self.toy or names_a_thing(n.short)
        short = n.short if n.short.startswith("the ") or not product_like else f"the {n.short}"
        filled = [_capitalise(_fill(s, {"short": short, "kind": n.kind or ""})) for s in options]
        nouns = [s for s in filled if s and s != "It" and s != self._last_subject]
        # A noun subject, then "It": "The train set ... It ... This train set ... It ..." (a copy editor's pass
        # found "The train set ... This train set ... The train set ..." sentence after sentence).
        after_noun = bool(self._last_subject) and self._last_subject != "It"
        chosen = "It" if after_noun or not nouns else self.rng.choice(nouns)
        self._last_subject = chosen
        if short and chosen == _capitalise(short):
            self._name_subjects += 1
        return chosen

    def sentences(self, items: list[Item], *, first_subject: bool = False) -> list[str]:
        """Items said in one or two sentences: "It weighs 1.2 kg and measures 40 x 29.8 x 8 cm.\""""
        out: list[str] = []
        natural = [i for i in items if i.kind not in {"label", "care"}]
        for start in range(0, len(natural), MAX_ITEMS_PER_SENTENCE):
            chunk = natural[start:start + MAX_ITEMS_PER_SENTENCE]
            subject = self.subject(first_subject and start == 0)
            taken = {i.verb.split()[0] for i in chunk if i.verb and i.verb != "has"}
            has = [h for h in lines(self.voice, "has_verbs") if h.split()[0] not in taken
                   and not (h == "comes with" and any(i.kind == "figure" for i in chunk))] or ["has"]  # not "comes with a speed"
            # The voice's "has" word, then plain "has" ("comes with X, runs Y" reads to the verifier as a list of
            # contents), then plain "It"; one by one only when no aggregate passes.
            tries = [(subject, aggregate(chunk, self.rng.choice(has))), (subject, aggregate(chunk, "has")),
                     ("It", aggregate(chunk, "has"))]
            text = next((f"{s} {j}." for s, j in tries if self._passes(f"{s} {j}.")), "")
            if not text:
                text = " ".join(f"It {i.vp}." for i in chunk)
            if not text.startswith(subject):
                self._last_subject = "It"
            out.append(_capitalise(text))
        for item in (i for i in items if i.kind == "care"):
            out.append(_capitalise(item.obj.rstrip(".")) + ".")
        return [s for s in out if self._passes(s)]

    def _identity_values(self) -> dict[str, str]:
        n = self.naming
        # "the Xerox 006R90321", "the HP ProCurve 420 ..."; a name with no kind and no number is a proper name
        # ("Cranky the Crane", "Boggle Reinvention") and takes no article.
        product_like = bool(n.kind) or bool(re.search(r"\d", n.name)) or not self.toy or names_a_thing(n.name)
        the_name = f"the {n.branded}" if product_like else n.name  # "Cranky the Crane from Learning Curve"
        from_brand = "" if not n.brand or n.brand.lower() in the_name.lower() else f" from {n.brand}"
        bare = n.name if not n.brand or not n.name.lower().startswith(n.brand.lower() + " ") else n.name[len(n.brand) + 1:]
        the_bare = f"the {bare}" if product_like else bare  # after "{brand} presents": the brand said once
        return {"the_name": the_name, "The_name": _capitalise(the_name), "brand": n.brand or "", "the_bare": the_bare,
                "kind": n.kind or "", "a_kind": v.article(f"{self.adjective}{n.kind}") if n.kind else "",
                "audience": f" for {self.audience.obj}" if self.audience else "", "from_brand": from_brand,
                "line": n.line or ""}

    def identity_sentence(self, avoid: str = "", *, audience: bool = True) -> str:
        """What it is, and who it is for unless `audience` is False (said in a bullet of its own)."""
        n = self.naming
        values = self._identity_values()
        if not audience:
            values["audience"] = ""
        if n.kind and not n.kind_in_name:
            key = "opener"
        elif self.audience and audience:
            key = "opener_audience"
            values["audience"] = " " + self.audience.obj
        else:
            key = "opener_plain"
        options = [o for o in lines(self.voice, key) if _fill(o, values) != avoid] or lines(self.voice, key)
        if not n.brand:
            options = [o for o in options if "{brand}" not in o] or ["{The_name} is {a_kind}{audience}." if n.kind
                                                                      else "{The_name}{audience}."]
        text = self._first_passing(options, **values)
        if not text:
            text = _fill("{The_name}{audience}.", values)
        if plural_name(n.name):  # "The 4M2U Keyboard Stickers are made for ages 14 and up."
            text = re.sub(r"^This is\b", "These are", text)
            text = re.sub(r"\b(is)\b", "are", text, count=1)
        self._last_subject = ""
        return text

    def _telling(self) -> list[Item]:
        """The facts that say most about what it is (scale, gauge, an engine, 110 pieces), best first; never its
        size, look, age or care."""
        found = [i for i in self.items if i is not self.audience and i.theme not in NOT_IDENTITY
                 and i.kind not in {"label", "care", "age", "no_batteries"} and i.vp]
        return sorted(found, key=lambda i: -i.weight)

    def named_identity(self) -> tuple[str, list[Item]]:
        """What it is when the name already says the kind or none is known, with its most telling facts:
        "A Hornby OO gauge train set with an electric engine, built to 1:72 scale." (was "The Hornby Santa's
        Express Train Set is suitable for ages 8 and up."); "Nanoblock Mallard Duck from Kawada comes with 110
        pieces.". ("", []) when nothing tells more than the name, or no frame passes the verifier."""
        n = self.naming
        if n.kind and (not n.kind_in_name or v.ENGINE.singular_noun(n.kind.split()[-1]) is not False):
            return "", []  # the kind said after "is", or a plural kind ("a HERMA labels with 2,400 labels")
        telling = self._telling()
        values = self._identity_values()
        if n.kind:
            pre, post, taken = [], [], []
            with_word = self.rng.choice(lines(self.voice, "with"))  # "with", "equipped with" (the voice's)
            for item in telling:
                if len(post) == 2 and (item.kind != "gauge" or pre):
                    continue
                if item.kind == "gauge" and not pre:
                    pre.append(item.obj)
                elif item.kind == "scale" and not any(p.startswith(",") for p in post):
                    post.append(f", {re.sub(r'^is ', '', item.verb)} {item.obj}")  # "built to", "constructed to"
                elif item.verb in HAS_VERBS and not any(p.startswith(f" {with_word}") for p in post):
                    post.append(f" {with_word} {item.obj}")
                elif re.fullmatch(r"is (?:made |designed |built )?for|suits", item.verb) and \
                        not any(p.startswith(" for") for p in post):
                    post.append(f" for {item.obj}")
                else:
                    continue
                taken.append(item)
            if not taken:
                return "", []
            post.sort(key=lambda p: p.startswith(","))  # "... with an electric engine, built to 1:72 scale"
            kind = f"{self.adjective}{n.kind}"
            if not self.toy and n.name.lower().endswith(n.kind.lower()) and \
                    not any(len(w) == 1 for w in n.name.split()):  # a product's name is its description (not "a to"):
                kind = v.lower_value(n.name)  # "a StarTech.com DB9 RS232 serial null modem adapter" (a toy's is a
            plain = " ".join([*pre, kind]) + "".join(post)  # proper name: "a Hornby OO gauge train set")
            branded = f"{n.brand} {plain}" if n.brand else plain
            values |= {"a_kind_phrase": v.article(branded), "A_kind_phrase": _capitalise(v.article(branded)),
                       "a_plain_phrase": v.article(plain)}
            options = lines(self.voice, "opener_named")
            if not n.brand:
                options = [o for o in options if "{brand}" not in o] or ["{A_kind_phrase}."]
        else:
            if plural_name(n.name):
                return "", []
            taken = telling[:2]
            if not taken:
                return "", []
            values["features"] = aggregate(taken)
            options = lines(self.voice, "opener_feature")
        text = self._first_passing(options, **values)
        self._last_subject = "(identity)"  # the next sentence says "It"
        return (text, taken) if text else ("", [])

    def audience_sentence(self) -> str:
        """"It is made for ages 3 and up.": who it is for, as a sentence of its own."""
        if not self.audience:
            return ""
        subject = self.subject(False)
        options = lines(self.voice, "audience")
        return self._first_passing(options, subject=subject, ages=self.audience.obj)

    def range_sentence(self) -> str:
        """"It is part of the Wooden Thomas & Friends range." (after the identity sentence, so never the name)."""
        if not self.naming.line:
            return ""
        options = [o for o in lines(self.voice, "range") if not o.startswith("{The_name}")]
        values = {**self._identity_values(), "from_brand": ""}
        return self._first_passing(options, **values)

    def _choose_praise(self, klass: str) -> str:
        """At most one praise line per draft, fitting the class and the voice; sometimes none."""
        if self.rng.random() >= praise_share(self.voice):
            return ""
        return self._first_passing(praise_lines(self.voice, klass))

    # --- bullets -------------------------------------------------------------------------------------
    def themes(self, said: list[Item] | None = None) -> list[tuple[str, list[Item]]]:
        """Items grouped by theme, most important theme first (by its best item); `said`: items said already."""
        done = {id(i) for i in said or []}
        rest = [i for i in self.items if i is not self.audience and id(i) not in done]
        grouped: dict[str, list[Item]] = {}
        for item in rest:
            grouped.setdefault(item.theme, []).append(item)
        themes = sorted(grouped.items(), key=lambda kv: -max(i.weight for i in kv[1]))
        if self.toy:
            order = {t: n for n, t in enumerate(TOY_THEMES)}
            themes = sorted(themes, key=lambda kv: order.get(kv[0], 99))
        return themes

    def bullets(self, count: int) -> tuple[list[str], set[str]]:
        """Up to `count` bullets, each with at least one fact: the identity first, then one theme each; a theme
        with more to say than one bullet holds continues in a spare slot. A product with too little for three
        bullets says who it is for in a bullet of its own (what it is / who it is for: two themes, two facts)."""
        named, said = self.named_identity() if count >= 3 or not self.audience else ("", [])
        planned = self._chunks(said)
        if named and 1 + bool(self.audience) + len(planned) < min(3, 1 + len(self._chunks([]))):
            named, said, planned = "", [], self._chunks([])  # it would cost the draft its third bullet
        order = {id(p): n for n, p in enumerate(planned)}  # the most important chunks, said in theme order
        # The age has a bullet of its own when the identity says what it is with its facts, or when the facts hold
        # too few themes for three bullets.
        split = self.audience is not None and count >= 3 and (len(planned) + 1 < 3 or bool(named))
        chosen = sorted(planned, key=lambda p: -max(i.weight for i in p[1]))[: count - 1 - split]
        chosen.sort(key=lambda p: order[id(p)])
        identity = [named or self.identity_sentence(audience=not split)]
        if (line := self.range_sentence()):
            identity.append(line)
        out = [text for text in [self.bullet("identity", identity)] if text]
        if out and out[0] == " ".join(identity):  # no header passed with this opener ("WHAT IT IS: Meet the ...
            other = self.identity_sentence(identity[0], audience=not split)  # ... applique sack"): another opener
            retry = self.bullet("identity", [other, *identity[1:]]) if other != identity[0] else ""
            if retry and retry != " ".join([other, *identity[1:]]):
                out = [retry]
        self._last_subject = "(identity)"  # the bullet after the one that names it says "It"
        if split and out:
            audience = self.bullet("audience", [self.audience_sentence()])
            if audience:
                out.append(audience)
            else:  # no audience line passes: who it is for goes back into the identity bullet
                out = [text for text in [self.bullet("identity", [self.identity_sentence(), *identity[1:]])] if text]
        used = {fid for fid in (self.audience.fact_ids if self.audience else [])}
        if named and out and out[0].endswith(" ".join(identity)):  # the identity bullet said its telling facts
            self._identity_said = {id(i) for i in said}
            used |= {fid for i in said for fid in i.fact_ids}
        for theme, items in chosen:  # subjects run on across bullets: "This train set ...", "It ...", "The train set"
            text = self.bullet(theme, self.sentences(items))
            if text:
                out.append(text)
                used |= {fid for i in items for fid in i.fact_ids}
        return out, used

    def _chunks(self, said: list[Item]) -> list[tuple[str, list[Item]]]:
        """Each theme's items in chunks of one sentence, leaving out those said already."""
        return [(theme, items[start:start + MAX_ITEMS_PER_SENTENCE]) for theme, items in self.themes(said)
                for start in range(0, len(items), MAX_ITEMS_PER_SENTENCE)]

    def bullet(self, theme: str, sentences: list[str]) -> str:
        """Header and sentences, the header checked as the channel shows it (upper case on Amazon)."""
        order: list[str] = []
        for options in (headers(self.voice, theme), headers("neutral", theme), headers(self.voice, "extra")):
            options = list(options)
            self.rng.shuffle(options)  # the theme's own headers first, in seeded order
            order += [o for o in options if o not in order]
        for header in [h for h in order if h not in self._headers_used and h.lower() not in self.labels] + [""]:
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
    def description(self, length: str, *, bullet_opener: str = "") -> tuple[list[str], set[str]]:
        """Up to three short paragraphs: what it is and who it is for, in another frame than the first bullet
        ("Made for ages 8 and up, the Hornby ... has an electric engine and is made to 1:72 scale."), with the
        supplier's own words where they verify; the features; then the physical details and what is in the box.
        Short facts are said together across themes, and a paragraph of one sentence joins its neighbour: two
        short paragraphs read better than three thin ones ("It needs no batteries." alone). The draft's praise
        line, if any, closes the first paragraph or the last."""
        used: set[str] = set(self.audience.fact_ids if self.audience else [])
        limit = {"short": 1, "normal": 2, "long": 4}[length]
        themes = self.themes()
        features = [i for t, items in themes if t not in PHYSICAL for i in items[:MAX_ITEMS_PER_SENTENCE]]
        physical = [i for t, items in themes if t in PHYSICAL for i in items[:MAX_ITEMS_PER_SENTENCE]]
        features = features[: limit * MAX_ITEMS_PER_SENTENCE]
        physical = physical[: (limit + 1) * MAX_ITEMS_PER_SENTENCE] if length != "short" else []
        opener, said = self.description_opener(features + physical, bullet_opener)
        first = [opener]
        if self.material:
            first += list(self.material.sentences)
            used.add(self.material.fact_id)
        done = {id(i) for i in said}
        features = [i for i in features if id(i) not in done]
        physical = [i for i in physical if id(i) not in done]
        used |= {fid for i in [*said, *features, *physical] for fid in i.fact_ids}
        count = lambda items: -(-len([i for i in items if i.kind not in {"label", "care"}])  # noqa: E731
                                // MAX_ITEMS_PER_SENTENCE) + sum(i.kind == "care" for i in items)
        praise_first = self.rng.random() < 0.5
        rest = [i for i in features + physical if i.kind != "label"]
        if count(rest) <= 1 and len(rest) <= 1:  # one short fact more ("It needs no batteries."): it joins the first
            first += self.sentences(rest)
            second: list[str] = []
            third: list[str] = []
        elif count(features) <= 1 or count(physical) <= 1:  # two short groups: one paragraph
            second, third = self.sentences(features + physical, first_subject=True), []
        else:  # subjects run on across paragraphs: the name, then "It"
            second = self.sentences(features, first_subject=True)
            third = self.sentences(physical, first_subject=True)
        if self._praise:
            (first if praise_first or not (second or third) else (third or second)).append(self._praise)
        paragraphs = [" ".join(p) for p in (first, second, third) if p]
        return paragraphs, used

    def description_opener(self, items: list[Item], avoid: str) -> tuple[str, list[Item]]:
        """The description's first sentence: who it is for leads, the name follows with what it is and its best
        one or two facts, so that it never restates the first bullet. Returns the sentence and the items it says."""
        n = self.naming
        values = self._identity_values()
        natural = [i for i in items if i.kind not in {"label", "care"}]
        # What tells most about it leads, then its look, then "needs no batteries" (it led a costume's description),
        # what the first bullet said last; never its size ("weighs 68 g. It measures ..." split a pair). With a
        # few facts one leads and the rest make a paragraph.
        said = self._identity_said
        key = lambda i: (id(i) in said, i.kind == "no_batteries", -i.weight)  # noqa: E731
        fresh = sorted([i for i in natural if i.theme not in NOT_IDENTITY and id(i) not in said], key=key)
        telling = [i for i in fresh if i.kind != "no_batteries"] + \
            [i for i in natural if i.theme == "look" and len(natural) >= 4] + \
            [i for i in fresh if i.kind == "no_batteries"] + sorted([i for i in natural if id(i) in said], key=key)
        telling = telling[:2 if len(natural) >= 4 else 1]
        leads = [_fill(o, {"ages": self.audience.obj}) for o in lines(self.voice, "lead")] if self.audience else []
        self.rng.shuffle(leads)
        subject = f"{values['the_name']}{values['from_brand']}"
        kind = f"is {values['a_kind']}" if n.kind and not n.kind_in_name else ""
        predicates: list[tuple[str, list[Item]]] = []
        if telling and not plural_name(n.name):
            for has in dict.fromkeys([self.rng.choice(lines(self.voice, "has_verbs")), "has"]):  # the voice's word
                joined = aggregate(telling, has)
                that = self.rng.choice(lines(self.voice, "relative"))  # "that"; a formal voice's "which"
                predicates.append((f"{kind} {that} {joined}" if kind else joined, telling))
        if kind:
            predicates.append((kind, []))
        opening = " ".join(avoid.split()[:4])
        for lead in [*leads, ""]:
            for predicate, said in predicates:
                if lead and lead.split()[0].lower() in predicate.split():  # not "Designed for ... is designed for"
                    continue
                text = _capitalise(f"{lead} {subject} {predicate}.".strip())
                if (said or (lead and " ".join(text.split()[:4]) != opening)) and text != avoid and self._passes(text):
                    self._last_subject = subject
                    return text, said
        text = self.identity_sentence(avoid=avoid)
        self._last_subject = subject
        return text, []


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


def _fill(template: str, values: dict[str, str]) -> str:
    try:
        text = template.format(**values)
    except (KeyError, IndexError):
        return ""
    return re.sub(r"\s+([,.:])", r"\1", " ".join(text.split()))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
