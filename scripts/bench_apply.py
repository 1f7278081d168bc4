#!/usr/bin/env python3
"""Measures `mailsweep apply` deleting N messages from a big mbox and from a Maildir,
next to a plain `cp` of the same mailbox (the floor for a rewrite).

    scripts/bench_apply.py --bin target/release/mailsweep \
        --mbox /tmp/mailsweep-bench/corpus-1024mib.mbox [--count 10000] [--work DIR]

Needs Python 3.11+ and the `duckdb` package (the manifest is sampled from
messages.parquet in DuckDB, as an analyst would filter it). For each mailbox it prints
the wall time and the bytes the process wrote to the file system (`ru_oublock` of the
child, i.e. the kernel's write_bytes: mailbox, temporary file, vault and journal), and
the same for `cp`. The machine load is printed: figures taken with a load above the
core count are noisy.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

import duckdb


def measure(label, cmd, cwd=None):
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True)
    seconds = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode not in (0, 3):
        sys.exit(f"{label}: exit {out.returncode}\n{out.stderr.decode()}")
    written = (after.ru_oublock - before.ru_oublock) * 512
    print(f"{label:<34} {seconds:8.2f} s {written / 2**20:10.1f} MiB written", flush=True)
    return out, seconds, written


def sample_manifest(run_dir, count, out):
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT run_id, mailbox, folder, ordinal, locator_kind, path, "offset",
                  length, sha256, 'delete' AS action
                  FROM '{run_dir}/messages.parquet'
                  USING SAMPLE reservoir({count} ROWS) REPEATABLE (42))
            TO '{out}' (FORMAT parquet)"""
    )


def scan(binary, path, audit):
    out = subprocess.run(
        [binary, "scan", path, "--out", audit, "--json"], capture_output=True, check=True
    )
    return json.loads(out.stdout)["run_dir"]


def bench(binary, label, mailbox, work, count, copy_cmd):
    floor = os.path.join(work, "floor")
    measure(f"cp {label}", copy_cmd + [mailbox, floor])
    shutil.rmtree(floor, ignore_errors=True) if os.path.isdir(floor) else os.remove(floor)
    audit = os.path.join(work, f"audit-{label}")
    run_dir = scan(binary, mailbox, audit)
    manifest = os.path.join(work, f"delete-{label}.parquet")
    sample_manifest(run_dir, count, manifest)
    out, _, _ = measure(
        f"apply {count} deletions ({label})",
        [binary, "apply", manifest, "--yes", "--out", audit, "--json"],
    )
    report = json.loads(out.stdout)
    applied = sum(1 for r in report["rows"] if r["status"] == "applied")
    print(f"  rows applied: {applied}; bytes written into the mailbox: "
          f"{report['bytes_written'] / 2**20:.1f} MiB")
    apply_dir = report["apply_dir"]
    measure(f"undo ({label})", [binary, "undo", apply_dir])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--mbox", required=True)
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--work", default="/tmp/mailsweep-bench/apply")
    args = p.parse_args()
    binary = os.path.abspath(args.bin)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    print(f"load average: {os.getloadavg()}, cores: {os.cpu_count()}")

    mbox = os.path.join(args.work, "mail.mbox")
    shutil.copyfile(args.mbox, mbox)
    print(f"mbox: {os.path.getsize(mbox) / 2**20:.0f} MiB")
    bench(binary, "mbox", mbox, args.work, args.count, ["cp"])
    os.remove(mbox)

    # The same messages as a Maildir: one file per message in cur/.
    maildir = os.path.join(args.work, "Maildir")
    os.makedirs(os.path.join(maildir, "new"))
    os.makedirs(os.path.join(maildir, "tmp"))
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run(
        [sys.executable, os.path.join(here, "bench_corpus.py"), "sample", "--in", args.mbox,
         "--count", "100000000", "--stride", "1",
         "--out-mbox", os.path.join(args.work, "sample.mbox"),
         "--out-dir", os.path.join(maildir, "cur")],
        check=True, capture_output=True,
    )
    os.remove(os.path.join(args.work, "sample.mbox"))
    files = len(os.listdir(os.path.join(maildir, "cur")))
    print(f"Maildir: {files} files")
    bench(binary, "maildir", maildir, args.work, args.count, ["cp", "-a"])
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
