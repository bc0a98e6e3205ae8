"""A local stand-in for Slack: the Web API (webapi.py), signed HTTP requests to the bot (signed.py)
and a Socket Mode WebSocket server (socket_mode.py). Nothing here reaches the network."""

from tests.slack_standin.signed import SIGNING_SECRET, SignedSender
from tests.slack_standin.webapi import BOT_USER_ID, TEAM_ID, Call, SlackStandIn

__all__ = ["BOT_USER_ID", "SIGNING_SECRET", "TEAM_ID", "Call", "SignedSender", "SlackStandIn"]
