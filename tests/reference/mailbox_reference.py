#!/usr/bin/env python3
"""Independent truth for mailsweep's tests, from Python's standard library.

Usage:
  mailbox_reference.py mbox FILE...     one JSON object per file:
      python_count   len(mailbox.mbox(FILE))  (Python splits on every line starting "From ")
      strict_count   messages under mailsweep's documented rule, re-implemented here with a
                     regular expression: a separator is a "From " line that starts the file or
                     follows a blank line and ends in an asctime (or ISO) envelope date or is
                     followed by a header field line; bytes
                     before the first separator are a message when not blank; a leading UW-IMAP
                     "FOLDER INTERNAL DATA" pseudo-message is not counted
      pseudo         1 when that pseudo-message leads the file
      loose_from     "From " lines Python splits on that the strict rule rejects
      cr_only        the file has CR line ends only (Python's mbox reads it as one message)
  mailbox_reference.py maildir DIR...   one JSON object per Maildir: count and
      {path: sha256} of every message of the Maildir and its Maildir++ folders, as listed by
      mailbox.Maildir (cur/ and new/ only).
  mailbox_reference.py email FILE...    one JSON object per one-message file, parsed with
      email.message_from_bytes(policy=email.policy.default): decoded subject, the first
      From address, and the file names of all MIME parts (part.get_filename(), in walk order).
"""
import email
import email.policy
import hashlib
import json
import mailbox
import os
import re
import sys
import tempfile

DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?"
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
ZONE = r"(?:[A-Z]{1,5}|[+-]\d{4})"
ASCTIME = (
    rf"(?:{DAY}\s+)?{MONTH}\s+\d{{1,2}}\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?"
    rf"(?:\s+{ZONE})*\s+\d{{4}}(?:\s+{ZONE})*"
)
ISO = rf"\d{{4}}-\d{{2}}-\d{{2}}\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s+{ZONE})*"
FIELD_LINE = re.compile(rb"^[!-9;-~]+:")
FROM_LINE = re.compile(rb"^From \S*.*?\s*(?:" + f"{ASCTIME}|{ISO}".encode() + rb")(?:\s+remote from .*)?\s*$")


def lines_of(data):
    cr_only = b"\n" not in data[:65536] and b"\r" in data[:65536]
    if cr_only:
        return data.split(b"\r"), True
    return data.split(b"\n"), False


def first_line(line):
    return re.split(rb"[\r\n]", line, maxsplit=1)[0]


def mbox_reference(path):
    with open(path, "rb") as f:
        data = f.read()
    lines, cr_only = lines_of(data)
    starts = []  # line indexes of separators
    loose = 0
    prev_blank = True
    for i, line in enumerate(lines):
        if line.startswith(b"From "):
            following = lines[i + 1] if i + 1 < len(lines) else b""
            dated = FROM_LINE.match(first_line(line).rstrip(b"\r"))
            if prev_blank and (dated or FIELD_LINE.match(following)):
                starts.append(i)
            else:
                loose += 1
        prev_blank = line.strip(b"\r") == b""
    leading = lines[: starts[0]] if starts else lines
    count = len(starts) + (1 if any(l.strip() for l in leading) else 0)
    pseudo = 0
    if starts and starts[0] == 0:
        end = starts[1] if len(starts) > 1 else len(lines)
        first = b"\n".join(lines[:end])
        head = first.split(b"\n\n", 1)[0]
        if first.startswith(b"From MAILER-DAEMON") and (b"FOLDER INTERNAL DATA" in head or b"\nX-IMAP:" in head):
            pseudo = 1
    try:
        python_count = len(mailbox.mbox(path, create=False))
    except Exception as e:  # noqa: BLE001 - the reference must report, not crash
        python_count = f"error: {e}"
    return {
        "path": path,
        "python_count": python_count,
        "strict_count": count - pseudo,
        "pseudo": pseudo,
        "loose_from": loose,
        "cr_only": cr_only,
    }


def shadow_maildir(path, shadow):
    """Python's Maildir needs cur/, new/ and tmp/ in every folder, which real exports
    (and git checkouts, which drop empty directories) lack: mirror the tree with
    symlinks so that mailbox.Maildir reads it unchanged."""
    for folder in [""] + [d for d in sorted(os.listdir(path)) if d.startswith(".") and os.path.isdir(os.path.join(path, d))]:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(shadow, folder, sub), exist_ok=True)
            src = os.path.join(path, folder, sub)
            if sub != "tmp" and os.path.isdir(src):
                for name in os.listdir(src):
                    os.symlink(os.path.join(src, name), os.path.join(shadow, folder, sub, name))


def maildir_reference(path):
    messages = {}

    def add(md):
        for key in md.keys():
            # _lookup gives the file's path relative to the Maildir; resolve the symlink
            file = os.path.realpath(os.path.join(md._path, md._lookup(key)))
            with open(file, "rb") as f:
                messages[file] = hashlib.sha256(f.read()).hexdigest()

    with tempfile.TemporaryDirectory() as shadow:
        shadow_maildir(path, shadow)
        root = mailbox.Maildir(shadow, factory=None, create=False)
        add(root)
        for name in root.list_folders():
            add(root.get_folder(name))
    return {"path": path, "count": len(messages), "sha256": messages}


def text(s):
    """Undecodable bytes (surrogate escapes) become U+FFFD, as in mailsweep's output."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def email_reference(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"From "):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        subject = msg.get("subject")
        senders = msg.get("from")
        addresses = getattr(senders, "addresses", ()) if senders is not None else ()
        names = [p.get_filename() for p in msg.walk() if p.get_filename()]
        return {
            "path": path,
            "subject": None if subject is None else text(str(subject)),
            "from": text(addresses[0].addr_spec) if addresses else None,
            "attachment_names": [text(n) for n in names],
        }
    except Exception as e:  # noqa: BLE001 - broken mail is data here
        return {"path": path, "error": str(e)}


def main():
    kind, paths = sys.argv[1], sys.argv[2:]
    readers = {"mbox": mbox_reference, "maildir": maildir_reference, "email": email_reference}
    for p in paths:
        print(json.dumps(readers[kind](p)))


if __name__ == "__main__":
    main()
