"""The model catalog: which models exist (the provider's listing), what they are (litellm's
model map), how requests to them must look (families.yaml), and what replaces a retired one."""

from imagechat.catalog.build import CatalogError, build_catalog, load_user_models
from imagechat.catalog.catalog import DEMO_CHAT_ID, DEMO_IMAGE_ID, Catalog, Resolution
from imagechat.catalog.records import (
    ChatModel,
    CustomSizes,
    EditRules,
    ImageModel,
    ImageRules,
    Lifecycle,
)

__all__ = [
    "DEMO_CHAT_ID",
    "DEMO_IMAGE_ID",
    "Catalog",
    "CatalogError",
    "ChatModel",
    "CustomSizes",
    "EditRules",
    "ImageModel",
    "ImageRules",
    "Lifecycle",
    "Resolution",
    "build_catalog",
    "load_user_models",
]
