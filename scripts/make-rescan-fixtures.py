#!/usr/bin/env python3
"""Generate the rescan fixtures under testdata/rescan/ (Python 3.11+ stdlib only).

Usage:
    python3 scripts/make-rescan-fixtures.py            # (re)write testdata/rescan/
    python3 scripts/make-rescan-fixtures.py --root DIR # write DIR/rescan/ instead

Deterministic: running it twice yields byte-identical files. It deletes and recreates
only testdata/rescan/. Every message was written for this project; people and hosts are
fake and use RFC 2606 names (example.com/.org/.net, *.example).

The mailbox is a Maildir++ owned by alice@example.com (the owner is inferred from the
directory name). Its `.Sent` folder holds one message Alice sent to
carol@partner.example, which makes Carol a trusted contact. Each message in `cur/`
exercises one piece of evidence, or is a near miss that must not fire; what each one
must give is in testdata/rescan/expected.csv (written by this script from the
EXPECTED table below, checked by hand against the messages and asserted by
tests/rescan_fixtures.rs). The policy and the lists the test passes are
testdata/rescan/policy.toml and testdata/rescan/lists/.
"""
from __future__ import annotations

import argparse
import base64
import io
import os
import shutil
import struct
import zipfile
from email.message import EmailMessage
from email.policy import SMTP

OWNER = "alice@example.com"
MX = "mx.example.com"

# The bytes of a Windows executable as far as any magic check is concerned: the DOS
# header ("MZ", e_lfanew at 0x3c pointing to 0x40), the "PE\0\0" signature there and an
# empty COFF header. Not a runnable program.
MZ = b"MZ" + b"\x00" * 58 + struct.pack("<I", 0x40) + b"PE\x00\x00" + b"\x00" * 20

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def fixed_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip with fixed timestamps (deterministic)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            z.writestr(info, data)
    return buf.getvalue()


def mark_encrypted(archive: bytes) -> bytes:
    """Sets the 'encrypted' flag (general purpose bit 0) on every entry, in the local
    headers and the central directory, as a password-protected zip has it. (The stdlib
    cannot write encrypted zips; the contents stay as they are, which is all a reader
    that only looks at the flag needs.)"""
    b = bytearray(archive)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := b.find(sig, start)) >= 0:
            flags = struct.unpack_from("<H", b, i + flag_at)[0]
            struct.pack_into("<H", b, i + flag_at, flags | 1)
            start = i + 4
    return bytes(b)


def message(n: int, sender: str, subject: str, body: str, *, headers=(), auth=None, to=OWNER) -> EmailMessage:
    m = EmailMessage(policy=SMTP)
    # Received and Authentication-Results first: our server adds them on top.
    for name, value in headers:
        m[name] = value
    if auth is not None:
        m["Authentication-Results"] = auth
    m["From"] = sender
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = f"Mon, {n:02d} Jan 2024 10:00:00 +0000"
    m["Message-ID"] = f"<rescan-{n:02d}@fixtures.example>"
    m.set_content(body)
    return m


def attach(m: EmailMessage, data: bytes, filename: str, maintype="application", subtype="octet-stream") -> EmailMessage:
    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return m


PASS = f"{MX}; spf=pass smtp.mailfrom=carol@partner.example; dkim=pass header.d=partner.example; dmarc=pass header.from=partner.example"


def fixtures() -> list[tuple[str, EmailMessage]]:
    out = []
    out.append(("01-contact-clean", message(1, "Carol <carol@partner.example>", "Lunch on Friday?", "Shall we meet at noon?\n", auth=PASS)))
    out.append(("02-spf-fail-dmarc-reject", message(2, "CEO <ceo@example.net>", "Urgent wire transfer", "Please wire the money today.\n",
        auth=f"{MX}; spf=fail smtp.mailfrom=ceo@example.net; dkim=none; dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=example.net")))
    # A forged Authentication-Results lower in the message (added before it reached us)
    # claims failures: only the topmost one, ours, counts.
    forged_lower = message(3, "Dave <dave@example.org>", "Minutes", "Minutes attached to the wiki.\n",
        auth=f"{MX}; spf=pass smtp.mailfrom=dave@example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org")
    forged_lower["Authentication-Results"] = "evil.example; spf=fail smtp.mailfrom=dave@example.org; dkim=fail header.d=example.org"
    out.append(("03-forged-results-lower-near-miss", forged_lower))
    forged_pass = message(4, "Bank <alerts@bank.example>", "Verify your account", "Log in to keep your account.\n",
        auth=f"{MX}; spf=fail smtp.mailfrom=alerts@bank.example; dkim=none; dmarc=none")
    forged_pass["Authentication-Results"] = "bank.example; spf=pass smtp.mailfrom=alerts@bank.example; dkim=pass header.d=bank.example"
    out.append(("04-spf-fail-forged-pass-below", forged_pass))
    out.append(("05-dkim-fail", message(5, "Payroll <payroll@corp.example>", "Your payslip", "Your payslip is ready.\n",
        auth=f"{MX}; spf=pass smtp.mailfrom=payroll@corp.example; dkim=fail (body hash did not verify) header.d=corp.example; dmarc=fail (p=NONE dis=NONE) header.from=corp.example")))
    out.append(("06-bulk-newsletter", message(6, "Deals <deals@store.example>", "This week's deals", "50% off everything.\n",
        headers=[("List-Unsubscribe", "<https://store.example/unsubscribe?u=1>, <mailto:unsub@store.example>"),
                 ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                 ("Precedence", "bulk"),
                 ("Feedback-ID", "1:campaign:store:esp")],
        auth=f"{MX}; spf=pass smtp.mailfrom=deals@store.example; dkim=pass header.d=store.example; dmarc=pass header.from=store.example")))
    out.append(("07-bulk-from-allowed-sender", message(7, "Shop news <news@shop.example>", "New arrivals", "See what is new.\n",
        headers=[("List-Unsubscribe", "<https://shop.example/u>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"), ("Precedence", "bulk")],
        auth=f"{MX}; spf=pass smtp.mailfrom=news@shop.example; dkim=pass header.d=shop.example; dmarc=pass header.from=shop.example")))
    out.append(("08-exe-in-zip", attach(message(8, "Courier <track@parcel.example>", "Your parcel", "Tracking details attached.\n"),
        fixed_zip([("tracking/setup.exe", MZ)]), "tracking.zip", "application", "zip")))
    out.append(("09-double-extension", attach(message(9, "Billing <billing@vendor.example>", "Invoice 4411", "Invoice attached.\n"),
        MZ, "invoice.pdf.exe")))
    out.append(("10-encrypted-zip", attach(message(10, "HR <hr@jobs.example>", "Offer letter", "The password is 1234.\n"),
        mark_encrypted(fixed_zip([("offer.doc", b"not really a document\n")])), "offer.zip", "application", "zip")))
    out.append(("11-executable-named-pdf", attach(message(11, "Scanner <scanner@printers.example>", "Scanned document", "Scan attached.\n"),
        MZ, "scan_0042.pdf", "application", "pdf")))
    out.append(("12-real-pdf-near-miss", attach(message(12, "Carol <carol@partner.example>", "Agenda", "Agenda attached.\n", auth=PASS),
        MINIMAL_PDF, "agenda.pdf", "application", "pdf")))
    out.append(("13-docx-near-miss", attach(message(13, "Erin <erin@example.org>", "Draft", "Draft attached.\n"),
        fixed_zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]),
        "draft.docx", "application", "vnd.openxmlformats-officedocument.wordprocessingml.document")))
    out.append(("14-blocked-sender", message(14, "Promo <promo@bad.example>", "Hello", "Nothing special here.\n")))
    out.append(("15-bad-link-host", message(15, "Support <support@helpdesk.example>", "Password expiry",
        "Your password expires today. Keep it: http://login.phish-host.example/keep?u=alice\n")))
    out.append(("16-contact-dkim-fail", message(16, "Carol <carol@partner.example>", "Re: Lunch", "Noon works.\n",
        auth=f"{MX}; spf=pass smtp.mailfrom=carol@partner.example; dkim=fail (signature did not verify) header.d=partner.example; dmarc=fail (p=NONE) header.from=partner.example")))
    out.append(("17-html-credential-form", attach(message(17, "IT <it@helpdesk.example>", "Mailbox full", "Open the attached page to keep your mail.\n"),
        b"<html><body><form action='https://collect.example/p' method='post'><input name='u'><input type='password' name='p'></form></body></html>",
        "mailbox.html", "text", "html")))
    return out


SENT = message(30, f"Alice <{OWNER}>", "Lunch", "Friday?\n", to="Carol <carol@partner.example>")


POLICY = f"""# The policy tests/rescan_fixtures.rs passes with --policy (docs/policy.md).
[organisation]
trusted_authserv_ids = ["{MX}"]
allow_senders = ["news@shop.example"]
block_senders = ["@bad.example"]
"""

# The reputation list tests/rescan_fixtures.rs passes with --lists: one domain, whose
# subdomain login.phish-host.example is linked from fixture 15.
REPUTATION = "# Hosts seen in the fixtures' phishing wave.\nphish-host.example ; fixture 15\n"


# What each message must give, checked by hand against the message and the rules in
# ARCHITECTURE.md ("Rescan"): categories raised, then the disposition with the policy
# and lists above (--policy, --lists) and without them (defaults). "-" = none.
EXPECTED = [
    ("01-contact-clean", "-", "stays", "stays"),
    ("02-spf-fail-dmarc-reject", "unauthorized", "junk", "junk"),
    ("03-forged-results-lower-near-miss", "-", "stays", "stays"),
    ("04-spf-fail-forged-pass-below", "unauthorized", "junk", "junk"),
    ("05-dkim-fail", "forged", "junk", "junk"),
    ("06-bulk-newsletter", "bulk", "review", "review"),
    # Allowed sender: Bulk is not counted with the policy; without it, reviewed.
    ("07-bulk-from-allowed-sender", "bulk", "stays", "review"),
    ("08-exe-in-zip", "dangerous_extension", "jail", "jail"),
    ("09-double-extension", "dangerous_extension", "jail", "jail"),
    ("10-encrypted-zip", "possible_dangerous_file", "junk", "junk"),
    ("11-executable-named-pdf", "dangerous_extension", "jail", "jail"),
    ("12-real-pdf-near-miss", "-", "stays", "stays"),
    ("13-docx-near-miss", "-", "stays", "stays"),
    # Blocked by the policy: jailed with nothing raised; without the policy, stays.
    ("14-blocked-sender", "-", "jail", "stays"),
    # Its link host is on the list: raised only with --lists.
    ("15-bad-link-host", "bad_reputation", "junk", "stays"),
    # A trusted contact's message that failed DKIM: not believed to be the contact.
    ("16-contact-dkim-fail", "forged", "junk", "junk"),
    # The attached page asks for a password and posts it off-site: Phishing too.
    ("17-html-credential-form", "dangerous_file;phishing", "jail", "jail"),
    ("sent-to-carol", "-", "stays", "stays"),
]


def write(root: str) -> None:
    base = os.path.join(root, "rescan")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "lists"))
    with open(os.path.join(base, "policy.toml"), "w") as f:
        f.write(POLICY)
    with open(os.path.join(base, "lists", "reputation.list"), "w") as f:
        f.write(REPUTATION)
    box = os.path.join(base, OWNER)
    for d in ("cur", os.path.join(".Sent", "cur")):
        os.makedirs(os.path.join(box, d))
    for i, (name, m) in enumerate(fixtures(), start=1):
        with open(os.path.join(box, "cur", f"17040{i:05d}.{name}:2,S"), "wb") as f:
            f.write(m.as_bytes())
    with open(os.path.join(box, ".Sent", "cur", "1704000100.sent-to-carol:2,S"), "wb") as f:
        f.write(SENT.as_bytes())
    with open(os.path.join(base, "expected.csv"), "w") as f:
        f.write("message,categories,with_policy_and_lists,with_defaults\n")
        for row in EXPECTED:
            f.write(",".join(row) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--root", default=os.path.join(here, "..", "testdata"))
    args = parser.parse_args()
    write(args.root)


if __name__ == "__main__":
    main()
