"""Transports (Slack, terminal chat, CLI) and the one conversation engine they share.

bot/ may import everything below it; nothing imports bot/.
"""
