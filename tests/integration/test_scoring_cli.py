"""`run_bot.py score --period 2022-10 --json` and `run_bot.py report`, run in-process on a temporary
config file and database."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.cli import report as report_cli
from bot.cli import score as score_cli
from bot.services import scoring
from bot.services.clock import FakeClock
from config.sample import write_toml
from config.settings import settings_from_dict
from tests.conftest import SHANGHAI, base_config
from tests.integration.test_scoring_month import october_sources

D = Decimal


def parse(module: Any, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return parser.parse_args(argv)


def test_score_json_through_the_subcommand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    config = write_toml(base_config(tmp_path / "cli.db"), tmp_path / "maintbot.toml")
    monkeypatch.setattr(scoring, "default_sources", october_sources)
    code = score_cli.run(parse(score_cli, ["--period", "2022-10", "--json"]), str(config))
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "83.48" and data["payment_ratio"] == "0.90"
    assert data["projected_payment"] == "174400.00"
    assert set(data["components"]) == {"daily_maintenance", "responsiveness", "completion", "satisfaction",
                                       "attendance"}
    assert data["components"]["attendance"] == {"points": "29.43", "max": "30.00", "rate": "0.9810",
                                                "numerator": "412.00", "denominator": "420.00",
                                                "deductions": "0.00"}
    assert data["period"] == {"start": "2022-10-01", "end": "2022-10-31", "kind": "month"}
    total = sum(D(c["points"]) for c in data["components"].values())
    assert abs(total - D(data["total"])) <= D("0.03")  # the same sum, up to display rounding


def test_score_text_and_unreadable_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = write_toml(base_config(tmp_path / "cli.db"), tmp_path / "maintbot.toml")
    monkeypatch.setattr(scoring, "default_sources", october_sources)
    assert score_cli.run(parse(score_cli, ["--period", "2022Q3"]), str(config)) == 0
    out = capsys.readouterr().out
    assert "2022-07-01 至 2022-09-30" in out and "总分 83.48" in out
    assert score_cli.run(parse(score_cli, ["--period", "someday"]), str(config)) == 1
    assert "someday" in capsys.readouterr().err


def test_missing_config_is_one_line_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        score_cli.run(parse(score_cli, ["--json"]), str(tmp_path / "nope.toml"))
    assert exited.value.code == 1
    assert "file not found" in capsys.readouterr().err


async def test_report_subcommand_writes_workbook_and_chart(tmp_path: Path) -> None:
    settings = settings_from_dict(base_config(tmp_path / "cli.db"), apply_env=False)
    out = tmp_path / "out" / "october.xlsx"
    clock = FakeClock(datetime(2022, 11, 5, 10, 0, tzinfo=SHANGHAI))
    code = await report_cli.report_command(settings, "2022-10", str(out), clock=clock, sources=october_sources())
    assert code == 0
    wb = load_workbook(out)
    assert D(str(wb.worksheets[0]["B3"].value)) == D("83.48")
    assert out.with_suffix(".png").read_bytes()[:4] == b"\x89PNG"


async def test_score_subcommand_with_real_sources_on_an_empty_database(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """No check-ins, no logs, no tickets, no urgent requests in October: attendance and daily maintenance
    are 0, the other three full → 50 points, tier F."""
    settings = settings_from_dict(base_config(tmp_path / "cli.db"), apply_env=False)
    clock = FakeClock(datetime(2022, 11, 5, 10, 0, tzinfo=SHANGHAI))
    assert await score_cli.score_command(settings, "2022-10", as_json=True, clock=clock) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "50.00" and data["tier"] == "F" and data["payment_ratio"] == "0.50"
    # 18 working days in October 2022 (8 and 9 Oct were working weekends) × 2 engineers
    assert data["components"]["attendance"]["denominator"] == "36.00"


async def test_report_subcommand_after_the_contract_reports_its_last_month(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_from_dict(base_config(tmp_path / "cli.db"), apply_env=False)
    clock = FakeClock(datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI))  # long after 2023-01-31
    code = await report_cli.report_command(settings, "", str(tmp_path / "last.xlsx"), clock=clock,
                                           sources=october_sources())
    assert code == 0
    out = capsys.readouterr().out
    assert "2023-01: total 83.48" in out and "2026" not in out.splitlines()[-1]
    assert await report_cli.report_command(settings, "2026-10", None, clock=clock, sources=october_sources()) == 1
    assert "不在合同服务期" in capsys.readouterr().err


def test_config_may_follow_the_subcommand(tmp_path: Path) -> None:
    config = write_toml(base_config(tmp_path / "sub.db"), tmp_path / "maintbot.toml")
    result = subprocess.run([sys.executable, "run_bot.py", "score", "--period", "2022-10", "--json",
                             "--config", str(config)],
                            capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"]["start"] == "2022-10-01" and data["total"] == "50.00"
    before = subprocess.run([sys.executable, "run_bot.py", "--config", str(config), "score", "--period", "2022-10",
                             "--json"], capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=120)
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout)["total"] == "50.00"
