#!/usr/bin/env python3
"""Generate mailsweep's hand-checkable test fixtures under testdata/.

Usage:
    python3 scripts/make-fixtures.py            # (re)write testdata/ fixtures + README.md
    python3 scripts/make-fixtures.py --root DIR # write into DIR instead of <repo>/testdata

Python 3.11+, standard library only.  Deterministic: running it twice yields
byte-identical files (gzip is written with mtime=0 and no file name).

Idempotent and conservative: it deletes and recreates ONLY the entries it owns
(see OWNED_DIRS / OWNED_FILES below, and `search/`, the search fixtures) inside the
target directory, never anything else.

Every message here was written for this project; people and hosts are fake and
use RFC 2606 domains only (example.com / example.org).

After writing, the script cross-checks the fixtures against Python's stdlib
(mailbox.mbox, mailbox.Maildir, email) and fails loudly if the expected truth
and what Python sees disagree in a way that is not documented as deliberate.
The Python-observed counts are written into README.md.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import email
import email.header
import email.policy
import email.utils
import gzip
import hashlib
import html
import io
import mailbox
import os
import quopri
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

UTC = dt.timezone.utc
OWNED_DIRS = ["mbox", "maildir", "enron", "thunderbird", "apple", "eml", "broken"]
OWNED_FILES = ["README.md", ".gitattributes"]
MAX_BYTES = 4096

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# --------------------------------------------------------------------------- helpers

def utc_of(date_header: str) -> dt.datetime:
    return email.utils.parsedate_to_datetime(date_header).astimezone(UTC)


def asctime(t: dt.datetime, zero_pad_day: bool = False) -> str:
    """ctime()-style text as written on mbox From_ lines (always C locale)."""
    day = f"{t.day:02d}" if zero_pad_day else f"{t.day:2d}"
    return f"{WEEKDAYS[t.weekday()]} {MONTHS[t.month - 1]} {day} {t:%H:%M:%S} {t.year}"


def parse_asctime(s: str) -> dt.datetime:
    # "Mon Nov 14 12:01:00 2005" or "Mon Nov 01 ..." / "Mon Nov  1 ..."
    parts = s.split()
    _wd, mon, day, hms, year = parts
    h, m, sec = (int(x) for x in hms.split(":"))
    return dt.datetime(int(year), MONTHS.index(mon) + 1, int(day), h, m, sec, tzinfo=UTC)


def fmt_utc(t: dt.datetime | None) -> str:
    return "—" if t is None else t.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Msg:
    """One message: its content (as stored) and the truth a test should assert."""
    hdrs: list[tuple[str, str]]
    body: str                          # stored body, LF line ends, ends with "\n"
    env: str | None = None             # address on the mbox From_ line ("-" for Thunderbird)
    env_time: str | None = None        # date text on the From_ line (auto: Date + 60 s, UTC)
    env_zero_pad: bool = False         # Thunderbird writes "Feb 01", ctime writes "Feb  1"
    flags: str | None = None           # Maildir flags; None = no ":2," info at all
    folder: str = ""
    path: str = ""                     # file path relative to the fixture root (set by writers)
    note: str = ""
    subject_text: str | None = None    # decoded subject when it differs from the raw header

    def header(self, name: str) -> str | None:
        for k, v in self.hdrs:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def subject(self) -> str | None:
        if self.subject_text is not None:
            return self.subject_text
        return self.header("Subject")

    @property
    def date(self) -> str | None:
        return self.header("Date")

    @property
    def date_utc(self) -> dt.datetime | None:
        """The date a tool should sort by: Date header, else the From_ line's time (UTC)."""
        if self.date is not None:
            return utc_of(self.date)
        if self.env_time is not None:
            return parse_asctime(self.env_time)
        return None

    def finish(self) -> "Msg":
        if self.env is not None and self.env_time is None:
            self.env_time = asctime(utc_of(self.date) + dt.timedelta(minutes=1), self.env_zero_pad)
        return self

    def text(self) -> str:
        return "".join(f"{k}: {v}\n" for k, v in self.hdrs) + "\n" + self.body

    def from_line(self) -> str:
        return f"From {self.env} {self.env_time}\n"


def simple(frm: str, to: str, subject: str, date: str | None, msgid: str, body: str,
           extra_before: list[tuple[str, str]] = (), extra_after: list[tuple[str, str]] = (),
           **kw) -> Msg:
    hdrs = list(extra_before) + [("From", frm), ("To", to), ("Subject", subject)]
    if date is not None:
        hdrs.append(("Date", date))
    hdrs += [("Message-ID", f"<{msgid}>"), ("MIME-Version", "1.0"),
             ("Content-Type", "text/plain; charset=us-ascii")]
    hdrs += list(extra_after)
    return Msg(hdrs=hdrs, body=body, **kw).finish()


def eol(text: str, ending: str) -> bytes:
    assert "\r" not in text
    return text.replace("\n", ending).encode("utf-8")


def mbox_text(msgs: list[Msg]) -> str:
    """Concatenate messages as an mbox writer does: From_ line, message, blank line."""
    out = []
    for m in msgs:
        out.append(m.from_line() + m.text() + "\n")
    return "".join(out)


# --------------------------------------------------------------------------- fixtures

@dataclass
class Fixture:
    path: str                     # relative to testdata/
    kind: str                     # human-readable format
    endings: str
    msgs: list[Msg]
    mailboxes: str = ""           # mailbox-level truth (owner / folders)
    notes: list[str] = field(default_factory=list)
    python: str = ""              # filled in by verify()
    columns: tuple[str, ...] = ("file", "folder", "subject", "date", "utc", "env", "from")


FIXTURES: list[Fixture] = []
FILES: dict[str, bytes] = {}      # relative path -> bytes
EMPTY_DIRS: list[str] = []        # relative paths of directories that must exist (maybe empty)


def put(rel: str, data: bytes) -> None:
    assert rel not in FILES, rel
    FILES[rel] = data


# ---- 1. mbox/mboxo-lf.mbox ---------------------------------------------------------
def fx_mboxo() -> None:
    m1 = simple("Alice Example <alice@example.com>", "Bob Example <bob@example.org>",
                "Lunch on Monday?", "Mon, 14 Nov 2005 12:00:00 +0000", "m1.mboxo@example.com",
                "Hi Bob,\n\nAre we still on for lunch?\n\nAlice\n", env="alice@example.com")
    m2 = simple("Bob Example <bob@example.org>", "Club <club@example.com>",
                "Club meeting schedule", "Tue, 15 Nov 2005 09:30:00 -0500", "m2.mboxo@example.org",
                "Hi all,\n\nThe room changed again, so\nFrom here on, we meet on Tuesdays.\n"
                "Minutes from last time are below.\n\n>From the archive: the first meeting was in 1999.\n\n"
                "Bob\n", env="bob@example.org",
                note="body keeps the unescaped line `From here on, we meet on Tuesdays.` (not a "
                     "separator: previous line is not blank, no asctime date follows) and the stored "
                     "line `>From the archive: ...` (mboxo-escaped; original text `From the archive: ...`)")
    m3 = simple("Carol Example <carol@example.com>", "Alice Example <alice@example.com>",
                "No date on this one", None, "m3.mboxo@example.com",
                "This message has no Date header.\nUse the From_ line.\n",
                env="carol@example.com", env_time="Wed Nov 16 08:15:00 2005",
                note="NO Date header: date comes from the From_ line (asctime, read as UTC)")
    msgs = [m1, m2, m3]
    data = mbox_text(msgs)
    put("mbox/mboxo-lf.mbox", eol(data, "\n"))
    for i, m in enumerate(msgs, 1):
        m.path = f"#{i}"
    FIXTURES.append(Fixture("mbox/mboxo-lf.mbox", "mbox (mboxo)", "LF", msgs,
                            columns=("file", "subject", "date", "utc", "env", "envtime", "from")))


# ---- 2. mbox/mboxrd.mbox -----------------------------------------------------------
def fx_mboxrd() -> None:
    m1 = simple("Frank Example <frank@example.com>", "Grace Example <grace@example.org>",
                "Quoting test one", "Tue, 03 Jan 2006 08:00:00 +0900", "m1.mboxrd@example.com",
                "Stored lines below are mboxrd-quoted.\n>From x marks the spot.\n"
                ">>From y, quoted in a reply.\nEnd.\n", env="frank@example.com",
                note="stored `>From x marks the spot.` = original `From x marks the spot.`; "
                     "stored `>>From y, quoted in a reply.` = original `>From y, quoted in a reply.`")
    m2 = simple("Grace Example <grace@example.org>", "Frank Example <frank@example.com>",
                "Re: Quoting test one", "Wed, 04 Jan 2006 10:15:00 -0600", "m2.mboxrd@example.org",
                "> >From y? That line was already quoted.\n>From now on I use mboxrd.\n",
                env="grace@example.org",
                extra_after=[("In-Reply-To", "<m1.mboxrd@example.com>")],
                note="stored `>From now on I use mboxrd.` = original `From now on I use mboxrd.`; "
                     "`> >From y? ...` is NOT a quoted From (space after first `>`), stays as is")
    msgs = [m1, m2]
    put("mbox/mboxrd.mbox", eol(mbox_text(msgs), "\n"))
    for i, m in enumerate(msgs, 1):
        m.path = f"#{i}"
    FIXTURES.append(Fixture("mbox/mboxrd.mbox", "mbox (mboxrd)", "LF", msgs,
                            columns=("file", "subject", "date", "utc", "env", "envtime", "from")))


# ---- 3. mbox/crlf.mbox ------------------------------------------------------------
def fx_crlf() -> None:
    m1 = simple("Heidi Example <heidi@example.com>", "Ivan Example <ivan@example.org>",
                "CRLF message one", "Wed, 08 Mar 2006 17:45:00 +0530", "m1.crlf@example.com",
                "Every line of this file ends in CR LF.\n", env="heidi@example.com")
    m2 = simple("Ivan Example <ivan@example.org>", "Heidi Example <heidi@example.com>",
                "CRLF message two", "Thu, 09 Mar 2006 07:00:00 -0300", "m2.crlf@example.org",
                "Including the From_ lines.\n", env="ivan@example.org")
    msgs = [m1, m2]
    put("mbox/crlf.mbox", eol(mbox_text(msgs), "\r\n"))
    for i, m in enumerate(msgs, 1):
        m.path = f"#{i}"
    FIXTURES.append(Fixture("mbox/crlf.mbox", "mbox", "CRLF (incl. From_ lines)", msgs,
                            columns=("file", "subject", "date", "utc", "env", "envtime", "from")))


# ---- 4. mbox/cr-only.mbox ---------------------------------------------------------
def fx_cr() -> None:
    m1 = simple("Judy Example <judy@example.com>", "Karl Example <karl@example.org>",
                "Old Mac message one", "Mon, 10 Apr 2006 10:10:10 +0200", "m1.cr@example.com",
                "Every line of this file ends in a bare CR.\n", env="judy@example.com")
    m2 = simple("Karl Example <karl@example.org>", "Judy Example <judy@example.com>",
                "Old Mac message two", "Tue, 11 Apr 2006 23:30:00 -0700", "m2.cr@example.org",
                "Like Mac OS 9 used to write.\n", env="karl@example.org",
                note="Date is Apr 11 local, Apr 12 in UTC")
    msgs = [m1, m2]
    put("mbox/cr-only.mbox", eol(mbox_text(msgs), "\r"))
    for i, m in enumerate(msgs, 1):
        m.path = f"#{i}"
    FIXTURES.append(Fixture("mbox/cr-only.mbox", "mbox", "CR only (incl. From_ lines)", msgs,
                            columns=("file", "subject", "date", "utc", "env", "envtime", "from")))


# ---- 5. mbox/uw-imap.mbox ---------------------------------------------------------
UW_BODY = ("This text is part of the internal format of your mail folder, and is not\n"
           "a real message.  It is created automatically by the mail system software.\n"
           "If deleted, important folder data will be lost, and it will be re-created\n"
           "with the data reset to initial values.\n")


def fx_uw() -> None:
    pseudo = Msg(hdrs=[("Date", "17 Nov 2005 10:00:00 +0000"),
                       ("From", "Mail System Internal Data <MAILER-DAEMON@host.example.com>"),
                       ("Subject", "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA"),
                       ("Message-ID", "<1132221600@host.example.com>"),
                       ("X-IMAP", "1131000000 0000000002"),
                       ("Status", "RO")],
                 body=UW_BODY, env="MAILER-DAEMON", env_time="Thu Nov 17 10:00:00 2005")
    m1 = simple("Dave Example <dave@example.com>", "Erin Example <erin@example.org>",
                "Folder test one", "Thu, 17 Nov 2005 11:04:00 +0100", "m1.uw@example.com",
                "First real message after the pseudo-message.\n", env="dave@example.com",
                extra_after=[("Status", "RO"), ("X-Status", ""), ("X-Keywords", ""), ("X-UID", "1")])
    m2 = simple("Erin Example <erin@example.org>", "Dave Example <dave@example.com>",
                "Folder test two", "Fri, 18 Nov 2005 16:20:00 -0800", "m2.uw@example.org",
                "Second real message.\n", env="erin@example.org",
                extra_after=[("Status", "O"), ("X-Status", ""), ("X-Keywords", ""), ("X-UID", "2")],
                note="Date is Nov 18 local, Nov 19 in UTC")
    data = mbox_text([pseudo, m1, m2])
    put("mbox/uw-imap.mbox", eol(data, "\n"))
    m1.path, m2.path = "#2 (1st real)", "#3 (2nd real)"
    FIXTURES.append(Fixture(
        "mbox/uw-imap.mbox", "mbox (UW-IMAP / pine)", "LF", [m1, m2],
        notes=["File position #1 is the UW-IMAP pseudo-message (`From MAILER-DAEMON Thu Nov 17 10:00:00 2005`, "
               "Subject `DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA`, `X-IMAP: 1131000000 0000000002`); "
               "it is NOT a message and must be skipped. Recognise it by: first message of the file, "
               "an `X-IMAP:` (or `X-IMAPbase:`) header, From `MAILER-DAEMON`, that Subject."],
        columns=("file", "subject", "date", "utc", "env", "envtime", "from")))


# ---- 6. empty + one-byte ----------------------------------------------------------
def fx_empty() -> None:
    put("mbox/empty.mbox", b"")
    put("mbox/one-byte.mbox", b"\n")
    FIXTURES.append(Fixture("mbox/empty.mbox", "mbox", "— (0 bytes)", [],
                            notes=["0 messages, must not be an error."]))
    FIXTURES.append(Fixture("mbox/one-byte.mbox", "mbox", "a single `\\n` (1 byte)", [],
                            notes=["0 messages, must not be an error."]))


# ---- 7. compressed ----------------------------------------------------------------
def fx_gz() -> None:
    m1 = simple("Leo Example <leo@example.com>", "Mia Example <mia@example.org>",
                "Compressed one", "Sat, 02 Jun 2007 18:00:00 +0200", "m1.gz@example.com",
                "First message inside the gzip.\n", env="leo@example.com")
    m2 = simple("Mia Example <mia@example.org>", "Leo Example <leo@example.com>",
                "Compressed two", "Sun, 03 Jun 2007 06:30:00 -0400", "m2.gz@example.org",
                "Second message inside the gzip.\n", env="mia@example.org")
    m3 = simple("Ned Example <ned@example.com>", "Leo Example <leo@example.com>",
                "Compressed three", "Mon, 04 Jun 2007 12:00:00 +0000", "m3.gz@example.com",
                "Third message inside the gzip.\n", env="ned@example.com")
    msgs = [m1, m2, m3]
    raw = eol(mbox_text(msgs), "\n")
    put("mbox/compressed.mbox.gz", gzip.compress(raw, compresslevel=9, mtime=0))
    for i, m in enumerate(msgs, 1):
        m.path = f"#{i}"
    FIXTURES.append(Fixture("mbox/compressed.mbox.gz", "gzip(mbox), gzip mtime=0, no name", "LF", msgs,
                            notes=[f"Decompressed size {len(raw)} bytes, sha256 "
                                   f"`{hashlib.sha256(raw).hexdigest()}`."],
                            columns=("file", "subject", "date", "utc", "env", "envtime", "from")))


# ---- 8. Maildir++ (Dovecot) -------------------------------------------------------
def fx_maildir() -> None:
    root = "maildir/alice@example.com"
    dovecot = [("Return-Path", "<{rp}>"), ("Delivered-To", "alice@example.com")]

    def delivered(rp: str) -> list[tuple[str, str]]:
        return [(k, v.format(rp=rp)) for k, v in dovecot]

    specs = [
        # (relative file, folder, flags, Msg)
        ("cur/1700000001.M1P1.host:2,FS", "INBOX", "FS",
         simple("Bob Example <bob@example.org>", "Alice Example <alice@example.com>",
                "Quarterly report draft", "Tue, 14 Nov 2023 19:02:00 +0100", "m1.maildir@example.org",
                "Draft attached next week.\n", extra_before=delivered("bob@example.org"))),
        ("cur/1700000002.M2P1.host:2,", "INBOX", "",
         simple("Carol Example <carol@example.com>", "Alice Example <alice@example.com>",
                "In cur, no flags (unread)", "Tue, 14 Nov 2023 14:30:00 -0500",
                "m2.maildir@example.com", "Info `:2,` with no flags.\n",
                extra_before=delivered("carol@example.com"))),
        ("new/1700000003.M3P1.host", "INBOX", None,
         simple("Dave Example <dave@example.org>", "Alice Example <alice@example.com>",
                "Brand new message", "Wed, 15 Nov 2023 07:10:00 +0900", "m3.maildir@example.org",
                "Still in new/, no info suffix.\n", extra_before=delivered("dave@example.org"),
                note="Date is Nov 15 local, Nov 14 in UTC")),
        (".Sent/cur/1700000004.M4P1.host:2,S", "Sent", "S",
         simple("Alice Example <alice@example.com>", "Bob Example <bob@example.org>",
                "Re: Quarterly report draft", "Tue, 14 Nov 2023 12:45:00 +0000", "m4.maildir@example.com",
                "Thanks Bob.\n", extra_after=[("In-Reply-To", "<m1.maildir@example.org>")],
                note="saved by the IMAP client: no Return-Path")),
        (".Archive.2024/cur/1700000005.M5P1.host!2,RS", "Archive/2024", "RS",
         simple("Erin Example <erin@example.com>", "Alice Example <alice@example.com>",
                "Old thread, archived", "Mon, 13 Nov 2023 09:00:00 +0200", "m5.maildir@example.com",
                "Uses the `!2,` info separator.\n", extra_before=delivered("erin@example.com"),
                note="`!` instead of `:` before `2,` (filesystems without `:`)")),
    ]
    msgs = []
    for rel, folder, flags, m in specs:
        m.folder, m.flags, m.path = folder, flags, rel
        put(f"{root}/{rel}", eol(m.text(), "\n"))
        msgs.append(m)
    # tmp/: a half-delivered file that must be ignored
    tmp = simple("Mallory Example <mallory@example.org>", "Alice Example <alice@example.com>",
                 "IGNORE ME: still in tmp", "Tue, 14 Nov 2023 22:20:00 +0000", "tmp.maildir@example.org",
                 "Delivery in progress; readers must skip tmp/.\n",
                 extra_before=delivered("mallory@example.org"))
    put(f"{root}/tmp/1700000006.M6P1.host", eol(tmp.text(), "\n"))
    put(f"{root}/dovecot-uidlist",
        b"3 V1700000000 N4 G0123456789abcdef0123456789abcdef\n"
        b"1 :1700000001.M1P1.host\n2 :1700000002.M2P1.host\n3 :1700000003.M3P1.host\n")
    put(f"{root}/subscriptions", b"Sent\nArchive.2024\n")
    put(f"{root}/.Sent/maildirfolder", b"")
    put(f"{root}/.Archive.2024/maildirfolder", b"")
    for d in [".Sent/new", ".Sent/tmp", ".Archive.2024/new", ".Archive.2024/tmp"]:
        EMPTY_DIRS.append(f"{root}/{d}")
    FIXTURES.append(Fixture(
        root + "/", "Maildir++ (Dovecot)", "LF", msgs,
        mailboxes="1 mailbox, owner `alice@example.com` (from the directory name); "
                  "folders `INBOX` (root: 3), `Sent` (1), `Archive/2024` (1) = 5 messages.",
        notes=["Must be IGNORED (not messages): `tmp/1700000006.M6P1.host` (a complete-looking message, "
               "Subject `IGNORE ME: still in tmp`), `dovecot-uidlist`, `subscriptions`, "
               "`.Sent/maildirfolder`, `.Archive.2024/maildirfolder` (0-byte Dovecot marker files).",
               "Flags column = letters after `2,` (`F` flagged, `S` seen, `R` replied); `(no info)` = file in "
               "new/ without `:2,` suffix, i.e. unseen/new.",
               "Empty directories `.Sent/new`, `.Sent/tmp`, `.Archive.2024/new`, `.Archive.2024/tmp` are "
               "created by the script; **git does not store empty directories**, so a fresh clone lacks "
               "them unless the script is re-run. A reader should not require new/ and tmp/ in a subfolder.",
               "Envelope sender = `Return-Path` header (added by the delivery agent)."],
        columns=("file", "folder", "flags", "subject", "date", "utc", "rp", "from")))


# ---- 9. Enron ---------------------------------------------------------------------
def enron(msgid: str, date: str, frm: str, to: str, subject: str, xfrom: str, xto: str,
          xfolder: str, origin: str, filename: str, body: str, folder: str, path: str) -> Msg:
    hdrs = [("Message-ID", f"<{msgid}.JavaMail.evans@thyme>"), ("Date", date), ("From", frm),
            ("To", to), ("Subject", subject), ("Mime-Version", "1.0"),
            ("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit"),
            ("X-From", xfrom), ("X-To", xto), ("X-cc", ""), ("X-bcc", ""), ("X-Folder", xfolder),
            ("X-Origin", origin), ("X-FileName", filename)]
    return Msg(hdrs=hdrs, body=body, folder=folder, path=path)


def fx_enron() -> None:
    base = "enron/maildir"
    sm = [
        enron("10000001.1075800000001", "Mon, 14 May 2001 16:39:00 -0700 (PDT)",
              "ann.doe@example.com", "john.smith@example.com", "Gas forecast for June",
              "Ann Doe", "John Smith <John Smith/HOU/ECT@ECT>", r"\John_Smith_Jun2001\Notes Folders\Inbox",
              "Smith-J", "jsmith.nsf", "John,\n\nForecast numbers are in the usual place.\n\nAnn\n",
              "inbox", "smith-j/inbox/1."),
        enron("10000002.1075800000002", "Tue, 15 May 2001 08:05:00 -0700 (PDT)",
              "bob.jones@example.org", "john.smith@example.com", "Parking garage closed Friday",
              "Bob Jones <bob.jones@example.org>", "John Smith <John Smith/HOU/ECT@ECT>",
              r"\John_Smith_Jun2001\Notes Folders\Inbox", "Smith-J", "jsmith.nsf",
              "Please use the north lot on Friday.\n", "inbox", "smith-j/inbox/2."),
        enron("10000003.1075800000003", "Wed, 16 May 2001 11:20:00 -0700 (PDT)",
              "john.smith@example.com", "ann.doe@example.com", "Re: Gas forecast for June",
              "John Smith", "Ann Doe <Ann Doe/HOU/ECT@ECT>", r"\John_Smith_Jun2001\Notes Folders\Sent",
              "Smith-J", "jsmith.nsf", "Thanks, got them.\n", "sent_items", "smith-j/sent_items/1."),
    ]
    da = [
        enron("10000004.1075800000004", "Thu, 6 Dec 2001 09:15:00 -0800 (PST)",
              "carol.white@example.org", "ann.doe@example.com", "Holiday party RSVP",
              "Carol White <carol.white@example.org>", "Doe, Ann </O=EXAMPLE/OU=NA/CN=RECIPIENTS/CN=ADOE>",
              r"\ExMerge - Doe, Ann\Deleted Items", "DOE-A", "adoe (Non-Privileged).pst",
              "RSVP by Friday please.\n", "deleted_items", "doe-a/deleted_items/1."),
    ]
    for m in sm + da:
        # The CMU Enron maildir files use CRLF line ends throughout.
        put(f"{base}/{m.path}", eol(m.text(), "\r\n"))
    FIXTURES.append(Fixture(
        base + "/", "Enron maildir (`<user>/<folder>/<n>.` files, one message per file)", "CRLF",
        sm + da,
        mailboxes="2 mailboxes: `smith-j` (3 messages; folders `inbox` 2, `sent_items` 1) and "
                  "`doe-a` (1 message; folder `deleted_items`) = 4 messages.",
        notes=["Not a real Maildir (no cur/new/tmp). File names are `<n>.` (trailing dot, no extension).",
               "Dates carry a trailing zone comment `(PDT)` / `(PST)`; `Thu, 6 Dec 2001` has a 1-digit day.",
               "No envelope sender (no From_ line, no Return-Path)."],
        columns=("file", "folder", "subject", "date", "utc", "from")))


# ---- 10. Thunderbird --------------------------------------------------------------
MORK = ('// <!-- <mdb:mork:z v="1.4"/> -->\n'
        '< <(a=c)> // (f=iso-8859-1)\n  (B8=subject)(B9=sender)(BA=date)(BB=message-id)>\n'
        '<(80=fake)(81=mailsweep fixture, not a real summary file)>\n'
        '{1:^80 {(k^BB:c)(s=9)} [1(^B8=^81)]}\n')


def tb(frm: str, to: str, subject: str, date: str, msgid: str, body: str, status: str) -> Msg:
    return simple(frm, to, subject, date, msgid, body, env="-", env_zero_pad=True,
                  extra_before=[("X-Mozilla-Status", status), ("X-Mozilla-Status2", "00000000")])


def fx_thunderbird() -> None:
    base = "thunderbird/profile"
    inbox = [tb("Olga Example <olga@example.com>", "Pat Example <pat@example.org>", "Welcome to the team",
                "Mon, 01 Feb 2010 09:00:00 +0100", "m1.tb@example.com", "Glad to have you.\n", "0001"),
             tb("Quinn Example <quinn@example.org>", "Pat Example <pat@example.org>", "Badge photo",
                "Tue, 02 Feb 2010 15:45:00 -0500", "m2.tb@example.org", "Bring a photo.\n", "0000")]
    sent = [tb("Pat Example <pat@example.org>", "Olga Example <olga@example.com>", "Re: Welcome to the team",
               "Wed, 03 Feb 2010 10:00:00 +0000", "m3.tb@example.org", "Thank you!\n", "0001")]
    arch = [tb("Rita Example <rita@example.com>", "Pat Example <pat@example.org>", "Archived in 2024 (1)",
               "Thu, 04 Jan 2024 08:00:00 +0100", "m4.tb@example.com", "Old news.\n", "0001"),
            tb("Sam Example <sam@example.org>", "Pat Example <pat@example.org>", "Archived in 2024 (2)",
               "Fri, 05 Jan 2024 20:30:00 -0800", "m5.tb@example.org", "Older news.\n", "0011")]
    arch[1].note = "Date is Jan 5 local, Jan 6 in UTC"
    for name, folder, msgs in [("Inbox", "Inbox", inbox), ("Sent", "Sent", sent),
                               ("Archives", "Archives", []), ("Archives.sbd/2024", "Archives/2024", arch)]:
        put(f"{base}/{name}", eol(mbox_text(msgs), "\n"))
        put(f"{base}/{name}.msf", MORK.encode())
        for i, m in enumerate(msgs, 1):
            m.folder, m.path = folder, f"{name} #{i}"
    FIXTURES.append(Fixture(
        base + "/", "Thunderbird local folders (mbox per folder, `.sbd` subfolders)", "LF",
        inbox + sent + arch,
        mailboxes="1 mailbox; folders `Inbox` (2), `Sent` (1), `Archives` (0: a 0-byte mbox), "
                  "`Archives/2024` (2) = 5 messages.",
        notes=["`*.msf` files (fake Mork starting with `// <!-- <mdb:mork:z v=\"1.4\"/> -->`) must be IGNORED.",
               "Thunderbird From_ lines are `From - <date>`: the sender is `-` (= no envelope sender) and "
               "the day is zero-padded (`Feb 01`, not `Feb  1`).",
               "`X-Mozilla-Status` / `X-Mozilla-Status2` headers come first, as Thunderbird writes them."],
        columns=("file", "folder", "subject", "date", "utc", "env", "envtime", "from")))


# ---- 11. Apple Mail export --------------------------------------------------------
def fx_apple() -> None:
    base = "apple/Exported.mbox"
    msgs = [simple("Tom Example <tom@example.com>", "Uma Example <uma@example.org>", "Apple export one",
                   "Sun, 15 Mar 2015 11:11:00 +1100", "m1.apple@example.com", "Exported from Mail.app.\n",
                   env="tom@example.com"),
            simple("Uma Example <uma@example.org>", "Tom Example <tom@example.com>", "Apple export two",
                   "Mon, 16 Mar 2015 13:00:00 -0700", "m2.apple@example.org", "Second one.\n",
                   env="uma@example.org")]
    for i, m in enumerate(msgs, 1):
        m.folder, m.path = "Exported", f"mbox #{i}"
    put(f"{base}/mbox", eol(mbox_text(msgs), "\n"))
    put(f"{base}/table_of_contents", bytes([0x00, 0x00, 0x00, 0x02, 0xFE, 0xED, 0xFA, 0xCE, 0x00, 0x01,
                                            0x7F, 0x80, 0xFF, 0x00, 0x42, 0x13]))
    FIXTURES.append(Fixture(
        base + "/", "Apple Mail export bundle (directory `*.mbox` holding a file `mbox`)", "LF", msgs,
        mailboxes="1 mailbox, 1 folder (suggested name `Exported`, the bundle name without `.mbox`), "
                  "2 messages.",
        notes=["`table_of_contents` (16 bytes of binary) must be IGNORED."],
        columns=("file", "folder", "subject", "date", "utc", "env", "envtime", "from")))


# ---- 12. eml/single.eml -----------------------------------------------------------
PDF_BYTES = b"%PDF-1.4\n% mailsweep fixture, not a real PDF\n%%EOF\n"
RESUME_TEXT = "Curriculum vitae \u2014 Nina Laurent\nExp\u00e9rience : 10 ans.\n"
SUBJECT_FR = "R\u00e9union budget 2024"


def fx_single() -> None:
    subj = "=?UTF-8?B?" + base64.b64encode(SUBJECT_FR.encode()).decode() + "?="
    pdf_b64 = base64.encodebytes(PDF_BYTES).decode()
    resume_b64 = base64.encodebytes(RESUME_TEXT.encode()).decode()
    body = (
        "This is a multi-part message in MIME format.\n\n"
        "--b1-outer-7f3a\n"
        'Content-Type: multipart/alternative; boundary="b2-alt-9c1e"\n\n'
        "--b2-alt-9c1e\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "Bonjour =C3=A0 tous,\n\nVoici l'ordre du jour de la r=C3=A9union budget 2024.\n\nNina\n"
        "--b2-alt-9c1e\n"
        "Content-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "<html><body><p>Bonjour =C3=A0 tous,</p><p>Voici l'ordre du jour de la r=C3=A9union budget 2024.</p>"
        "<p>Nina</p></body></html>\n"
        "--b2-alt-9c1e--\n\n"
        "--b1-outer-7f3a\n"
        'Content-Type: application/pdf; name="invoice.pdf"\n'
        'Content-Disposition: attachment; filename="invoice.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n"
        f"{pdf_b64}"
        "--b1-outer-7f3a\n"
        "Content-Type: text/plain; charset=utf-8; name*=UTF-8''r%C3%A9sum%C3%A9.txt\n"
        "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt\n"
        "Content-Transfer-Encoding: base64\n\n"
        f"{resume_b64}"
        "--b1-outer-7f3a--\n")
    m = Msg(hdrs=[("From", "Nina Laurent <nina@example.com>"),
                  ("To", "Oscar Petit <oscar@example.org>, Paula Roy <paula@example.com>"),
                  ("Cc", "Quentin Moreau <quentin@example.org>"),
                  ("Subject", subj),
                  ("Date", "Fri, 15 Mar 2024 09:30:00 +0100"),
                  ("Message-ID", "<budget-2024.single@example.com>"),
                  ("MIME-Version", "1.0"),
                  ("Content-Type", 'multipart/mixed; boundary="b1-outer-7f3a"')],
            body=body, subject_text=SUBJECT_FR, path="single.eml", folder="")
    put("eml/single.eml", eol(m.text(), "\r\n"))
    FIXTURES.append(Fixture(
        "eml/single.eml", "single .eml (MIME)", "CRLF", [m],
        notes=[f"Raw Subject: `{subj}` -> decoded `{SUBJECT_FR}`.",
               "To: `oscar@example.org`, `paula@example.com` (2 addresses); Cc: `quentin@example.org` (1).",
               "MIME tree:\n"
               "  - `multipart/mixed` (boundary `b1-outer-7f3a`)\n"
               "    - `multipart/alternative` (boundary `b2-alt-9c1e`)\n"
               "      - `text/plain; charset=utf-8`, quoted-printable, starts `Bonjour à tous,`\n"
               "      - `text/html; charset=utf-8`, quoted-printable\n"
               f"    - attachment `invoice.pdf`, `application/pdf`, base64, {len(PDF_BYTES)} bytes decoded, "
               f"sha256 `{hashlib.sha256(PDF_BYTES).hexdigest()}`\n"
               "    - attachment `résumé.txt` (RFC 2231 `filename*=UTF-8''r%C3%A9sum%C3%A9.txt`), "
               f"`text/plain; charset=utf-8`, base64, {len(RESUME_TEXT.encode())} bytes decoded, "
               f"sha256 `{hashlib.sha256(RESUME_TEXT.encode()).hexdigest()}`",
               "Attachments: exactly 2 (`invoice.pdf`, `résumé.txt`); the two text/* alternatives are bodies, "
               "not attachments."],
        columns=("file", "subject", "date", "utc", "from")))


# ---- 13. eml/folder ---------------------------------------------------------------
def fx_folder() -> None:
    a = simple("Victor Example <victor@example.com>", "Wendy Example <wendy@example.org>", "Folder message A",
               "Thu, 10 Oct 2019 10:10:00 +0200", "a.folder@example.com", "Plain .eml with LF endings.\n")
    b = simple("Bob Example <bob@example.org>", "Wendy Example <wendy@example.org>", "Folder message B",
               "Sun, 31 Dec 2023 18:59:30 -0500", "b.folder@example.org",
               "This file starts with an mbox From_ line, like the SpamAssassin corpus.\n",
               env="bob@example.org", env_time="Mon Jan  1 00:00:00 2024",
               note="first line `From bob@example.org Mon Jan  1 00:00:00 2024`; still ONE message; "
                    "Date header (Dec 31 2023 local, 23:59:30Z) wins over the From_ time")
    c = simple("Xena Example <xena@example.com>", "Wendy Example <wendy@example.org>", "Folder message C",
               "Sat, 29 Feb 2020 23:00:00 -1000", "c.folder@example.com",
               "File name has no extension; CRLF endings.\n", note="Date is Feb 29 local, Mar 1 in UTC")
    d = simple("Yuri Example <yuri@example.org>", "Wendy Example <wendy@example.org>", "Folder message D",
               "Wed, 21 Jul 2021 21:21:21 +0000", "d.folder@example.org", "Lives in the Projects subfolder.\n")
    a.path, b.path, c.path, d.path = "a.eml", "b.eml", "c", "Projects/d.eml"
    d.folder = "Projects"
    put("eml/folder/a.eml", eol(a.text(), "\n"))
    put("eml/folder/b.eml", eol(b.from_line() + b.text(), "\n"))
    put("eml/folder/c", eol(c.text(), "\r\n"))
    put("eml/folder/Projects/d.eml", eol(d.text(), "\n"))
    FIXTURES.append(Fixture(
        "eml/folder/", "directory of .eml files (one message per file)", "LF (a, b, d), CRLF (c)",
        [a, b, c, d],
        mailboxes="3 messages at the root of `eml/folder/` (folder: root, empty name), 1 in folder `Projects`.",
        notes=["`c` has no extension and must still be read as a message.",
               "`b.eml` begins with an mbox From_ line: envelope sender `bob@example.org`; it is one message, "
               "not an mbox."],
        columns=("file", "folder", "subject", "date", "utc", "env", "from")))


# ---- 14. broken -------------------------------------------------------------------
def fixed_binary(n: int = 200) -> bytes:
    out = b""
    block = b"mailsweep-binary-fixture"
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    b = bytearray(out[:n])
    for i in (0, 1, 37, 38, 39, 100, 150, 199):   # guaranteed NULs, incl. a run of 3
        b[i] = 0
    b[60] = 0x0A                                     # and a stray LF / CR
    b[61] = 0x0D
    return bytes(b)


def fx_broken() -> None:
    nohdr = Msg(hdrs=[], body="this file is just one line of text and has no header block at all\n",
                path="no-headers.eml",
                note="no header block; Subject and Date absent; whole line is body text")
    put("broken/no-headers.eml", nohdr.body.encode())
    binary = fixed_binary()
    assert not binary.startswith(b"From ")
    binm = Msg(hdrs=[], body="", path="binary.eml",
               note=f"200 bytes binary incl. NULs (sha256 `{hashlib.sha256(binary).hexdigest()[:16]}…`)")
    put("broken/binary.eml", binary)
    trunc_b64 = base64.encodebytes(b"%PDF-1.4\n" + bytes(range(256))[:120]).decode()
    cut = trunc_b64.splitlines()
    trunc_body = ("--b-never-closed\n"
                  "Content-Type: text/plain; charset=us-ascii\n\n"
                  "The attachment below is cut off and the boundary never closes.\n\n"
                  "--b-never-closed\n"
                  'Content-Type: application/pdf; name="cut.pdf"\n'
                  'Content-Disposition: attachment; filename="cut.pdf"\n'
                  "Content-Transfer-Encoding: base64\n\n"
                  + cut[0] + "\n" + cut[1][:37])        # cut mid-line, no newline, no close
    tr = Msg(hdrs=[("From", "Zoe Example <zoe@example.com>"), ("To", "Alice Example <alice@example.com>"),
                   ("Subject", "Truncated attachment"), ("Date", "Tue, 14 Jun 2022 14:14:14 +0300"),
                   ("Message-ID", "<trunc.broken@example.com>"), ("MIME-Version", "1.0"),
                   ("Content-Type", 'multipart/mixed; boundary="b-never-closed"')],
             body=trunc_body, path="truncated-mime.eml",
             note="boundary `b-never-closed` never closes; base64 of `cut.pdf` ends mid-line "
                  "(37 chars, not a multiple of 4) with no final newline")
    put("broken/truncated-mime.eml", tr.text().encode())
    FIXTURES.append(Fixture(
        "broken/", "malformed single-message files", "LF (binary.eml: none, binary)", [nohdr, binm, tr],
        mailboxes="3 files, ONE message each; none may crash or abort the scan.",
        columns=("file", "subject", "date", "utc", "from")))


# --------------------------------------------------------------------------- verify

def py_mbox(path: Path) -> mailbox.mbox:
    return mailbox.mbox(str(path), create=False)


def decode_subject(msg) -> str | None:
    s = msg["Subject"]
    if s is None:
        return None
    return str(email.header.make_header(email.header.decode_header(s)))


def verify(root: Path) -> list[str]:
    """Cross-check with Python's stdlib; returns observations for the README/report."""
    obs: list[str] = []
    fx = {f.path: f for f in FIXTURES}

    def check_mbox_same(rel: str) -> None:
        f = fx[rel]
        mb = py_mbox(root / rel)
        got = [(decode_subject(m), m["Date"], m.get_from()) for m in mb]
        want = [(m.subject, m.date, f"{m.env} {m.env_time}") for m in f.msgs]
        assert got == want, (rel, got, want)
        f.python = f"mailbox.mbox: {len(got)} (agrees)"

    for rel in ["mbox/mboxrd.mbox", "mbox/empty.mbox", "mbox/one-byte.mbox"]:
        check_mbox_same(rel)
    # mboxrd: Python does not unquote; the stored text is returned.
    body = py_mbox(root / "mbox/mboxrd.mbox")[0].get_payload()
    assert ">From x marks the spot." in body and ">>From y" in body
    fx["mbox/mboxrd.mbox"].python += "; bodies returned still quoted (`>From x`, `>>From y`): no mboxrd unquoting"

    # mboxo-lf: Python splits at the unescaped body line -> 4.
    mb = py_mbox(root / "mbox/mboxo-lf.mbox")
    subs = [decode_subject(m) for m in mb]
    assert len(mb) == 4 and subs == ["Lunch on Monday?", "Club meeting schedule", None, "No date on this one"], subs
    assert mb[2].get_from().startswith("here on, we meet on Tuesdays.")
    fx["mbox/mboxo-lf.mbox"].python = ("mailbox.mbox: **4** — it splits message 2 at the body line "
                                       "`From here on, we meet on Tuesdays.` (any line starting `From ` is a "
                                       "separator for Python), yielding a header-less 3rd message")
    obs.append("mboxo-lf.mbox: Python mailbox.mbox counts 4 (splits on the unescaped `From here on...` body line).")

    # CRLF
    f = fx["mbox/crlf.mbox"]
    mb = py_mbox(root / "mbox/crlf.mbox")
    got = [(decode_subject(m), m["Date"], m.get_from()) for m in mb]
    assert len(got) == 2
    assert [g[0] for g in got] == [m.subject for m in f.msgs], got
    assert [g[1] for g in got] == [m.date for m in f.msgs], got
    froms = [g[2] for g in got]
    assert froms == [f"{m.env} {m.env_time}\r" for m in f.msgs], froms
    tail = mb.get_bytes(0)[-8:]
    assert tail.endswith(b"\r\n\r\n"), tail
    f.python = ("mailbox.mbox: 2 (agrees on count, Subject, Date); but `get_from()` keeps a trailing `\\r` "
                "and the separating blank `\\r\\n` stays inside each message (Python only recognises a blank "
                "line as `\\n`)")
    obs.append(f"crlf.mbox: Python counts 2, Subject/Date right, but get_from() ends in '\\r' "
               f"(e.g. {froms[0]!r}) and each message keeps the trailing blank CRLF line (get_bytes(0) ends {tail!r}).")

    # CR-only
    f = fx["mbox/cr-only.mbox"]
    mb = py_mbox(root / "mbox/cr-only.mbox")
    n = len(mb)
    assert n == 1, n
    m0 = mb[0]
    assert m0["Subject"] is None and len(m0.keys()) == 0
    assert m0.get_from().startswith("judy@example.com Mon Apr 10 08:11:10 2006\rFrom: Judy")
    f.python = ("mailbox.mbox: **1** — Python splits lines on `\\n` only, so the whole file is one \"line\" "
                "starting with `From `: one message with NO headers, and the entire file text lands in "
                "`get_from()`")
    obs.append("cr-only.mbox: Python counts 1 message with no headers; get_from() returns the whole file.")

    # UW-IMAP
    f = fx["mbox/uw-imap.mbox"]
    mb = py_mbox(root / "mbox/uw-imap.mbox")
    subs = [decode_subject(m) for m in mb]
    assert subs == ["DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA"] + [m.subject for m in f.msgs], subs
    f.python = "mailbox.mbox: **3** (includes the pseudo-message)"

    # gzip
    f = fx["mbox/compressed.mbox.gz"]
    with tempfile.TemporaryDirectory() as td:
        p = Path(td) / "x.mbox"
        p.write_bytes(gzip.decompress((root / f.path).read_bytes()))
        mb = py_mbox(p)
        got = [(decode_subject(m), m["Date"], m.get_from()) for m in mb]
        assert got == [(m.subject, m.date, f"{m.env} {m.env_time}") for m in f.msgs], got
    try:
        n_raw = len(py_mbox(root / f.path))
    except Exception as e:  # pragma: no cover
        n_raw = f"error {type(e).__name__}"
    f.python = (f"mailbox.mbox on the .gz itself: {n_raw} (no gzip support); after gzip.decompress: "
                f"{len(got)} (agrees)")

    # Maildir
    f = fx["maildir/alice@example.com/"]
    md = mailbox.Maildir(str(root / "maildir/alice@example.com"), factory=None, create=False)
    assert sorted(md.list_folders()) == ["Archive.2024", "Sent"], md.list_folders()
    seen = {}
    for label, box in [("INBOX", md), ("Sent", md.get_folder("Sent")),
                       ("Archive/2024", md.get_folder("Archive.2024"))]:
        for key in box.keys():
            msg = box.get_message(key)
            seen[decode_subject(msg)] = (label, msg.get_flags(), msg.get_subdir(), key)
    want = {m.subject: m for m in f.msgs}
    assert set(seen) == set(want), seen
    for s, m in want.items():
        label, flags, subdir, key = seen[s]
        assert label == m.folder, (s, label)
        if "!2," in m.path:
            assert flags == "" and key.endswith("!2,RS"), (flags, key)
        else:
            assert flags == (m.flags or ""), (s, flags)
    f.python = ("mailbox.Maildir(factory=None): INBOX 3, list_folders() = `Archive.2024`, `Sent` (1 each) = 5 "
                "(agrees; tmp/ and the non-message files ignored). Flags agree except the `!2,RS` file: with the "
                "default `colon=':'` Python reports NO flags and keeps `!2,RS` inside the key")
    obs.append("Maildir: Python agrees on 5 messages/3 folders, but reads no flags from the '!2,RS' name "
               "(needs Maildir.colon = '!').")

    # Enron: per-file email parsing
    f = fx["enron/maildir/"]
    for m in f.msgs:
        pm = email.message_from_bytes((root / "enron/maildir" / m.path).read_bytes())
        assert pm["Subject"] == m.subject and pm["Date"] == m.date, m.path
    f.python = "no stdlib mailbox class fits (no cur/new/tmp); email.message_from_bytes per file: 4 (agrees)"

    # Thunderbird
    f = fx["thunderbird/profile/"]
    counts = []
    for name in ["Inbox", "Sent", "Archives", "Archives.sbd/2024"]:
        mb = py_mbox(root / "thunderbird/profile" / name)
        counts.append(f"{name} {len(mb)}")
        for m in mb:
            assert m.get_from().startswith("- "), m.get_from()
    got = [decode_subject(m) for name in ["Inbox", "Sent", "Archives.sbd/2024"]
           for m in py_mbox(root / "thunderbird/profile" / name)]
    assert got == [m.subject for m in f.msgs], got
    f.python = "mailbox.mbox per folder file: " + ", ".join(counts) + " = 5 (agrees)"

    # Apple
    f = fx["apple/Exported.mbox/"]
    mb = py_mbox(root / "apple/Exported.mbox/mbox")
    assert [decode_subject(m) for m in mb] == [m.subject for m in f.msgs]
    f.python = "mailbox.mbox on `Exported.mbox/mbox`: 2 (agrees)"

    # eml
    f = fx["eml/single.eml"]
    pm = email.message_from_bytes((root / "eml/single.eml").read_bytes(), policy=email.policy.default)
    assert str(pm["Subject"]) == SUBJECT_FR
    assert [a.addr_spec for a in pm["To"].addresses] == ["oscar@example.org", "paula@example.com"]
    assert [a.addr_spec for a in pm["Cc"].addresses] == ["quentin@example.org"]
    atts = list(pm.iter_attachments())
    assert [a.get_filename() for a in atts] == ["invoice.pdf", "r\u00e9sum\u00e9.txt"], [a.get_filename() for a in atts]
    assert atts[0].get_content() == PDF_BYTES
    assert atts[1].get_content() == RESUME_TEXT
    assert pm.get_body(("plain",)).get_content().startswith("Bonjour \u00e0 tous,")
    assert pm.get_body(("html",)).get_content_type() == "text/html"
    assert not any(p.defects for p in pm.walk())
    f.python = ("email (policy.default): Subject decoded, 2 To + 1 Cc, attachments `invoice.pdf`, `résumé.txt` "
                "with the exact bytes, no defects (agrees)")

    f = fx["eml/folder/"]
    for m in f.msgs:
        raw = (root / "eml/folder" / m.path).read_bytes()
        pm = email.message_from_bytes(raw)
        assert pm["Subject"] == m.subject and pm["Date"] == m.date, m.path
        if m.env:
            assert pm.get_unixfrom() == f"From {m.env} {m.env_time}", pm.get_unixfrom()
    f.python = "email.message_from_bytes per file: 4 (agrees; for b.eml the From_ line becomes get_unixfrom())"

    # broken: Python must not crash; note what it sees.
    f = fx["broken/"]
    seen = []
    for m in f.msgs:
        pm = email.message_from_bytes((root / "broken" / m.path).read_bytes())
        seen.append(f"`{m.path}`: keys {len(pm.keys())}, defects "
                    f"{sorted({type(d).__name__ for p in pm.walk() for d in p.defects}) or 'none'}")
    pm = email.message_from_bytes((root / "broken/truncated-mime.eml").read_bytes())
    assert pm["Subject"] == "Truncated attachment" and pm.is_multipart()
    f.python = "email.message_from_bytes: no exception on any file; " + "; ".join(seen)
    return obs


# --------------------------------------------------------------------------- README

COLS = {
    "file": "# / file", "folder": "folder", "flags": "Maildir flags", "subject": "Subject (decoded)",
    "date": "Date header", "utc": "date (UTC)", "env": "envelope sender (From_ line)",
    "envtime": "From_ line date", "rp": "envelope sender (Return-Path)", "from": "From header",
}


def cell(m: Msg, col: str) -> str:
    def code(s: str | None) -> str:
        return "—" if s is None or s == "" else f"`{s}`"
    if col == "file":
        return code(m.path)
    if col == "folder":
        return code(m.folder) if m.folder else "(root)"
    if col == "flags":
        if m.flags is None:
            return "(no info, new)"
        return code(m.flags) if m.flags else "(none: `2,`)"
    if col == "subject":
        return code(m.subject)
    if col == "date":
        return code(m.date) if m.date else "**absent**"
    if col == "utc":
        s = fmt_utc(m.date_utc)
        return s + (" (from From_)" if m.date is None and m.date_utc else "")
    if col == "env":
        if m.env is None:
            return "—"
        return "— (`-`)" if m.env == "-" else code(m.env)
    if col == "envtime":
        return code(m.env_time)
    if col == "rp":
        rp = m.header("Return-Path")
        return code(rp.strip("<>")) if rp else "—"
    if col == "from":
        return code(m.header("From"))
    raise KeyError(col)


# Folders of testdata/ this script does not write (appended to README.md).
OTHER_FOLDERS = """## Other folders (not written by this script)

- `rescan/`: one Maildir++ (`alice@example.com`, with a `.Sent` folder) of rescan cases,
  one piece of evidence or near miss per message, their hand-checked verdicts in
  `rescan/expected.csv`, and the policy and list the test passes. Generated by
  `scripts/make-rescan-fixtures.py` (its docstring describes each message); tested by
  `tests/rescan_fixtures.rs`.
- `risk/`: inputs of the detectors' own tests, written by hand: policies (`policy/`,
  `example.toml` is the one in `docs/policy.md`, `bad-*.toml` each name the line they
  must fail at), reputation lists and ClamAV signatures (`lists/corpus/`, README there),
  DKIM keys (`dkim/`, README there). Discovery never takes these files for mail.
"""


def readme(root: Path, obs: list[str]) -> str:
    all_msgs = [m for f in FIXTURES for m in f.msgs]
    L = []
    L.append("# mailsweep test fixtures\n")
    L.append("**Generated** by `scripts/make-fixtures.py` (Python 3.11+ stdlib, deterministic). "
             "Do not edit by hand: change the script and re-run `python3 scripts/make-fixtures.py`. "
             "It rewrites only `" + "/`, `".join(OWNED_DIRS) + "/`, `README.md` and `.gitattributes` "
             "in this directory.\n")
    L.append("All messages were written for this project (fake people, RFC 2606 domains "
             "`example.com` / `example.org`). Nothing is copied from `../shared/corpora`.\n")
    L.append("## Conventions\n")
    L.append("- **date (UTC)** is the instant a tool should sort by: the `Date` header converted to UTC; "
             "if there is no `Date` header, the mbox From_ line time read as UTC. Every dated message has a "
             "distinct instant, so a newest-first order over all fixtures is total.")
    L.append("- mbox From_ lines carry the Date instant **plus one minute** (in UTC, ctime format), so a test "
             "can tell whether the Date header or the From_ line was used.")
    L.append("- `—` = absent. Subjects are shown decoded. `#n` = n-th message in file order.")
    L.append("- Every mbox fixture ends each message with one blank line (the separator), including the last.")
    L.append("- `testdata/.gitattributes` marks everything `-text` so git never rewrites CRLF/CR files. "
             "Check the sha256 manifest at the end if a test fails mysteriously.")
    L.append("- Maildir file names contain `:`; they cannot be checked out on Windows.\n")

    L.append("## Summary\n")
    L.append("| fixture | format | line endings | messages (mailsweep truth) | Python stdlib |")
    L.append("|---|---|---|---|---|")
    for f in FIXTURES:
        L.append(f"| `{f.path}` | {f.kind} | {f.endings} | **{len(f.msgs)}** | {f.python} |")
    L.append(f"\nTotal messages over all fixtures: **{len(all_msgs)}**.\n")

    L.append("## Where mailsweep deliberately differs from Python's `mailbox`\n")
    L.append("- `mbox/uw-imap.mbox`: the UW-IMAP pseudo-message is skipped (2 messages); Python counts 3.")
    L.append("- `mbox/mboxo-lf.mbox`: a body line starting `From ` is a separator only if the previous line is "
             "blank (or it is the first line) **and** it has the form `From <sender> <asctime date>`; "
             "truth is 3 messages. Python splits at any line starting `From ` and counts 4.")
    L.append("- `mbox/cr-only.mbox`: line ends are detected (CR only); truth is 2 messages. Python counts 1 "
             "header-less message whose From_ text is the whole file.")
    L.append("- `mbox/crlf.mbox`: same count as Python (2), but the envelope date must not keep a trailing CR "
             "and the separator blank line must not become part of the message.")
    L.append("- `maildir/.../.Archive.2024/cur/...!2,RS`: flags `RS` are read after `!2,` as well as `:2,`; "
             "Python (default colon `:`) sees no flags.")
    L.append("- `mbox/compressed.mbox.gz`: read through gzip; Python's mbox does not decompress.\n")
    L.append("Observed with the stdlib while generating (asserted by the script):\n")
    for o in obs:
        L.append(f"- {o}")
    L.append("")

    for f in FIXTURES:
        L.append(f"## `{f.path}`\n")
        L.append(f"- Format: {f.kind}. Line endings: {f.endings}.")
        L.append(f"- Messages: **{len(f.msgs)}**." + (f" {f.mailboxes}" if f.mailboxes else ""))
        for n in f.notes:
            L.append(f"- {n}")
        L.append(f"- Python stdlib: {f.python}.\n")
        if f.msgs:
            cols = list(f.columns)
            has_notes = any(m.note for m in f.msgs)
            L.append("| " + " | ".join(COLS[c] for c in cols) + (" | notes |" if has_notes else " |"))
            L.append("|" + "---|" * (len(cols) + (1 if has_notes else 0)))
            for m in f.msgs:
                row = [cell(m, c).replace("|", "\\|") for c in cols]
                if has_notes:
                    row.append(m.note.replace("|", "\\|"))
                L.append("| " + " | ".join(row) + " |")
            L.append("")

    L.append("## All dated messages, newest first\n")
    L.append("| date (UTC) | fixture | # / file | Subject |")
    L.append("|---|---|---|---|")
    dated = [(m.date_utc, f.path, m) for f in FIXTURES for m in f.msgs if m.date_utc]
    for t, p, m in sorted(dated, key=lambda x: x[0], reverse=True):
        L.append(f"| {fmt_utc(t)} | `{p}` | `{m.path}` | {cell(m, 'subject')} |")
    undated = [(f.path, m) for f in FIXTURES for m in f.msgs if not m.date_utc]
    L.append("\nUndated (no Date header, no From_ line): " +
             ", ".join(f"`{p}{m.path}`" for p, m in undated) + ".\n")

    L.append("## Manifest (bytes, sha256)\n")
    L.append("| path | bytes | sha256 |")
    L.append("|---|---|---|")
    for rel in sorted(FILES):
        data = FILES[rel]
        L.append(f"| `{rel}` | {len(data)} | `{hashlib.sha256(data).hexdigest()}` |")
    L.append("\nEmpty directories (not stored by git; recreated by the script): " +
             ", ".join(f"`{d}/`" for d in EMPTY_DIRS) + ".\n")
    return "\n".join(L)


# --------------------------------------------------------------------------- search fixtures
#
# testdata/search/: tiny messages for `mailsweep search`, one directory (= one mailbox of
# .eml files) per search kind, plus one mbox for the envelope sender and the `--file`
# samples. Every searched value is written ENCODED (base64, quoted-printable, RFC 2047,
# RFC 2231, HTML entities, zip, attached messages, link wrappers), so it is found only
# by a tool that decodes; each directory also holds near misses that must NOT match.
# These files are independent of FIXTURES/FILES above (own manifest, own README section)
# and the whole `search/` directory is owned (deleted and recreated) by this section.

SEARCH_ROOT = "search"
SEARCH_FILES: dict[str, bytes] = {}          # path relative to testdata/search/ -> bytes
SEARCH_DOCS: list[tuple[str, str]] = []      # (path, what it tests), in README order
# (path, text): text that must NOT be in the stored bytes (case-insensitive) but must be
# in the message as Python's `email` decodes it: proof that it is found only after decoding.
SEARCH_HIDDEN: list[tuple[str, str]] = []

S_DATE = "Mon, 06 Jan 2025 {:02d}:00:00 +0000"
ALICE = "Alice Example <alice@example.com>"

# Attachment contents (the files a recipient would save), hashed by the files search.
DROPPER = b"MZ\x90\x00 mailsweep fixture: a pretend dropper, not a program\n"
DROPPER_VARIANT = DROPPER[:-2] + b"!\n"      # one byte differs: a different file
SCRIPT_JS = b"// mailsweep fixture: a pretend script\nWScript.Echo(\"hello\");\n"
MACRO_DOC = b"\xd0\xcf\x11\xe0 mailsweep fixture: a pretend macro document\n"
# No final line end: the line end before the boundary belongs to the boundary.
NOTES_TXT = (b"key=value\nthis line is long enough that the sender's encoder split it "
             b"with a soft line break\nend")
TINY_PDF = b"%PDF-1.4\n% mailsweep fixture, not a real PDF\n%%EOF\n"
# ISO-8859-1 bytes, sent 8bit: the saved file is these bytes, not their UTF-8 conversion.
LATIN1_TXT = "Gr\u00fc\u00dfe aus K\u00f6ln".encode("latin-1")


def sput(rel: str, data: bytes, doc: str, hidden: list[str] = ()) -> None:
    assert rel not in SEARCH_FILES, rel
    SEARCH_FILES[rel] = data
    SEARCH_DOCS.append((rel, doc))
    SEARCH_HIDDEN.extend((rel, h) for h in hidden)


def smsg(n: int, frm: str, subject: str, hdrs: list[tuple[str, str]], body: str,
         ctype: str = "text/plain; charset=us-ascii", cte: str | None = None,
         to: str = ALICE) -> str:
    """One message's text (LF line ends): the usual headers, then `hdrs`, then the body."""
    top = [("From", frm), ("To", to), ("Subject", subject), ("Date", S_DATE.format(n)),
           ("Message-ID", f"<s{n:02d}.search@example.com>"), ("MIME-Version", "1.0")]
    top += list(hdrs) + [("Content-Type", ctype)]
    if cte:
        top.append(("Content-Transfer-Encoding", cte))
    return Msg(hdrs=top, body=body).text()


def b64(data: bytes) -> str:
    return base64.encodebytes(data).decode()


def qp(lines: list[str], decoded: str) -> str:
    """Hand-written quoted-printable lines, checked: <= 76 chars each, decode to `decoded`."""
    for line in lines:
        assert len(line) <= 76, line
    text = "\n".join(lines) + "\n"
    assert quopri.decodestring(text.encode()).decode("utf-8") == decoded, \
        quopri.decodestring(text.encode())
    return text


def mixed(boundary: str, parts: list[str]) -> str:
    """A multipart body: each part is `headers\\n\\nbody` (ending in a line end)."""
    return "".join(f"--{boundary}\n{p}" for p in parts) + f"--{boundary}--\n"


def stored_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip (stored, fixed times and attributes): byte-identical on every run."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 6, 9, 0, 0))
            info.create_system = 3
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


KW_ZIP = stored_zip([("payroll_update.js", b"// mailsweep fixture\n"),
                     ("readme.txt", b"mailsweep fixture\n")])
FILES_ZIP = stored_zip([("invoice.js", SCRIPT_JS), ("update.exe", DROPPER)])


# ---- keywords/ -----------------------------------------------------------------------
def sx_keywords() -> None:
    d = "keywords"
    body = "helpdesk portal: your mailbox is almost full.\nSign in again to keep receiving mail.\n"
    sput(f"{d}/kw01-base64-body.eml", eol(smsg(
        1, "IT Service <it@example.com>", "Mailbox quota", [], b64(body.encode()),
        ctype="text/plain; charset=utf-8", cte="base64"), "\n"),
        "text/plain body in base64: `helpdesk portal` (body_text, part 1); the stored base64 "
        "`aGVscGRlc2sgcG9ydGFs` is the keyword's own encoding (searching it must find nothing)",
        ["helpdesk portal"])
    assert base64.b64encode(b"helpdesk portal").decode() == "aGVscGRlc2sgcG9ydGFs"
    sput(f"{d}/kw02-qp-soft-break.eml", eol(smsg(
        2, "Billing <billing@example.com>", "Payment reminder", [],
        qp(["Please find the overdue inv=",
            "oice attached =E2=80=94 payment is due on Friday."],
           "Please find the overdue invoice attached \u2014 payment is due on Friday.\n"),
        ctype="text/plain; charset=utf-8", cte="quoted-printable"), "\r\n"),
        "CRLF; quoted-printable body whose soft line break (`inv=` CRLF `oice`) splits `invoice` "
        "(body_text, part 1; a whole word)", ["invoice"])
    sput(f"{d}/kw03-subject-b.eml", eol(smsg(
        3, "HR <hr@example.com>", "=?UTF-8?B?UXVhcnRlcmx5IGJvbnVzIHNjaGVkdWxl?=", [],
        "Details follow next week.\n"), "\n"),
        "RFC 2047 B subject `Quarterly bonus schedule`: `bonus schedule` (subject, path empty)",
        ["bonus schedule"])
    sput(f"{d}/kw04-subject-q.eml", eol(smsg(
        4, "Buchhaltung <buchhaltung@example.com>",
        "=?UTF-8?Q?Zahlung_=C3=BCberf=C3=A4llig=3A?=\n =?UTF-8?Q?_letzte_Mahnung?=", [],
        "Bitte sofort zahlen.\n"), "\n"),
        "RFC 2047 Q subject, folded over two encoded words: `Zahlung überfällig: letzte Mahnung`; "
        "searched as `ÜBERFÄLLIG` (Unicode case folding)", ["überfällig", "letzte mahnung"])
    sput(f"{d}/kw05-html-entities.eml", eol(smsg(
        5, "Security <security@example.com>", "Action required", [],
        mixed("kw05-alt", [
            "Content-Type: text/plain; charset=us-ascii\n\nConfirm your credentials at once.\n\n",
            "Content-Type: text/html; charset=us-ascii\n\n"
            "<html><body><p>Confirm your &#112;assword at once.</p>"
            "<p>Send the wire&nbsp;transfer today.</p></body></html>\n\n"]),
        ctype='multipart/alternative; boundary="kw05-alt"'), "\n"),
        "multipart/alternative; the HTML part writes `&#112;assword` and `wire&nbsp;transfer`: "
        "`password` and the phrase `wire transfer` are found in body_html, part 2 (not in the text "
        "part 1)", ["password", "wire transfer"])
    sput(f"{d}/kw06-wrapped-phrase.eml", eol(smsg(
        6, "Finance <finance@example.com>", "Before Friday", [],
        "Hi,\n\nplease arrange the wire\ntransfer before Friday. The last WIRE\n   TRANSFER was late.\n"),
        "\n"),
        "the phrase `wire transfer` wrapped across body lines, twice (once upper case, indented): "
        "body_text, part 1, 2 occurrences", ["wire transfer"])
    sput(f"{d}/kw07-rfc2231-name.eml", eol(smsg(
        7, "Buchhaltung <buchhaltung@example.com>", "Dokument", [],
        mixed("kw07-mix", [
            "Content-Type: text/plain; charset=us-ascii\n\nSee the attached document.\n\n",
            "Content-Type: application/pdf\n"
            "Content-Disposition: attachment;\n filename*0*=UTF-8''Rechnung%20;\n filename*1*=M%C3%A4rz.pdf\n"
            "Content-Transfer-Encoding: base64\n\n" + b64(TINY_PDF)]),
        ctype='multipart/mixed; boundary="kw07-mix"'), "\n"),
        "attachment name in RFC 2231 form with continuations and UTF-8 "
        "(`filename*0*=UTF-8''Rechnung%20; filename*1*=M%C3%A4rz.pdf`): `Rechnung März.pdf`, "
        "attachment_name, part 2", ["rechnung märz"])
    sput(f"{d}/kw08-zip-member.eml", eol(smsg(
        8, "Payroll <payroll@example.com>", "Payroll tool", [],
        mixed("kw08-mix", [
            "Content-Type: text/plain; charset=us-ascii\n\nRun the attached update.\n\n",
            'Content-Type: application/zip; name="bundle.zip"\n'
            'Content-Disposition: attachment; filename="bundle.zip"\n'
            "Content-Transfer-Encoding: base64\n\n" + b64(KW_ZIP)]),
        ctype='multipart/mixed; boundary="kw08-mix"'), "\n"),
        "base64 zip attachment `bundle.zip` (stored) with members `payroll_update.js`, `readme.txt`: "
        "`payroll_update` is a member name, attachment_name at `2/bundle.zip/payroll_update.js`",
        ["payroll_update"])
    inner = Msg(hdrs=[("From", "Mail Admin <admin@example.org>"), ("To", "Bob Example <bob@example.org>"),
                      ("Subject", "=?UTF-8?B?UXVhcmFudGluZSBub3RpY2U=?="),
                      ("Date", "Sun, 05 Jan 2025 08:00:00 +0000"),
                      ("Message-ID", "<s09-inner.search@example.org>"), ("MIME-Version", "1.0"),
                      ("Content-Type", "text/plain; charset=utf-8"),
                      ("Content-Transfer-Encoding", "quoted-printable")],
                body=qp(["Three messages are held. Re=", "activate your account to release them."],
                        "Three messages are held. Reactivate your account to release them.\n")).text()
    sput(f"{d}/kw09-attached-message.eml", eol(smsg(
        9, "Bob Example <bob@example.org>", "Fwd: look at this", [],
        mixed("kw09-mix", [
            "Content-Type: text/plain; charset=us-ascii\n\nForwarded for review.\n\n",
            "Content-Type: message/rfc822\n\n" + inner + "\n"]),
        ctype='multipart/mixed; boundary="kw09-mix"'), "\n"),
        "message/rfc822 at part 2: its B-encoded subject `Quarantine notice` (subject, path `2`) and "
        "its quoted-printable body `Re=`/`activate` (`reactivate`: body_text, path `2.1`)",
        ["quarantine notice", "reactivate"])
    sput(f"{d}/kw10-near-miss.eml", eol(smsg(
        10, "Billing <billing@example.com>", "Monthly statement", [],
        "The reinvoiced amounts and the invoices are in the portal.\n"
        "No wire-transfer today; wiretransfer is not a word.\n"), "\n"),
        "NEAR MISS: `invoice` only inside longer words (`reinvoiced`, `invoices`: matches without "
        "--whole-word, 2 occurrences; not with it); `wire-transfer`/`wiretransfer` are not the "
        "phrase `wire transfer`", [])
    # Latin-1 bytes, 8bit: the text is found once converted from its charset.
    sput(f"{d}/kw11-latin1-body.eml", smsg(
        11, "Buchhaltung <buchhaltung@example.com>", "Zahlung", [],
        "Die Rechnung ist seit Montag \u00fcberf\u00e4llig.\n",
        ctype="text/plain; charset=iso-8859-1", cte="8bit").encode("latin-1"),
        "8bit body in ISO-8859-1 (`\\xfcberf\\xe4llig` as stored): `überfällig` (body_text, part 1)",
        ["\u00fcberf\u00e4llig"])


# ---- links/ --------------------------------------------------------------------------
def sx_links() -> None:
    d = "links"
    html = ('<html><body><p><a href="https://nam02.safelinks.protection.outlook.com/?url='
            'https%3A%2F%2Fevil.example%2Flogin%3Fuser%3Dbob&amp;data=05%7C02%7Cbob%40example.com'
            '%7C0%7C0&amp;sdata=Zm9v&amp;reserved=0">Sign in</a></p></body></html>\n')
    sput(f"{d}/ln01-safelinks.eml", eol(smsg(
        1, "IT Service <it@example.com>", "Sign in again", [], html,
        ctype="text/html; charset=us-ascii"), "\n"),
        "HTML body with a Microsoft Safe Links URL wrapping `https://evil.example/login?user=bob` "
        "(percent-encoded in `url=`): body_html, part 1")
    v2v3 = ('<html><body>\n'
            '<p><a href="https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.example_login_reset'
            '&amp;d=DwMFaQ&amp;c=abc&amp;r=def&amp;m=ghi&amp;s=jkl&amp;e=">Reset</a></p>\n'
            '<p><a href="https://urldefense.com/v3/__https://evil.example/login/verify__;!!AbCdEf!GhIjKl$">'
            'Verify</a></p>\n</body></html>\n')
    sput(f"{d}/ln02-urldefense.eml", eol(smsg(
        2, "IT Service <it@example.com>", "Verify your account", [],
        qp(['<html><body>',
            '<p><a href=3D"https://urldefense.proofpoint.com/v2/url?u=3Dhttps-3A__evil.=',
            'example_login_reset&amp;d=3DDwMFaQ&amp;c=3Dabc&amp;r=3Ddef&amp;m=3Dghi&amp;=',
            's=3Djkl&amp;e=3D">Reset</a></p>',
            '<p><a href=3D"https://urldefense.com/v3/__https://evil.exa=',
            'mple/login/verify__;!!AbCdEf!GhIjKl$">Verify</a></p>',
            '</body></html>'], v2v3),
        ctype="text/html; charset=us-ascii", cte="quoted-printable"), "\n"),
        "quoted-printable HTML (soft breaks inside the hosts) with a Proofpoint urldefense v2 URL "
        "(`u=https-3A__evil.example_login_reset`) and a v3 URL "
        "(`__https://evil.example/login/verify__;!!…`): 2 links, one body_html row, part 1",
        ["https://urldefense.com/v3/__https://evil.example/login/verify__"])
    sput(f"{d}/ln03-text-base64.eml", eol(smsg(
        3, "Statements <statements@example.com>", "Your statement", [],
        b64(b"Download the statement: https://files.evil.example/statement.pdf\nThanks.\n"),
        ctype="text/plain; charset=utf-8", cte="base64"), "\n"),
        "base64 text body with `https://files.evil.example/statement.pdf` (a subdomain: matches the "
        "host `evil.example`, not the prefix `https://evil.example/login*`): body_text, part 1",
        ["files.evil.example"])
    sput(f"{d}/ln04-list-unsubscribe.eml", eol(smsg(
        4, "Offers <offers@example.com>", "Weekly offers",
        [("List-Unsubscribe", "<mailto:unsubscribe@example.com>,\n <https://evil.example/unsubscribe?id=42>"),
         ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")],
        "Weekly offers inside. No links in this body.\n"), "\n"),
        "folded `List-Unsubscribe` header with a mailto and `https://evil.example/unsubscribe?id=42`: "
        "field header:list-unsubscribe, path empty; the body has no link")
    sput(f"{d}/ln05-amp-href.eml", eol(smsg(
        5, "Parcel Service <parcels@example.com>", "Parcel on its way", [],
        '<html><body><a href="https://evil.example/track?a=1&amp;b=2">Track your parcel</a>'
        '</body></html>\n', ctype="text/html; charset=us-ascii"), "\n"),
        "`&amp;` inside an href: the exact URL `https://evil.example/track?a=1&b=2` exists only "
        "after entity decoding: body_html, part 1", ["https://evil.example/track?a=1&b=2"])
    sput(f"{d}/ln06-normalised.eml", eol(smsg(
        6, "IT Service <it@example.com>", "Log in", [],
        '<html><body><a href="HTTPS://EVIL.EXAMPLE:443/login?next=%2Fhome">Log in</a></body></html>\n',
        ctype="text/html; charset=us-ascii"), "\n"),
        "`HTTPS://EVIL.EXAMPLE:443/login?next=%2Fhome`: upper-case scheme and host, default port; "
        "normalises under `https://evil.example/login*`: body_html, part 1")
    sput(f"{d}/ln07-google-redirect.eml", eol(smsg(
        7, "Docs <docs@example.com>", "Shared document", [],
        "Shared document: https://www.google.com/url?q=https%3A%2F%2Fevil.example%2Flogin%2Fgoogle"
        "&sa=D&ust=1736150000000000\n"), "\n"),
        "text body with a Google `/url?q=` redirect to `https://evil.example/login/google`: "
        "body_text, part 1")
    sput(f"{d}/ln08-html-attachment.eml", eol(smsg(
        8, "Bob Example <bob@example.org>", "Page attached", [],
        mixed("ln08-mix", [
            "Content-Type: text/plain; charset=us-ascii\n\nSee the attached page.\n\n",
            'Content-Type: text/html; charset=us-ascii; name="page.html"\n'
            'Content-Disposition: attachment; filename="page.html"\n'
            "Content-Transfer-Encoding: base64\n\n"
            + b64(b'<html><body><a href="https://evil.example/login/attached">Open</a></body></html>\n')]),
        ctype='multipart/mixed; boundary="ln08-mix"'), "\n"),
        "base64 HTML attachment `page.html` linking `https://evil.example/login/attached`: "
        "field attachment_html, part 2", ["evil.example/login/attached"])
    sput(f"{d}/ln09-near-miss.eml", eol(smsg(
        9, "Lookalike <news@example.com>", "Lookalikes", [],
        mixed("ln09-alt", [
            "Content-Type: text/plain; charset=us-ascii\n\n"
            "Links: https://notevil.example/login and https://evil.example.com/login\n\n",
            "Content-Type: text/html; charset=us-ascii\n\n"
            '<html><body><a href="https://notevil.example/login">a</a> '
            '<a href="https://evil.example.com/login">b</a> '
            '<a href="https://login.example/evil.example/login">c</a> '
            '<a href="https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fnotevil.example'
            '%2Flogin&amp;reserved=0">d</a></body></html>\n\n']),
        ctype='multipart/alternative; boundary="ln09-alt"'), "\n"),
        "NEAR MISS: `notevil.example`, `evil.example.com`, `evil.example` only in a path "
        "(`https://login.example/evil.example/login`) and Safe Links wrapping `notevil.example`")
    idn = ('<html><body><a href="https://b\u00fccher.example/angebot">Angebot</a> '
           '<a href="HTTPS://Shop.Example">Shop</a> '
           '<a href="https://shop.example/%7Esale">Sale</a></body></html>\n')
    sput(f"{d}/ln10-normalise.eml", eol(smsg(
        10, "Shop <shop@example.com>", "Angebote", [],
        qp(['<html><body><a href=3D"https://b=C3=BCcher.example/angebot">Angebot</a> =',
            '<a href=3D"HTTPS://Shop.Example">Shop</a> =',
            '<a href=3D"https://shop.example/%7Esale">Sale</a></body></html>'], idn),
        ctype="text/html; charset=utf-8", cte="quoted-printable"), "\n"),
        "quoted-printable UTF-8 HTML: IDN host `bücher.example` (searched as `xn--bcher-kva.example`), "
        "`HTTPS://Shop.Example` (no path: `https://shop.example/`) and `https://shop.example/%7Esale` "
        "(= `/~sale`): body_html, part 1", ["b\u00fccher.example"])


# ---- files/ --------------------------------------------------------------------------
def attachment(ctype: str, name: str, data: bytes) -> str:
    return (f'Content-Type: {ctype}; name="{name}"\n'
            f'Content-Disposition: attachment; filename="{name}"\n'
            "Content-Transfer-Encoding: base64\n\n" + b64(data))


def sx_files() -> None:
    d = "files"
    text = "Content-Type: text/plain; charset=us-ascii\n\n{}\n\n"
    sput(f"{d}/fl01-base64-attachment.eml", eol(smsg(
        1, "IT Service <it@example.com>", "Install this update", [],
        mixed("fl01-mix", [text.format("Install the attached update today."),
                           attachment("application/octet-stream", "update.exe", DROPPER)]),
        ctype='multipart/mixed; boundary="fl01-mix"'), "\n"),
        f"base64 attachment `update.exe` ({len(DROPPER)} bytes, sha256 "
        f"`{hashlib.sha256(DROPPER).hexdigest()}`), part 2")
    sput(f"{d}/fl02-zip.eml", eol(smsg(
        2, "Billing <billing@example.com>", "Invoice documents", [],
        mixed("fl02-mix", [text.format("The documents are zipped."),
                           attachment("application/zip", "invoice_docs.zip", FILES_ZIP)]),
        ctype='multipart/mixed; boundary="fl02-mix"'), "\n"),
        f"base64 zip `invoice_docs.zip` (part 2; md5 `{hashlib.md5(FILES_ZIP).hexdigest()}`) with "
        f"members `invoice.js` (sha256 `{hashlib.sha256(SCRIPT_JS).hexdigest()}`) and `update.exe` "
        "(the same bytes as fl01's attachment): paths `2/invoice_docs.zip/<member>`")
    inner = Msg(hdrs=[("From", "Outside <outside@example.org>"), ("To", ALICE),
                      ("Subject", "Updated contract"), ("Date", "Sun, 05 Jan 2025 07:00:00 +0000"),
                      ("Message-ID", "<s03-inner.search@example.org>"), ("MIME-Version", "1.0"),
                      ("Content-Type", 'multipart/mixed; boundary="fl03-inner"')],
                body=mixed("fl03-inner", [
                    text.format("Please enable macros."),
                    attachment("application/vnd.ms-word.document.macroEnabled.12", "contract.docm",
                               MACRO_DOC)])).text()
    sput(f"{d}/fl03-attached-message.eml", eol(smsg(
        3, "Bob Example <bob@example.org>", "Fwd: Updated contract", [],
        mixed("fl03-mix", [text.format("Forwarding the original below."),
                           "Content-Type: message/rfc822\n\n" + inner + "\n"]),
        ctype='multipart/mixed; boundary="fl03-mix"'), "\n"),
        "message/rfc822 at part 2 whose own attachment `contract.docm` (sha1 "
        f"`{hashlib.sha1(MACRO_DOC).hexdigest()}`) is part `2.2`")
    notes_qp = qp(["key=3Dvalue",
                   "this line is long enough that the sender's encoder split it with a soft=",
                   " line break", "end"], NOTES_TXT.decode() + "\n")
    sput(f"{d}/fl04-qp-attachment.eml", eol(smsg(
        4, "Bob Example <bob@example.org>", "Notes", [],
        mixed("fl04-mix", [text.format("Notes attached."),
                           'Content-Type: text/plain; charset=us-ascii; name="notes.txt"\n'
                           'Content-Disposition: attachment; filename="notes.txt"\n'
                           "Content-Transfer-Encoding: quoted-printable\n\n" + notes_qp]),
        ctype='multipart/mixed; boundary="fl04-mix"'), "\n"),
        f"quoted-printable text attachment `notes.txt` (`=3D`, a soft line break; {len(NOTES_TXT)} "
        f"bytes decoded, no final line end: the one before the boundary is the boundary's; sha256 "
        f"`{hashlib.sha256(NOTES_TXT).hexdigest()}`), part 2")
    sput(f"{d}/fl05-near-miss.eml", eol(smsg(
        5, "IT Service <it@example.com>", "Install this update too", [],
        mixed("fl05-mix", [text.format("The checksum of the real update is "
                                       f"{hashlib.sha256(DROPPER).hexdigest()}."),
                           attachment("application/octet-stream", "update.exe", DROPPER_VARIANT)]),
        ctype='multipart/mixed; boundary="fl05-mix"'), "\n"),
        "NEAR MISS: attachment `update.exe` differing from fl01's in one byte; the body TEXT holds "
        "fl01's sha256 (a hash in text is not a file)")
    sput(f"{d}/fl06-latin1-8bit-attachment.eml", smsg(
        6, "Bob Example <bob@example.org>", "Gruesse", [],
        mixed("fl06-mix", [text.format("Text file attached."),
                           'Content-Type: text/plain; charset=iso-8859-1; name="gruesse.txt"\n'
                           'Content-Disposition: attachment; filename="gruesse.txt"\n'
                           "Content-Transfer-Encoding: 8bit\n\n"
                           + LATIN1_TXT.decode("latin-1") + "\n"]),
        ctype='multipart/mixed; boundary="fl06-mix"').encode("latin-1"),
        f"8bit ISO-8859-1 text attachment `gruesse.txt`: the file is the {len(LATIN1_TXT)} stored "
        f"bytes (sha256 `{hashlib.sha256(LATIN1_TXT).hexdigest()}`), not their UTF-8 conversion "
        f"(sha256 `{hashlib.sha256(LATIN1_TXT.decode('latin-1').encode()).hexdigest()}`, a NEAR MISS), "
        "part 2")


# ---- sender/ and envelope.mbox -------------------------------------------------------
def sx_sender() -> None:
    d = "sender"
    sput(f"{d}/sd01-from-subdomain.eml", eol(smsg(
        1, "=?UTF-8?B?Q2hpZWYgRXhlY3V0aXZl?= <ceo@mail.evil.example>", "Urgent request", [],
        "Call me.\n"), "\n"),
        "From with an RFC 2047 display name and a subdomain address `ceo@mail.evil.example`: field from")
    sput(f"{d}/sd02-reply-to-only.eml", eol(smsg(
        2, ALICE, "Invoice question", [("Reply-To", "Payments Team <payments@evil.example>")],
        "Please reply with the bank details.\n", to="Bob Example <bob@example.org>"), "\n"),
        "only Reply-To is `payments@evil.example` (From is alice@example.com): field reply_to")
    sput(f"{d}/sd03-sender-return-path.eml", eol(
        "Return-Path: <bounce@evil.example>\n" + smsg(
            3, "Newsletter <news@example.org>", "Newsletter",
            [("Sender", "bulk@evil.example")], "This month's news.\n"), "\r\n"),
        "CRLF; `Return-Path: <bounce@evil.example>` and `Sender: bulk@evil.example`, From "
        "news@example.org: fields return_path and sender")
    sput(f"{d}/sd04-near-miss.eml", eol(smsg(
        4, "X <x@notevil.example>", "Lookalikes",
        [("Reply-To", "y@evil.example.com"), ("Sender", "z@evil.example.org"),
         ("Cc", "bounce@evil.example")],
        "Write to payments@evil.example or bounce@evil.example.\n",
        to="payments@evil.example"), "\n"),
        "NEAR MISS: senders `x@notevil.example`, `y@evil.example.com`, `z@evil.example.org`; "
        "`payments@`/`bounce@evil.example` only in To, Cc and the body (not sender fields)")
    m1 = Msg(hdrs=[("From", "Newsletter <news@example.org>"), ("To", ALICE), ("Subject", "Envelope one"),
                   ("Date", S_DATE.format(11)), ("Message-ID", "<s11.search@example.org>")],
             body="The envelope sender is the only evil.example address here.\n",
             env="bounce@evil.example").finish()
    m2 = Msg(hdrs=[("From", "Someone <someone@example.com>"), ("To", ALICE), ("Subject", "Envelope two"),
                   ("Date", S_DATE.format(12)), ("Message-ID", "<s12.search@example.com>")],
             body="Reply to payments@evil.example, says the body.\n",
             env="someone@example.com").finish()
    sput("envelope.mbox", eol(mbox_text([m1, m2]), "\n"),
         "mbox of 2: #1 has envelope sender (From_ line) `bounce@evil.example` and no evil sender "
         "header: field envelope_from; #2 (envelope someone@example.com) is a NEAR MISS "
         "(`payments@evil.example` only in the body)")


# ---- headers/ ------------------------------------------------------------------------
def sx_headers() -> None:
    d = "headers"
    sput(f"{d}/hd01-encoded-folded.eml", eol(smsg(
        1, ALICE, "Campaign report",
        [("X-Campaign-Id", "=?UTF-8?Q?Operation_S=C3=BCdwind?=\n =?UTF-8?B?IHBoYXNlIHR3bw==?="),
         ("X-Mailer", "Evil Mailer\n\t2.0")], "Report attached soon.\n"), "\n"),
        "`X-Campaign-Id` folded over a Q and a B encoded word: `Operation Südwind phase two`; "
        "`X-Mailer: Evil Mailer` folded before `2.0` (unfolded `Evil Mailer 2.0`)",
        ["s\u00fcdwind phase", "mailer 2.0"])
    sput(f"{d}/hd02-repeated.eml", eol(smsg(
        2, ALICE, "Kit", [("X-Phish-Kit", "alpha"), ("X-Phish-Kit", "beta"),
                          ("X-Mailer", "Evil Mailer 2.0 (compatible)")], "Nothing here.\n"), "\n"),
        "`X-Phish-Kit` twice (presence: 2 occurrences, one row); `X-Mailer: Evil Mailer 2.0 "
        "(compatible)` (a substring match, not an --exact one)")
    sput(f"{d}/hd03-near-miss.eml", eol(smsg(
        3, ALICE, "=?UTF-8?Q?S=C3=BCdwind_phase_two?=",
        [("X-Comment", "=?UTF-8?Q?Operation_S=C3=BCdwind_phase_two?="),
         ("X-Campaign", "Operation Suedwind"),
         ("X-Mailer-Version", "Evil Mailer 2.0"), ("X-Phish-Kit-Version", "3")],
        "Operation Suedwind phase two, Evil Mailer 2.0.\n"), "\n"),
        "NEAR MISS: the same values under other names (`X-Comment`, `X-Mailer-Version`, "
        "`X-Phish-Kit-Version`, `X-Campaign`), in the Subject and in the body")
    sput(f"{d}/hd04-latin1-word.eml", eol(smsg(
        4, ALICE, "Campaign report, next phase",
        [("X-Campaign-Id", "=?ISO-8859-1?Q?Operation_S=FCdwind_phase_three?=")], "Later.\n"), "\n"),
        "`X-Campaign-Id` as one ISO-8859-1 Q encoded word: `Operation Südwind phase three` "
        "(charset converted; a substring match, not an --exact one)", ["s\u00fcdwind phase"])


def search_readme() -> str:
    """The README section for testdata/search/ (appended to README.md)."""
    L = ["## `search/` (fixtures for `mailsweep search`)\n",
         "Generated by the same script (`sx_*` functions), which deletes and recreates the whole "
         "`search/` directory. Each search kind has its own directory, one mailbox of `.eml` files "
         "(mailbox id = the directory name); every searched value is stored ENCODED, so it is found "
         "only after decoding, and each directory holds near misses (`*near-miss*`) that must not "
         "match. Hosts and addresses use RFC 2606 names only (`*.example`, `example.com`, "
         "`example.org`). The script asserts, with Python's `email`, that each value marked below is absent "
         "from the stored bytes yet present in the decoded message, and that each attachment decodes "
         "to the exact bytes hashed. Tests: `tests/search_fixtures.rs`.\n",
         "| file | what it tests |", "|---|---|"]
    for rel, doc in SEARCH_DOCS:
        hidden = [h for p, h in SEARCH_HIDDEN if p == rel]
        extra = (" — only after decoding: " + ", ".join(f"`{h}`" for h in hidden)) if hidden else ""
        cell_text = (doc + extra).replace("|", "\\|")
        L.append(f"| `search/{rel}` | {cell_text} |")
    L.append("\nManifest (bytes, sha256):\n")
    L.append("| path | bytes | sha256 |")
    L.append("|---|---|---|")
    for rel in sorted(SEARCH_FILES):
        data = SEARCH_FILES[rel]
        L.append(f"| `search/{rel}` | {len(data)} | `{hashlib.sha256(data).hexdigest()}` |")
    return "\n".join(L) + "\n"


def py_view(msg) -> tuple[str, list[bytes]]:
    """What Python's `email` decodes (headers, subjects, bodies, HTML with entities undone,
    file names, zip member names), whitespace runs as one space and case-folded; and the
    decoded bytes of every attachment (zip members included)."""
    words: list[str] = []
    files: list[bytes] = []
    for k, v in msg.items():
        words.append(f"{k}: {v}")
    for part in msg.walk():            # walk() enters attached messages too
        if part.get_content_type() == "message/rfc822":
            words.extend(f"{k}: {v}" for k, v in part.get_payload()[0].items())
            continue
        if part.is_multipart():
            continue
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if name or part.get_content_disposition() == "attachment":
            words.append(name or "")
            files.append(payload)
            if part.get_content_maintype() == "text":
                words.append(html.unescape(part.get_content()))
            if payload.startswith(b"PK\x03\x04"):
                with zipfile.ZipFile(io.BytesIO(payload)) as z:
                    for info in z.infolist():
                        words.append(info.filename)
                        files.append(z.read(info))
        elif part.get_content_type() == "text/html":
            words.append(html.unescape(part.get_content()))
        else:
            words.append(part.get_content())
    return " ".join(" ".join(words).split()).casefold(), files


def verify_search(root: Path) -> None:
    """Cross-checks the search fixtures with Python's stdlib (see search_readme)."""
    def parse(rel: str):
        return email.message_from_bytes((root / rel).read_bytes(), policy=email.policy.default)
    for rel, text in SEARCH_HIDDEN:
        raw = (root / rel).read_bytes().decode("utf-8", "replace").casefold()
        assert text.casefold() not in raw, (rel, text, "stored as is")
        view, _ = py_view(parse(rel))
        assert " ".join(text.split()).casefold() in view, (rel, text, "not in the decoded message")
    # The files search's expected hashes: Python decodes these exact bytes.
    want = {"files/fl01-base64-attachment.eml": [DROPPER],
            "files/fl02-zip.eml": [FILES_ZIP, SCRIPT_JS, DROPPER],
            "files/fl03-attached-message.eml": [MACRO_DOC],
            "files/fl04-qp-attachment.eml": [NOTES_TXT],
            "files/fl05-near-miss.eml": [DROPPER_VARIANT],
            "files/fl06-latin1-8bit-attachment.eml": [LATIN1_TXT]}
    for rel, files in want.items():
        _, got = py_view(parse(rel))
        assert got == files, (rel, got)
    # Headers and senders as Python reads them.
    hd = parse("headers/hd01-encoded-folded.eml")
    assert str(hd["X-Campaign-Id"]) == "Operation S\u00fcdwind phase two", str(hd["X-Campaign-Id"])
    assert " ".join(str(hd["X-Mailer"]).split()) == "Evil Mailer 2.0"
    assert [str(v) for v in parse("headers/hd02-repeated.eml").get_all("X-Phish-Kit")] == ["alpha", "beta"]
    assert str(parse("headers/hd04-latin1-word.eml")["X-Campaign-Id"]) == "Operation S\u00fcdwind phase three"
    assert parse("sender/sd02-reply-to-only.eml")["Reply-To"].addresses[0].addr_spec == "payments@evil.example"
    sd03 = parse("sender/sd03-sender-return-path.eml")
    assert (str(sd03["Return-Path"]), str(sd03["Sender"])) == ("<bounce@evil.example>", "bulk@evil.example")
    assert parse("sender/sd01-from-subdomain.eml")["From"].addresses[0].display_name == "Chief Executive"
    mb = py_mbox(root / "envelope.mbox")
    assert [m.get_from().split()[0] for m in mb] == ["bounce@evil.example", "someone@example.com"]
    assert parse("keywords/kw09-attached-message.eml").get_payload()[1].get_payload()[0]["Subject"] \
        == "Quarantine notice"


def write_search_fixtures(root: Path) -> str:
    """Writes testdata/search/, verifies it and returns its README section."""
    for fn in [sx_keywords, sx_links, sx_files, sx_sender, sx_headers]:
        fn()
    for rel, data in SEARCH_FILES.items():
        assert len(data) < MAX_BYTES, (rel, len(data))
        for tok in data.split():
            if b"@" in tok and b"." in tok.split(b"@")[-1] and not rel.startswith("samples/"):
                dom = tok.split(b"@")[-1].strip(b"<>,;\"'.")
                assert dom.endswith((b"example.com", b"example.org", b".example")), (rel, tok)
    base = root / SEARCH_ROOT
    if base.exists():
        shutil.rmtree(base)
    for rel, data in SEARCH_FILES.items():
        p = base / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    verify_search(base)
    return search_readme()


# --------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent / "testdata")
    args = ap.parse_args()
    root: Path = args.root

    for fn in [fx_mboxo, fx_mboxrd, fx_crlf, fx_cr, fx_uw, fx_empty, fx_gz, fx_maildir, fx_enron,
               fx_thunderbird, fx_apple, fx_single, fx_folder, fx_broken]:
        fn()

    # sanity: distinct instants, small files, RFC 2606 domains only
    instants = [m.date_utc for f in FIXTURES for m in f.msgs if m.date_utc]
    assert len(instants) == len(set(instants)), "dates must be distinct"
    for rel, data in FILES.items():
        assert len(data) < MAX_BYTES, (rel, len(data))
        for tok in data.split():
            if b"@" in tok and b"." in tok.split(b"@")[-1] and not rel.endswith((".gz", "binary.eml")):
                dom = tok.split(b"@")[-1].strip(b"<>,;\"'").rstrip(b".")
                assert dom.endswith((b"example.com", b"example.org", b"ECT", b"thyme")), (rel, tok)

    root.mkdir(parents=True, exist_ok=True)
    for d in OWNED_DIRS:
        if (root / d).exists():
            shutil.rmtree(root / d)
    for fname in OWNED_FILES:
        if (root / fname).exists():
            (root / fname).unlink()

    for rel, data in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    for d in EMPTY_DIRS:
        (root / d).mkdir(parents=True, exist_ok=True)
    (root / ".gitattributes").write_bytes(
        b"# Fixtures are byte-exact (LF, CRLF and CR-only files): never convert line endings.\n* -text\n")
    FILES[".gitattributes"] = (root / ".gitattributes").read_bytes()

    obs = verify(root)
    search_section = write_search_fixtures(root)
    (root / "README.md").write_text(
        readme(root, obs) + "\n" + search_section + "\n" + OTHER_FOLDERS, encoding="utf-8")

    total = sum(len(f.msgs) for f in FIXTURES)
    print(f"wrote {len(FILES)} files, {len(EMPTY_DIRS)} empty dirs, {total} messages under {root}")
    for o in obs:
        print("  python:", o)
    print(f"wrote {len(SEARCH_FILES)} search fixtures under {root / SEARCH_ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
