"""``imagechat models list [--json]`` and ``imagechat models refresh``: what the running
configuration offers, derived from the provider's listing and litellm's model map."""

from __future__ import annotations

import argparse
import json
from typing import Any

from imagechat.catalog.catalog import Catalog
from imagechat.catalog.records import ChatModel, ImageModel


def describe(catalog: Catalog, model: ChatModel | ImageModel) -> dict[str, Any]:
    stage = model.lifecycle.stage(catalog.today)
    status = stage
    if stage == "deprecated" and model.lifecycle.shutdown:
        status = f"deprecated, retires {model.lifecycle.shutdown.isoformat()}"
        if model.lifecycle.successor:
            status += f", successor {model.lifecycle.successor}"
    row: dict[str, Any] = {
        "id": model.id,
        "label": model.label,
        "kind": "chat" if isinstance(model, ChatModel) else "image",
        "provider": model.provider,
        "status": status,
        "usable": catalog.has_key(model),
    }
    if isinstance(model, ChatModel):
        row["capabilities"] = [
            name
            for name, on in (("tools", model.supports_tools), ("vision", model.supports_vision))
            if on
        ]
        row["price"] = (
            f"${model.input_price:g} / ${model.output_price:g} per 1M tokens"
            if model.input_price is not None and model.output_price is not None
            else None
        )
    else:
        rules = model.rules
        row["capabilities"] = [
            name
            for name, on in (
                ("edits", rules.edits is not None),
                ("mask", bool(rules.edits and rules.edits.mask)),
                ("custom sizes", rules.custom_sizes is not None),
                ("transparent", "transparent" in rules.backgrounds),
                ("partial images", rules.partial_images > 0),
            )
            if on
        ]
        row["qualities"] = list(rules.qualities)
        row["family"] = rules.family
        row["price"] = "per image token, from usage" if not model.prices else model.prices
    return row


def _list(args: argparse.Namespace) -> int:
    from imagechat.catalog.current import catalog_for
    from imagechat.settings import get_settings

    catalog = catalog_for(get_settings(), refresh=args.command_name == "refresh")
    rows = [describe(catalog, m) for m in [*catalog.chat_models, *catalog.image_models]]
    if getattr(args, "json", False):
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        caps = ", ".join(row["capabilities"]) or "-"
        price = row["price"] if isinstance(row["price"], str | None) else "per image"
        usable = "" if row["usable"] else "  (no key)"
        print(
            f"{row['id']:<28} {row['kind']:<5} {row['provider']:<7} {row['status']:<10} "
            f"{caps}; {price or 'price unknown'}{usable}"
        )
    return 0


def register_models(subparsers: Any) -> None:
    models = subparsers.add_parser("models", help="the models this configuration offers")
    verbs = models.add_subparsers(dest="models_command", required=True, metavar="VERB")
    listing = verbs.add_parser("list", help="list the offered models")
    listing.add_argument("--json", action="store_true", help="as JSON")
    listing.set_defaults(func=_list, command_name="list")
    refresh = verbs.add_parser("refresh", help="fetch the provider's model listing now")
    refresh.add_argument("--json", action="store_true", help="as JSON")
    refresh.set_defaults(func=_list, command_name="refresh")
