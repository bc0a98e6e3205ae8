"""The help text every transport shows (Slack, /copydesk help, terminal chat)."""

HELP_TITLE = "What copydesk can do"

HELP_TEXT = """\
*Draft a listing*: `draft SKU-123`, `write copy for the blue kettle for Amazon`, `draft 4006381333931 in the pebble voice`
*Refine it* (reply in the thread): `shorter`, `warmer tone`, `for Amazon`, `use the acme voice`, `mention the warranty`, `another one` (a new version on a new seed)
*Act on it*: `approve`, `edit: <your final text>` (records your edit), `facts` (what the catalog says)
*Images*: `image of SKU-123 on a marble kitchen counter, morning light`; attach a product photo to get a new scene around it
*Many at once*: `bulk Model Trains` (a category), `bulk query wooden toys for amazon`, or `bulk` with a CSV of SKUs attached; in its thread `cancel`, `approve all`, or a SKU to open that draft
*Other*: `brands`, `export` (approved drafts of this channel as CSV), `export shopify` (Shopify product CSV), `export amazon` (Amazon flat file)
Every claim in a draft is checked against the catalog; what could not be checked is removed and listed.\
"""

SUGGESTED_PROMPTS = [
    ("Draft a listing", "draft "),
    ("Show the brands", "brands"),
    ("Product image", "image of "),
    ("Help", "help"),
]
