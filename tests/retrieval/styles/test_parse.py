from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.errors import InputError
from retrieval.styles.parse import chunk_by_heading, guide_files, parse_guide, split_front_matter, strip_mdx

MDX = """export const meta = {
  title: 'Voice and tone',
  slug: '/voice/',
};

import {Callout} from '@twilio-paste/callout';
import Layout from '../layouts/DefaultLayout';

export default Layout;

<PageHeader>
  <PageHeaderHeading>{meta.title}</PageHeaderHeading>
</PageHeader>

## Be clear

Use short words.
<Callout variant="neutral">
  <CalloutText>Never shout.</CalloutText>
</Callout>

```jsx
<Button>Keep code</Button>
```
"""


def test_mdx_markup_is_stripped_and_lines_kept() -> None:
    text = strip_mdx(MDX)
    assert text.count("\n") == MDX.count("\n")
    assert "import" not in text and "export" not in text and "<" not in text.split("```")[0]
    assert "Never shout." in text and "Use short words." in text
    assert "<Button>Keep code</Button>" in text  # code blocks are left alone


def test_chunks_follow_headings_with_their_lines() -> None:
    body = "Intro line.\n\n# Guide\n\n## Titles\nShort titles.\n\n### Length\nAt most 80.\n\n## Bullets\nFour.\n"
    chunks = chunk_by_heading(body, "Guide", first_line=1)
    assert [(h, t, line) for h, t, line in chunks] == [
        ("Guide", "Intro line.", 1),
        ("Guide > Titles", "Short titles.", 5),
        ("Guide > Titles > Length", "At most 80.", 8),
        ("Guide > Bullets", "Four.", 11),
    ]


def test_front_matter_rules_and_errors(tmp_path: Path) -> None:
    front, body, used = split_front_matter("---\nbanned_words: [cheap]\n---\n# Hi\n")
    assert front == {"banned_words": ["cheap"]} and body == "# Hi\n" and used == 3
    guide = tmp_path / "g.md"
    guide.write_text("---\ntitle: G\nbullet_count: many\n---\n# G\ntext\n", encoding="utf-8")
    with pytest.raises(InputError, match="bullet_count"):
        parse_guide(guide)
    guide.write_text("---\ntitle: [unclosed\n---\ntext\n", encoding="utf-8")
    with pytest.raises(InputError, match="YAML"):
        parse_guide(guide)


def test_real_guides_without_rules(shared_data: Path) -> None:
    files = guide_files(shared_data / "style-guides" / "18f")
    assert all(f.suffix == ".md" and not f.name.startswith("LICENSE") for f in files)
    guide = parse_guide(shared_data / "style-guides" / "18f" / "_pages" / "our-style" / "active-voice.md")
    assert guide.rules == {}  # Jekyll front matter (title, permalink) is not brand rules
    assert guide.sections and all(text.strip() for _, text, _ in guide.sections)
    paste = parse_guide(shared_data / "style-guides" / "twilio-paste" / "voice-and-tone.mdx")
    joined = "\n".join(text for _, text, _ in paste.sections)
    assert "import" not in joined and "<PageHeader" not in joined and "getStaticProps" not in joined
