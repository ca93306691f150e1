from imagechat.history import messages_from_steps


def test_history_keeps_the_conversation_and_drops_errors_commands_and_notices() -> None:
    steps = [
        {"type": "user_message", "output": "hello"},
        {"type": "assistant_message", "output": "hi!"},
        {"type": "assistant_message", "output": "Rate limited", "isError": True},
        {"type": "user_message", "output": "agents", "command": "agents"},
        {"type": "assistant_message", "output": "Agents are open", "metadata": {"ui_only": True}},
        {"type": "tool", "output": "{}"},
        {"type": "assistant_message", "output": "   "},
        {"type": "user_message", "output": "draw a cat"},
    ]
    assert messages_from_steps(steps) == [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "hi!"},
        {"role": "user", "content": "draw a cat"},
    ]
