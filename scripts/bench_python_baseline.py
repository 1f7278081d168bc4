#!/usr/bin/env python3
"""Python-stdlib mbox parsing baseline for scripts/bench (Python 3.11 stdlib only).

Usage: bench_python_baseline.py MBOX

Opens MBOX with mailbox.mbox, and for every message parses its bytes with
email.message_from_bytes(raw, policy=email.policy.default) and touches what a
triage tool needs: Subject, From and Date (decoded / parsed by the policy's
header classes), and every MIME part via walk() + get_filename() (the
attachment names). Messages whose parse raises are counted as failures and the
run goes on.

Prints one JSON object on stdout: seconds (in-process, from opening the mbox
to the last message), bytes (size of MBOX), messages, parse_failures,
attachments, mb_per_s, messages_per_s (MB = 10^6 bytes).
"""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import os
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__, file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    path = argv[0]
    size = os.path.getsize(path)
    policy = email.policy.default
    messages = failures = attachments = 0
    started = time.perf_counter()
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            raw = box.get_bytes(key)
            messages += 1
            try:
                msg = email.message_from_bytes(raw, policy=policy)
                subject = msg["subject"]
                sender = msg["from"]
                date = msg["date"]
                if subject is not None:
                    str(subject)
                if sender is not None:
                    _ = sender.addresses
                if date is not None:
                    _ = date.datetime
                for part in msg.walk():
                    if part.get_filename():
                        attachments += 1
            except Exception:  # noqa: BLE001 - a baseline counts, it does not stop
                failures += 1
    finally:
        box.close()
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": round(seconds, 6),
        "bytes": size,
        "messages": messages,
        "parse_failures": failures,
        "attachments": attachments,
        "mb_per_s": round(size / 1e6 / seconds, 3) if seconds > 0 else None,
        "messages_per_s": round(messages / seconds, 1) if seconds > 0 else None,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
