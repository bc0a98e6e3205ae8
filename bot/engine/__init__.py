"""The conversation engine: free text and button presses in a thread -> typed replies.

Transports (bot/slack, bot/chat.py) build Turns/Presses, call `ConversationEngine`, and render the replies
with `blocks.render` (Slack) or `text.render_text` (terminal)."""

from bot.engine.engine import ConversationEngine
from bot.engine.turns import NoProgress, Press, Progress, Turn, UploadedFile

__all__ = ["ConversationEngine", "NoProgress", "Press", "Progress", "Turn", "UploadedFile"]
