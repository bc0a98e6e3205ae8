"""Brand and channel rules: repairs that record what they changed, and independent checks that count what is still wrong.
Other packages import from here, not from its modules."""

from chains.rules.channels import CHANNELS, ChannelProfile, Limits, channel_profile
from chains.rules.checks import check_rules
from chains.rules.repair import apply_rules
from chains.rules.text_edits import cut_at_sentence, cut_at_word

__all__ = ["CHANNELS", "ChannelProfile", "Limits", "apply_rules", "channel_profile", "check_rules",
           "cut_at_sentence", "cut_at_word"]
