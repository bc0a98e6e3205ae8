"""Builds word_classes.tsv from Princeton WordNet 3.0 (Debian package `wordnet-base`, /usr/share/wordnet).

Run once by hand when the rule below changes (`apt-get install wordnet-base`, then
`python chains/grounding/data/build_word_classes.py`); the verifier reads only the TSV, so copydesk needs
no WordNet at run time. WordNet's lexicographer files sort every sense into a class (noun.artifact,
noun.feeling, verb.motion, adj.pert, ...); senses are listed most frequent first and cntlist.rev counts
how often each was tagged in a corpus. A word's class, for the verifier:
- thing: one of its three most frequent noun senses is concrete (an artifact, substance, food, plant,
  animal, body part or natural object) and nouns are at least a third of its tagged uses: "racket",
  "whistle", "battery". Not stored: an unknown word is judged as strictly as a thing.
- relational: an adjective whose most frequent sense is a pertainym ("electric", "digital", "magnetic"):
  it classifies the product, so it is a claim. Not stored either.
- function: a word made from a thing or a handling verb that names what the product does or has:
  "-able" adjectives of a contact/change/motion/creation verb ("washable", "foldable"; not "adorable"),
  "-less" adjectives of a thing ("wireless", "cordless"; not "timeless"), and "-ed"/"-ize" words made from
  a thing ("keyed", "motorize", "rubberize"). A claim, so not stored.
- name: a noun whose most frequent sense is a named individual ("Italy", "Titus"): a claim, not stored
  (named times are occasions, "Christmas", "Halloween": stored as such, capitals and all).
- person, abstract, verb, adjective, adverb: a word with no concrete reading. These carry no product fact
  on their own ("imagination", "party", "encourage", "cute"); they are stored with their class.
Words are stored as WordNet lemmas (base forms); language.word_class finds the base form of an inflected
word with WordNet's own suffix rules. Irregular forms (noun.exc, verb.exc, adj.exc) are stored too.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

WORDNET = Path("/usr/share/wordnet")
OUT = Path(__file__).resolve().parent / "word_classes.tsv"
LEXNAMES = ("adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body "
            "noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location "
            "noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process "
            "noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body verb.change "
            "verb.cognition verb.communication verb.competition verb.consumption verb.contact verb.creation "
            "verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative verb.weather "
            "adj.ppl").split()  # WordNet 3.0's lexnames file, by number
CONCRETE = {"noun.artifact", "noun.substance", "noun.food", "noun.plant", "noun.animal", "noun.body", "noun.object"}
FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
HEADER = """# Word classes for the grounding verifier, derived from Princeton WordNet 3.0 by build_word_classes.py
# (the rule is in its docstring). lemma<TAB>class; only classes with no factual content are listed.
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE AND DATABASE IS
# PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY
# OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANT-
# ABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR
# DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.
"""


def tag_counts() -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for line in (WORDNET / "cntlist.rev").read_text(encoding="utf-8").splitlines():
        key, _, count = line.split()
        lemma, rest = key.split("%")
        counts[(lemma, {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}[rest[0]])] += int(count)
    return counts


def senses() -> dict[str, dict[str, list[str]]]:
    """lemma -> part of speech -> the lexnames of its senses, most frequent first."""
    data = {pos: (WORDNET / f"data.{name}").read_bytes() for pos, name in FILES.items()}
    found: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for pos, name in FILES.items():
        for line in (WORDNET / f"index.{name}").read_text(encoding="utf-8").splitlines():
            if line.startswith(" "):
                continue
            parts = line.split()
            lemma = parts[0]
            if not re.fullmatch(r"[a-z][a-z'-]*[a-z]", lemma):
                continue
            offsets = parts[6 + int(parts[3]):]
            found[lemma][pos] = [_lexname(data[pos], int(o)) for o in offsets]
    return found


HANDLING_VERBS = {"verb.contact", "verb.change", "verb.motion", "verb.creation", "verb.body", "verb.weather"}


def made_from(lemma: str, found: dict[str, dict[str, list[str]]], counts: Counter[tuple[str, str]]) -> str | None:
    """"function" when the word is made from a thing or a handling verb (see the docstring)."""
    def thing(base: str) -> bool:
        return base in found and classify(base, found[base], counts) == "thing"
    for end in ("able", "ible"):
        if lemma.endswith(end):
            stem_ = lemma[: -len(end)]
            for base in (stem_, stem_ + "e", stem_[:-1] + "y" if stem_.endswith("i") else stem_):
                verbs = found.get(base, {}).get("v", [])
                if verbs and verbs[0] in HANDLING_VERBS:
                    return "function"
    if lemma.endswith("less") and thing(lemma[:-4]):
        return "function"
    for end in ("ized", "ised", "ize", "ise", "ed", "d"):
        if lemma.endswith(end) and len(lemma) > len(end) + 2 and thing(lemma[: -len(end)]):
            return "function"
    return None


def _lexname(data: bytes, offset: int) -> str:
    """The synset's lexicographer class; "instance" for a named individual (a place, a person, a brand), but
    not for a named time: a holiday is an occasion ("Christmas", "Halloween"), not a claim about the product."""
    line = data[offset : data.index(b"\n", offset)].decode("utf-8")
    lexname = LEXNAMES[int(line.split()[1])]
    proper = any(w[:1].isupper() for w in line.split()[4 : 4 + 2 * int(line.split()[3], 16) : 2])
    if lexname == "noun.time" and proper:
        return "occasion"
    return "instance" if " @i " in line else lexname


def classify(lemma: str, by_pos: dict[str, list[str]], counts: Counter[tuple[str, str]]) -> str:
    total = sum(counts[(lemma, p)] for p in FILES)
    nouns = by_pos.get("n", [])
    if nouns and nouns[0] in ("instance", "occasion"):
        return "name" if nouns[0] == "instance" else "occasion"
    if any(s in CONCRETE for s in nouns[:3]) and (total == 0 or counts[(lemma, "n")] * 3 >= total):
        return "thing"
    dominant = max(by_pos, key=lambda p: (counts[(lemma, p)], -"nvar".index(p)))
    if dominant == "a" and by_pos["a"][0] == "adj.pert":
        return "relational"
    if dominant == "n":
        return "person" if nouns[0] == "noun.person" else "abstract"
    return {"v": "verb", "a": "adjective", "r": "adverb"}[dominant]


def main() -> None:
    counts = tag_counts()
    found = senses()
    classes = {lemma: made_from(lemma, found, counts) or classify(lemma, by_pos, counts)
               for lemma, by_pos in found.items()}
    for name in ("noun", "verb", "adj"):
        for line in (WORDNET / f"{name}.exc").read_text(encoding="utf-8").splitlines():
            inflected, *bases = line.split()
            if re.fullmatch(r"[a-z][a-z'-]*[a-z]", inflected) and inflected not in classes:
                known = [classes[b] for b in bases if b in classes]
                if known:
                    classes[inflected] = known[0]
    lines = [f"{w}\t{c}" for w, c in sorted(classes.items()) if c not in {"thing", "relational", "function", "name"}]
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} stems written to {OUT}")


if __name__ == "__main__":
    main()
