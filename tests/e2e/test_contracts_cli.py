"""The run_bot.py subcommands on a deployment directory of several contracts (issue 18, item 3): `--contract ID`
(or MAINTBOT_CONTRACT) picks the contract; without it a subcommand about one contract refuses with one line that
lists the ids and an example; `score --all` shows every contract side by side; single files work as before.
The records are made through the real bot first (SQLite, or PostgreSQL under MAINTBOT_TEST_DB); the subcommands
run in-process through `bot.main.main` (each its own event loop, as from the shell)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.main import main
from bot.services.clock import FakeClock
from config.settings import Settings
from tests.conftest import started_bot
from tests.e2e.test_many_contracts import BETA_CONTACT, write_deployment


@pytest.fixture
def config_dir(tmp_path: Path, postgres_url: str | None) -> Path:
    return write_deployment(tmp_path / "config", postgres_url or str(tmp_path / "deployment.db"))


@pytest.fixture(autouse=True)
def no_contract_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAINTBOT_CONTRACT", raising=False)


async def deduct_in_beta(config_dir: Path, clock: FakeClock) -> None:
    """Beta's client contact deducts 20 attendance points for 2022-10-10 through the bot."""
    from config.settings import load_settings

    settings: Settings = load_settings(config_dir, apply_env=False)
    async with started_bot(settings, clock) as bot:
        answers = await bot.chat.send(BETA_CONTACT, "/deduct 出勤 20 2022-10-10 未按时到岗")
        assert any("20" in m.text for m in answers)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # as run_bot.py ends: the exit status the shell sees
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def october(output: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(output)
    return data


def test_score_of_each_contract_is_chosen_with_contract(config_dir: Path, clock: FakeClock,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(deduct_in_beta(config_dir, clock))
    code, out, _ = run(capsys, "--config", str(config_dir), "--contract", "beta-2022", "score",
                       "--period", "2022-10", "--json")
    assert code == 0
    assert october(out)["components"]["attendance"]["deductions"] == "20.00"
    code, out, _ = run(capsys, "--config", str(config_dir), "score", "--contract", "alpha-2022",
                       "--period", "2022-10", "--json")  # also after the subcommand
    assert code == 0
    assert october(out)["components"]["attendance"]["deductions"] == "0.00"
    code, out, _ = run(capsys, "--config", str(config_dir), "--contract", "beta-2022", "score", "--period", "2022-10")
    assert code == 0 and out.startswith("【乙项目】\n")  # the text names its contract


def test_without_a_contract_a_subcommand_about_one_refuses_with_the_ids(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["score"], ["report", "--month", "2022-10"], ["calendar", "2022-10"]):
        code, out, err = run(capsys, "--config", str(config_dir), *argv)
        lines = err.strip().splitlines()
        assert code == 2 and out == "" and len(lines) == 1, err
        assert "alpha-2022, beta-2022" in lines[0] and "--contract" in lines[0]
        assert f"run_bot.py --config {config_dir} --contract alpha-2022 {argv[0]}" in lines[0]
    code, _, err = run(capsys, "--config", str(config_dir), "--contract", "gamma-2022", "score")
    assert code == 2 and "'gamma-2022'" in err and "alpha-2022, beta-2022" in err and "Traceback" not in err
    code, _, err = run(capsys, "--config", str(config_dir), "--contract", "beta-2022", "--console")
    assert code == 2 and "subcommand" in err  # the bot itself is not narrowed to one contract


def test_the_contract_may_come_from_the_environment(config_dir: Path, clock: FakeClock,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(deduct_in_beta(config_dir, clock))
    monkeypatch.setenv("MAINTBOT_CONTRACT", "beta-2022")
    code, out, _ = run(capsys, "--config", str(config_dir), "score", "--period", "2022-10", "--json")
    assert code == 0 and october(out)["components"]["attendance"]["deductions"] == "20.00"


def test_score_all_prints_every_contract_side_by_side(config_dir: Path, clock: FakeClock,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(deduct_in_beta(config_dir, clock))
    code, out, _ = run(capsys, "--config", str(config_dir), "score", "--all")
    assert code == 0
    alpha = next(line for line in out.splitlines() if "alpha-2022" in line)
    beta = next(line for line in out.splitlines() if "beta-2022" in line)
    assert "甲项目" in alpha and "乙项目" in beta
    code, out, _ = run(capsys, "--config", str(config_dir), "score", "--all", "--json")
    rows = {row["contract"]: row for row in json.loads(out)}
    assert code == 0 and set(rows) == {"alpha-2022", "beta-2022"} and rows["beta-2022"]["title"] == "乙项目"
    assert all(row["total"] and row["tier"] and row["payment_ratio"] for row in rows.values())
    code, _, err = run(capsys, "--config", str(config_dir), "score", "--all", "--period", "2022-10")
    assert code == 2 and "--period" in err


def test_the_report_is_of_the_contract_chosen(config_dir: Path, tmp_path: Path, clock: FakeClock,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    out_file = tmp_path / "beta.xlsx"
    code, _, err = run(capsys, "--config", str(config_dir), "--contract", "beta-2022", "report",
                         "--month", "2022-10", "--out", str(out_file))
    assert code == 0, err
    sheet_text = " ".join(str(cell.value) for sheet in load_workbook(out_file).worksheets
                          for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert "乙项目" in sheet_text and "甲项目" not in sheet_text


def test_purge_needs_the_contract_named_and_deletes_only_that_one(
        config_dir: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # on PostgreSQL the relative backup_dir is in the working directory
    code, _, err = run(capsys, "--config", str(config_dir), "purge")
    assert code == 2 and "--contract" in err and "alpha-2022, beta-2022" in err
    asyncio.run(deduct_in_beta(config_dir, clock))
    code, out, err = run(capsys, "--config", str(config_dir), "backup")  # the deployment's: named after alpha
    assert code == 0 and "maintbot-alpha-2022-" in out, err
    code, out, err = run(capsys, "--config", str(config_dir), "--contract", "beta-2022", "purge",
                         "--yes-i-am-sure", "beta-2022")
    assert code == 0, err
    assert "score_deductions: 1 rows → DELETE" in out
    assert "Note: 1 earlier backup file(s)" in out  # the deployment's backup holds beta's data too
    code, out, _ = run(capsys, "--config", str(config_dir), "score", "--all", "--json")
    rows = {row["contract"]: row for row in json.loads(out)}
    assert rows["alpha-2022"]["total"] is not None  # alpha's record is untouched


@pytest.mark.sqlite_only
def test_backup_of_a_deployment_holds_every_contracts_rows(config_dir: Path, tmp_path: Path, clock: FakeClock,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3
    from contextlib import closing

    asyncio.run(deduct_in_beta(config_dir, clock))
    copy = tmp_path / "copy.db"
    code, out, err = run(capsys, "--config", str(config_dir), "--contract", "beta-2022", "backup", "--out", str(copy))
    assert code == 0 and out.startswith("OK: ") and "whole database" in err  # --contract does not narrow it
    with closing(sqlite3.connect(copy)) as conn:
        people = dict(conn.execute("SELECT contract_id, COUNT(*) FROM people GROUP BY contract_id").fetchall())
        deductions = conn.execute("SELECT contract_id FROM score_deductions").fetchall()
    assert set(people) == {"alpha-2022", "beta-2022"} and deductions == [("beta-2022",)]


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_migrate_db_of_a_deployment_compares_every_contracts_score(tmp_path: Path, clock: FakeClock,
                                                                   pg_database: str) -> None:
    """The real `run_bot.py migrate-db` process on a deployment directory: both contracts' /score, from each side."""
    import subprocess
    import sys

    config = write_deployment(tmp_path / "config", str(tmp_path / "deployment.db"))
    asyncio.run(deduct_in_beta(config, clock))
    done = subprocess.run([sys.executable, "run_bot.py", "--config", str(config), "migrate-db", "--to", pg_database],
                          cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    blocks = done.stdout.split("/score of contract ")[1:]
    assert [block.split(" ", 1)[0] for block in blocks] == ["alpha-2022", "beta-2022"], done.stdout
    assert all("identical on both sides" in block and "总分" in block for block in blocks)
    assert "DIFFERENT" not in done.stdout and "OK: set storage.db" in done.stdout
    assert "出勤 0.00/30" in blocks[0] and "出勤 0.00/40" in blocks[1] and "甲方扣 20.00" in blocks[1]  # each its own
