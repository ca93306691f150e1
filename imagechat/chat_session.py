"""A conversation's state and how one user message is answered, without any UI.

The Chainlit glue (`imagechat.ui`) gives `answer` a `ChatUI` that streams tokens into the page;
tests give it a recorder.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from imagechat.catalog import Catalog, ChatModel, ImageModel
from imagechat.conversation import ChatTarget, ToolSpec, run_turn
from imagechat.errors import UserFacingError
from imagechat.image_context import TurnContext
from imagechat.internal_tools import InternalTools
from imagechat.llm import endpoint_for
from imagechat.prompts import system_prompt
from imagechat.settings import Settings

log = logging.getLogger("imagechat.chat")

STOPPED_NOTE = "\n\n_Stopped._"
UNEXPECTED = (
    "Something went wrong inside ImageChat while answering. Your conversation is intact; "
    "try again, and if it keeps happening, tell your administrator."
)
NO_IMAGE_MODEL = (
    "Image generation internal tool requested but no image generation model configured\n\n"
    "To fix it: pick an image model in the ⚙️ Internal tools menu next to the attachment "
    "button, choose a chat model whose provider offers images (set `OPENAI_API_KEY` for "
    "OpenAI's), set `DEFAULT_IMAGE_MODEL`, or switch Image creation off."
)
ToolsFactory = Callable[[ChatModel], list[ToolSpec]]


class ChatUI(Protocol):
    """Where a turn's output goes."""

    async def stream(self, token: str) -> None: ...

    async def finish(self, text: str) -> None: ...

    async def error(self, message: str) -> None: ...


@dataclass
class ChatSession:
    """One conversation: its model, Internal tools settings and the model's message history."""

    catalog: Catalog
    settings: Settings
    model_id: str
    tools: InternalTools = field(default_factory=InternalTools)
    history: list[dict[str, Any]] = field(default_factory=list)
    instructions: str | None = None
    # The agent's generate_image defaults (size, quality, style, n), for arguments the LLM omits.
    image_defaults: dict[str, Any] = field(default_factory=dict)
    image_cost: float = 0.0
    # notes about stored models that were replaced (retired or unavailable), not yet shown
    model_notes: list[str] = field(default_factory=list)
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def model(self) -> ChatModel:
        model = self.catalog.chat_model(self.model_id)
        return model or self.catalog.default_chat_model(self.settings.default_chat_model)

    def settle_models(
        self, model_id: str | None, image_model_id: str | None, *, retired_only: bool = False
    ) -> list[str]:
        """Use these stored models, or what replaces them when they are retired or unavailable
        here (the successor, else the default); returns a note for each replacement (only for
        retired models with `retired_only`)."""
        chat = self.catalog.resolve_chat(model_id, self.settings.default_chat_model)
        if chat.model is not None:
            self.model_id = chat.model.id
        found = [chat]
        if image_model_id:
            image = self.catalog.resolve_image(image_model_id, self.model)
            # the model itself or its successor; otherwise follow the chat model's default
            kept = image.model is not None and (image.note is None or image.successor)
            replacement = image.model.id if kept and image.model is not None else None
            self.tools = self.tools.model_copy(update={"image_model": replacement})
            found.append(image)
        return [r.note for r in found if r.note and (r.retired or not retired_only)]

    def select_model(self, model_id: str | None) -> ChatModel:
        """Switch to `model_id` for this and later messages; unknown or unusable ids are errors."""
        if model_id:
            model = self.catalog.chat_model(model_id)
            if model is None:
                raise UserFacingError(
                    f"There is no model called `{model_id}`. Pick one from the model menu."
                )
            self.model_id = model.id
        model = self.model
        if not self.catalog.has_key(model):
            env = "OPENAI_API_KEY" if model.provider == "openai" else model.api_key_env
            raise UserFacingError(
                f"No API key is set for **{model.label}**: set `{env}` and restart ImageChat, "
                "or pick the **Offline demo** model.",
                kind="no_key",
            )
        return model

    def image_model(self, chat: ChatModel) -> ImageModel:
        """The image model for this conversation; a clear error when none is usable."""
        chosen = self.tools.image_model
        if chosen:
            model = self.catalog.image_model(chosen)
            if model is not None and self.catalog.has_key(model):
                return model
            raise UserFacingError(NO_IMAGE_MODEL, kind="no_image_model")
        model = self.catalog.default_image_model(chat, self.settings.default_image_model)
        if model is None:
            raise UserFacingError(NO_IMAGE_MODEL, kind="no_image_model")
        return model

    def target(self, model: ChatModel) -> ChatTarget:
        return ChatTarget(
            litellm_model=model.litellm_model,
            label=model.label,
            endpoint=endpoint_for(model, self.settings, self.environ),
            timeout=self.settings.imagechat_llm_timeout,
            secrets=self.settings.secrets(),
        )

    def _tools_unsupported(self, model: ChatModel) -> str:
        capable = [m.label for m in self.catalog.available_chat_models() if m.supports_tools]
        return (
            f"**{model.label}** cannot call tools, so it cannot create images. "
            f"Pick a model that can: {', '.join(capable)}."
        )

    async def answer(
        self,
        text: str,
        ui: ChatUI,
        *,
        model_id: str | None = None,
        tools: ToolsFactory | None = None,
        context: TurnContext | None = None,
    ) -> None:
        """Answer one user message. Errors end in `ui.error`; nothing earlier is lost.

        `tools` builds the tools for the chosen chat model; it may raise `UserFacingError`.
        """
        user_message = {"role": "user", "content": text}
        try:
            model = self.select_model(model_id)
            offered = tools(model) if tools else []
            if offered and not model.supports_tools:
                raise UserFacingError(self._tools_unsupported(model), kind="tools_unsupported")
        except UserFacingError as exc:
            self.history.append(user_message)
            await ui.error(exc.message)
            return
        prompt = system_prompt(instructions=self.instructions, image_tool=self.tools.image_tool)
        messages: list[dict[str, Any]] = [{"role": "system", "content": prompt}]
        if context and context.note:
            messages.append({"role": "system", "content": context.note})
        seen = context.images if context and model.supports_vision else []
        content = TurnContext(images=seen).user_content(text)
        messages += [*self.history, {"role": "user", "content": content}]
        streamed: list[str] = []

        async def on_token(token: str) -> None:
            streamed.append(token)
            await ui.stream(token)

        self.history.append(user_message)
        try:
            result = await run_turn(
                self.target(model),
                messages,
                on_token=on_token,
                tools=offered,
                tool_choice="required" if offered and self.tools.image_tool == "always" else "auto",
                max_rounds=self.settings.imagechat_max_tool_rounds,
                max_tool_calls=self.settings.imagechat_max_tool_calls,
                tools_unsupported_message=self._tools_unsupported(model),
            )
        except UserFacingError as exc:
            if streamed:
                partial = "".join(streamed)
                self.history.append({"role": "assistant", "content": partial})
                await ui.finish(partial)
            await ui.error(exc.message)
            return
        except Exception:
            log.exception("unexpected error while answering")
            if streamed:
                partial = "".join(streamed)
                self.history.append({"role": "assistant", "content": partial})
                await ui.finish(partial)
            await ui.error(UNEXPECTED)
            return
        except asyncio.CancelledError:
            partial = "".join(streamed)
            if partial:
                self.history.append({"role": "assistant", "content": partial})
            await asyncio.shield(ui.finish(partial + STOPPED_NOTE))
            raise
        self.history.extend(result.new_messages)
        await ui.finish("".join(streamed) or result.text)
