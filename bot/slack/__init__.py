"""Slack transport: Bolt app, listeners, HTTP and Socket Mode servers, delivery into threads."""
