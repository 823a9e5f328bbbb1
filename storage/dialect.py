"""Where SQLite and PostgreSQL differ, in one place.

The repositories and migrations are written once, in SQLite's dialect (`?` placeholders, INSERT OR IGNORE,
`lastrowid`, group_concat, PRAGMAs, BEGIN IMMEDIATE, `IS NOT ?`). On PostgreSQL, `postgres_statement()` rewrites a
statement before it is sent and `postgres_ddl()` rewrites a migration statement; both are cached per text.

The database location decides the backend: `postgresql://…` (or `postgres://…`) is PostgreSQL; a plain path or
`sqlite:///path` is SQLite, the embedded default.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def sqlite_path(location: str | Path) -> Path:
    """The file of a SQLite location (`sqlite:///relative/or/absolute` or a plain path)."""
    text = str(location)
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))
    return Path(location)


def database_location(value: object) -> object:
    """Settings validator: a PostgreSQL URL stays text, anything else is a SQLite file path."""
    if isinstance(value, str):
        return value if is_postgres(value) else sqlite_path(value)
    return value


# -- statements ---------------------------------------------------------------------------------------------

_SPECIAL = {
    "BEGIN IMMEDIATE": "BEGIN",
    # the contract's tables with their indexes (not the whole database with PostgreSQL's catalogue)
    "PRAGMA page_count": "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) / 8192 FROM pg_class c"
                         " WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace",
    "PRAGMA page_size": "SELECT 8192",
    "PRAGMA quick_check": "SELECT 'ok'",
}
_INSERT = re.compile(r"^\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)
_IS_NOT_PARAM = re.compile(r"\bIS\s+NOT\s+\?")
_IS_PARAM = re.compile(r"\bIS\s+\?")
_GROUP_CONCAT = re.compile(r"group_concat\((\w+)\)", re.IGNORECASE)


def _placeholders(sql: str) -> str:
    """`?` → `%s` and a literal `%` → `%%` (psycopg's format), outside quoted literals."""
    out, quoted = [], False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=2048)
def postgres_statement(sql: str, tables_with_id: frozenset[str]) -> tuple[str, bool]:
    """The statement for PostgreSQL, and whether it returns the new row's id (for `lastrowid`)."""
    special = _SPECIAL.get(sql.strip())
    if special is not None:
        return special, False
    text = _IS_NOT_PARAM.sub("IS DISTINCT FROM ?", sql)
    text = _IS_PARAM.sub("IS NOT DISTINCT FROM ?", text)
    text = _GROUP_CONCAT.sub(r"string_agg(\1::text, ',')", text)
    returns_id = False
    match = _INSERT.match(text)
    if match:
        if match.group(1):
            text = text[:match.start(1)] + text[match.end(1):] + " ON CONFLICT DO NOTHING"
        if match.group(2).lower() in tables_with_id and " RETURNING " not in text.upper():
            text += " RETURNING id"
            returns_id = True
    return _placeholders(text), returns_id


# -- triggers -----------------------------------------------------------------------------------------------

_SQLITE_TRIGGER = re.compile(
    r"^\s*CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+(BEFORE|AFTER)\s+"
    r"(INSERT|DELETE|UPDATE(?:\s+OF\s+[\w\s,]+?)?)\s+ON\s+(\w+)\s+(?:FOR\s+EACH\s+ROW\s+)?"
    r"(?:WHEN\s+(.*?)\s+)?BEGIN\b(.*)\bEND\s*;?\s*$",
    re.IGNORECASE | re.DOTALL)
_DROP_TRIGGER = re.compile(r"^\s*DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)\s*;?\s*$", re.IGNORECASE)
_RAISE = re.compile(r"^SELECT\s+RAISE\s*\(\s*(ABORT|FAIL|ROLLBACK|IGNORE)\s*(?:,\s*'((?:[^']|'')*)')?\s*\)"
                    r"(?:\s+WHERE\s+(.*))?$", re.IGNORECASE | re.DOTALL)


def _split_body(body: str) -> list[str]:
    """The statements of a trigger body (`;` outside quoted literals ends one)."""
    statements: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in body:
        if ch == "'":
            quoted = not quoted
        if ch == ";" and not quoted:
            statements.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    statements.append("".join(current).strip())
    return [s for s in statements if s]


def _call_args(text: str, start: int) -> tuple[list[str], int]:
    """The top-level arguments of the call whose `(` is at `start`, and the index after its `)`."""
    depth, quoted = 0, False
    args: list[str] = []
    current: list[str] = []
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            if depth == 1:
                continue
        elif not quoted and ch == ")":
            depth -= 1
            if depth == 0:
                args.append("".join(current).strip())
                return args, i + 1
        elif not quoted and ch == "," and depth == 1:
            args.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    raise ValueError(f"unbalanced parentheses in {text!r}")


_DATE_CALL = re.compile(r"(?<![\w.])(date|datetime)\s*\(", re.IGNORECASE)
_MODIFIER = re.compile(r"^'([+-]?\d+(?:\.\d+)?\s+(?:second|minute|hour|day|month|year)s?)'$", re.IGNORECASE)


def _date_functions(text: str) -> str:
    """SQLite's date(x[, '±N unit'…]) / datetime(…) → the same UTC text on PostgreSQL (x a time or ISO text)."""
    out, pos = [], 0
    while True:
        match = _DATE_CALL.search(text, pos)
        if match is None:
            out.append(text[pos:])
            return "".join(out)
        args, end = _call_args(text, match.end() - 1)
        args = [_date_functions(a) for a in args]
        value = "now()" if args[0].lower() == "'now'" else f"({args[0]})::timestamptz"
        shifted = f"({value} AT TIME ZONE 'UTC')"
        for modifier in args[1:]:
            found = _MODIFIER.match(modifier)
            if found is None:
                raise ValueError(f"no PostgreSQL translation for the date modifier {modifier}")
            shifted = f"({shifted} + interval '{found.group(1)}')"
        pattern = "YYYY-MM-DD" if match.group(1).lower() == "date" else "YYYY-MM-DD HH24:MI:SS"
        out.append(text[pos:match.start()] + f"to_char({shifted}, '{pattern}')")
        pos = end


_IS_NOT_VALUE = re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE)
_IS_VALUE = re.compile(r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE)


def postgres_expression(expr: str) -> str:
    """A SQLite expression (a trigger's WHEN, a statement in its body) in PostgreSQL's dialect: `a IS NOT b` →
    IS DISTINCT FROM, `a IS b` → IS NOT DISTINCT FROM, ifnull → coalesce, date()/datetime()/strftime now → UTC
    times. `||` concatenates text on both."""
    text = expr.replace("strftime('%Y-%m-%dT%H:%M:%SZ','now')", "now()")
    text = _date_functions(text)
    text = _IS_NOT_VALUE.sub("IS DISTINCT FROM ", text)
    text = _IS_VALUE.sub("IS NOT DISTINCT FROM ", text)
    return re.sub(r"\bifnull\s*\(", "coalesce(", text, flags=re.IGNORECASE)


def _trigger_statement(statement: str) -> str:
    raised = _RAISE.match(statement)
    if raised:
        action, message, condition = raised.groups()
        if action.upper() == "IGNORE":
            body = "RETURN NULL;"
        else:
            body = f"RAISE EXCEPTION '%', '{message or 'trigger refused the change'}';"
        return f"IF {postgres_expression(condition)} THEN {body} END IF;" if condition else body
    text = postgres_expression(statement)
    if re.match(r"^\s*SELECT\b", text, re.IGNORECASE):
        text = re.sub(r"^\s*SELECT\b", "PERFORM", text, flags=re.IGNORECASE)
    insert = _INSERT.match(text)
    if insert and insert.group(1):
        text = text[:insert.start(1)] + text[insert.end(1):] + " ON CONFLICT DO NOTHING"
    return text + ";"


def postgres_trigger(sql: str) -> list[str] | None:
    """A SQLite trigger (`CREATE TRIGGER name BEFORE|AFTER INSERT|UPDATE [OF cols]|DELETE ON t [WHEN expr] BEGIN
    stmt; … END`) as a plpgsql trigger function with the same statements (NEW./OLD. as they are) and a row-level
    trigger calling it; `DROP TRIGGER name` drops it on whichever table holds it. None for any other statement."""
    sql = re.sub(r"^(?:\s*--[^\n]*\n)+", "", sql)  # comment lines before the statement
    dropped = _DROP_TRIGGER.match(sql)
    if dropped:
        name = dropped.group(1)
        return [
            "DO $drop$ DECLARE t regclass; BEGIN"
            f" FOR t IN SELECT tgrelid::regclass FROM pg_trigger WHERE tgname = '{name.lower()}' LOOP"
            f" EXECUTE format('DROP TRIGGER %I ON %s', '{name.lower()}', t); END LOOP;"
            f" DROP FUNCTION IF EXISTS {name}_fn(); END $drop$",
        ]
    match = _SQLITE_TRIGGER.match(sql)
    if match is None:
        return None
    name, timing, event, table, when, body = match.groups()
    event = re.sub(r"\s+", " ", event.strip())
    statements = "\n    ".join(_trigger_statement(s) for s in _split_body(body))
    if timing.upper() == "BEFORE":
        result = "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
    else:
        result = "RETURN NULL;"
    condition = f" WHEN ({postgres_expression(when)})" if when else ""
    return [
        f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql SET timezone TO 'UTC' AS $fn$\n"
        f"BEGIN\n    {statements}\n    {result}\nEND $fn$",
        f"CREATE TRIGGER {name} {timing.upper()} {event} ON {table} FOR EACH ROW{condition}"
        f" EXECUTE FUNCTION {name}_fn()",
    ]


# -- migrations ---------------------------------------------------------------------------------------------

_TIME_COLUMN = re.compile(r"^(\s*(?:\w+_at|at)\s+)TEXT\b", re.MULTILINE)
_ADD_TIME_COLUMN = re.compile(r"(ADD COLUMN\s+(?:\w+_at|at)\s+)TEXT\b", re.IGNORECASE)


def postgres_ddl(sql: str) -> list[str]:
    """A migration statement in PostgreSQL's dialect: ids are identities, integers 64-bit (Telegram ids),
    times (`at`, `*_at` columns) TIMESTAMPTZ, SQLite's triggers become plpgsql trigger functions (postgres_trigger)."""
    trigger = postgres_trigger(sql)
    if trigger is not None:
        return trigger
    text = re.sub(r"\bid INTEGER PRIMARY KEY\b", "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)
    text = re.sub(r"\bINTEGER\b", "BIGINT", text)
    text = re.sub(r"\bREAL\b", "DOUBLE PRECISION", text)
    text = _TIME_COLUMN.sub(r"\1TIMESTAMPTZ", text)
    text = _ADD_TIME_COLUMN.sub(r"\1TIMESTAMPTZ", text)
    text = text.replace("strftime('%Y-%m-%dT%H:%M:%SZ','now')", "now()")
    return [text.rstrip().rstrip(";")]
