#!/usr/bin/env python3
"""Independent truth for mailsweep's keyword and sender searches, from Python's standard
library (email with policy.default, html.parser, zipfile): which message files each value
matches. Written from the searches' documented rules, not from mailsweep's code.

Usage:
  search_reference.py keywords --value V [--value V...] FILE...
  search_reference.py sender --value V [--value V...] FILE...
  search_reference.py texts FILE...      (debugging: what each file is searched in)

Each FILE is one message (an .eml or Maildir file; a leading mbox-style "From " envelope
line, as in the SpamAssassin corpus, is the envelope). Output, JSON lines: one object per
value, in the order given, {"value": V, "matched": [sorted paths]}, then one summary object
{"files": N, "errors": [[path, error]...]} (a file Python could not read at all).

Keywords. fold(s) = s.casefold() with every whitespace run made one space. A message
matches V when fold(V.strip()) is a substring of fold(T) for one of its texts T:
  - the Subject of the message and of every attached message (message/rfc822, recursively),
    as decoded by policy.default (RFC 2047);
  - every text/* part that is not an attachment (text/plain, text/html, also
    text/enriched, text/rfc822-headers of bounces: all read as text), decoded (transfer
    encoding, then charset; an unknown charset is read as UTF-8), HTML as text: tags
    dropped, entities decoded, comments and <head>, <style>, <script> and <template>
    contents dropped (a <head> also ends at <body>; one inside the body is ignored), block elements (p, div, td, br, ...)
    made line breaks. A part is an attachment when it has
    a file name (Content-Disposition filename or Content-Type name, RFC 2231/2047
    decoded) or Content-Disposition: attachment. A syntactically invalid Content-Type
    is text/plain (RFC 2045 5.2); a comment no "-->" closes runs to the end (HTML5);
  - every file name of a part (text or not), and the member names of zip attachments
    (zipfile; directories left out; zips inside zips up to three levels).
Sender. A value is an address (a@b), a domain (@d or d: the address's domain is d or ends
with "." + d) or a pattern with * or ? (fnmatch, whole address); all case-insensitive.
Matched against every address of the top-level From, Sender, Reply-To and Return-Path
headers and the envelope sender (the first word after "From " on the envelope line).
"""
import argparse
import email
import email.headerregistry
import email.parser
import email.policy
import fnmatch
import html.parser
import io
import json
import re
import sys
import zipfile

# policy.default parses From, Sender and Reply-To as address lists; Return-Path too here.
_REGISTRY = email.headerregistry.HeaderRegistry()
_REGISTRY.map_to_type("return-path", email.headerregistry.AddressHeader)
POLICY = email.policy.default.clone(header_factory=_REGISTRY)

SENDER_FIELDS = ("from", "sender", "reply-to", "return-path")
MAX_ZIP_DEPTH = 3
WHITESPACE = re.compile(r"\s+")
TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"  # RFC 2045 token (no specials, spaces or controls)
TYPE = re.compile(f"{TOKEN}/{TOKEN}")


def fold(s):
    """Case-insensitive form: casefold (full Unicode case folding, so "ß" is "ss") and one
    space for every run of whitespace (Unicode whitespace, line breaks included)."""
    return WHITESPACE.sub(" ", s.casefold())


def clean(s):
    """Undecodable header bytes (surrogate escapes) become U+FFFD."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_message(path, headers_only=False):
    """The parsed message and its envelope sender (None without a "From " line)."""
    with open(path, "rb") as f:
        data = f.read()
    envelope = None
    if data.startswith(b"From "):
        line, _, data = data.partition(b"\n")
        words = line[5:].split()
        envelope = words[0].decode("utf-8", "replace") if words else None
    parser = email.parser.BytesParser(policy=POLICY)
    return parser.parsebytes(data, headersonly=headers_only), envelope


class HtmlText(html.parser.HTMLParser):
    """The text of an HTML document: character data outside the dropped elements, and a
    line break at every block element's start and end tag (words in two table cells or
    two paragraphs are two words on screen)."""

    DROPPED = ("head", "style", "script", "template")
    BLOCKS = frozenset(
        "address article aside blockquote br center dd div dl dt footer form h1 h2 h3 h4 "
        "h5 h6 header hr li ol p pre section table td th tr ul".split()
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.inside = set()
        self.body_seen = False

    def handle_starttag(self, tag, attrs):
        if tag == "head" and self.body_seen:
            pass  # HTML5 "in body": a head start tag is ignored
        elif tag in self.DROPPED:
            self.inside.add(tag)
        elif tag == "body":
            self.body_seen = True
            self.inside.discard("head")
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.DROPPED:
            self.inside.discard(tag)
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.inside:
            self.out.append(data)


def close_comments(markup):
    """HTML5: a comment that no "-->" closes runs to the end of the document (the
    eof-in-comment parse error), so none of the rest is shown. Python's html.parser
    (3.11) would show the rest as text: cut it here instead."""
    at = 0
    while (start := markup.find("<!--", at)) >= 0:
        end = markup.find("-->", start + 4)
        if end < 0:
            return markup[:start]
        at = end + 3
    return markup


def html_to_text(markup):
    parser = HtmlText()
    parser.feed(close_comments(markup))
    parser.close()
    return "".join(parser.out)


def body_text(part):
    """A text part decoded: transfer encoding, then its charset."""
    try:
        return part.get_content()
    except LookupError:  # a charset Python does not know
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")


def zip_names(data, depth, out):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return
    for info in infos:
        if info.is_dir():
            continue
        out.append(info.filename)
        if depth < MAX_ZIP_DEPTH:
            try:
                inner = archive.read(info)
            except Exception:  # noqa: BLE001 - encrypted or broken member: no contents
                continue
            if inner.startswith((b"PK\x03\x04", b"PK\x05\x06")):
                zip_names(inner, depth + 1, out)


def content_type(part):
    """The part's type; a syntactically invalid one is text/plain (RFC 2045 5.2), which
    Python only applies when there is no single "/" (it keeps "text/plain charset=x")."""
    ctype = part.get_content_type()
    return ctype if TYPE.fullmatch(ctype) else "text/plain"


def message_texts(msg, out):
    subject = msg.get("subject")
    if subject is not None:
        out.append(clean(str(subject)))
    part_texts(msg, out)


def part_texts(part, out):
    name = part.get_filename()
    name = clean(name).strip() if name else ""
    if name:
        out.append(name)
    attachment = bool(name) or part.get_content_disposition() == "attachment"
    ctype = content_type(part)
    if part.is_multipart():
        if ctype in ("message/rfc822", "message/global"):
            for nested in part.get_payload():
                message_texts(nested, out)
        elif part.get_content_maintype() == "multipart":
            for sub in part.get_payload():
                part_texts(sub, out)
        return
    if part.get_content_maintype() == "text" and not attachment:
        text = body_text(part)
        out.append(html_to_text(text) if ctype == "text/html" else text)
        return
    data = part.get_payload(decode=True)
    if isinstance(data, bytes) and data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        zip_names(data, 1, out)


def texts_of(msg):
    out = []
    message_texts(msg, out)
    return out


def senders_of(msg, envelope):
    out = []
    for field in SENDER_FIELDS:
        for header in msg.get_all(field) or ():
            for address in getattr(header, "addresses", ()):
                if address.addr_spec and address.addr_spec != "<>":
                    out.append(clean(address.addr_spec))
    if envelope:
        out.append(envelope)
    return out


def sender_test(value):
    """A predicate on a lower-case address for one sender value."""
    v = value.strip().lstrip("<").rstrip(">").lower()
    if "*" in v or "?" in v:
        return lambda a: fnmatch.fnmatchcase(a, v)
    if v.startswith("@") or "@" not in v:
        domain = v.lstrip("@").rstrip(".")
        return lambda a: "@" in a and (
            a.rsplit("@", 1)[1] == domain or a.rsplit("@", 1)[1].endswith("." + domain)
        )
    return lambda a: a == v


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=("keywords", "sender", "texts"))
    parser.add_argument("--value", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    if args.kind == "texts":
        for path in args.files:
            msg, envelope = read_message(path)
            found = {"path": path, "texts": texts_of(msg), "senders": senders_of(msg, envelope)}
            print(json.dumps(found, ensure_ascii=False))
        return

    if args.kind == "keywords":
        needles = [fold(v.strip()) for v in args.value]
    else:
        tests = [sender_test(v) for v in args.value]
    matched = [[] for _ in args.value]
    errors = []
    for path in args.files:
        try:
            msg, envelope = read_message(path, headers_only=args.kind == "sender")
            if args.kind == "keywords":
                folded = [fold(t) for t in texts_of(msg)]
                hits = [any(n in t for t in folded) for n in needles]
            else:
                addresses = [a.strip().lower() for a in senders_of(msg, envelope)]
                hits = [any(test(a) for a in addresses) for test in tests]
        except Exception as e:  # noqa: BLE001 - reported, and the test fails on it
            errors.append([path, f"{type(e).__name__}: {e}"])
            continue
        for i, hit in enumerate(hits):
            if hit:
                matched[i].append(path)
    for value, paths in zip(args.value, matched):
        print(json.dumps({"value": value, "matched": sorted(paths)}, ensure_ascii=False))
    print(json.dumps({"files": len(args.files), "errors": sorted(errors)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
