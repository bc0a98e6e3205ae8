"""The fluency gate's surface features (generators/text/garble.py) on sentences written here, none of them from
the hand-labelled set (tests/data/fluency/sentences.jsonl): each feature fires on the fault it names and stays
quiet on fluent copy that looks a little like it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generators.text.garble import features, known

LABELLED = Path(__file__).resolve().parents[1] / "data" / "fluency" / "sentences.jsonl"

FAULTY = [
    # (text, the feature that must fire)
    ("Sturdy oak bookshelf with five shelvs and a florbixant finish.", "unknown_words"),
    ("Soft fleece blanket (machine washable, 150 x 200 cm.", "broken_pairs"),
    ('The "Explorer backpack holds a 15-inch laptop.', "broken_pairs"),
    ("Brand: [Your Brand Here]", "placeholder_or_markup"),
    ("**Key feature:** waterproof", "placeholder_or_markup"),
    ("The kettle boils 1.7 litres in under three minutes and", "ends_on_function_word"),
    ("Cordless drill with two batteries,", "dangling_end"),
    ("Available in:", "dangling_end"),
    ("A bright bright lamp for the desk.", "adjacent_repeats"),
    ("Garden hose with brass fittings and a garden hose reel.", "repeated_bigrams"),
    ("Stainless steel bottle keeps drinks cold, stainless steel bottle for hikes.", "repeated_bigrams"),
    ("The SpeakerBlue offers deep bass.", "camel_fusions"),
    ("Colour: Red Size: Large Material: Cotton", "labels"),
    ("Tent", "few_words"),
    ("I'm so excited to share this tent with you!", "speaker_words"),
    ("Yes, the tent is indeed waterproof.", "reply_opener"),
    ("Hello, this tent sleeps four.", "reply_opener"),
]

FLUENT = [
    "A sturdy oak bookshelf with five shelves and a satin finish.",
    "Soft fleece blanket (machine washable, 150 x 200 cm).",
    'The "Explorer" backpack holds a 15-inch laptop.',
    "The kettle boils 1.7 litres in under three minutes.",
    "This 30 x 30 cm cushion cover comes in a pack of two.",
    "Set up the tent in minutes, then pack it away just as fast.",
    "Works with iPhone and iPad; charges over USB-C.",
]


def test_no_sentence_here_is_in_the_labelled_set() -> None:
    labelled = {json.loads(line)["text"] for line in LABELLED.read_text(encoding="utf-8").splitlines() if line}
    assert not labelled & {text for text, _ in FAULTY} | labelled & set(FLUENT)


@pytest.mark.parametrize(("text", "feature"), FAULTY)
def test_each_fault_shows_in_its_feature(text: str, feature: str) -> None:
    assert features(text)[feature] > 0


@pytest.mark.parametrize("text", FLUENT)
def test_fluent_copy_shows_no_fault(text: str) -> None:
    found = features(text)
    faults = ("unknown_words", "broken_pairs", "placeholder_or_markup", "dangling_end", "ends_on_function_word",
              "adjacent_repeats", "repeated_bigrams", "camel_fusions", "few_words", "speaker_words", "reply_opener")
    assert {name: found[name] for name in faults if found[name]} == {}


def test_a_square_or_a_range_is_not_a_repeat() -> None:
    assert features("Each tile measures 20 cm x 20 cm x 1 cm.")["repeated_bigrams"] == 0
    assert features("Choose from 6 to 8 players, 6 to 8 years.")["adjacent_repeats"] == 0


def test_codes_acronyms_and_inflections_are_not_unknown_words() -> None:
    assert all(known(w) for w in ("USB", "HDMI", "XF", "shelves", "charged", "quickly", "toddler's"))
    assert not any(known(w) for w in ("florbixant", "shelvs", "Reinmentatio"))


def test_shares_and_counts_are_measured_not_flagged() -> None:
    found = features("Wooden train set with 24 pieces, for ages 3 and up.")
    assert found["number_share"] == pytest.approx(2 / 11)
    assert found["no_final_punctuation"] == 0 and found["starts_lower"] == 0
    assert features("ships in 2 days")["starts_lower"] == 1 and features("ships in 2 days")["no_final_punctuation"] == 1


def test_the_labelled_set_is_well_formed() -> None:
    """METHOD.md's rules for the frozen set: unique ids and texts, two labels, a reason for every garbled text;
    later batches name their product and keep the labellers' votes, of
    which the label is the majority."""
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"] for r in rows}) == len(rows)
    assert all(r["label"] in {"garbled", "fluent"} for r in rows)
    assert all(r["origin"] in {"model", "pipeline", "human", "derived"} for r in rows)
    assert all(r["note"] for r in rows if r["label"] == "garbled")
    for row in (r for r in rows if r.get("batch", 1) >= 2):
        assert row["product"].split("/")[0] in {"icecat-electronics", "amazon-uk-toys"}
        assert len(row["votes"]) in (2, 3) and row["votes"].count(row["label"]) >= 2
