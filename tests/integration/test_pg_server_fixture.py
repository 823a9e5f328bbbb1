"""The session's PostgreSQL server (conftest `pg_server`) is reachable and hands out empty databases."""

import psycopg


def test_pg_database_is_fresh_and_writable(pg_database: str) -> None:
    with psycopg.connect(pg_database, autocommit=True) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
        conn.execute("CREATE TABLE probe (n int)")
        conn.execute("INSERT INTO probe VALUES (7)")
        assert tables == (0,)
        assert conn.execute("SELECT n FROM probe").fetchone() == (7,)
