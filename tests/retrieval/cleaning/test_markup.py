"""HTML in catalog text becomes plain text that keeps its structure."""

from __future__ import annotations

from retrieval.cleaning.markup import has_markup, html_to_text


def test_br_is_a_line_break_and_entities_are_decoded() -> None:
    text, tags = html_to_text("Intel&reg; Core&trade;2 Duo Processor E8200 <br />(6M Cache, 2.66 GHz)")
    assert text == "Intel® Core™2 Duo Processor E8200\n(6M Cache, 2.66 GHz)"
    assert tags == ["<br />"]


def test_paragraphs_and_lists_keep_their_structure() -> None:
    body = ("<p>A slim lamp with a <strong>dimmable</strong> LED.</p>"
            "<ul><li>Arm length 45 cm</li><li>USB-C powered, 5 V</li></ul><p>Made in Portugal.</p>")
    text, tags = html_to_text(body)
    assert text == "A slim lamp with a dimmable LED.\n\n- Arm length 45 cm\n- USB-C powered, 5 V\n\nMade in Portugal."
    assert tags == ["<p>", "<strong>", "<ul>", "<li>"]


def test_broken_markup_from_real_catalogs() -> None:
    # Amazon rows write "</br>" for a break and leave <LI> unclosed.
    assert html_to_text("Box Contains 102 x Card Deck</br>1 x Die</br>")[0] == "Box Contains 102 x Card Deck\n1 x Die"
    assert html_to_text("Box Contains <LI>1x Dress<LI>1x Collar")[0] == "Box Contains\n- 1x Dress\n- 1x Collar"


def test_less_than_signs_and_scripts() -> None:
    text, tags = html_to_text("For ages <3 &amp; up <script>track()</script>only")
    assert text == "For ages <3 & up only" and tags == ["<script>"]


def test_what_counts_as_markup() -> None:
    assert has_markup("a<br>b") and has_markup("Fish &amp; chips") and has_markup("&#174;")
    assert not has_markup("AT&T, R&D, 5 < 6 and 7 > 2")
