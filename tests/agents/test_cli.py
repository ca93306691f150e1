"""`imagechat agents list|show|export|import`, in process against a temporary database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from imagechat import cli
from imagechat.storage.agents import AgentRepository
from imagechat.storage.db import Database, default_sqlite_url
from imagechat.storage.migrate import upgrade_database
from imagechat.storage.users import UserRepository


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("IMAGECHAT_MODELS_FILE", raising=False)
    monkeypatch.setenv("IMAGECHAT_DATA_DIR", str(tmp_path / "data"))

    async def users() -> None:
        db = Database(default_sqlite_url(tmp_path / "data"))
        try:
            await upgrade_database(db)
            await UserRepository(db).add("carol", "carol password")
            await UserRepository(db).add("dave", "dave password")
        finally:
            await db.dispose()

    asyncio.run(users())
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def versions(data_dir: Path, user: str) -> list[tuple[str, int]]:
    async def read() -> list[tuple[str, int]]:
        db = Database(default_sqlite_url(data_dir))
        try:
            repo = AgentRepository(db)
            return [
                (v.name, v.version)
                for a in await repo.list_for_user(user)
                for v in await repo.list_versions(a.agent_id, user)
            ]
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_export_a_preset_then_import_it_twice_makes_two_versions(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "designer.yaml"
    code, _, err = run(capsys, "agents", "export", "visual-designer", "-o", str(target))
    assert code == 0 and "exported preset visual-designer" in err
    exported = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert exported["name"] == "Visual designer"
    assert exported["internal_tools"]["image_creation"]["enabled"] is True

    assert run(capsys, "agents", "import", str(target), "--user", "carol")[1].strip() == (
        "imported 'Visual designer' for carol as version 1"
    )
    assert "as version 2" in run(capsys, "agents", "import", str(target), "--user", "carol")[1]
    assert versions(data_dir, "carol") == [("Visual designer", 1), ("Visual designer", 2)]
    assert versions(data_dir, "dave") == []

    code, out, _ = run(capsys, "agents", "list")
    rows = [line.split("\t") for line in out.splitlines()]
    assert ["General assistant", "preset", "general", "image creation off"] in rows
    assert ["Visual designer", "carol", "v2", "image creation auto"] in rows
    code, out, _ = run(capsys, "agents", "list", "--user", "dave")
    assert code == 0 and out == ""

    code, out, _ = run(
        capsys, "agents", "show", "visual designer", "--user", "carol", "--version", "1"
    )
    assert code == 0 and out.startswith("# carol's agent (version 1)\n")
    assert yaml.safe_load(out)["image_defaults"]["quality"] == "high"
    # without --user, the preset of that name comes first
    assert run(capsys, "agents", "show", "Visual designer")[1].startswith(
        "# preset visual-designer"
    )


def test_import_validates_like_a_preset_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Broken\ninternal_tools:\n  image_creation:\n    mode: sometimes\n")
    code, _, err = run(capsys, "agents", "import", str(bad), "--user", "carol")
    assert code == 1
    assert f"{bad}: internal_tools.image_creation.mode: " in err and "'auto' or 'always'" in err
    assert versions(data_dir, "carol") == []


def test_clear_errors(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: Mine\n")
    assert run(capsys, "agents", "import", str(good), "--user", "nobody")[2].strip() == (
        "imagechat: no user 'nobody'"
    )
    assert "no agent called 'nope'" in run(capsys, "agents", "show", "nope")[2]
    for user in ("carol", "dave"):
        assert run(capsys, "agents", "import", str(good), "--user", user)[0] == 0
    assert (
        "several users have an agent called 'mine' (carol, dave): add --user"
        in (run(capsys, "agents", "export", "mine")[2])
    )
    assert (
        "has no version 7"
        in run(capsys, "agents", "show", "mine", "--user", "dave", "--version", "7")[2]
    )
