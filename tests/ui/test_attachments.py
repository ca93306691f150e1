"""Attachments are read in a bounded way, with Chainlit's own attachment limit."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from imagechat.ui import image_tools

MB = 1024 * 1024


@pytest.fixture
def one_mb_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_tools, "max_upload_bytes", lambda: 1 * MB)


def test_a_file_over_the_configured_limit_is_not_read(
    one_mb_limit: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89" * (2 * MB))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    assert image_tools._read_element(SimpleNamespace(content=None, path=str(big))) is None


def test_in_memory_content_over_the_limit_is_refused(one_mb_limit: None) -> None:
    element = SimpleNamespace(content=b"\x89" * (MB + 1), path=None)
    assert image_tools._read_element(element) is None
    assert image_tools._read_element(SimpleNamespace(content=b"\x89" * MB, path=None))


def test_a_file_under_the_limit_is_read(one_mb_limit: None, tmp_path: Path) -> None:
    small = tmp_path / "small.png"
    small.write_bytes(b"\x89PNG" * 1000)
    element = SimpleNamespace(content=None, path=str(small))
    assert image_tools._read_element(element) == b"\x89PNG" * 1000
