"""The model catalog: the provider's listing x litellm's model map x families.yaml, the demo,
the operator's models file; defaults by rule, badges, retired models and their successors, the
listing cache, and `imagechat models list`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagechat.catalog import (
    DEMO_CHAT_ID,
    DEMO_IMAGE_ID,
    Catalog,
    CatalogError,
    Resolution,
    build_catalog,
    model_map,
)
from imagechat.catalog.listing import (
    ListedModel,
    Listing,
    ListingCache,
    current_listing,
    fetch_listing,
)
from imagechat.settings import get_settings
from tests.fakes.openai_server import FakeOpenAI

TODAY = dt.date(2026, 12, 1)


def listing(*models: tuple[str, int], fetched_at: float | None = None) -> Listing:
    return Listing(
        tuple(ListedModel(model_id, created) for model_id, created in models),
        time.time() if fetched_at is None else fetched_at,
    )


# What one OpenAI account lists: usable models, and things the catalog must leave out.
LISTED = listing(
    ("gpt-6-sol", 300),
    ("gpt-5.4", 200),
    ("gpt-4o", 500),  # retires 2027-01-14 (deprecated today): never the default
    ("gpt-5-chat", 1000),  # no tool calling in litellm's map
    ("gpt-7-preview", 2000),  # unknown to litellm's map
    ("text-embedding-3-small", 900),  # not a chat or image model
    ("gpt-5.4-mini-2026-03-17", 950),  # a dated snapshot
    ("gpt-image-2", 400),
    ("gpt-image-2.5-sunburst", 300),
    ("gpt-image-2.6-flare", 350),
    ("gpt-image-1", 900),  # shut down 2026-10-23
    ("gpt-image-1.5", 800),  # shut down today
    ("dall-e-3", 700),  # gone from litellm's map
    ("gpt-image-2-2026-04-21", 450),  # a dated snapshot
)


def catalog(
    listed: Listing | None = LISTED, *, today: dt.date = TODAY, key: bool = True, **kw: object
) -> Catalog:
    return build_catalog(openai_key=key, environ={}, listing=listed, today=today, **kw)  # type: ignore[arg-type]


def chat_ids(cat: Catalog) -> set[str]:
    return {m.id for m in cat.chat_models}


def image_ids(cat: Catalog) -> set[str]:
    return {m.id for m in cat.image_models}


# Which models are offered


def test_without_a_key_only_the_demo_is_available() -> None:
    for listed in (None, LISTED):
        cat = catalog(listed, key=False)
        # other models may be known (to say which key is missing) but none can be used
        assert all(not cat.has_key(m) for m in cat.chat_models if m.id != DEMO_CHAT_ID)
        assert all(not cat.has_key(m) for m in cat.image_models if m.id != DEMO_IMAGE_ID)
        assert [m.id for m in cat.available_chat_models()] == [DEMO_CHAT_ID]
        assert [m.id for m in cat.available_image_models()] == [DEMO_IMAGE_ID]
        chat = cat.default_chat_model()
        assert chat.id == DEMO_CHAT_ID and "Demo" in chat.description
        image = cat.default_image_model(chat)
        assert image is not None and image.id == DEMO_IMAGE_ID
        assert cat.default_chat_model("gpt-5.4").id == DEMO_CHAT_ID


def test_with_a_key_only_listed_models_litellms_map_knows_are_offered() -> None:
    cat = catalog()
    assert chat_ids(cat) == {"gpt-6-sol", "gpt-5.4", "gpt-4o", DEMO_CHAT_ID}
    assert image_ids(cat) == {
        "gpt-image-2",
        "gpt-image-2.5-sunburst",
        "gpt-image-2.6-flare",
        DEMO_IMAGE_ID,
    }
    for model in [*cat.chat_models, *cat.image_models]:
        if model.provider == "openai":
            assert model.id in LISTED.ids() and model_map.entry(model.id) is not None
            assert model.created == LISTED.created(model.id)
            assert model.litellm_model == f"openai/{model.id}"
    # newest first, the demo last
    assert [m.id for m in cat.chat_models] == ["gpt-4o", "gpt-6-sol", "gpt-5.4", DEMO_CHAT_ID]
    assert cat.chat_model("gpt-6-sol").supports_tools  # type: ignore[union-attr]
    assert cat.image_model("gpt-image-2").rules.family == "gpt-image-2"  # type: ignore[union-attr]


def test_another_listing_offers_other_models() -> None:
    cat = catalog(listing(("gpt-5.5", 10), ("gpt-image-2.5-flare", 10)))
    assert chat_ids(cat) == {"gpt-5.5", DEMO_CHAT_ID}
    assert image_ids(cat) == {"gpt-image-2.5-flare", DEMO_IMAGE_ID}


@pytest.mark.parametrize("listed", [LISTED, None], ids=["listing", "no listing: the map"])
def test_retired_models_are_never_offered(listed: Listing | None) -> None:
    cat = catalog(listed)
    offered = [*cat.chat_models, *cat.image_models]
    assert all(m.lifecycle.stage(TODAY) != "retired" for m in offered)
    gone = {"gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini", "chatgpt-image-latest"}
    gone |= {"dall-e-2", "dall-e-3"}
    assert not gone & {m.id for m in offered}


def test_without_a_listing_the_maps_current_models_are_offered() -> None:
    cat = catalog(None)
    known = set(model_map.known_models())
    openai_ids = {m.id for m in [*cat.chat_models, *cat.image_models] if m.provider == "openai"}
    assert openai_ids and openai_ids <= known
    assert {"gpt-image-2", "gpt-image-2.5-sunburst"} <= openai_ids


def test_a_model_is_gone_on_its_shutdown_day() -> None:
    gpt4o = catalog().chat_model("gpt-4o")
    assert gpt4o is not None and gpt4o.lifecycle.shutdown is not None
    shutdown = gpt4o.lifecycle.shutdown
    assert "gpt-4o" in chat_ids(catalog(today=shutdown - dt.timedelta(days=1)))
    assert "gpt-4o" not in chat_ids(catalog(today=shutdown))
    assert "gpt-4o" not in chat_ids(catalog(today=shutdown + dt.timedelta(days=1)))


# Defaults by rule


def test_default_chat_model_is_the_newest_current_one_with_tool_calling() -> None:
    cat = catalog()
    # gpt-7-preview, gpt-5-chat and the snapshot are newer but not offered; gpt-4o is newer
    # but retires soon
    assert cat.default_chat_model().id == "gpt-6-sol"
    newer = listing(*((m.id, m.created) for m in LISTED.models), ("gpt-5.5", 301))
    assert catalog(newer).default_chat_model().id == "gpt-5.5"


def test_default_image_model_is_the_newest_current_one() -> None:
    cat = catalog()
    chat = cat.default_chat_model()
    image = cat.default_image_model(chat)
    assert image is not None and image.id == "gpt-image-2"  # gpt-image-1 and 1.5 are retired
    newer = listing(("gpt-6-sol", 1), ("gpt-image-2", 1), ("gpt-image-2.5-flare", 2))
    cat = catalog(newer)
    assert cat.default_image_model(cat.default_chat_model()).id == "gpt-image-2.5-flare"  # type: ignore[union-attr]


def test_only_deprecated_models_still_give_a_default() -> None:
    cat = catalog(listing(("gpt-4o", 1), ("gpt-4.1", 2), ("gpt-image-2", 1)))
    assert cat.default_chat_model().id == "gpt-4.1"


def test_preferred_models_win_when_offered() -> None:
    cat = catalog()
    assert cat.default_chat_model("gpt-5.4").id == "gpt-5.4"
    assert cat.default_chat_model("gpt-4o").id == "gpt-4o"  # the operator's choice
    chat = cat.default_chat_model()
    image = cat.default_image_model(chat, "gpt-image-2.5-sunburst")
    assert image is not None and image.id == "gpt-image-2.5-sunburst"
    # not offered (unknown, retired, or not listed): the rule decides
    for preferred in ("gpt-5.5", "gpt-5-chat", "no-such-model", "o3"):
        assert cat.default_chat_model(preferred).id == "gpt-6-sol"
    for preferred in ("gpt-image-1", "gpt-image-2.5-flare"):
        assert cat.default_image_model(chat, preferred).id == "gpt-image-2"  # type: ignore[union-attr]


# Badges


def test_a_model_within_60_days_of_its_shutdown_has_a_badge() -> None:
    listed = listing(("gpt-4o", 500), ("gpt-6-luna", 100))
    cat = catalog(listed)
    gpt4o = cat.chat_model("gpt-4o")
    assert gpt4o is not None
    assert gpt4o.lifecycle.shutdown == dt.date(2027, 1, 14)
    assert gpt4o.lifecycle.successor == "gpt-6-luna"
    shutdown = gpt4o.lifecycle.shutdown
    for days in (60, 44, 1):
        cat = catalog(listed, today=shutdown - dt.timedelta(days=days))
        assert cat.badge(cat.chat_model("gpt-4o")) == "retires 2027-01-14 → GPT-6 Luna"  # type: ignore[arg-type]
        assert cat.badge(cat.chat_model("gpt-6-luna")) is None  # type: ignore[arg-type]
    cat = catalog(listed, today=shutdown - dt.timedelta(days=61))
    assert cat.badge(cat.chat_model("gpt-4o")) is None  # type: ignore[arg-type]


def test_badges_follow_the_shutdown_dates_of_the_map() -> None:
    cat = catalog(None)
    badged = 0
    for model in [*cat.chat_models, *cat.image_models]:
        shutdown = model.lifecycle.shutdown
        due = shutdown is not None and 0 < (shutdown - TODAY).days <= 60
        badge = cat.badge(model)
        assert (badge is not None) == due, model.id
        if badge is not None:
            badged += 1
            assert badge.startswith(f"retires {shutdown.isoformat()}")  # type: ignore[union-attr]
    assert badged > 0


def test_the_badge_names_the_successor_by_label_even_when_it_is_not_listed() -> None:
    cat = catalog(listing(("gpt-4o", 500)))
    assert cat.badge(cat.chat_model("gpt-4o")) == "retires 2027-01-14 → GPT-6 Luna"  # type: ignore[arg-type]


# Retired models and their successors


def test_a_retired_chat_model_resolves_to_its_successor() -> None:
    listed = listing(("gpt-4o", 500), ("gpt-6-luna", 100), ("gpt-5.4", 300))
    cat = catalog(listed, today=dt.date(2027, 2, 1))
    resolved = cat.resolve_chat("gpt-4o")
    assert resolved.model is not None and resolved.model.id == "gpt-6-luna"
    assert resolved.retired
    assert resolved.note == (
        "GPT-4o was retired by its provider on 2027-01-14; this now uses its successor, GPT-6 Luna."
    )


def test_the_successor_chain_is_followed_past_retired_successors() -> None:
    # gpt-5-chat -> gpt-5.2-chat-latest (retired too, not listed) -> gpt-5.6-sol
    assert model_map.entry("gpt-5-chat").lifecycle.successor == "gpt-5.2-chat-latest"  # type: ignore[union-attr]
    cat = catalog(listing(("gpt-5.6-sol", 1), ("gpt-6-sol", 2)))
    resolved = cat.resolve_chat("gpt-5-chat")
    assert resolved.model is not None and resolved.model.id == "gpt-5.6-sol"
    assert resolved.retired
    assert resolved.note is not None
    assert "retired by its provider on 2026-07-23" in resolved.note
    assert resolved.note.endswith("this now uses its successor, GPT-5.6 Sol.")


@pytest.mark.parametrize(
    ("old", "shutdown"), [("gpt-image-1", "2026-10-23"), ("gpt-image-1.5", "2026-12-01")]
)
def test_a_retired_image_model_resolves_to_its_successor(old: str, shutdown: str) -> None:
    cat = catalog()
    chat = cat.default_chat_model()
    resolved = cat.resolve_image(old, chat)
    assert resolved.model is not None and resolved.model.id == "gpt-image-2.5-sunburst"
    assert resolved.retired
    assert resolved.note == (
        f"{cat.label(old)} was retired by its provider on {shutdown}; this now uses its "
        "successor, GPT Image 2.5 Sunburst."
    )


def test_without_its_successor_a_retired_model_gets_the_default() -> None:
    cat = catalog(listing(("gpt-6-sol", 1), ("gpt-image-2", 1)))
    resolved = cat.resolve_image("gpt-image-1", cat.default_chat_model())
    assert resolved.model is not None and resolved.model.id == "gpt-image-2"
    assert resolved.retired
    assert resolved.note == (
        "GPT Image 1 was retired by its provider on 2026-10-23; this now uses the default, "
        "GPT Image 2."
    )


def test_an_offered_model_resolves_to_itself() -> None:
    cat = catalog()
    assert cat.resolve_chat("gpt-5.4") == Resolution(cat.chat_model("gpt-5.4"))
    image = cat.resolve_image("gpt-image-2", cat.default_chat_model())
    assert image == Resolution(cat.image_model("gpt-image-2"))
    assert cat.resolve_chat(None) == Resolution(None)


def test_a_model_without_a_key_resolves_to_the_default_not_as_retired() -> None:
    cat = catalog(key=False)
    resolved = cat.resolve_chat("gpt-5.4")
    assert resolved.model is not None and resolved.model.id == DEMO_CHAT_ID
    assert not resolved.retired
    assert (
        resolved.note == "GPT-5.4 is not available here; this now uses the default, Offline demo."
    )


# The operator's models file


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_models_file_adds_openai_compatible_endpoints(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
chat_models:
  - id: local-llama
    label: Llama 3 (local)
    description: Served by Ollama on this machine
    litellm_model: openai/llama3
    api_base: http://127.0.0.1:11434/v1
  - id: vllm-qwen
    label: Qwen (vLLM)
    litellm_model: openai/qwen
    api_base: http://127.0.0.1:8001/v1
    api_key_env: VLLM_KEY
image_models:
  - id: local-flux
    label: Flux (local)
    litellm_model: openai/flux
    api_base: http://127.0.0.1:8002/v1
    family: gpt-image-2
    rules: {max_n: 4, prompt_limit: 2000}
""",
    )
    cat = build_catalog(openai_key=False, models_file=path, environ={}, today=TODAY)
    available = [m.id for m in cat.available_chat_models()]
    assert "local-llama" in available and "vllm-qwen" not in available
    assert cat.default_chat_model().id == "local-llama"
    with_key = build_catalog(
        openai_key=False, models_file=path, environ={"VLLM_KEY": "x"}, today=TODAY
    )
    assert "vllm-qwen" in [m.id for m in with_key.available_chat_models()]
    flux = cat.image_model("local-flux")
    assert flux is not None and flux.provider == "custom"
    assert flux.rules.family == "gpt-image-2" and flux.rules.custom_sizes is not None
    assert (flux.rules.max_n, flux.rules.prompt_limit) == (4, 2000)


def test_the_models_file_overrides_a_listed_model_with_the_same_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
chat_models:
  - {id: gpt-5.4, label: House GPT-5.4, litellm_model: openai/gpt-5.4,
     api_base: "http://127.0.0.1:9000/v1"}
image_models:
  - {id: gpt-image-2, label: GPT Image 2 (proxy), litellm_model: openai/gpt-image-2,
     api_base: "http://127.0.0.1:9000/v1", rules: {max_n: 2}}
""",
    )
    cat = catalog(models_file=path)
    assert [m.id for m in cat.chat_models].count("gpt-5.4") == 1
    assert [m.id for m in cat.image_models].count("gpt-image-2") == 1
    chat = cat.chat_model("gpt-5.4")
    image = cat.image_model("gpt-image-2")
    assert chat is not None and chat.label == "House GPT-5.4"
    assert chat.api_base == "http://127.0.0.1:9000/v1"
    assert image is not None and image.label == "GPT Image 2 (proxy)"
    assert image.rules.max_n == 2
    assert image.rules.family == "gpt-image-2"  # the rest from the family of its model name
    assert "gpt-6-sol" in chat_ids(cat)  # the other listed models stay


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("chat_models:\n  - id: x\n    label: X\n", "chat_models.0.litellm_model"),
        (
            "chat_models: [{id: a, label: a, litellm_model: openai/a, colour: red}]\n",
            "colour",
        ),
        ("- just a list\n", "expected a mapping"),
        ("chat_models: [\n", "cannot read models file"),
        ("image_models: [{id: a, label: A, litellm_model: openai/a, family: nope}]\n", "'nope'"),
        (
            "image_models: [{id: a, label: A, litellm_model: openai/a, rules: {max_n: lots}}]\n",
            "max_n",
        ),
        (
            "chat_models: [{id: a, label: A, litellm_model: openai/a, provider: azure}]\n",
            "provider",
        ),
        ("models: []\n", "models"),
    ],
)
def test_an_invalid_models_file_names_the_file_and_the_problem(
    tmp_path: Path, text: str, needle: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        build_catalog(openai_key=False, models_file=path, environ={})
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert needle in message


def test_a_missing_models_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(CatalogError, match="cannot read models file") as info:
        build_catalog(openai_key=False, models_file=path, environ={})
    assert str(path) in str(info.value)


def test_a_models_file_with_a_duplicate_id_is_invalid(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "chat_models:\n"
        "  - {id: a, label: A, litellm_model: openai/a}\n"
        "  - {id: a, label: B, litellm_model: openai/b}\n",
    )
    with pytest.raises(CatalogError, match="'a'"):
        build_catalog(openai_key=False, models_file=path, environ={})


# The listing and its cache


@pytest.fixture
def cache(tmp_path: Path) -> ListingCache:
    return ListingCache(tmp_path / "model-listing.json")


def listing_requests(fake: FakeOpenAI) -> int:
    return len(fake.requests_to("/v1/models"))


def test_the_listing_is_fetched_once_and_cached(
    fake_openai: FakeOpenAI, cache: ListingCache
) -> None:
    first = current_listing(fake_openai.base_url, fake_openai.api_key, cache, max_age=3600)
    assert first is not None and not first.stale
    served = set(fake_openai.served_chat_models) | set(fake_openai.served_image_models)
    assert first.ids() == served
    assert listing_requests(fake_openai) == 1
    text = cache.path.read_text(encoding="utf-8")
    assert fake_openai.api_key not in text  # keyed by base URL, never by key
    again = current_listing(fake_openai.base_url, fake_openai.api_key, cache, max_age=3600)
    assert again is not None and again.ids() == served and not again.stale
    assert listing_requests(fake_openai) == 1  # fresh enough: not fetched again
    forced = current_listing(
        fake_openai.base_url, fake_openai.api_key, cache, max_age=3600, force=True
    )
    assert forced is not None and listing_requests(fake_openai) == 2


def test_an_old_listing_is_fetched_again(fake_openai: FakeOpenAI, cache: ListingCache) -> None:
    old = listing(("gpt-5.4", 1), fetched_at=time.time() - 7200)
    cache.save(fake_openai.base_url, old)
    fresh = current_listing(fake_openai.base_url, fake_openai.api_key, cache, max_age=3600)
    assert fresh is not None and not fresh.stale and "gpt-5.4" in fresh.ids()
    assert len(fresh.ids()) > 1
    assert listing_requests(fake_openai) == 1
    saved = cache.load(fake_openai.base_url)
    assert saved is not None and saved.fetched_at > old.fetched_at


@pytest.mark.parametrize("failure", ["server error", "wrong key"])
def test_a_failing_listing_falls_back_to_the_cached_one_marked_stale(
    fake_openai: FakeOpenAI,
    cache: ListingCache,
    caplog: pytest.LogCaptureFixture,
    failure: str,
) -> None:
    cached = listing(("gpt-5.4", 7), ("gpt-image-2", 9), fetched_at=time.time() - 7200)
    cache.save(fake_openai.base_url, cached)
    key = fake_openai.api_key
    if failure == "server error":
        fake_openai.inject("any", 503, times=None)
    else:
        key = "sk-not-the-right-key"
    with caplog.at_level(logging.WARNING, logger="imagechat.catalog"):
        got = current_listing(fake_openai.base_url, key, cache, max_age=60)
    assert got is not None and got.stale
    assert got.models == cached.models and got.fetched_at == pytest.approx(cached.fetched_at)
    assert listing_requests(fake_openai) == 1  # it did try
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    status = "503" if failure == "server error" else "401"
    assert "Model listing failed" in message and status in message
    assert time.strftime("%Y-%m-%d", time.localtime(cached.fetched_at)) in message
    assert key not in caplog.text
    # a stale listing still builds a catalog of its models
    assert {"gpt-5.4", "gpt-image-2"} <= chat_ids(catalog(got)) | image_ids(catalog(got))


def test_a_failing_listing_with_nothing_cached_gives_none(
    fake_openai: FakeOpenAI, cache: ListingCache, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.inject("any", 500, times=None)
    with caplog.at_level(logging.WARNING, logger="imagechat.catalog"):
        got = current_listing(fake_openai.base_url, fake_openai.api_key, cache, max_age=60)
    assert got is None
    assert not cache.path.exists()
    assert "no earlier list is known" in caplog.text and "500" in caplog.text


def test_an_unreachable_endpoint_with_nothing_cached_gives_none(
    cache: ListingCache, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with caplog.at_level(logging.WARNING, logger="imagechat.catalog"):
        got = current_listing(f"http://127.0.0.1:{port}/v1", "sk-x", cache, max_age=60)
    assert got is None
    assert "could not be reached" in caplog.text


def test_fetch_listing_reads_the_fakes_models(fake_openai: FakeOpenAI) -> None:
    got = fetch_listing(fake_openai.base_url, fake_openai.api_key)
    assert "gpt-image-2" in got.ids() and got.created("gpt-image-2") > 0
    assert got.created("no-such-model") == 0


# imagechat models list


@pytest.fixture
def cli_env(
    fake_openai_env: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeOpenAI]:
    monkeypatch.setenv("IMAGECHAT_DATA_DIR", str(tmp_path))
    for name in ("IMAGECHAT_MODELS_FILE", "DEFAULT_CHAT_MODEL", "DEFAULT_IMAGE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield fake_openai_env
    get_settings.cache_clear()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    from imagechat.cli import main

    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_models_list_json_lists_only_what_the_fake_serves(
    cli_env: FakeOpenAI, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake = cli_env
    rows = run_cli(capsys, "models", "list", "--json")
    listed = {str(r["id"]) for r in rows}
    served = set(fake.served_chat_models) | set(fake.served_image_models)
    openai_rows = [r for r in rows if r["provider"] == "openai"]
    assert openai_rows
    assert {str(r["id"]) for r in openai_rows} <= served
    assert {DEMO_CHAT_ID, DEMO_IMAGE_ID} <= listed
    # models litellm's map knows but the fake does not serve are not listed
    unserved = set(model_map.known_models()) - served
    assert unserved and not unserved & listed
    # retired ones never (the fake still serves some that litellm's map retires today)
    assert not fake.retired_models & listed
    assert "chatgpt-image-latest" in served and "chatgpt-image-latest" not in listed
    assert all(r["usable"] for r in rows)
    assert all(r["status"] != "retired" for r in rows)
    images = {str(r["id"]): r for r in rows if r["kind"] == "image"}
    assert images["gpt-image-2.5-sunburst"]["family"] == "gpt-image-2.5"
    assert "xhigh" in images["gpt-image-2.5-sunburst"]["qualities"]  # type: ignore[operator]
    assert "custom sizes" in images["gpt-image-2"]["capabilities"]  # type: ignore[operator]
    assert "custom sizes" not in images["gpt-image-2.6-flare"]["capabilities"]  # type: ignore[operator]
    assert len(fake.requests_to("/v1/models")) == 1
    assert (tmp_path / "model-listing.json").exists()


def test_models_list_uses_the_cache_and_refresh_fetches(
    cli_env: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = cli_env
    first = run_cli(capsys, "models", "list", "--json")
    assert run_cli(capsys, "models", "list", "--json") == first
    assert len(fake.requests_to("/v1/models")) == 1
    assert run_cli(capsys, "models", "refresh", "--json") == first
    assert len(fake.requests_to("/v1/models")) == 2


def test_models_refresh_with_a_failing_provider_lists_the_cached_models(
    cli_env: FakeOpenAI, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    fake = cli_env
    first = run_cli(capsys, "models", "list", "--json")
    fake.inject("any", 503, times=None)
    with caplog.at_level(logging.WARNING, logger="imagechat.catalog"):
        again = run_cli(capsys, "models", "refresh", "--json")
    assert again == first
    assert "Model listing failed" in caplog.text


def test_models_list_as_text(cli_env: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    from imagechat.cli import main

    assert main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = {line.split()[0] for line in lines}
    assert {"gpt-image-2", DEMO_CHAT_ID, DEMO_IMAGE_ID} <= ids
    assert not ids & cli_env.retired_models
