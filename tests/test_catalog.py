from pathlib import Path

import pytest

from imagechat.catalog import DEMO_CHAT_ID, DEMO_IMAGE_ID, CatalogError, build_catalog


def test_without_a_key_only_the_demo_is_available() -> None:
    catalog = build_catalog(openai_key=False, environ={})
    assert [m.id for m in catalog.available_chat_models()] == [DEMO_CHAT_ID]
    assert [m.id for m in catalog.available_image_models()] == [DEMO_IMAGE_ID]
    assert catalog.default_chat_model().id == DEMO_CHAT_ID
    assert "Demo" in catalog.chat_model(DEMO_CHAT_ID).description


def test_with_a_key_openai_models_come_first_and_the_demo_stays() -> None:
    catalog = build_catalog(openai_key=True, environ={})
    ids = [m.id for m in catalog.available_chat_models()]
    assert ids[:4] == ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-5.1"]
    assert DEMO_CHAT_ID in ids
    assert catalog.default_chat_model().id == "gpt-4o-mini"
    assert catalog.default_chat_model("gpt-4.1").id == "gpt-4.1"
    image_ids = {m.id for m in catalog.available_image_models()}
    assert {"gpt-image-1", "gpt-image-1-mini", "dall-e-3", "dall-e-2"} <= image_ids


def test_unusable_preferred_default_falls_back() -> None:
    catalog = build_catalog(openai_key=False, environ={})
    assert catalog.default_chat_model("gpt-4o").id == DEMO_CHAT_ID


def test_prices_come_from_the_table() -> None:
    catalog = build_catalog(openai_key=True, environ={})
    dalle3 = catalog.image_model("dall-e-3")
    assert dalle3.price_per_image("hd", "1792x1024") == pytest.approx(0.12)
    assert dalle3.price_per_image("standard", "1024x1024") == pytest.approx(0.04)
    assert catalog.image_model("dall-e-2").price_per_image(None, "512x512") == pytest.approx(0.018)


def test_user_models_file_adds_openai_compatible_endpoints(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(
        """
chat_models:
  - id: local-llama
    label: Llama 3 (local)
    description: Served by Ollama on this machine
    litellm_model: openai/llama3
    api_base: http://127.0.0.1:11434/v1
  - id: vllm-qwen
    label: Qwen (vLLM)
    description: Needs a key
    litellm_model: openai/qwen
    api_base: http://127.0.0.1:8001/v1
    api_key_env: VLLM_KEY
    supports_tools: false
"""
    )
    catalog = build_catalog(openai_key=False, models_file=path, environ={})
    ids = [m.id for m in catalog.available_chat_models()]
    assert "local-llama" in ids and "vllm-qwen" not in ids
    assert catalog.default_chat_model().id == "local-llama"
    with_key = build_catalog(openai_key=False, models_file=path, environ={"VLLM_KEY": "x"})
    assert "vllm-qwen" in [m.id for m in with_key.available_chat_models()]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("chat_models:\n  - id: x\n    label: X\n", "chat_models.0"),
        (
            "chat_models:\n  - {id: gpt-4o, label: a, description: b, litellm_model: c}\n",
            "already defined",
        ),
        (
            "chat_models: [{id: a, label: a, description: b, litellm_model: c, colour: red}]\n",
            "colour",
        ),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_invalid_models_file_names_file_and_problem(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError) as info:
        build_catalog(openai_key=False, models_file=path, environ={})
    assert str(path) in str(info.value)
    assert needle in str(info.value)
