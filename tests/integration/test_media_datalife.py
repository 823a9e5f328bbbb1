"""Photos and files at the end of the contract: `run_bot.py export` writes the attachments table and copies the
local files, `run_bot.py purge` deletes both (#20 item 3)."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.main import main
from bot.services import media
from bot.services.container import Services
from config.settings import EXAMPLE_CONFIG_PATH

pytestmark = pytest.mark.sqlite_only  # export and purge work on the SQLite file (README: PostgreSQL)


@pytest.fixture
def config_dict(config_dict: dict[str, Any]) -> dict[str, Any]:
    config_dict["media"] = {"keep_local": True}
    return config_dict


def _config_file(tmp_path: Path, db: Path) -> str:
    text = EXAMPLE_CONFIG_PATH.read_text(encoding="utf-8")
    text = text.replace('db = "maintbot.db"', f'db = "{db.as_posix()}"').replace('id = "cz-2022"', 'id = "test-2022"')
    path = tmp_path / "maintbot.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


async def _ticket_with_a_photo(services: Services) -> Path:
    async with services.db.uow() as uow:
        engineer = await uow.people.by_name("周小舟")
        await uow.commit()
    assert engineer is not None
    from bot.services import tickets

    ticket = await tickets.create_ticket(services, engineer, "社保卡系统无法登录")
    incoming = media.IncomingFile("photo", "telegram", "AgADfixed01", "fixed.jpg", 12, "image/jpeg", "修好了",
                                  str(engineer.chat_id))
    filed = await media.attach(services, engineer, incoming, "ticket", ticket.id)
    path = await media.keep_local_copy(services, filed.attachment_id, "fixed.jpg", b"fake jpeg 01")
    assert path is not None and path.is_file()
    return path


async def test_export_has_the_attachments_table_and_the_local_copies(services: Services, tmp_path: Path) -> None:
    copy = await _ticket_with_a_photo(services)
    out = tmp_path / "export"
    assert main(["--config", _config_file(tmp_path, Path(services.db.path)), "export", "--out", str(out)]) == 0
    with (out / "attachments.csv").open(encoding="utf-8-sig", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["platform_file_id"] == "AgADfixed01" and row["record_type"] == "ticket" and row["caption"] == "修好了"
    assert (out / "attachments" / copy.name).read_bytes() == b"fake jpeg 01"


async def test_purge_deletes_the_rows_and_the_local_copies(services: Services, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    copy = await _ticket_with_a_photo(services)
    db = Path(services.db.path)
    await services.db.close()
    assert main(["--config", _config_file(tmp_path, db), "purge", "--contract", "test-2022",
                 "--yes-i-am-sure", "test-2022"]) == 0
    assert "1 local photo/file copies deleted" in capsys.readouterr().out
    assert not copy.exists()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM attachments").fetchone()[0] == 0
    finally:
        conn.close()
