"""A Socket Mode round trip: apps.connections.open -> the stand-in's WebSocket -> an event -> an ack ->
the answer posted in the thread through the Web API stand-in; a retried envelope is not answered twice."""

from __future__ import annotations

import time

from tests.bot.conftest import final_answers
from tests.slack_standin import BOT_USER_ID, TEAM_ID
from tests.slack_standin.socket_mode import SocketModeStandIn


def test_socket_mode_round_trip(slack, make_services):
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.engine import ConversationEngine
    from bot.slack.app import create_app
    from copydesk.state.threads import BotState

    services = make_services(slack_bot_token="xoxb-test-token", slack_app_token="xapp-test-token",
                             slack_api_url=slack.api_url)
    state = BotState(services.settings.db_path)
    app, bot = create_app(services.settings, ConversationEngine(services, state), state, socket_mode=True)
    with SocketModeStandIn(slack) as socket:
        handler = SocketModeHandler(app, "xapp-test-token")
        handler.connect()
        try:
            socket.wait_connected()
            event = {"type": "app_mention", "user": "U0BOB", "text": f"<@{BOT_USER_ID}> help", "ts": "1700.000100",
                     "channel": "C0SOCK", "event_ts": "1700.000100", "team": TEAM_ID}
            envelope = socket.send_event(event, event_id="EvSOCK1")
            socket.wait_ack(envelope)
            slack.wait_for(lambda calls: final_answers(calls, "C0SOCK", "1700.000100"))
            retried = socket.send_event(event, event_id="EvSOCK1", retry_attempt=1)
            socket.wait_ack(retried)  # acknowledged, so Slack stops retrying ...
            time.sleep(0.5)
            bot.pool.wait_idle(10)
            assert len(final_answers(list(slack.calls), "C0SOCK", "1700.000100")) == 1  # ... but not answered again
            assert slack.calls_to("apps.connections.open")
        finally:
            handler.close()
            bot.pool.shutdown()
