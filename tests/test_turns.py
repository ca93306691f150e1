"""Which steps form one answer, and which message of it carries the 🗑."""

from __future__ import annotations

from datetime import datetime, timedelta

from imagechat.storage.runs import GenerationRunRecord, run_is_alive
from imagechat.turns import TURN_KEY, StepRef, delete_heads, unit_of


def chat_turn(n: str, *, answer: bool = True) -> list[StepRef]:
    """A question, its run, the tool step (turn key only), a gallery and the answer."""
    run = f"run{n}"
    steps = [
        StepRef(f"q{n}", None, "user_message"),
        StepRef(run, f"q{n}", "run"),
        StepRef(f"tool{n}", None, "tool", {TURN_KEY: run}),
        StepRef(f"gallery{n}", run, "assistant_message", {TURN_KEY: run}),
        StepRef(f"error{n}", run, "assistant_message", is_error=True),
    ]
    if answer:
        steps.append(StepRef(f"answer{n}", run, "assistant_message"))
    return steps


def test_an_answer_goes_with_its_galleries_tool_steps_and_errors_not_its_question() -> None:
    steps = [*chat_turn("1"), *chat_turn("2")]
    assert unit_of("answer2", steps) == ["tool2", "gallery2", "error2", "answer2"]
    assert unit_of("gallery1", steps) == ["tool1", "gallery1", "error1", "answer1"]
    assert unit_of("q1", steps) == []  # a question is not deleted this way
    assert unit_of("run1", steps) == []
    assert unit_of("nope", steps) == []


def test_an_action_gallery_is_its_own_unit_and_children_follow_their_parent() -> None:
    steps = [
        *chat_turn("1"),
        StepRef("vtool", None, "tool", {TURN_KEY: "variation"}),
        StepRef("vchild", "vtool", "llm"),
        StepRef("variation", None, "assistant_message", {TURN_KEY: "variation"}),
    ]
    assert unit_of("variation", steps) == ["vtool", "vchild", "variation"]
    assert "variation" not in unit_of("answer1", steps)


def test_one_delete_button_per_answer() -> None:
    steps = [
        *chat_turn("1"),
        *chat_turn("2", answer=False),  # no text answer (it failed): the gallery carries it
        StepRef("variation", None, "assistant_message", {TURN_KEY: "variation"}),
        StepRef("old-answer", "old-run", "assistant_message"),  # stored before turn keys
        StepRef("old-gallery", "old-run", "assistant_message"),
    ]
    galleries = ["gallery1", "gallery2", "variation", "old-gallery"]
    assert delete_heads(steps, galleries) == ["answer1", "gallery2", "variation", "old-answer"]


def test_a_generation_is_alive_while_its_process_runs_it_or_keeps_beating() -> None:
    now = datetime(2026, 12, 1, 12, 0, 0)

    def row(boot: str, seconds_ago: float) -> GenerationRunRecord:
        return GenerationRunRecord("g", "t", boot, now - timedelta(seconds=seconds_ago))

    def alive(run: GenerationRunRecord | None, here: bool = False) -> bool:
        return run_is_alive(run, boot_id="me", running_here=here, now=now, stale_after=15)

    assert alive(None, here=True)
    assert not alive(None)  # nobody records it: interrupted
    assert not alive(row("me", 0))  # our own row, but we do not run it (a task died)
    assert alive(row("other", 5))  # another process that still beats
    assert not alive(row("other", 60))  # silent: that process is gone
