"""Upgrade checks for imagechat.ui.page: Chainlit's page still has what the rewrite removes, the
rewrite leaves no other site in it, and KaTeX stays when LaTeX is on."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import chainlit.config
import chainlit.server
import pytest

from imagechat.ui import page

ROOT = Path(__file__).resolve().parents[2]
OTHER_SITE = re.compile(r"""(?:href|src)=["']https?://(?!127\.0\.0\.1)""")


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # Chainlit reads public/theme.json from the app's directory
    monkeypatch.setattr(chainlit.server, "get_html_template", chainlit.server.get_html_template)
    monkeypatch.setattr(chainlit.config.config, "ui", chainlit.config.config.ui.model_copy())
    monkeypatch.setattr(chainlit.config.config.features, "latex", False)
    page.install()


def test_chainlits_page_still_loads_fonts_and_katex_from_other_sites() -> None:
    raw = (Path(chainlit.server.build_dir) / "index.html").read_text()
    assert OTHER_SITE.search(raw), "Chainlit's page changed: is imagechat.ui.page still needed?"
    assert page._PRECONNECT.search(raw) and page._KATEX_CSS.search(raw)


def test_the_served_page_names_no_other_site(installed: None) -> None:
    html = chainlit.server.get_html_template("")
    assert not OTHER_SITE.search(html), OTHER_SITE.findall(html)
    assert '<link rel="stylesheet" href="/public/fonts/inter.css">' in html
    assert (ROOT / "public/fonts/inter.css").read_text().count("@font-face") >= 3
    page.install()  # twice: still one wrapper
    assert not getattr(chainlit.server.get_html_template.__wrapped__, "__wrapped__", None)


def test_katex_stays_when_latex_is_on(installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainlit.config.config.features, "latex", True)
    assert "katex" in chainlit.server.get_html_template("")


def test_the_theme_follows_the_system_unless_the_config_names_one(
    installed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tomllib.loads((ROOT / ".chainlit/config.toml").read_text())
    assert "default_theme" not in toml["UI"]
    assert chainlit.config.config.ui.default_theme == "system"
    named = type(chainlit.config.config.ui)(name="x", default_theme="light")
    monkeypatch.setattr(chainlit.config.config, "ui", named)
    page.follow_system_theme()
    assert chainlit.config.config.ui.default_theme == "light"
