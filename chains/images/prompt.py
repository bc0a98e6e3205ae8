"""Image prompt chain: product facts + the brand's visual rules + the user's scene -> prompt, negative prompt.

The language model (when one is given) writes the prompt; its answer is used only if it is usable:
one short line of image phrases (not prose) that names the product and keeps the requested scene,
mentions no banned element, and states no colour or number the facts, scene and brand palette lack. Otherwise the template in prompts/image_prompt.txt builds
it, and `rejected` says why the model's prompt was not used. The negative prompt always comes from
the template, so the brand's banned elements are never left to the model.

Templates: each line of prompts/image_prompt.txt and image_prompt_negative.txt is one piece of the
prompt; a line whose fields are all empty is left out, and the pieces are joined with ", ".
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from chains.prompts import load_prompt, render
from chains.grounding import colours, group_of, stem, stems_of, stopwords, words
from copydesk.domain import Fact, Product, VisualRules
from copydesk.errors import UnsupportedRequestError

if TYPE_CHECKING:
    from generators.text.base import TextGenerator

# CLIP reads 77 tokens; about 50 words of comma-separated phrases fit.
MAX_PROMPT_WORDS = 55
MAX_PROMPT_CHARS = 360
# Facts that describe how a product looks (by name), used in the template's {details}.
_VISUAL_FACT = re.compile(r"colou?r|material|finish|pattern|shape|style|design|fabric", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MAX_SUBJECT_CHARS = 90
# Small chat models often answer with sentences about the product instead of image phrases.
_PROSE = re.compile(r"\b(?:I|we|you|let's|let us|our|my|your)\b", re.IGNORECASE)


class ImagePrompt(BaseModel):
    prompt: str
    negative_prompt: str
    origin: Literal["model", "template"]
    rejected: str | None = None  # why the model's prompt was not used (origin == "template" only)


def build_image_prompt(
    product: Product,
    facts: list[Fact],
    visual: VisualRules,
    scene: str,
    generator: TextGenerator | None,
    *,
    seed: int | None = None,
) -> ImagePrompt:
    """The prompt pair for one image. UnsupportedRequestError when the scene asks for a banned element."""
    scene = " ".join(scene.split())
    banned = banned_in(scene, visual.banned_elements)
    if banned:
        raise UnsupportedRequestError(
            f"This brand's image rules ban {', '.join(repr(b) for b in banned)}, and the scene asks for it.",
            hint="Describe a scene without it.",
        )
    negative = _pieces("image_prompt_negative", brand_negative=visual.negative_prompt or "",
                       banned=", ".join(visual.banned_elements))
    rejected = "no language model was given"
    if generator is not None:
        candidate = _ask_model(product, facts, visual, scene, generator, seed)
        rejected = unusable_reason(candidate, product, facts, visual, scene)
        if rejected is None:
            return ImagePrompt(prompt=candidate, negative_prompt=negative, origin="model")
    return ImagePrompt(prompt=template_prompt(product, facts, visual, scene), negative_prompt=negative,
                       origin="template", rejected=rejected)


def template_prompt(product: Product, facts: list[Fact], visual: VisualRules, scene: str) -> str:
    details = [f.value for f in facts
               if _VISUAL_FACT.search(f.name) and len(f.value) <= 40 and not _NUMBER.search(f.value)][:3]
    return _pieces(
        "image_prompt",
        subject=_subject(product),
        details=", ".join(details),
        scene=scene or (visual.backgrounds[0] if visual.backgrounds else render("image_prompt_default_scene").strip()),
        lighting=visual.lighting or "",
        palette=", ".join(visual.palette),
    )


def unusable_reason(text: str, product: Product, facts: list[Fact], visual: VisualRules, scene: str) -> str | None:
    """Why a model-written prompt cannot be used, or None when it can."""
    if not text:
        return "the model's prompt was empty"
    if len(text) > MAX_PROMPT_CHARS or len(text.split()) > MAX_PROMPT_WORDS:
        return "the model's prompt was too long for the image model"
    banned = banned_in(text, visual.banned_elements)
    if banned:
        return f"the model's prompt mentions banned elements ({', '.join(banned)})"
    known = " ".join([product.title, scene, *(f.value for f in facts), *visual.palette, *visual.backgrounds])
    invented = set(_NUMBER.findall(text)) - set(_NUMBER.findall(known))
    if invented:
        return f"the model's prompt states numbers the facts lack ({', '.join(sorted(invented))})"
    known_colours = {g.canonical for s in stems_of(known) if (g := group_of(s, colours()))}
    said_colours = {g.canonical for s in stems_of(text) if (g := group_of(s, colours()))}
    if said_colours - known_colours:
        return f"the model's prompt gives colours the facts lack ({', '.join(sorted(said_colours - known_colours))})"
    if not stems_of(_subject(product)) & stems_of(text):
        return "the model's prompt does not name the product"
    if _PROSE.search(text):
        return "the model wrote prose, not image phrases"
    scene_words = stems_of(scene) - stopwords()
    if len(scene_words - stems_of(text)) > len(scene_words) / 3:
        return "the model's prompt leaves out the requested scene"
    return None


def banned_in(text: str, banned_elements: list[str]) -> list[str]:
    """The banned elements `text` mentions (compared as word stems, so "people"/"person" differ but "dogs"/"dog" meet)."""
    said = [stem(w) for w, _, _ in words(text)]
    found = []
    for element in banned_elements:
        wanted = [stem(w) for w, _, _ in words(element)]
        if wanted and any(said[i:i + len(wanted)] == wanted for i in range(len(said))):
            found.append(element)
    return found


def _ask_model(product: Product, facts: list[Fact], visual: VisualRules, scene: str,
               generator: TextGenerator, seed: int | None) -> str:
    from generators.text.base import ChatMessage
    from generators.text.number_trie import numbers_in

    values = {
        "banned": ", ".join(visual.banned_elements) or "nothing in particular",
        "facts": "\n".join(f.line() for f in facts if f.name != "Description"),
        "backgrounds": ", ".join(visual.backgrounds) or "any",
        "lighting": visual.lighting or "any",
        "palette": ", ".join(visual.palette) or "any",
        "scene": scene or "the brand's usual background",
    }
    messages = [ChatMessage("system", render("image_prompt_system", **values)),
                ChatMessage("user", render("image_prompt_user", **values))]
    allowed = numbers_in(" ".join([*(f.value for f in facts), scene]))  # not the F-ids
    generation = generator.generate(messages, n=1, max_new_tokens=80, temperature=0.7, seed=seed,
                                    stop=["\n"], allowed_numbers=allowed)[0]
    return _clean(generation.text)


def _clean(text: str) -> str:
    """First non-empty line, without a "Prompt:" label or wrapping quotes."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"^(?:prompt)\s*:\s*", "", line, flags=re.IGNORECASE)
    return line.strip().strip("\"'`").strip()


def _subject(product: Product) -> str:
    title = " ".join(product.title.split())
    if len(title) <= _MAX_SUBJECT_CHARS:
        return title
    return title[:_MAX_SUBJECT_CHARS].rsplit(" ", 1)[0]


def _pieces(template: str, **values: str) -> str:
    """Render a one-piece-per-line template, leaving out lines whose fields are all empty."""
    pieces = []
    for line in load_prompt(template).template.splitlines():
        fields = [name for _, name, _, _ in string.Formatter().parse(line) if name]
        if fields and not any(values.get(name, "").strip() for name in fields):
            continue
        piece = line.format(**values).strip().strip(",").strip()
        if piece:
            pieces.append(piece)
    return ", ".join(pieces)
