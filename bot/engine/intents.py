"""Free text -> what the person wants (an Intent). Rule-based on purpose: instant, predictable, testable,
and it never needs the language model for the conversation's plumbing.

Kinds: help, brands, export, approve, edit, facts, image, draft, refine, settings (switch brand/channel only),
check (pasted copy checked against a product's facts), variant (another version of the thread's draft: "another
one", "try again", "give me a variant"; its instruction is "regenerate" when the words reject the last one).
A follow-up in a thread that already has a draft is a refinement unless it clearly asks for something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

IntentKind = Literal["help", "brands", "export", "approve", "edit", "facts", "image", "draft", "refine", "settings",
                     "pick", "check", "bulk", "cancel", "approve_all", "variant", "empty"]

CHANNEL_WORDS = {"amazon": "amazon", "shopify": "shopify", "generic": "generic", "website": "generic"}

# No class below takes "<": a run never crosses into the next tag, so a message of 40,000 "<" is linear.
_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^<>]*)?>")
_SPECIAL = re.compile(r"<![a-z]+(\^[^<>|]*)?(\|[^<>]*)?>")  # <!here>, <!channel>, <!subteam^S1|@team>: for people
_SLACK_LINK = re.compile(r"<(?:mailto:|https?://)?[^<|>]+\|([^<>]+)>")
_HELP = re.compile(r"^\s*(help|\?|what can you do\??|how does this work\??)\s*$", re.I)
_BRANDS = re.compile(r"^\s*(list |show )?(the )?brands\s*\??\s*$", re.I)
_EXPORT = re.compile(r"^\s*export\b(?P<rest>.*)$", re.I)
_APPROVE = re.compile(r"^\s*(approve[d]?|lgtm|ship it|looks good( to me)?|perfect,? approve)\b[.! ]*$", re.I)
_PICK = re.compile(r"^\s*pick\s+(?P<ref>\S+)\s*$", re.I)
_BULK = re.compile(r"^\s*bulk\b[\s:]*(?P<rest>.*)$", re.I | re.S)
_BULK_KIND = re.compile(r"^(?P<kind>category|query|search)\b[\s:]*", re.I)
_POLISH = re.compile(r"\b(with\s+)?(polish|polished|polishing)\b", re.I)
_CANCEL = re.compile(r"^\s*(cancel|stop)(\s+(it|this|that|the\s+job|the\s+bulk(\s+job)?|bulk|drafting|"
                     r"polishing))?\s*[.!]*\s*$", re.I)
# Another version of the thread's draft. "try again" / "regenerate" reject the last one; the rest only ask for more.
_AGAIN = re.compile(r"^\s*(please\s+)?(regenerate|redo|try\s+(it\s+|that\s+)?again|start\s+over)(\s+(it|this|that))?"
                    r"(\s+please)?\s*[.!]*\s*$", re.I)
_ANOTHER = re.compile(r"^\s*(please\s+)?((can|could)\s+(you|i)\s+(get|have|see)\s+|(give|show|make|write)\s+(me\s+)?)?"
                      r"(an?other|a\s+new|a\s+different|one\s+more|a\s+fresh|a)\s+"
                      r"(one|variant|variation|version|draft|take|option|alternative|go)(\s+(of\s+)?(it|this|that))?"
                      r"(\s+please)?\s*[.!?]*\s*$|^\s*(an?other|one\s+more)\s*[.!?]*\s*$", re.I)
_APPROVE_ALL = re.compile(r"^\s*approve\s+(all|every(thing)?)(\s+(the\s+)?clean)?(\s+drafts?)?\s*[.!]*\s*$", re.I)
# "check: <pasted copy>" (the thread's product) or "check SKU: <pasted copy>".
_CHECK = re.compile(r"^\s*check(?:\s+(?P<ref>[^:\n]{1,80}?))?\s*:\s*(?P<text>.+)$", re.I | re.S)
_EDIT = re.compile(r"^\s*(edit|edited|final|use this)\s*:\s*(?P<text>.+)$", re.I | re.S)
_FACTS = re.compile(r"^\s*(show |list |what are )?(the )?facts( for| of| about)?\s*(?P<ref>.*?)\s*\??$", re.I)
_IMAGE = re.compile(r"^\s*(make |create |generate |render |draw )?(an? |me an? )?"
                    r"(image|picture|photo|product shot|visual)s?\b(\s+(of|for))?\s*(?P<rest>.*)$", re.I | re.S)
_DRAFT = re.compile(r"^\s*(please\s+)?(draft|write|create|generate|make)?\s*(me\s+)?(a\s+|an\s+|the\s+)?"
                    r"(new\s+)?(listing|copy|draft|description|product copy|listing copy)?\s*(copy\s+)?"
                    r"(for|of|about)\s+(?P<ref>.+)$", re.I | re.S)
_DRAFT_VERB = re.compile(r"^\s*(please\s+)?(draft|write up|write)\s+(?P<ref>.+)$", re.I | re.S)
_VARIANTS = re.compile(r"\b(?P<n>\d{1,2})\s+(variants?|versions?|options?|alternatives?)\b", re.I)
_CHANNEL = re.compile(r"\b(for|on|to)\s+(the\s+)?(?P<ch>amazon|shopify|generic|website)(\s+listing)?\b", re.I)
_BRAND = re.compile(r"\b(use|in|with|switch to)\s+(the\s+)?(?P<brand>[\w-]+)\s+(voice|style|brand|tone)\b"
                    r"|\bbrand\s*[:=]?\s*(?P<brand2>[\w-]+)\b", re.I)
# Where an image request's product reference ends and the scene begins.
_SCENE_SPLIT = re.compile(r"(^|\s+)(on|in|at|against|with|under|beside|by|near|inside|outside)\s+|\s*[,;:]\s*", re.I)
_ONLY_SKU = re.compile(r"(sku\s*[:#]?\s*)?[A-Za-z0-9._/-]*\d[A-Za-z0-9._/-]*", re.I)
_SKU_WORD = re.compile(r"^(the\s+)?(sku|ean|product)(\s*[:#]\s*|\s+)(?=\S*\d)", re.I)
_SKU_LIKE = re.compile(r"\b(sku\s*[:#]?\s*)?(?P<sku>[A-Za-z0-9][A-Za-z0-9._/-]*\d[A-Za-z0-9._/-]*)\b", re.I)


@dataclass
class Intent:
    kind: IntentKind
    text: str  # the cleaned message
    reference: str | None = None  # product reference (SKU, EAN, name, description)
    instruction: str | None = None  # refinement instruction
    scene: str | None = None  # image scene request
    brand: str | None = None
    channel: str | None = None
    variants: int | None = None
    export_format: Literal["csv", "shopify", "amazon"] = "csv"
    selection: Literal["category", "query"] | None = None  # bulk: how `reference` names the products (None: guess)
    polish: bool = False  # bulk: polish each first draft with the language model
    notes: list[str] = field(default_factory=list)


def clean(text: str) -> str:
    """Drop @mentions, broadcasts (<!here>) and Slack's link markup, turn Slack's entities (&lt; &gt; &amp;:
    what a person typed as < > &) back into characters, collapse whitespace. Renderers escape them again."""
    text = _SPECIAL.sub(" ", _MENTION.sub(" ", text or ""))
    text = _SLACK_LINK.sub(r"\1", text)
    text = re.sub(r"<(https?://[^<>]+)>", r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]+", " ", text).strip()


def parse(text: str, *, has_draft: bool, brands: list[str] | None = None) -> Intent:
    """Classify one message. `has_draft`: the thread already shows a draft (follow-ups refine it)."""
    message = clean(text)
    if not message:
        return Intent("empty", message)
    if _HELP.match(message):
        return Intent("help", message)
    if _BRANDS.match(message):
        return Intent("brands", message)
    if match := _EXPORT.match(message):
        rest = match["rest"].lower()
        fmt = "shopify" if "shopify" in rest else "amazon" if "amazon" in rest else "csv"
        return Intent("export", message, export_format=fmt)
    if _APPROVE.match(message):
        return Intent("approve", message)
    if _APPROVE_ALL.match(message):
        return Intent("approve_all", message)
    if _CANCEL.match(message):
        return Intent("cancel", message)
    if _AGAIN.match(message):
        return Intent("variant", message, instruction="regenerate")
    if _ANOTHER.match(message):
        return Intent("variant", message, instruction="another variant")
    if match := _BULK.match(message):
        return _bulk(message, match["rest"], brands or [])
    if match := _PICK.match(message):  # the terminal's way of pressing a product-pick button
        return Intent("pick", message, reference=match["ref"])
    if match := _CHECK.match(message):
        return Intent("check", message, reference=_reference(match["ref"]) if match["ref"] else None,
                      instruction=match["text"].strip())
    if match := _EDIT.match(message):
        return Intent("edit", message, instruction=match["text"].strip())
    brand, channel, rest = _settings_in(message, brands or [])
    if match := _FACTS.match(message):
        if match.group(3) or message.lower().startswith(("facts", "show", "list", "what are")):
            return Intent("facts", message, reference=match["ref"] or None)
    if match := _IMAGE.match(message):
        reference, scene = split_image_request(match["rest"])
        return Intent("image", message, reference=reference, scene=scene, brand=brand)
    variants = None
    if match := _VARIANTS.search(rest):
        variants = int(match["n"])
        rest = _tidy(rest[: match.start()] + rest[match.end():])
    draft_match = _DRAFT.match(rest) or _DRAFT_VERB.match(rest)
    if draft_match and not (has_draft and _looks_like_instruction(rest)):
        reference = _tidy(draft_match["ref"])
        if reference:
            return Intent("draft", message, reference=_reference(reference), brand=brand, channel=channel,
                          variants=variants)
    if _ONLY_SKU.fullmatch(rest):  # a bare SKU/EAN starts a new draft, even in a thread with one
        return Intent("draft", message, reference=_reference(rest), brand=brand, channel=channel, variants=variants)
    if has_draft or _looks_like_instruction(rest):  # "shorter", "warmer tone", "for Amazon", "use the Acme voice"
        # Without a draft the engine answers that there is nothing to refine yet, rather than searching for "shorter".
        return Intent("refine", message, instruction=message, brand=brand, channel=channel)
    if (brand or channel) and not rest:
        return Intent("settings", message, brand=brand, channel=channel)
    # No draft yet and no verb: the whole message names the product ("B07XYZ", "the blue kettle").
    return Intent("draft", message, reference=_reference(rest or message), brand=brand, channel=channel,
                  variants=variants)


def _bulk(message: str, rest: str, brands: list[str]) -> Intent:
    """"bulk category Model Trains for amazon", "bulk wooden toys with polish", "bulk" (+ an attached CSV)."""
    brand, channel, rest = _settings_in(rest, brands)
    polish = bool(_POLISH.search(rest))
    rest = _tidy(_POLISH.sub(" ", rest))
    selection = None
    if match := _BULK_KIND.match(rest):
        selection = "category" if match["kind"].lower() == "category" else "query"
        rest = _tidy(rest[match.end():])
    return Intent("bulk", message, reference=rest or None, brand=brand, channel=channel, selection=selection,
                  polish=polish)


def split_image_request(rest: str) -> tuple[str | None, str]:
    """"SKU 123 on a marble counter, morning light" -> ("SKU 123", "on a marble counter, morning light")."""
    rest = _tidy(rest)
    if not rest:
        return None, ""
    match = _SCENE_SPLIT.search(rest)
    if match is None:
        return _reference(rest), ""
    reference = _reference(rest[: match.start()])
    scene = rest[match.start():].strip(" ,;:")
    if reference.lower() in ("it", "this", "that", "the product", "this product", "that product", ""):
        reference = ""
    return reference or None, scene


def sku_like(text: str) -> str | None:
    """The first token that looks like a SKU/EAN/model (letters and digits), if any."""
    match = _SKU_LIKE.search(text or "")
    return match["sku"] if match else None


def _settings_in(message: str, brands: list[str]) -> tuple[str | None, str | None, str]:
    """Brand and channel named in the message, and the message without them."""
    rest = message
    channel = None
    if match := _CHANNEL.search(rest):
        channel = CHANNEL_WORDS[match["ch"].lower()]
        rest = rest[: match.start()] + rest[match.end():]
    brand = None
    if match := _BRAND.search(rest):
        named = (match["brand"] or match["brand2"] or "").lower()
        known = {b.lower(): b for b in brands}
        if named in known or not brands:
            brand = known.get(named, named)
            rest = rest[: match.start()] + rest[match.end():]
    return brand, channel, _tidy(rest)


_INSTRUCTION = re.compile(
    r"^\s*(?:make it|make the|write it|rewrite|more\b|less\b|shorter|longer|warmer|cooler|friendlier|punchier|"
    r"simpler|(?:a bit|much|way) (?:shorter|longer|warmer)|tone it|shorten|expand)", re.I)


def _looks_like_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.match(text))


def _reference(text: str) -> str:
    """"SKU 123" -> "123", "the product EAN: 400..." -> "400..."; other references stay as written."""
    return _SKU_WORD.sub("", _tidy(text))


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip(" ,.;:!?\"'")
