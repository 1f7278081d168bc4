#!/usr/bin/env python3
"""Result table / JSON lines for scripts/bench (Python 3.11 stdlib only).

Usage: bench_report.py RESULTS.tsv --format human|json --size-mib N
           --corpus-bytes B --corpus-messages M --cores C [--corpus-sha256 H]
           [--values-manifest PATH]

RESULTS.tsv has one line per tool, tab-separated:
    tool status seconds bytes messages rss_kib threads json_path note
where status is "ok" or "skipped", "-" marks an empty field, json_path is an
optional file holding the tool's own JSON report (mailsweep --json, the Python
baseline), and note is free text without tabs.

MB = 10^6 bytes. Ratios compare MB/s: "x python" = tool / Python baseline,
"x cat" = tool / cat. For mailsweep, messages/s uses the message count that
mailsweep reported (falling back to the corpus count).

Search rows (rg_kw1000, mailsweep_kw1000, mailsweep_kw10 and the same for
links): "ratio_rg_same_values" = mailsweep_<k>1000 MB/s / rg_<k>1000 MB/s
(target >= 2), "ratio_1000_vs_10" = mailsweep_<k>1000 seconds /
mailsweep_<k>10 seconds (target <= 1.3). With --values-manifest (written by
bench_values.py), the notes say how many values of each class (raw,
encoded_only, absent) mailsweep found, from its search.indicators.

Rescan rows (mailsweep_rescan_t1, mailsweep_rescan = 2 threads on the whole
corpus, mailsweep_rescan_sample = 2 threads on the rspamd sample as an mbox,
rspamd, spamassassin = the sample files through rspamc / spamc):
"ratio_rspamd" = a mailsweep rescan row's messages/s / rspamd's messages/s,
"ratio_spamassassin" the same against spamd, both measured in the same run
(the issue's target: mailsweep_rescan >= 10,000 messages/s and >= 30x rspamd).
For rspamd and spamassassin, json_path holds the script's own counts (scanned,
failures, actions, disabled modules), reported under "reported".
"""

from __future__ import annotations

import argparse
import json
import sys

LABELS = {
    "cat": "cat > /dev/null",
    "rg": "rg -c '^From '",
    "python": "python mailbox+email",
    "mailsweep_t1": "mailsweep --threads 1",
    "mailsweep_default": "mailsweep (default threads)",
    "rg_kw1000": "rg -i -F -f keywords1000",
    "mailsweep_kw1000": "mailsweep keywords 1000",
    "mailsweep_kw10": "mailsweep keywords 10",
    "rg_links1000": "rg -i -F -f links1000",
    "mailsweep_links1000": "mailsweep links 1000",
    "mailsweep_links10": "mailsweep links 10",
    "mailsweep_rescan_t1": "mailsweep rescan --threads 1",
    "mailsweep_rescan": "mailsweep rescan --threads 2",
    "mailsweep_rescan_sample": "mailsweep rescan sample",
    "rspamd": "rspamd (rspamc, sample)",
    "spamassassin": "spamd (spamc, sample)",
}
RESCAN_ROWS = ("mailsweep_rescan_t1", "mailsweep_rescan", "mailsweep_rescan_sample")
RESCAN_TARGET_MPS = 10_000
RESCAN_TARGET_X_RSPAMD = 30
# Search rows: tool -> (search kind, value set in the values manifest).
SEARCH_ROWS = {
    "rg_kw1000": ("keywords", "keywords1000"),
    "mailsweep_kw1000": ("keywords", "keywords1000"),
    "mailsweep_kw10": ("keywords", "keywords10"),
    "rg_links1000": ("links", "links1000"),
    "mailsweep_links1000": ("links", "links1000"),
    "mailsweep_links10": ("links", "links10"),
}
# (kind, short): rows mailsweep_<short>1000 / mailsweep_<short>10 / rg_<short>1000.
SEARCH_KINDS = (("keywords", "kw"), ("links", "links"))
CLASSES = ("raw", "encoded_only", "absent")
MAILSWEEP_FIELDS = ("run_id", "run_dir", "mailboxes", "messages", "bytes", "seconds",
                    "mb_per_s", "parse_failures")


def num(text: str, kind=float):
    return None if text in ("-", "") else kind(text)


def load(path: str) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            f = (line.split("\t") + ["-"] * 9)[:9]
            row = {
                "tool": f[0],
                "status": f[1],
                "seconds": num(f[2]),
                "bytes": num(f[3], int),
                "messages": num(f[4], int),
                "peak_rss_kib": num(f[5], int),
                "threads": num(f[6], int),
                "note": "" if f[8] == "-" else f[8],
            }
            if f[7] not in ("-", ""):
                try:
                    row["reported"] = load_json(f[7])
                except (OSError, ValueError) as exc:
                    row["reported"] = None
                    row["note"] = (row["note"] + f"; unreadable JSON report: {exc}").lstrip("; ")
            rows.append(row)
    return rows


def load_json(path: str):
    """The whole file as one JSON value, else its last non-empty line."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    try:
        return json.loads(text)
    except ValueError:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if not lines:
            raise ValueError("empty output") from None
        return json.loads(lines[-1])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--format", choices=("human", "json"), default="human")
    ap.add_argument("--size-mib", type=int, required=True)
    ap.add_argument("--corpus-bytes", type=int, required=True)
    ap.add_argument("--corpus-messages", type=int, required=True)
    ap.add_argument("--corpus-sha256", default="")
    ap.add_argument("--cores", type=int, required=True)
    ap.add_argument("--values-manifest", default="")
    args = ap.parse_args(argv)

    value_sets = {}
    if args.values_manifest:
        try:
            with open(args.values_manifest, encoding="utf-8") as fh:
                value_sets = json.load(fh).get("sets", {})
        except (OSError, ValueError) as exc:
            print(f"bench_report: unreadable values manifest: {exc}", file=sys.stderr)

    rows = load(args.results)
    for r in rows:
        r["label"] = LABELS.get(r["tool"], r["tool"])
        rep = r.get("reported")
        if r["tool"] in SEARCH_ROWS:
            kind, set_name = SEARCH_ROWS[r["tool"]]
            r["search_kind"] = kind
            entries = value_sets.get(set_name)
            if entries:
                r["values"] = len(entries)
                r["value_classes"] = {c: sum(e["class"] == c for e in entries) for c in CLASSES}
        if r["tool"].startswith("mailsweep") and isinstance(rep, dict):
            r["reported"] = {k: rep.get(k) for k in MAILSWEEP_FIELDS if k in rep}
            if r["tool"] in RESCAN_ROWS:
                rescan_report(r, rep)
            if r["tool"] in SEARCH_ROWS:
                search_report(r, rep, value_sets.get(SEARCH_ROWS[r["tool"]][1]))
            missing = [k for k in MAILSWEEP_FIELDS if k not in rep]
            if missing:
                r["note"] = (r["note"] + "; JSON lacks " + ",".join(missing)).lstrip("; ")
            if isinstance(rep.get("messages"), int):
                if r["messages"] is not None and rep["messages"] != r["messages"]:
                    r["note"] = (r["note"] + f"; reported {rep['messages']} messages,"
                                 f" corpus has {r['messages']}").lstrip("; ")
                r["messages"] = rep["messages"]
        ok = r["status"] == "ok" and r["seconds"] and r["seconds"] > 0
        r["mb_per_s"] = r["bytes"] / 1e6 / r["seconds"] if ok and r["bytes"] is not None else None
        r["messages_per_s"] = r["messages"] / r["seconds"] if ok and r["messages"] is not None else None

    def rate(tool: str):
        for r in rows:
            if r["tool"] == tool and r["mb_per_s"]:
                return r["mb_per_s"]
        return None

    py, cat = rate("python"), rate("cat")
    for r in rows:
        r["ratio_python"] = r["mb_per_s"] / py if r["mb_per_s"] and py else None
        r["ratio_cat"] = r["mb_per_s"] / cat if r["mb_per_s"] and cat else None

    secs = {r["tool"]: r["seconds"] for r in rows if r["status"] == "ok"}
    speedup = None
    if secs.get("mailsweep_t1") and secs.get("mailsweep_default"):
        speedup = secs["mailsweep_t1"] / secs["mailsweep_default"]
    default_threads = next((r["threads"] for r in rows if r["tool"] == "mailsweep_default"), None)

    rates = {r["tool"]: r["mb_per_s"] for r in rows if r["mb_per_s"]}
    mps = {r["tool"]: r["messages_per_s"] for r in rows if r["messages_per_s"]}
    for r in rows:
        if r["tool"] in RESCAN_ROWS:
            mine = mps.get(r["tool"])
            r["ratio_rspamd"] = mine / mps["rspamd"] if mine and mps.get("rspamd") else None
            r["ratio_spamassassin"] = (mine / mps["spamassassin"]
                                       if mine and mps.get("spamassassin") else None)
    rescan_speedup = None
    if secs.get("mailsweep_rescan_t1") and secs.get("mailsweep_rescan"):
        rescan_speedup = secs["mailsweep_rescan_t1"] / secs["mailsweep_rescan"]
    search_ratios = {}  # short -> (ratio_rg_same_values, ratio_1000_vs_10)
    for _kind, short in SEARCH_KINDS:
        ms1000, rg1000, ms10 = f"mailsweep_{short}1000", f"rg_{short}1000", f"mailsweep_{short}10"
        vs_rg = rates[ms1000] / rates[rg1000] if rates.get(ms1000) and rates.get(rg1000) else None
        vs_10 = secs[ms1000] / secs[ms10] if secs.get(ms1000) and secs.get(ms10) else None
        search_ratios[short] = (vs_rg, vs_10)

    if args.format == "json":
        for r in rows:
            obj = {
                "tool": r["tool"],
                "label": r["label"],
                "status": r["status"],
                "seconds": rnd(r["seconds"], 4),
                "bytes": r["bytes"],
                "messages": r["messages"],
                "mb_per_s": rnd(r["mb_per_s"], 2),
                "messages_per_s": rnd(r["messages_per_s"], 1),
                "ratio_python": rnd(r["ratio_python"], 3),
                "ratio_cat": rnd(r["ratio_cat"], 4),
                "peak_rss_kib": r["peak_rss_kib"],
                "threads": r["threads"],
                "size_mib": args.size_mib,
                "corpus_bytes": args.corpus_bytes,
                "corpus_messages": args.corpus_messages,
                "corpus_sha256": args.corpus_sha256 or None,
                "cores": args.cores,
                "note": r["note"] or None,
            }
            if r["tool"] == "mailsweep_default":
                obj["speedup_vs_1_thread"] = rnd(speedup, 3)
            if r["tool"] in SEARCH_ROWS:
                obj["search_kind"] = r["search_kind"]
                obj["values"] = r.get("values")
                obj["value_classes"] = r.get("value_classes")
                for _kind, short in SEARCH_KINDS:
                    if r["tool"] == f"mailsweep_{short}1000":
                        obj["ratio_rg_same_values"] = rnd(search_ratios[short][0], 3)
                        obj["ratio_1000_vs_10"] = rnd(search_ratios[short][1], 3)
            if r["tool"] in RESCAN_ROWS:
                obj["ratio_rspamd"] = rnd(r["ratio_rspamd"], 2)
                obj["ratio_spamassassin"] = rnd(r["ratio_spamassassin"], 2)
            if r["tool"] == "mailsweep_rescan":
                obj["speedup_vs_1_thread"] = rnd(rescan_speedup, 3)
                obj["target_messages_per_s"] = RESCAN_TARGET_MPS
                obj["target_ratio_rspamd"] = RESCAN_TARGET_X_RSPAMD
            if "reported" in r:
                obj["reported"] = r["reported"]
            print(json.dumps(obj, sort_keys=False))
        return 0

    head = f"{'tool':<28} {'seconds':>9} {'MB/s':>9} {'msgs/s':>10} {'x python':>9} {'x cat':>7} {'peak RSS':>10}"
    print(head)
    print("-" * len(head))
    notes = []
    for r in rows:
        if r["status"] != "ok":
            print(f"{r['label']:<28} {r['status']:>9}")
            notes.append(f"{r['label']}: {r['status']}: {r['note'] or '-'}")
            continue
        rss = f"{r['peak_rss_kib'] / 1024:.0f} MiB" if r["peak_rss_kib"] is not None else "-"
        print(f"{r['label']:<28} {fmt(r['seconds'], '.3f'):>9} {fmt(r['mb_per_s'], '.1f'):>9}"
              f" {fmt(r['messages_per_s'], '.0f'):>10} {fmt(r['ratio_python'], '.1f', 'x'):>9}"
              f" {fmt(r['ratio_cat'], '.3f', 'x'):>7} {rss:>10}")
        if r["note"]:
            notes.append(f"{r['label']}: {r['note']}")
        rep = r.get("reported")
        if r["tool"].startswith("mailsweep") and isinstance(rep, dict):
            notes.append(f"{r['label']}: self-reported " + ", ".join(
                f"{k}={rep[k]}" for k in ("messages", "mailboxes", "seconds", "mb_per_s",
                                          "parse_failures", "run_id") if k in rep))
    print()
    if speedup is not None:
        print(f"mailsweep speed-up, 1 -> {default_threads or '?'} threads (default): {speedup:.2f}x"
              f" ({args.cores} cores)")
    else:
        print("mailsweep speed-up: n/a (a mailsweep run is missing)")
    for kind, short in SEARCH_KINDS:
        if all(r["status"] == "skipped" for r in rows if r["tool"].endswith(f"_{short}1000")
               or r["tool"] == f"mailsweep_{short}10"):
            continue
        vs_rg, vs_10 = search_ratios[short]
        print(f"search {kind} 1000 values: {fmt(vs_rg, '.2f', 'x', 'n/a')} rg -i -F -f"
              f" (target >= 2x{target(vs_rg, vs_rg is not None and vs_rg >= 2)})")
        print(f"search {kind} 1000 vs 10 values: time ratio {fmt(vs_10, '.2f', '', 'n/a')}"
              f" (target <= 1.3{target(vs_10, vs_10 is not None and vs_10 <= 1.3)})")
    rescan_lines(rows, mps, rescan_speedup)
    if notes:
        print("notes:")
        for n in notes:
            print(f"  - {n}")
    return 0


def search_report(r: dict, rep: dict, entries: list | None) -> None:
    """Adds a search row's own figures to its reported fields and note."""
    search = rep.get("search")
    if not isinstance(search, dict):
        r["note"] = (r["note"] + "; JSON lacks search").lstrip("; ")
        return
    indicators = search.get("indicators") if isinstance(search.get("indicators"), list) else []
    found = [i for i in indicators if isinstance(i, dict) and (i.get("matched_messages") or 0) > 0]
    r["reported"]["search"] = {
        "action": search.get("action"),
        "messages_matched": search.get("messages_matched"),
        "values": len(indicators),
        "values_found": len(found),
    }
    parts = [f"search.messages_matched={search.get('messages_matched')}",
             f"values found {len(found)}/{len(indicators)}"]
    if entries:
        cls = {e["value"]: e["class"] for e in entries}
        hit = {c: 0 for c in CLASSES}
        for i in found:
            c = cls.get(i.get("value"))
            if c:
                hit[c] += 1
        total = {c: sum(e["class"] == c for e in entries) for c in CLASSES}
        parts.append(", ".join(f"{c.replace('_', '-')} {hit[c]}/{total[c]}" for c in CLASSES))
        r["reported"]["search"]["values_found_by_class"] = hit
    r["note"] = (r["note"] + "; " + "; ".join(parts)).lstrip("; ")


def rescan_report(r: dict, rep: dict) -> None:
    """Adds a rescan row's own figures (messages flagged, levels) to its reported fields and note."""
    rescan = rep.get("rescan")
    if not isinstance(rescan, dict):
        r["note"] = (r["note"] + "; JSON lacks rescan").lstrip("; ")
        return
    levels = rescan.get("levels") if isinstance(rescan.get("levels"), dict) else {}
    r["reported"]["rescan"] = {"messages_flagged": rescan.get("messages_flagged"), "levels": levels}
    r["note"] = (r["note"] + f"; rescan.messages_flagged={rescan.get('messages_flagged')}, levels "
                 + ", ".join(f"{k}={v}" for k, v in levels.items())).lstrip("; ")


def rescan_lines(rows: list[dict], mps: dict, speedup) -> None:
    """The rescan section's summary lines (human report)."""
    tools = {r["tool"]: r for r in rows}
    if all(tools.get(t, {}).get("status", "skipped") == "skipped"
           for t in RESCAN_ROWS + ("rspamd", "spamassassin")):
        return
    ms = mps.get("mailsweep_rescan")
    print(f"rescan, 2 threads, whole corpus: {fmt(ms, ',.0f', ' messages/s', 'n/a')}"
          f" (target >= {RESCAN_TARGET_MPS:,}{target(ms, ms is not None and ms >= RESCAN_TARGET_MPS)})")
    if speedup is not None:
        print(f"rescan speed-up, 1 -> 2 threads: {speedup:.2f}x")
    for other, name, n in (("rspamd", "rspamd", RESCAN_TARGET_X_RSPAMD), ("spamassassin", "spamd", None)):
        row = tools.get(other)
        if row is None:
            continue
        theirs = mps.get(other)
        if theirs is None:
            print(f"rescan vs {name}: n/a ({name} {row['status']})")
            continue
        x = ms / theirs if ms else None
        goal = (f" (target >= {n}x{target(x, x is not None and x >= n)})" if n else "")
        print(f"rescan vs {name}: {fmt(x, '.1f', 'x', 'n/a')} = mailsweep {fmt(ms, ',.0f', '', 'n/a')}"
              f" messages/s (whole corpus) / {name} {theirs:,.1f} messages/s"
              f" ({row['messages']} sample messages), same run{goal}")
        same = tools.get("mailsweep_rescan_sample", {}).get(f"ratio_{other}")
        if same is not None and other == "rspamd":
            print(f"rescan vs {name}, mailsweep on the same sample messages too: {same:.1f}x")


def target(x, met: bool) -> str:
    return "" if x is None else (": met" if met else ": NOT met")


def rnd(x, nd):
    return None if x is None else round(x, nd)


def fmt(x, spec, suffix="", missing="-"):
    return missing if x is None else format(x, spec) + suffix


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
