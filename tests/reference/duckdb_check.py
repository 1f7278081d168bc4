#!/usr/bin/env python3
"""Reads a mailsweep audit root with DuckDB (an independent Parquet reader) and checks
that the tables are what an analyst querying them gets.

Usage:
  duckdb_check.py ROOT [--expect-runs N] [--expect-messages N]

ROOT is an audit root (the `--out` of `mailsweep scan`): one directory per run, each
holding run.parquet, mailboxes.parquet and messages.parquet. Checks, all through DuckDB:
  types      DuckDB's column types: date/started/finished TIMESTAMP WITH TIME ZONE;
             to/cc/attachment_names/attachment_types/folders VARCHAR[];
             offset/length/size/ordinal BIGINT; attachment_count INTEGER
  counts     count(*) over ROOT/*/messages.parquet = sum(messages_scanned) of every
             run.parquet = sum(messages_scanned) of every mailboxes.parquet, also per run;
             runs (rows of run.parquet) = run directories; --expect-runs/--expect-messages
  metadata   parquet_kv_metadata of every file has mailsweep.schema_version and
             mailsweep.tool_version
  values     min(date) is not null and every non-null date compares below
             TIMESTAMPTZ '2100-01-01 00:00:00+00'; every run's started/finished lies
             between 1970 and 2100 and finished >= started

Prints one JSON object (what it found, "ok", and "failures") on stdout. Exit status: 0
when every check passed, 1 when one failed (each failure also on stderr), 2 on bad usage
or an unreadable root, 3 when the `duckdb` Python package is missing.
"""
import argparse
import json
import os
import sys

try:
    import duckdb
except ImportError as e:  # pragma: no cover - depends on the machine
    print(
        f"duckdb_check: the `duckdb` Python package is missing ({e}); "
        "run scripts/test (it installs it) or `python3 -m pip install duckdb`",
        file=sys.stderr,
    )
    sys.exit(3)

TABLES = ("run", "mailboxes", "messages")

EXPECTED_TYPES = {
    "run": {
        "started": "TIMESTAMP WITH TIME ZONE",
        "finished": "TIMESTAMP WITH TIME ZONE",
        "messages_scanned": "BIGINT",
    },
    "mailboxes": {
        "folders": "VARCHAR[]",
        "messages_scanned": "BIGINT",
    },
    "messages": {
        "date": "TIMESTAMP WITH TIME ZONE",
        "to": "VARCHAR[]",
        "cc": "VARCHAR[]",
        "attachment_names": "VARCHAR[]",
        "attachment_types": "VARCHAR[]",
        "offset": "BIGINT",
        "length": "BIGINT",
        "size": "BIGINT",
        "ordinal": "BIGINT",
        "attachment_count": "INTEGER",
    },
}

REQUIRED_KV = ("mailsweep.schema_version", "mailsweep.tool_version")


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="audit root (the --out of mailsweep scan)")
    ap.add_argument("--expect-runs", type=int, default=None)
    ap.add_argument("--expect-messages", type=int, default=None)
    args = ap.parse_args()

    root = os.path.abspath(args.root)
    if not os.path.isdir(root):
        print(f"duckdb_check: {root} is not a directory", file=sys.stderr)
        sys.exit(2)

    failures = []
    found = {"root": root, "duckdb_version": duckdb.__version__}

    def fail(msg):
        failures.append(msg)

    # Run directories: the subdirectories of ROOT that hold any Parquet file.
    run_dirs = sorted(
        d
        for d in os.listdir(root)
        if os.path.isdir(os.path.join(root, d))
        and any(f.endswith(".parquet") for f in os.listdir(os.path.join(root, d)))
    )
    found["run_dirs"] = run_dirs
    if not run_dirs:
        report(found, [f"no run directory with Parquet files under {root}"])
    for d in run_dirs:
        for t in TABLES:
            if not os.path.isfile(os.path.join(root, d, f"{t}.parquet")):
                fail(f"run directory {d} has no {t}.parquet")
    if failures:
        report(found, failures)

    con = duckdb.connect()
    # Timestamps are shown (and compared against literals) in UTC whatever the machine's zone.
    con.execute("SET TimeZone = 'UTC'")
    glob = {t: sql_str(os.path.join(root, "*", f"{t}.parquet")) for t in TABLES}

    def one(query):
        return con.execute(query).fetchone()

    # (a) column types as DuckDB sees them, file by file (over a glob DuckDB would take
    # the first file's schema and cast the others to it).
    types = {}
    for t in TABLES:
        for d in run_dirs:
            path = sql_str(os.path.join(root, d, f"{t}.parquet"))
            rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
            got_types = {r[0]: r[1] for r in rows}
            types.setdefault(t, got_types)
            for col, want in EXPECTED_TYPES[t].items():
                got = got_types.get(col)
                if got is None:
                    fail(f"{d}/{t}.parquet has no column {col!r} (columns: {sorted(got_types)})")
                elif got != want:
                    fail(f"{d}/{t}.parquet column {col!r} is {got}, expected {want}")
    found["types"] = {t: {c: types[t].get(c) for c in EXPECTED_TYPES[t]} for t in TABLES}

    # (b) counts, in total and per run.
    messages = one(f"SELECT count(*) FROM {glob['messages']}")[0]
    runs, run_ids, run_scanned = one(
        f"SELECT count(*), count(DISTINCT run_id), coalesce(sum(messages_scanned), 0) "
        f"FROM {glob['run']}"
    )
    mailbox_scanned = one(
        f"SELECT coalesce(sum(messages_scanned), 0) FROM {glob['mailboxes']}"
    )[0]
    found.update(
        messages=messages,
        runs=runs,
        run_messages_scanned=int(run_scanned),
        mailboxes_messages_scanned=int(mailbox_scanned),
    )
    if runs != len(run_dirs):
        fail(f"{runs} rows in run.parquet files but {len(run_dirs)} run directories")
    if run_ids != runs:
        fail(f"run.parquet files have {runs} rows but {run_ids} distinct run_id")
    if messages != run_scanned:
        fail(f"messages.parquet has {messages} rows, run.parquet messages_scanned sums to {run_scanned}")
    if messages != mailbox_scanned:
        fail(
            f"messages.parquet has {messages} rows, mailboxes.parquet messages_scanned "
            f"sums to {mailbox_scanned}"
        )
    # Per run: each directory's run.parquet names its run, and its three tables agree.
    per_run = con.execute(
        f"""
        WITH r AS (SELECT run_id, messages_scanned, filename AS dir
                   FROM read_parquet({glob['run']}, filename = true)),
             mb AS (SELECT run_id, sum(messages_scanned) AS n
                    FROM {glob['mailboxes']} GROUP BY run_id),
             ms AS (SELECT run_id, count(*) AS n FROM {glob['messages']} GROUP BY run_id)
        SELECT coalesce(r.run_id, mb.run_id, ms.run_id), r.dir, r.messages_scanned,
               mb.n, ms.n
        FROM r FULL JOIN mb ON r.run_id = mb.run_id
               FULL JOIN ms ON coalesce(r.run_id, mb.run_id) = ms.run_id
        ORDER BY 1
        """
    ).fetchall()
    # The run directory's name, from the path of its run.parquet.
    per_run = [
        (rid, None if f is None else os.path.basename(os.path.dirname(f)), rs, mb, ms)
        for rid, f, rs, mb, ms in per_run
    ]
    found["per_run"] = [
        {
            "run_id": rid,
            "dir": d,
            "run_messages_scanned": rs,
            "mailboxes_messages_scanned": None if mb is None else int(mb),
            "messages": ms,
        }
        for rid, d, rs, mb, ms in per_run
    ]
    for rid, d, rs, mb, ms in per_run:
        if d is None:
            fail(f"run_id {rid} appears in mailboxes/messages but in no run.parquet")
            continue
        if d != rid:
            fail(f"run directory {d} holds a run.parquet with run_id {rid}")
        if (rs or 0) != (ms or 0) or (rs or 0) != int(mb or 0):
            fail(
                f"run {rid}: run.parquet messages_scanned {rs}, mailboxes.parquet sum "
                f"{mb}, messages.parquet rows {ms or 0}"
            )
    if args.expect_runs is not None and runs != args.expect_runs:
        fail(f"expected {args.expect_runs} runs, found {runs}")
    if args.expect_messages is not None and messages != args.expect_messages:
        fail(f"expected {args.expect_messages} messages, found {messages}")

    # (c) Parquet key-value metadata of every file.
    all_glob = sql_str(os.path.join(root, "*", "*.parquet"))
    files = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT file_name FROM parquet_file_metadata({all_glob}) ORDER BY 1"
        ).fetchall()
    ]
    kv_rows = con.execute(
        f"SELECT file_name, decode(key), decode(value) FROM parquet_kv_metadata({all_glob})"
    ).fetchall()
    kv = {f: {} for f in files}
    for f, k, v in kv_rows:
        kv.setdefault(f, {})[k] = v
    found["files"] = len(files)
    found["kv_metadata"] = {}
    for f in files:
        mine = {k: v for k, v in kv[f].items() if k.startswith("mailsweep.")}
        found["kv_metadata"][os.path.relpath(f, root)] = mine
        for key in REQUIRED_KV:
            if not kv[f].get(key):
                fail(f"{f}: Parquet key-value metadata has no {key} (keys: {sorted(kv[f])})")
    if len(files) != 3 * len(run_dirs):
        fail(f"{len(files)} Parquet files for {len(run_dirs)} run directories (expected 3 each)")

    # (d) timestamps compare as instants against TIMESTAMPTZ literals.
    lo, hi = "TIMESTAMPTZ '1970-01-01 00:00:00+00'", "TIMESTAMPTZ '2100-01-01 00:00:00+00'"
    # Fetched as text (UTC, as set above): Python datetimes with zones would need pytz.
    min_date, max_date, min_type, dated, out_of_range = one(
        f"SELECT CAST(min(date) AS VARCHAR), CAST(max(date) AS VARCHAR), typeof(min(date)), "
        f"count(date), count(*) FILTER (WHERE NOT date < {hi}) "
        f"FROM {glob['messages']}"
    )
    found["dates"] = {
        "min": min_date,
        "max": max_date,
        "non_null": dated,
        "not_before_2100": out_of_range,
    }
    if min_date is None:
        fail("min(date) over messages.parquet is NULL: no message has a date")
    if min_type != "TIMESTAMP WITH TIME ZONE":
        fail(f"min(date) is a {min_type}, expected TIMESTAMP WITH TIME ZONE")
    if out_of_range:
        fail(f"{out_of_range} non-null dates do not compare below {hi}")
    bad_runs = one(
        f"SELECT count(*) FROM {glob['run']} WHERE started IS NULL OR finished IS NULL "
        f"OR NOT (started > {lo} AND started < {hi}) OR finished < started"
    )[0]
    if bad_runs:
        fail(f"{bad_runs} runs have a started/finished that is NULL, out of range, or reversed")
    report(found, failures)


def report(found, failures):
    found["ok"] = not failures
    found["failures"] = failures
    print(json.dumps(found, default=str, sort_keys=True))
    for f in failures:
        print(f"duckdb_check: FAILED: {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    try:
        main()
    except duckdb.Error as e:
        print(f"duckdb_check: DuckDB could not read the audit tables: {e}", file=sys.stderr)
        print(json.dumps({"ok": False, "failures": [f"DuckDB error: {e}"]}))
        sys.exit(1)
