#!/usr/bin/env python3
"""Deterministic benchmark mbox builder for scripts/bench (Python 3.11 stdlib only).

Subcommands
-----------
ensure  --corpora DIR --out FILE --size-mib N [--rebuild] [--no-verify]
    Build FILE (an mboxrd file of about N MiB) from the individual message files
    under DIR, or reuse it when FILE and its manifest (FILE + ".manifest.json")
    already describe the same build. Prints KEY=VALUE lines on stdout.

prefix  --in FILE --out FILE --limit-mib N
    Copy the leading whole messages of an mbox built by `ensure` whose total size
    is at most N MiB (at least one message). Prints KEY=VALUE lines on stdout.

sample  --in FILE --count N --stride S --out-mbox FILE --out-dir DIR
    Copy messages 0, S, 2S, ... (at most N) of an mbox built by `ensure`: as
    mbox records (bytes unchanged) into --out-mbox, and each as one message
    file DIR/NNNNNN.eml (envelope line dropped, mboxrd quoting undone, the
    separating blank line dropped) for scanners that take one message per
    file. Prints KEY=VALUE lines on stdout.

list    --corpora DIR
    Print the source files that `ensure` would use, in order, then the excluded
    ones (prefixed with "excluded: "), on stdout.

How the mbox is built
---------------------
* Sources: every regular file under DIR (symlinks are not followed), except
  metadata/documentation (SOURCE.txt, labels.txt, SELECTED_FILES.txt, README*,
  COPYING*, LICENSE*), dot-files (maildir markers like .noindex), empty files,
  and files that are mailboxes themselves (see is_mbox_file). Paths are sorted
  by their bytes (locale-independent), relative to DIR.
* Each file becomes one message. If it starts with "From " that first line is
  kept as the envelope (a trailing CR is dropped from it); otherwise the
  envelope "From MAILER-DAEMON Thu Jan  1 00:00:00 2004" is synthesized.
  Every other line matching ^>*From gets one more ">" (mboxrd quoting), the
  message is made to end with a newline, and one blank line follows it.
* The list is repeated, in the same order, until at least N MiB are written
  (the last message may overshoot by up to its own size).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import stat
import sys
import time

GENERATOR = "mailsweep-bench-corpus/1"
SYNTH_ENVELOPE = b"From MAILER-DAEMON Thu Jan  1 00:00:00 2004"
MIB = 1 << 20

EXCLUDED_NAMES = {"source.txt", "labels.txt", "selected_files.txt"}
EXCLUDED_PREFIXES = ("readme", "copying", "license", "licence")

# A line that looks like an mbox "From_" envelope: From <addr> <Day> <Mon> ...
ENVELOPE_RE = re.compile(
    rb"^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +"
    rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ",
    re.MULTILINE,
)
FROM_LINE_RE = re.compile(rb"^(>*From )", re.MULTILINE)
MBOX_NAME_RE = re.compile(r"(?i)(\.mbox$|^mbox$|^mbox[-_.]|spool$)")


def is_mbox_file(name: str, head: bytes) -> bool:
    """True for files that are mailboxes rather than single messages.

    By name: *.mbox, mbox, mbox-*, mbox_*, mbox.*, *spool (unless *.eml).
    By content (non-.eml only): starts with an envelope and has another
    envelope line right after a blank line. Single .eml messages that merely
    embed a From_ line (bounces, git format-patch attachments) are kept.
    """
    if name.lower().endswith(".eml"):
        return False
    if MBOX_NAME_RE.search(name):
        return True
    if head.startswith(b"From ") and ENVELOPE_RE.match(head):
        for m in ENVELOPE_RE.finditer(head, 1):
            start = m.start()
            if head[max(0, start - 2):start] == b"\n\n" or head[max(0, start - 4):start] == b"\r\n\r\n":
                return True
    return False


def exclusion_reason(name: str, size: int) -> str | None:
    low = name.lower()
    if low in EXCLUDED_NAMES or low.startswith(EXCLUDED_PREFIXES):
        return "metadata"
    if name.startswith("."):
        return "dot-file"
    if size == 0:
        return "empty"
    return None


def scan_sources(corpora: str) -> tuple[list[tuple[str, int]], list[tuple[str, str]]]:
    """Return ([(relpath, size)] sorted, [(relpath, reason)] excluded)."""
    found: list[tuple[bytes, str, int]] = []
    excluded: list[tuple[str, str]] = []
    for root, dirs, files in os.walk(corpora, followlinks=False):
        dirs.sort()
        for name in files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, corpora)
            if not stat.S_ISREG(st.st_mode):
                excluded.append((rel, "not a regular file"))
                continue
            reason = exclusion_reason(name, st.st_size)
            if reason is None:
                with open(path, "rb") as fh:
                    head = fh.read(256 * 1024)
                if is_mbox_file(name, head):
                    reason = "mbox file"
            if reason is not None:
                excluded.append((rel, reason))
                continue
            found.append((os.fsencode(rel), rel, st.st_size))
    found.sort()
    excluded.sort()
    return [(rel, size) for _, rel, size in found], excluded


def fingerprint(sources: list[tuple[str, int]]) -> str:
    h = hashlib.sha256()
    for rel, size in sources:
        h.update(os.fsencode(rel) + b"\0" + str(size).encode() + b"\n")
    return h.hexdigest()


def to_mbox_message(data: bytes) -> bytes:
    if data.startswith(b"From "):
        nl = data.find(b"\n")
        if nl < 0:
            envelope, body = data, b""
        else:
            envelope, body = data[:nl], data[nl + 1:]
        envelope = envelope.rstrip(b"\r")
    else:
        envelope, body = SYNTH_ENVELOPE, data
    body = FROM_LINE_RE.sub(rb">\1", body)
    if body and not body.endswith(b"\n"):
        body += b"\n"
    return envelope + b"\n" + body + b"\n"


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(8 * MIB):
            h.update(chunk)
    return h.hexdigest()


def emit(**kv: object) -> None:
    for key, value in kv.items():
        if isinstance(value, bool):
            value = "1" if value else "0"
        print(f"{key}={value}")


def log(msg: str) -> None:
    print(f"bench_corpus: {msg}", file=sys.stderr, flush=True)


def cmd_ensure(args: argparse.Namespace) -> int:
    corpora = os.path.abspath(args.corpora)
    if not os.path.isdir(corpora):
        log(f"corpora directory not found: {corpora}")
        return 2
    if args.size_mib <= 0:
        log("--size-mib must be positive")
        return 2
    out = os.path.abspath(args.out)
    manifest_path = out + ".manifest.json"
    sources, excluded = scan_sources(corpora)
    if not sources:
        log(f"no message files found under {corpora}")
        return 2
    fp = fingerprint(sources)
    target = args.size_mib * MIB

    if not args.rebuild and os.path.isfile(out) and os.path.isfile(manifest_path):
        try:
            with open(manifest_path, encoding="utf-8") as fh:
                man = json.load(fh)
        except (OSError, ValueError):
            man = {}
        same = (
            man.get("generator") == GENERATOR
            and man.get("size_mib") == args.size_mib
            and man.get("sources_fingerprint") == fp
            and man.get("bytes") == os.path.getsize(out)
        )
        if same and not args.no_verify:
            log(f"verifying sha256 of existing {out} ...")
            same = sha256_file(out) == man.get("sha256")
            if not same:
                log("checksum mismatch: rebuilding")
        if same:
            emit(path=out, manifest=manifest_path, messages=man["messages"], bytes=man["bytes"],
                 sha256=man["sha256"], source_files=man["source_files"], passes=man["passes"],
                 reused=True, verified=not args.no_verify)
            return 0
        log("existing corpus does not match the requested build: rebuilding")

    log(f"reading {len(sources)} message files from {corpora} ({len(excluded)} excluded) ...")
    messages: list[bytes] = []
    for rel, _size in sources:
        with open(os.path.join(corpora, rel), "rb") as fh:
            messages.append(to_mbox_message(fh.read()))
    one_pass = sum(len(m) for m in messages)

    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = f"{out}.tmp.{os.getpid()}"
    h = hashlib.sha256()
    written = 0
    count = 0
    started = time.monotonic()
    log(f"writing {out} (target {args.size_mib} MiB, one pass = {one_pass} bytes) ...")
    try:
        with open(tmp, "wb", buffering=8 * MIB) as fh:
            n = len(messages)
            while written < target:
                msg = messages[count % n]
                fh.write(msg)
                h.update(msg)
                written += len(msg)
                count += 1
        digest = h.hexdigest()
        # Drop a stale manifest first so a crash never leaves a manifest
        # describing a different file.
        if os.path.exists(manifest_path):
            os.unlink(manifest_path)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    passes = count / len(messages)
    man = {
        "generator": GENERATOR,
        "size_mib": args.size_mib,
        "target_bytes": target,
        "corpora": corpora,
        "sources_fingerprint": fp,
        "source_files": len(sources),
        "excluded_files": len(excluded),
        "one_pass_bytes": one_pass,
        "passes": round(passes, 4),
        "messages": count,
        "bytes": written,
        "sha256": digest,
        "build_seconds": round(time.monotonic() - started, 3),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    tmp_man = f"{manifest_path}.tmp.{os.getpid()}"
    with open(tmp_man, "w", encoding="utf-8") as fh:
        json.dump(man, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.replace(tmp_man, manifest_path)
    emit(path=out, manifest=manifest_path, messages=count, bytes=written, sha256=digest,
         source_files=len(sources), passes=man["passes"], reused=False, verified=False)
    return 0


def cmd_prefix(args: argparse.Namespace) -> int:
    limit = args.limit_mib * MIB
    with open(args.input, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) <= limit:
        cut = len(data)
    else:
        # Every line starting with "From " in an `ensure` build is an envelope
        # (body lines are quoted), so the last one inside the limit starts the
        # first message that does not fit.
        cut = data.rfind(b"\nFrom ", 0, limit) + 1
        if cut <= 0:  # the first message alone is larger than the limit
            nxt = data.find(b"\nFrom ", 1)
            if nxt < 0:
                with open(args.input, "rb") as fh:
                    data = fh.read()
                nxt = data.find(b"\nFrom ", 1)
            cut = len(data) if nxt < 0 else nxt + 1
    chunk = memoryview(data)[:cut]
    messages = 1 + bytes(chunk).count(b"\nFrom ") if cut else 0
    with open(args.out, "wb") as fh:
        fh.write(chunk)
    emit(path=os.path.abspath(args.out), messages=messages, bytes=cut)
    return 0


UNQUOTE_RE = re.compile(rb"^>(>*From )", re.MULTILINE)


def cmd_sample(args: argparse.Namespace) -> int:
    if args.count <= 0 or args.stride <= 0:
        log("--count and --stride must be positive")
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    picked = 0
    mbox_bytes = 0
    eml_bytes = 0

    def flush(record: list[bytes], index: int) -> None:
        nonlocal picked, mbox_bytes, eml_bytes
        if not record or index % args.stride:
            return
        raw = b"".join(record)
        mbox.write(raw)
        mbox_bytes += len(raw)
        body = b"".join(record[1:])  # drop the From_ envelope line
        if body.endswith(b"\n\n"):
            body = body[:-1]  # the blank line `ensure` puts after each message
        body = UNQUOTE_RE.sub(rb"\1", body)
        picked += 1
        with open(os.path.join(args.out_dir, f"{picked:06d}.eml"), "wb") as out:
            out.write(body)
        eml_bytes += len(body)

    # Every line starting with "From " in an `ensure` build is an envelope
    # (body lines are quoted), so each one starts a message.
    index = -1
    record: list[bytes] = []
    with open(args.input, "rb") as fh, open(args.out_mbox, "wb") as mbox:
        for line in fh:
            if line.startswith(b"From "):
                flush(record, index)
                if picked >= args.count:
                    record = []
                    break
                index += 1
                record = [line]
            elif record:
                record.append(line)
        if picked < args.count:
            flush(record, index)
    emit(mbox=os.path.abspath(args.out_mbox), dir=os.path.abspath(args.out_dir), messages=picked,
         bytes=mbox_bytes, eml_bytes=eml_bytes, stride=args.stride)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    sources, excluded = scan_sources(os.path.abspath(args.corpora))
    for rel, size in sources:
        print(f"{size}\t{rel}")
    for rel, reason in excluded:
        print(f"excluded: {reason}\t{rel}")
    return 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ensure", help="build or reuse the benchmark mbox")
    p.add_argument("--corpora", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--size-mib", type=int, required=True)
    p.add_argument("--rebuild", action="store_true", help="ignore an existing build")
    p.add_argument("--no-verify", action="store_true", help="reuse without re-hashing the file")
    p.set_defaults(func=cmd_ensure)
    p = sub.add_parser("prefix", help="copy the first whole messages up to a size")
    p.add_argument("--in", dest="input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--limit-mib", type=int, required=True)
    p.set_defaults(func=cmd_prefix)
    p = sub.add_parser("sample", help="copy every S-th message, as an mbox and as files")
    p.add_argument("--in", dest="input", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--stride", type=int, required=True)
    p.add_argument("--out-mbox", required=True)
    p.add_argument("--out-dir", required=True)
    p.set_defaults(func=cmd_sample)
    p = sub.add_parser("list", help="show which corpus files are used")
    p.add_argument("--corpora", required=True)
    p.set_defaults(func=cmd_list)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
