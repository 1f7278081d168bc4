#!/usr/bin/env python3
"""Reads one mailsweep search run with DuckDB (an independent Parquet reader) the way an
analyst does, and checks the search tables.

Usage:
  duckdb_search_check.py RUN_DIR

Checks, all through DuckDB:
  types     actions: date TIMESTAMP WITH TIME ZONE, reason VARCHAR[], offset/length/
            ordinal BIGINT; matches: occurrences BIGINT; indicators: matched_messages,
            match_count BIGINT; messages.matched BOOLEAN; run.messages_matched BIGINT
  counts    indicators.match_count sums to count(*) of matches; every value's
            matched_messages = distinct (mailbox, ordinal) of its matches; actions has
            one row per distinct matched message = run.messages_matched = count of
            messages.matched; every reason id is an indicator id
  join      matches join messages on (mailbox, ordinal) with the same sha256
  manifest  COPY (SELECT * FROM actions WHERE ...) TO approved.parquet keeps the
            columns and types (what `mailsweep apply` will read)

Prints one JSON object ("ok", "failures", what it found) on stdout; exit 0 when every
check passed, 1 otherwise, 3 when the `duckdb` package is missing.
"""
import json
import os
import sys
import tempfile

try:
    import duckdb
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"duckdb_search_check: the `duckdb` package is missing ({e})", file=sys.stderr)
    sys.exit(3)

EXPECTED_TYPES = {
    "actions": {
        "date": "TIMESTAMP WITH TIME ZONE",
        "reason": "VARCHAR[]",
        "offset": "BIGINT",
        "length": "BIGINT",
        "ordinal": "BIGINT",
    },
    "matches": {"occurrences": "BIGINT", "ordinal": "BIGINT"},
    "indicators": {"matched_messages": "BIGINT", "match_count": "BIGINT"},
    "messages": {"matched": "BOOLEAN", "decode_problems": "VARCHAR[]"},
    "run": {"messages_matched": "BIGINT", "values": "BIGINT"},
}


def main():
    run_dir = sys.argv[1]
    con = duckdb.connect()
    failures = []
    found = {}
    for table in EXPECTED_TYPES:
        path = os.path.join(run_dir, f"{table}.parquet").replace("'", "''")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    for table, columns in EXPECTED_TYPES.items():
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
        for column, expected in columns.items():
            if types.get(column) != expected:
                failures.append(f"{table}.{column}: {types.get(column)} (expected {expected})")

    def one(sql):
        return con.execute(sql).fetchone()[0]

    found["matches"] = one("SELECT count(*) FROM matches")
    found["actions"] = one("SELECT count(*) FROM actions")
    if one("SELECT sum(match_count) FROM indicators") != found["matches"]:
        failures.append("sum(indicators.match_count) != count(*) of matches")
    wrong = one(
        """SELECT count(*) FROM indicators i LEFT JOIN (
               SELECT indicator_id, count(DISTINCT (mailbox, ordinal)) AS n
               FROM matches GROUP BY 1) m USING (indicator_id)
           WHERE i.matched_messages != coalesce(m.n, 0)"""
    )
    if wrong:
        failures.append(f"{wrong} values whose matched_messages disagree with matches")
    matched = one("SELECT count(DISTINCT (mailbox, ordinal)) FROM matches")
    flagged = one("SELECT count(*) FROM messages WHERE matched")
    run_matched = one("SELECT messages_matched FROM run")
    found["messages_matched"] = run_matched
    if not (matched == found["actions"] == flagged == run_matched):
        failures.append(
            f"matched messages: {matched} in matches, {found['actions']} actions, "
            f"{flagged} messages.matched, {run_matched} in run"
        )
    unknown = one(
        """SELECT count(*) FROM (SELECT unnest(reason) AS id FROM actions)
           WHERE id NOT IN (SELECT indicator_id FROM indicators)"""
    )
    if unknown:
        failures.append(f"{unknown} reason ids are not indicator ids")
    mismatched = one(
        """SELECT count(*) FROM matches m JOIN messages g USING (mailbox, ordinal)
           WHERE m.sha256 != g.sha256"""
    )
    joined = one("SELECT count(*) FROM matches m JOIN messages g USING (mailbox, ordinal)")
    if mismatched or joined != found["matches"]:
        failures.append(f"matches join messages: {joined} joined, {mismatched} with another sha256")
    with tempfile.TemporaryDirectory() as tmp:
        approved = os.path.join(tmp, "approved.parquet")
        con.execute(
            f"COPY (SELECT * FROM actions WHERE ordinal > 0) TO '{approved}' (FORMAT PARQUET)"
        )
        kept = con.execute(
            f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{approved}'))"
        ).fetchall()
        original = con.execute("SELECT column_name, column_type FROM (DESCRIBE actions)").fetchall()
        if kept != original:
            failures.append(f"a filtered manifest changes its columns: {kept} vs {original}")
        found["approved"] = one(f"SELECT count(*) FROM read_parquet('{approved}')")
    found["ok"] = not failures
    found["failures"] = failures
    for f in failures:
        print(f"duckdb_search_check: {f}", file=sys.stderr)
    print(json.dumps(found))
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
