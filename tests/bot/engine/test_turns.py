"""What the engine receives is text a database can hold: control characters never reach it."""

from bot.engine.turns import Press, Turn


def test_control_characters_are_dropped_from_messages_and_presses():
    turn = Turn("slack:C1:1.0", "U1", "draft MUG-1\x00\x1b[31m\nfor amazon\t!")
    assert turn.text == "draft MUG-1[31m\nfor amazon\t!"  # line breaks and tabs stay
    press = Press("slack:C1:1.0", "U1", "pick", "SKU\x00-9")
    assert press.value == "SKU-9"
