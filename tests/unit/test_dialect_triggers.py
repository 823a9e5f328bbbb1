"""SQLite triggers in migrations become PostgreSQL trigger functions (storage/dialect.py, issue 18).

The texts below stand for what migrations hold today (016's rollup invalidation, 001's append-only audit) and what
the coming ones add (UPDATE OF with WHEN, IS NOT between values, date() modifiers, INSERT OR IGNORE, DROP TRIGGER).
tests/integration/test_dialect_triggers_live.py runs the same kinds of trigger on the live backend."""

from __future__ import annotations

import pytest

from storage.dialect import postgres_ddl, postgres_expression
from storage.migrate import _split_statements, available_migrations

ROLLUP = """CREATE TRIGGER score_rollups_tickets_update AFTER UPDATE OF due_at, resolved_at, status ON tickets
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= date(OLD.due_at, '-1 day') AND start_day <= date(OLD.due_at, '+1 day'))
           OR (end_day >= date(NEW.due_at, '-1 day') AND start_day <= date(NEW.due_at, '+1 day')));
END;"""

WAITING = """CREATE TRIGGER tickets_waiting_changed AFTER UPDATE OF waiting_since ON tickets
WHEN NEW.waiting_since IS NOT OLD.waiting_since
BEGIN
    INSERT OR IGNORE INTO ticket_marks (ticket_id, note) VALUES (NEW.id, 'waiting:' || NEW.status);
    UPDATE tickets SET touched_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = NEW.id;
END;"""

GUARD = """CREATE TRIGGER IF NOT EXISTS media_no_update BEFORE UPDATE ON media FOR EACH ROW
WHEN OLD.kind IS 'photo'
BEGIN
    SELECT RAISE(ABORT, 'media rows are kept as sent');
END"""


def test_an_after_trigger_becomes_a_function_returning_null_and_a_row_trigger() -> None:
    function, trigger = postgres_ddl(ROLLUP)
    assert function.startswith("CREATE OR REPLACE FUNCTION score_rollups_tickets_update_fn() RETURNS trigger"
                               " LANGUAGE plpgsql")
    assert "DELETE FROM score_rollups WHERE contract_id = NEW.contract_id" in function
    assert "RETURN NULL;" in function and "date(" not in function
    assert "to_char((((OLD.due_at)::timestamptz AT TIME ZONE 'UTC') + interval '-1 day'), 'YYYY-MM-DD')" in function
    assert trigger == ("CREATE TRIGGER score_rollups_tickets_update AFTER UPDATE OF due_at, resolved_at, status"
                       " ON tickets FOR EACH ROW EXECUTE FUNCTION score_rollups_tickets_update_fn()")


def test_when_is_not_concatenation_insert_or_ignore_and_now_are_translated() -> None:
    function, trigger = postgres_ddl(WAITING)
    assert trigger.endswith("ON tickets FOR EACH ROW WHEN (NEW.waiting_since IS DISTINCT FROM OLD.waiting_since)"
                            " EXECUTE FUNCTION tickets_waiting_changed_fn()")
    assert ("INSERT INTO ticket_marks (ticket_id, note) VALUES (NEW.id, 'waiting:' || NEW.status)"
            " ON CONFLICT DO NOTHING;") in function
    assert "SET touched_at = now() WHERE id = NEW.id;" in function


def test_a_refusing_before_trigger_raises_and_otherwise_lets_the_row_through() -> None:
    function, trigger = postgres_ddl(GUARD)
    assert "RAISE EXCEPTION '%', 'media rows are kept as sent';" in function
    assert "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;" in function  # BEFORE: never RETURN NULL
    assert trigger == ("CREATE TRIGGER media_no_update BEFORE UPDATE ON media FOR EACH ROW"
                       " WHEN (OLD.kind IS NOT DISTINCT FROM 'photo') EXECUTE FUNCTION media_no_update_fn()")


def test_a_conditional_raise_and_a_bare_select_become_plpgsql() -> None:
    sql = """CREATE TRIGGER quiet_hours_check BEFORE INSERT ON quiet_hours
BEGIN
    SELECT RAISE(ABORT, 'end before start') WHERE NEW.ends <= NEW.starts;
    SELECT count(*) FROM quiet_hours;
END;"""
    function, _ = postgres_ddl(sql)
    assert "IF NEW.ends <= NEW.starts THEN RAISE EXCEPTION '%', 'end before start'; END IF;" in function
    assert "PERFORM count(*) FROM quiet_hours;" in function


def test_dropping_a_trigger_finds_its_table() -> None:
    [statement] = postgres_ddl("DROP TRIGGER IF EXISTS score_rollups_people_update;")
    assert "FROM pg_trigger WHERE tgname = 'score_rollups_people_update'" in statement
    assert "DROP FUNCTION IF EXISTS score_rollups_people_update_fn()" in statement


def test_expressions_keep_null_checks_and_nest_date_calls() -> None:
    assert postgres_expression("NEW.a IS NOT NULL AND NEW.b IS NULL") == "NEW.a IS NOT NULL AND NEW.b IS NULL"
    assert postgres_expression("ifnull(NEW.x, 0) IS NOT NEW.y") == "coalesce(NEW.x, 0) IS DISTINCT FROM NEW.y"
    nested = postgres_expression("date(datetime(NEW.at, '+8 hours'))")
    assert "date(" not in nested and "datetime(" not in nested and nested.startswith("to_char(")
    assert nested.endswith("'YYYY-MM-DD')") and "interval '+8 hours'), 'YYYY-MM-DD HH24:MI:SS')" in nested
    assert nested.count("(") == nested.count(")")


def test_an_unknown_date_modifier_is_refused_rather_than_mistranslated() -> None:
    with pytest.raises(ValueError, match="start of month"):
        postgres_expression("date(NEW.day, 'start of month')")


def test_every_trigger_in_the_shipped_migrations_is_translated() -> None:
    found = 0
    for migration in available_migrations():
        for statement in _split_statements(migration.sql, backend="postgresql"):
            if "CREATE TRIGGER" in statement.upper():
                found += 1
                function, trigger = postgres_ddl(statement)
                assert function.startswith("CREATE OR REPLACE FUNCTION") and "BEGIN" in function
                assert " FOR EACH ROW" in trigger and "EXECUTE FUNCTION" in trigger
    assert found >= 20


def test_a_statement_marked_for_one_backend_is_left_out_on_the_other() -> None:
    script = """CREATE TABLE t (a INTEGER);
-- only: postgresql
ALTER TABLE t ALTER COLUMN a TYPE TEXT;
-- only: sqlite
CREATE INDEX t_a ON t (a);
"""
    assert _split_statements(script, backend="sqlite") == ["CREATE TABLE t (a INTEGER);", "CREATE INDEX t_a ON t (a);"]
    assert _split_statements(script, backend="postgresql") == [
        "CREATE TABLE t (a INTEGER);", "ALTER TABLE t ALTER COLUMN a TYPE TEXT;"]
