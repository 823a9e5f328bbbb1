"""Intake faults that live in the real process (`run_bot.py`), driven over files and loopback (issue 14):
a database locked by another process, a second instance, 409 Conflict, SIGTERM during start-up retries,
the token in the logs at -v."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import CLIENT_CONTACT, base_config
from tests.e2e.test_crash_restart import ROOT, Spool, write_toml

BUSY = "数据库正忙"


def tickets_opened(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit WHERE action = 'tickets.open'").fetchone()[0]


@pytest.mark.slow
def test_a_ticket_sent_while_another_process_locks_the_database_is_stored_once_after_the_lock(
        tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.start()
    try:
        locker = sqlite3.connect(spool.db, isolation_level=None, timeout=30)
        locker.execute("BEGIN IMMEDIATE")  # another process's long write (a backup, a migration, a stuck script)
        spool.send(CLIENT_CONTACT, "/ticket 打印机无法连接")
        to_sender = lambda: [m["text"] for m in spool.sent() if m["chat_id"] == CLIENT_CONTACT]  # noqa: E731
        spool.wait_for(lambda: any(BUSY in text for text in to_sender()), "the please-wait answer", timeout=20)
        asked_at = time.monotonic()
        time.sleep(max(0.0, 7 - (time.monotonic() - asked_at)))  # long enough for the retry to fail again
        locker.execute("ROLLBACK")
        locker.close()
        spool.wait_for(lambda: any(text.startswith("✅ 已登记") for text in to_sender()), "the ticket", timeout=30)
        texts = to_sender()
        assert sum(BUSY in text for text in texts) == 1  # asked to wait once, though it was tried again
        assert "打印机无法连接" in texts[0]
        assert not any("出了问题" in text for text in texts)
        assert tickets_opened(spool.db) == 1
    finally:
        if spool.process is not None:
            assert spool.kill(signal.SIGTERM) == 0


def run_bot(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")}
    return subprocess.run([sys.executable, "run_bot.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_a_second_instance_on_the_same_database_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.start()
    try:
        second = run_bot("--config", str(spool.config_path), "--offline-spool", str(tmp_path / "other-spool"))
        assert second.returncode == 1
        [line] = second.stderr.strip().splitlines()
        assert line.startswith("error: another maintbot instance is already running on") and str(spool.db) in line
        assert f"pid {spool.process.pid}" in line  # type: ignore[union-attr]
        spool.send(CLIENT_CONTACT, "/start")  # the first instance carries on
        spool.wait_for(lambda: any(m["chat_id"] == CLIENT_CONTACT for m in spool.sent()), "the first to answer")
    finally:
        assert spool.kill(signal.SIGTERM) == 0


def test_a_second_poller_for_the_token_gets_409_and_stops_with_one_line(tmp_path: Path) -> None:
    """Two bots (each on its own database) poll one token: Telegram answers 409 to one; it stops, exit 1."""
    spool = Spool(tmp_path)
    spool.start()
    other_config = tmp_path / "other.toml"
    write_toml({**spool.config, "storage": {**spool.config.get("storage", {}), "db": str(tmp_path / "other.db")}},
               other_config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")}
    started = time.monotonic()
    second = subprocess.Popen([sys.executable, "run_bot.py", "--config", str(other_config), "--offline-spool",
                               str(spool.dir)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    with contextlib.suppress(AssertionError):  # raised when the first one stopped: Telegram refused that one
        spool.wait_for(lambda: second.poll() is not None or spool.process.poll() is not None,  # type: ignore
                       "one of the two pollers to stop", timeout=25)
    try:
        if second.poll() is not None:
            _, stderr = second.communicate(timeout=5)
            code = second.returncode
        else:
            code = spool.process.wait(timeout=5)  # type: ignore[union-attr]
            spool.process = None
            stderr = spool.log.read_text(errors="replace")
        assert code == 1
        lines = [line for line in stderr.splitlines() if "409" in line or "Conflict" in line]
        assert len(lines) == 1 and lines[0].startswith("error: another bot instance is polling with this token")
        assert time.monotonic() - started < 25
    finally:
        if second.poll() is None:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=20)
        if spool.process is not None:
            spool.kill(signal.SIGTERM)


# -- a Bot API on loopback, for the real polling process -----------------------------------------------------

TOKEN = "123456789:MADEUP-token-for-tests-AAAAAAAAAAAAAAA"


class LoopbackBotAPI:
    """Just enough of the Bot API over HTTP on 127.0.0.1: getMe, empty long polls, `true` for the rest."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                api.paths.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                method = self.path.rsplit("/", 1)[-1]
                result: object = True
                if method == "getMe":
                    result = {"id": 7000000001, "is_bot": True, "first_name": "maintbot",
                              "username": "maintbot_demo_bot"}
                elif method == "getUpdates":
                    time.sleep(0.2)
                    result = []
                body = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackBotAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_polling_bot(tmp_path: Path, port: int, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    config = {**base_config(tmp_path / "bot.db"),
              "telegram": {"token": TOKEN, "api_base_url": f"http://127.0.0.1:{port}/bot"}}
    write_toml(config, tmp_path / "bot.toml")
    log = tmp_path / "bot.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")}
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "run_bot.py", *args, "--config", str(tmp_path / "bot.toml")],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, log


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_token_never_appears_in_the_log_at_verbose(tmp_path: Path) -> None:
    with LoopbackBotAPI() as api:
        process, log = start_polling_bot(tmp_path, api.port, "-v")
        try:
            wait_until(lambda: sum(p.endswith("/getUpdates") for p in api.paths) >= 3, "the bot to poll")
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
    assert f"/bot{TOKEN}/getMe" in api.paths  # the process did use the token on every request
    output = log.read_text(errors="replace")
    assert " INFO " in output  # -v logs at INFO
    assert TOKEN not in output and TOKEN.split(":", 1)[1] not in output


def test_sigterm_stops_the_bot_within_seconds_while_telegram_is_unreachable(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on: every connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process, log = start_polling_bot(tmp_path, port)
    try:
        wait_until(lambda: "retrying in 2 s" in log.read_text(errors="replace"), "start-up retries")
        process.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        process.wait(timeout=10)
        assert time.monotonic() - stopped < 5
        assert TOKEN not in log.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
