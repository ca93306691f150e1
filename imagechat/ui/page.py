"""Compat: the page Chainlit serves, made to load nothing from other sites, and its theme.

Chainlit 2.12's `frontend/dist/index.html` preconnects to Google Fonts, loads Inter from there
and loads KaTeX's stylesheet from jsDelivr on every page load: broken offline, and each visitor's
address is given to those sites. What configuration can do, it does: `public/theme.json` lists
`custom_fonts` (Chainlit puts them in place of the Google Fonts link), which point to the Inter
files served from `public/fonts/`. What it cannot, `install()` does with one rewrite of the page
Chainlit renders (`chainlit.server.get_html_template`): the preconnects go, and KaTeX's stylesheet
goes unless LaTeX is on (`[features] latex` in .chainlit/config.toml).

Theme: Chainlit's config takes only "light" or "dark" (default "dark") for `default_theme`,
while its frontend's theme provider also knows "system" (follow `prefers-color-scheme`). Unless
the config names a theme, the page follows the system.

Upgrade check: tests/ui/test_page.py fails when Chainlit's page changes what this relies on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

import chainlit.config
import chainlit.server

_PRECONNECT = re.compile(
    r"\s*<link\s+rel=\"preconnect\"\s+href=\"https://fonts\.(?:googleapis|gstatic)\.com\"[^>]*>"
)
_KATEX_CSS = re.compile(
    r"\s*<link\s+rel=\"stylesheet\"\s+href=\"https://cdn\.jsdelivr\.net/npm/katex@[^\"]+\"\s*/?>"
)
SYSTEM_THEME = "system"


def offline_page(html: str, *, latex: bool) -> str:
    """The page without its links to Google Fonts, and without KaTeX's unless `latex`."""
    html = _PRECONNECT.sub("", html)
    return html if latex else _KATEX_CSS.sub("", html)


def follow_system_theme() -> None:
    """Start in the system's colour scheme unless .chainlit/config.toml sets `default_theme`."""
    ui = chainlit.config.config.ui
    if "default_theme" not in ui.model_fields_set:
        ui.default_theme = SYSTEM_THEME  # type: ignore[assignment]  # the frontend knows it


def install() -> None:
    """Wrap Chainlit's page template once (idempotent) and set the theme."""
    follow_system_theme()
    template: Callable[[str], str] = chainlit.server.get_html_template
    if getattr(template, "__imagechat_offline__", False):
        return

    @wraps(template)
    def offline_template(root_path: str) -> str:
        latex = bool(chainlit.config.config.features.latex)
        return offline_page(template(root_path), latex=latex)

    offline_template.__imagechat_offline__ = True  # type: ignore[attr-defined]
    chainlit.server.get_html_template = offline_template
