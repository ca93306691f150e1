"""The generate_image tool inside a real turn: LLM (fake server) -> tool -> images -> answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from imagechat.catalog import build_catalog
from imagechat.chat_session import NO_IMAGE_MODEL, ChatSession
from imagechat.conversation import ToolSpec
from imagechat.generation import GenerationResult, ImageResult
from imagechat.image_budget import ImageBudget
from imagechat.image_params import GenerationPlan
from imagechat.imaging import DecodedImage, Thumbnail
from imagechat.internal_tools import InternalTools
from imagechat.llm import endpoint_for
from imagechat.settings import Settings
from tests.fakes.chat import ToolCall
from tests.fakes.openai_server import FakeOpenAI
from tests.test_chat_session import Recorder
from tools.image_generation import ImageToolConfig, image_generation_tool


class GalleryRecorder:
    """A GalleryUI that keeps what the page would show."""

    def __init__(self) -> None:
        self.summaries: list[str] = []
        self.notes: list[list[str]] = []
        self.done: list[ImageResult] = []
        self.finished: list[GenerationResult] = []
        self.stored: list[dict[str, Any]] = []
        self.notices: list[str] = []

    async def begin(
        self, plan: GenerationPlan, summary: str, notes: list[str], lineage: Any = None
    ) -> Any:
        self.summaries.append(summary)
        self.notes.append(notes)
        return self

    async def __call__(
        self, image: DecodedImage, thumb: Thumbnail, data_b64: str, meta: dict[str, Any]
    ) -> str:
        self.stored.append(meta)
        return f"image-{len(self.stored)}"

    async def image_done(self, result: ImageResult) -> None:
        self.done.append(result)

    async def finish(self, result: GenerationResult) -> None:
        self.finished.append(result)

    async def cancelled(self) -> None:
        return None

    async def notice(self, text: str) -> None:
        self.notices.append(text)


def session_for(
    server: FakeOpenAI,
    *,
    tools: InternalTools,
    model_id: str = "gpt-5.4-mini",
    models_file: Path | None = None,
    environ: dict[str, str] | None = None,
) -> ChatSession:
    settings = Settings(openai_api_key=SecretStr(server.api_key), openai_base_url=server.base_url)
    env = environ or {}
    catalog = build_catalog(openai_key=True, models_file=models_file, environ=env)
    return ChatSession(
        catalog=catalog, settings=settings, model_id=model_id, tools=tools, environ=env
    )


def factory(session: ChatSession, gallery: GalleryRecorder):  # type: ignore[no-untyped-def]
    def build(chat_model: Any) -> list[ToolSpec]:
        if session.tools.image_tool == "off":
            return []
        model = session.image_model(chat_model)
        config = ImageToolConfig(model=model, endpoint=endpoint_for(model, session.settings, {}))
        return [image_generation_tool(config, gallery)]

    return build


ON = InternalTools(image_creation=True, image_model="gpt-image-2")


async def test_the_llm_calls_the_tool_and_gets_ids_and_revised_prompts_back(
    fake_openai: FakeOpenAI,
) -> None:
    session = session_for(
        fake_openai, tools=InternalTools(image_creation=True, image_model="gpt-image-2")
    )
    gallery = GalleryRecorder()
    fake_openai.queue_tool_call(
        "generate_image",
        {"prompt": "a lighthouse at dusk", "n": 3, "size": "1024x1024", "quality": "high"},
    )
    fake_openai.queue_text("Here are three lighthouses.")
    ui = Recorder()
    await session.answer("three lighthouses please", ui, tools=factory(session, gallery))
    assert ui.errors == [] and ui.finished == ["Here are three lighthouses."]
    first = fake_openai.requests_to("chat")[0].json
    assert first["tools"][0]["function"]["name"] == "generate_image"
    assert first["tool_choice"] == "auto"
    images = [r.json for r in fake_openai.requests_to("/v1/images/generations")]
    assert len(images) == 1 and images[0]["quality"] == "high" and images[0]["n"] == 3
    tool_message = fake_openai.last_chat_request()["messages"][-1]
    assert tool_message["role"] == "tool"
    payload = json.loads(tool_message["content"])
    assert payload["status"] == "ok"
    assert sorted(i["id"] for i in payload["images"]) == ["image-1", "image-2", "image-3"]
    # GPT Image models return no revised prompt: the prompt the chat model wrote is what shows
    assert all(i["revised_prompt"] is None for i in payload["images"])
    assert [meta["prompt"] for meta in gallery.stored] == ["a lighthouse at dusk"] * 3
    assert gallery.summaries == ["3 images · GPT Image 2 · 1024x1024 · high quality"]


async def test_more_than_ten_images_is_capped_and_the_user_is_told(fake_openai: FakeOpenAI) -> None:
    session = session_for(fake_openai, tools=ON)
    gallery = GalleryRecorder()
    fake_openai.queue_tool_call("generate_image", {"prompt": "stars", "n": 14})
    fake_openai.queue_text("Done.")
    await session.answer("14 star pictures", Recorder(), tools=factory(session, gallery))
    sent = fake_openai.requests_to("/v1/images/generations")
    assert sum(r.json["n"] for r in sent) == 10
    assert any("10" in note and "14" in note for note in gallery.notes[0])
    assert len(gallery.finished[0].made) == 10


async def test_parallel_calls_share_one_image_budget_per_answer(fake_openai: FakeOpenAI) -> None:
    """25 parallel generate_image calls with n=10 (a runaway model, or a prompt injection):
    the answer makes at most the operator's budget of images, and the person is told once."""
    session = session_for(fake_openai, tools=ON)
    session.settings = session.settings.model_copy(
        update={"imagechat_max_images_per_answer": 10, "imagechat_max_tool_calls": 30}
    )
    gallery = GalleryRecorder()

    def build(chat_model: Any) -> list[ToolSpec]:
        model = session.image_model(chat_model)
        config = ImageToolConfig(
            model=model,
            endpoint=endpoint_for(model, session.settings, {}),
            budget=ImageBudget(limit=session.settings.imagechat_max_images_per_answer),
        )
        return [image_generation_tool(config, gallery)]

    calls = [ToolCall("generate_image", {"prompt": f"flood {i}", "n": 10}) for i in range(25)]
    fake_openai.queue_tool_calls(calls)
    fake_openai.queue_text("That is all I may make at once.")
    ui = Recorder()
    await session.answer("make 250 images", ui, tools=build)
    made = sum(r.json["n"] for r in fake_openai.requests_to("/v1/images/generations"))
    assert made == 10 and len(gallery.stored) == 10
    assert len(gallery.notices) == 1 and "at most 10 images" in gallery.notices[0]
    results = [
        json.loads(m["content"])
        for m in fake_openai.last_chat_request()["messages"]
        if m["role"] == "tool"
    ]
    assert len(results) == 25
    assert [r["status"] for r in results] == ["ok"] + ["refused"] * 24
    assert ui.finished == ["That is all I may make at once."]


async def test_a_turn_runs_at_most_the_tool_call_cap(fake_openai: FakeOpenAI) -> None:
    session = session_for(fake_openai, tools=ON)
    session.settings = session.settings.model_copy(update={"imagechat_max_tool_calls": 3})
    gallery = GalleryRecorder()
    calls = [ToolCall("generate_image", {"prompt": f"one {i}", "n": 1}) for i in range(6)]
    fake_openai.queue_tool_calls(calls)
    fake_openai.queue_text("Three it is.")
    await session.answer("six images", Recorder(), tools=factory(session, gallery))
    assert len(fake_openai.requests_to("/v1/images/generations")) == 3
    last = fake_openai.last_chat_request()
    results = [m["content"] for m in last["messages"] if m["role"] == "tool"]
    assert len(results) == 6
    assert all(r.startswith("Error: one answer may make at most 3") for r in results[3:])
    assert "tools" not in last, "after the cap the model is asked to answer in text"


async def test_off_means_the_tool_is_not_offered(fake_openai: FakeOpenAI) -> None:
    session = session_for(fake_openai, tools=InternalTools(image_creation=False))
    await session.answer("draw a cat", Recorder(), tools=factory(session, GalleryRecorder()))
    assert "tools" not in fake_openai.last_chat_request()


async def test_always_forces_the_tool_call(fake_openai: FakeOpenAI) -> None:
    tools = InternalTools(
        image_creation=True, image_creation_mode="always", image_model="gpt-image-2"
    )
    session = session_for(fake_openai, tools=tools)
    fake_openai.queue_tool_call("generate_image", {"prompt": "hello world"})
    fake_openai.queue_text("Made it.")
    await session.answer("hello", Recorder(), tools=factory(session, GalleryRecorder()))
    first = fake_openai.requests_to("chat")[0].json
    assert first["tool_choice"] == {"type": "function", "function": {"name": "generate_image"}}
    second = fake_openai.requests_to("chat")[1].json
    assert second.get("tool_choice", "auto") == "auto", "only the first round is forced"


async def test_no_usable_image_model_gives_the_documented_message(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    models = tmp_path / "models.yaml"
    models.write_text(
        "chat_models:\n"
        "  - {id: local, label: Local LLM, description: x, litellm_model: openai/local,"
        f" api_base: '{fake_openai.base_url}', api_key_env: LOCAL_KEY}}\n"
    )
    session = session_for(
        fake_openai,
        tools=InternalTools(image_creation=True),
        model_id="local",
        models_file=models,
        environ={"LOCAL_KEY": fake_openai.api_key},
    )
    ui = Recorder()
    await session.answer("draw a cat", ui, tools=factory(session, GalleryRecorder()))
    assert ui.errors == [NO_IMAGE_MODEL]
    assert ui.errors[0].startswith(
        "Image generation internal tool requested but no image generation model configured"
    )
    assert fake_openai.requests_to("chat") == []
    session.tools = InternalTools(image_creation=False)
    ok = Recorder()
    await session.answer("then just chat", ok, tools=factory(session, GalleryRecorder()))
    assert ok.finished == ["Fake reply to: then just chat"]
    sent = [
        m["content"] for m in fake_openai.last_chat_request()["messages"] if m["role"] == "user"
    ]
    assert sent == ["draw a cat", "then just chat"]


async def test_a_chat_model_without_tool_calling_says_so_and_names_models_that_can(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    models = tmp_path / "models.yaml"
    models.write_text(
        "chat_models:\n"
        "  - {id: tiny, label: Tiny LLM, description: x, litellm_model: openai/tiny,"
        f" api_base: '{fake_openai.base_url}', supports_tools: false}}\n"
    )
    session = session_for(fake_openai, tools=ON, model_id="tiny", models_file=models)
    ui = Recorder()
    await session.answer("draw a cat", ui, tools=factory(session, GalleryRecorder()))
    assert "Tiny LLM" in ui.errors[0] and "cannot call tools" in ui.errors[0]
    assert "GPT-5.4 Mini" in ui.errors[0]


async def test_a_provider_that_refuses_tools_is_reported_the_same_way(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.set_no_tools_models("gpt-4.1")
    session = session_for(fake_openai, tools=ON, model_id="gpt-4.1")
    ui = Recorder()
    await session.answer("draw a cat", ui, tools=factory(session, GalleryRecorder()))
    assert "GPT-4.1" in ui.errors[0] and "cannot call tools" in ui.errors[0]
    ok = Recorder()
    await session.answer("hi", ok, model_id="gpt-5.5")
    assert ok.finished == ["Fake reply to: hi"]


async def test_bad_tool_arguments_go_back_to_the_model(fake_openai: FakeOpenAI) -> None:
    session = session_for(fake_openai, tools=ON)
    fake_openai.queue_tool_call("generate_image", {"prompt": "x", "size": "enormous"})
    fake_openai.queue_text("Sorry, let me fix that.")
    ui = Recorder()
    await session.answer("draw", ui, tools=factory(session, GalleryRecorder()))
    tool_message = fake_openai.last_chat_request()["messages"][-1]
    assert tool_message["role"] == "tool" and "size" in tool_message["content"].lower()
    assert "'enormous'" in tool_message["content"] and "16:9" in tool_message["content"]
    assert fake_openai.requests_to("/v1/images/generations") == []
    assert ui.finished == ["Sorry, let me fix that."]
