#!/usr/bin/env python3
"""Deterministic search-value sets for scripts/bench (Python 3.11 stdlib only).

Subcommands
-----------
ensure  --corpora DIR --corpus FILE [--rg PATH] [--rebuild] [--jobs N]
    Build (or reuse) the value sets for the benchmark mbox FILE, which
    bench_corpus.py `ensure` built from DIR (its FILE.manifest.json must exist).
    Prints KEY=VALUE lines on stdout.

show    --corpus FILE
    Print the cached manifest's per-set counts.

What is built
-------------
In  <FILE without .mbox>.values-<first 12 hex of the corpus sha256>/  next to
FILE (older value directories of the same corpus name are removed):

  keywords1000.csv / .txt   1,000 keyword values      (mailsweep --csv / rg -f)
  keywords10.csv   / .txt   10 of them: 5 raw-present, 3 encoded-only, 2 absent
  links1000.csv    / .txt   1,000 link values
  links10.csv      / .txt   10 of them: 5 raw-present, 3 encoded-only, 2 absent
  manifest.json             generator, seed, this script's sha256, corpus
                            sha256 and sources fingerprint, file sha256s, and
                            every value with its class and form

They are reused while the manifest matches all of that (so editing this script
rebuilds them); --rebuild forces a rebuild.

The .csv files have a header row `value` and one value per row (csv module
quoting: a value holding a comma or quote is quoted). The .txt files have one
rg pattern per line: the same values, except that a link prefix `...*` is
given to rg without its `*` (rg -F has no wildcard; the prefix as a literal
finds the same URLs, and more, since rg does not anchor it).

Sources: the message files bench_corpus.py put into the corpus (the first
min(messages, sources) of its sorted source list, i.e. every file when the
corpus is at least one pass), each parsed with
email.message_from_bytes(policy=email.policy.default). Decoded text = the
top-level Subject (RFC 2047 decoded) and every text/plain and text/html part
that is not Content-Disposition: attachment (walk(), so attached messages'
bodies too), via get_content() (base64 / quoted-printable / charset decoded);
HTML is reduced to its text nodes (html.parser, entities decoded, <script> and
<style> dropped). URLs = http(s) URLs in the text/plain parts (regex, trailing
punctuation dropped) and the href/src/action attributes of the HTML parts.

Keyword values (ASCII letters only, so that case-insensitive means the same
for every tool), taken from the decoded text: whole words of 4-20 letters (not
next to another Unicode word character; lower case, Capitalised or upper
case) and 2-3-word phrases of them (separated by exactly one space within one
text chunk; every 4th phrase by a CRC is kept, to bound memory). Link values: exact URLs, hosts (`www.` dropped: mailsweep
matches a host's subdomains) and prefixes `scheme://host/first-segment/*`.

Every value is classified against the raw bytes of one pass of the corpus (the
corpus is that pass repeated, and no value holds a line break, so this is the
whole corpus) as a case-insensitive substring, and absent ones also against a
dump of all decoded text and URLs, with ripgrep (`rg -o -i -F -a`, repeated
without the values found until nothing more is found, so overlaps cannot hide
a value) or, without rg, Python's bytes search (slow):

  raw           in the decoded text and in the raw bytes (rg can find it too)
  encoded_only  in the decoded text, NOT in the raw bytes: only inside base64 /
                quoted-printable bodies, RFC 2047 subjects, HTML entities,
                soft line breaks... (rg cannot find it; mailsweep should)
  absent        random-looking tokens / URLs on random hosts, in neither

Sets: 150 encoded_only (the pool is sampled from parts with a
Content-Transfer-Encoding of base64 / quoted-printable and RFC 2047 subjects;
fewer if the corpus has fewer), 120 absent, the rest raw-present (keywords:
60% words, 40% phrases; links: 450 URLs, 150 hosts, the rest prefixes).
Selection is seeded (SEED) from sorted pools, so the sets depend only on the
corpus; the 1,000-value lists are in a seeded shuffled order.
"""

from __future__ import annotations

import argparse
import csv
import email
import email.policy
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from html.parser import HTMLParser
from urllib.parse import urlsplit

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_corpus  # noqa: E402  (the corpus source listing and fingerprint)

GENERATOR = "mailsweep-bench-values/1"
SEED = "mailsweep-bench-values-2026-11"
SETS = ("keywords1000", "keywords10", "links1000", "links10")
N_ENCODED = 150
N_ABSENT = 120
N_TOTAL = 1000
PHRASE_THIN = 4

# Not next to any other word character (Unicode \w): no "ntimos" out of "íntimos".
WORD_RE = re.compile(r"(?<!\w)[A-Za-z]{4,20}(?!\w)")
URL_TEXT_RE = re.compile(r"""(?i)\bhttps?://[^\s<>"'`\\\x00-\x1f\x7f]+""")
URL_OK_RE = re.compile(r"""^(?i:https?)://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$""")
URL_BAD_CHARS = set("\"'<>\\`{}|^ ")
TRAILING_PUNCT = ".,;:!?)]}>'\"*"


def log(msg: str) -> None:
    print(f"bench_values: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------- decoding --
class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: list[str] = []
        self.urls: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for key, value in attrs:
            if key in ("href", "src", "action") and value:
                self.urls.append(value.strip())

    def handle_startendtag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src", "action") and value:
                self.urls.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.data.append(data)


def clean_url(url: str) -> str | None:
    url = url.strip()
    while url and url[-1] in TRAILING_PUNCT:
        url = url[:-1]
    if not (12 <= len(url) <= 250) or not url.isascii() or URL_BAD_CHARS & set(url):
        return None
    if not URL_OK_RE.match(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError:
        return None
    if not host or "." not in host or host.startswith(".") or host.endswith(".") or ".." in host:
        return None
    return url


def decode_message(data: bytes) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]], bool]:
    """([(text chunk, encoded)], [(url, encoded)], parsed_ok)."""
    chunks: list[tuple[str, bool]] = []
    urls: list[tuple[str, bool]] = []
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        for name, raw in msg.raw_items():
            if name.lower() == "subject":
                try:
                    chunks.append((str(msg["subject"] or ""), "=?" in str(raw)))
                except Exception:  # noqa: BLE001 - broken headers are skipped
                    pass
                break
        for part in msg.walk():
            if part.is_multipart():
                continue
            ctype = part.get_content_type()
            if ctype not in ("text/plain", "text/html"):
                continue
            if part.get_content_disposition() == "attachment":
                continue
            cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
            encoded = cte in ("base64", "quoted-printable")
            try:
                text = part.get_content()
            except Exception:  # noqa: BLE001 - unknown charsets, broken encodings
                continue
            if not isinstance(text, str):
                continue
            if ctype == "text/plain":
                chunks.append((text, encoded))
                for m in URL_TEXT_RE.finditer(text):
                    urls.append((m.group(0), encoded))
            else:
                parser = _HtmlText()
                try:
                    parser.feed(text)
                    parser.close()
                except Exception:  # noqa: BLE001
                    pass
                chunks.extend((d, encoded) for d in parser.data if d.strip())
                urls.extend((u, encoded) for u in parser.urls)
    except Exception:  # noqa: BLE001 - a message Python cannot parse adds nothing
        return chunks, [], False
    cleaned = []
    for url, encoded in urls:
        url = clean_url(url)
        if url:
            cleaned.append((url, encoded))
    return chunks, cleaned, True


def word_shape_ok(word: str) -> bool:
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


def analyse(path: str) -> tuple[dict, dict, list[tuple[str, bool]], list[str], bool]:
    """One source file -> (words, phrases, urls, dump lines, parsed_ok).

    words / phrases: {casefold: (display, flags)}, flags 1 = seen in a plain
    part, 2 = seen in an encoded part or RFC 2047 subject.
    """
    with open(path, "rb") as fh:
        chunks, urls, ok = decode_message(fh.read())
    words: dict[str, tuple[str, int]] = {}
    phrases: dict[str, tuple[str, int]] = {}
    dump: list[str] = []
    for text, encoded in chunks:
        flag = 2 if encoded else 1
        dump.append(text)
        found = list(WORD_RE.finditer(text))
        for m in found:
            w = m.group(0)
            if not word_shape_ok(w):
                continue
            key = w.lower()
            old = words.get(key)
            words[key] = (old[0] if old else w, (old[1] if old else 0) | flag)
        for i in range(len(found) - 1):
            for n in (2, 3):
                if i + n > len(found):
                    break
                seq = found[i:i + n]
                if any(text[a.end():b.start()] != " " for a, b in zip(seq, seq[1:])):
                    break
                if not all(word_shape_ok(m.group(0)) for m in seq):
                    break
                phrase = " ".join(m.group(0) for m in seq)
                key = phrase.lower()
                if zlib.crc32(key.encode()) % PHRASE_THIN:
                    continue
                old = phrases.get(key)
                phrases[key] = (old[0] if old else phrase, (old[1] if old else 0) | flag)
    dump.extend(u for u, _ in urls)
    return words, phrases, urls, dump, ok


# -------------------------------------------------------- classification --
def present_set(values: list[str], haystack: str, rg: str | None, label: str) -> set[str]:
    """The casefolded values that occur in file `haystack` as case-insensitive substrings."""
    remaining = {v.casefold(): v for v in values}
    found: set[str] = set()
    if not remaining:
        return found
    if rg is None:
        log(f"no rg: checking {len(remaining)} values against {label} with Python (slow) ...")
        with open(haystack, "rb") as fh:
            data = fh.read().lower()
        return {k for k, v in remaining.items() if v.lower().encode() in data}
    with tempfile.TemporaryDirectory() as tmp:
        pats = os.path.join(tmp, "patterns.txt")
        for _round in range(50):
            if not remaining:
                break
            with open(pats, "w", encoding="utf-8", newline="\n") as fh:
                fh.write("".join(v + "\n" for v in sorted(remaining.values())))
            cmd = [rg, "--no-config", "-o", "-i", "-F", "-a", "--no-filename", "--no-line-number",
                   "--color", "never", "-f", pats, haystack]
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            seen: set[bytes] = set()
            assert proc.stdout is not None
            for line in proc.stdout:
                seen.add(line.rstrip(b"\n"))
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            rc = proc.wait()
            if rc == 1:
                break
            if rc != 0:
                raise RuntimeError(f"rg failed ({rc}) on {label}: {err.strip()[-300:]}")
            new = {s.decode("utf-8", "surrogateescape").casefold() for s in seen} & remaining.keys()
            if not new:
                # A match whose text does not casefold to its pattern (Unicode case
                # folding): settle the rest one value at a time.
                for key, value in list(remaining.items()):
                    r = subprocess.run([rg, "--no-config", "-q", "-i", "-F", "-a", "-e", value, haystack],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    if r.returncode == 0:
                        found.add(key)
                break
            found |= new
            for key in new:
                del remaining[key]
    return found


# ------------------------------------------------------------- building --
def rg_form(value: str, form: str) -> str:
    return value[:-1] if form == "prefix" and value.endswith("*") else value


def random_token(rng: random.Random, n: int) -> str:
    letters = "bcdfghjklmnpqrstvwxz"
    return "".join(rng.choice(letters) for _ in range(n))


def random_alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def absent_keyword_candidates(rng: random.Random, n: int) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        if i % 6 == 5:
            out.append((f"{random_token(rng, 6).capitalize()} {random_token(rng, 7)}", "phrase"))
        else:
            out.append(("zq" + random_token(rng, 8), "word"))
    return out


def absent_link_candidates(rng: random.Random, n: int) -> list[tuple[str, str]]:
    out = []
    tlds = (".com", ".net", ".org", ".info", ".io")
    for i in range(n):
        host = "zq" + random_alnum(rng, 9) + rng.choice(tlds)
        kind = i % 5
        if kind in (0, 1, 2):
            out.append((f"https://{host}/{random_alnum(rng, 6)}/{random_alnum(rng, 8)}.html", "url"))
        elif kind == 3:
            out.append((host, "host"))
        else:
            out.append((f"http://{host}/{random_alnum(rng, 7)}/*", "prefix"))
    return out


def pick(rng: random.Random, pool: list, k: int) -> list:
    return rng.sample(pool, min(k, len(pool)))


def build_sets(args, corpus_man: dict, sources: list[tuple[str, int]], out_dir: str, rg: str | None) -> dict:
    corpora = os.path.abspath(args.corpora)
    used = sources[: min(corpus_man["messages"], len(sources))]
    paths = [os.path.join(corpora, rel) for rel, _ in used]
    started = time.monotonic()
    log(f"decoding {len(paths)} source messages with Python's email package ({args.jobs} processes) ...")

    words: dict[str, list] = {}     # casefold -> [display, flags]
    phrases: dict[str, list] = {}
    urls: dict[str, list] = {}      # casefold -> [display, flags]
    parse_failures = 0
    dump_path = os.path.join(out_dir, "decoded-dump.txt")
    with open(dump_path, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as dump:
        if args.jobs > 1:
            import multiprocessing
            with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
                results = pool.imap(analyse, paths, chunksize=16)
                parse_failures = merge_all(results, words, phrases, urls, dump)
        else:
            parse_failures = merge_all(map(analyse, paths), words, phrases, urls, dump)
    log(f"decoded in {time.monotonic() - started:.0f} s: {len(words)} distinct words, "
        f"{len(phrases)} phrases (1/{PHRASE_THIN} kept), {len(urls)} URLs, {parse_failures} parse failures")

    # One pass of the corpus, raw.
    one_pass = min(corpus_man["bytes"], corpus_man["one_pass_bytes"])
    raw_path = os.path.join(out_dir, "raw-one-pass.mbox")
    with open(args.corpus, "rb") as src, open(raw_path, "wb") as dst:
        left = one_pass
        while left > 0:
            chunk = src.read(min(left, 8 << 20))
            if not chunk:
                break
            dst.write(chunk)
            left -= len(chunk)

    rng = random.Random(SEED)
    manifest_sets: dict[str, list[dict]] = {}
    try:
        kw = select(
            "keywords", rng, raw_path, dump_path, rg,
            encoded_pool=sorted((k, v[0], "word" if " " not in k else "phrase")
                                for d in (words, phrases) for k, v in d.items() if v[1] == 2),
            general_pools=[
                (sorted((k, v[0], "word") for k, v in words.items()), 0.6),
                (sorted((k, v[0], "phrase") for k, v in phrases.items()), 0.4),
            ],
            absent=absent_keyword_candidates(rng, N_ABSENT * 2),
        )
        hosts: dict[str, str] = {}
        prefixes: dict[str, str] = {}
        for key, (url, _flags) in sorted(urls.items()):
            parts = urlsplit(url)
            host = parts.hostname or ""
            if host and not re.fullmatch(r"[0-9.]+", host):
                host = host[4:] if host.startswith("www.") and host.count(".") >= 2 else host
                hosts.setdefault(host, host)
            segs = [s for s in parts.path.split("/") if s]
            if len(segs) >= 2 or (segs and parts.query):
                prefix = f"{parts.scheme}://{parts.netloc}/{segs[0]}/*"
                if clean_url(prefix[:-2]) and "," not in prefix:
                    prefixes.setdefault(prefix.casefold(), prefix)
        general_links = [
            (sorted((k, v[0], "url") for k, v in urls.items()), 0.45),
            (sorted((k, v, "host") for k, v in hosts.items()), 0.15),
            (sorted((k, v, "prefix") for k, v in prefixes.items()), 0.13),
        ]
        ln = select(
            "links", rng, raw_path, dump_path, rg,
            encoded_pool=sorted((k, v[0], "url") for k, v in urls.items() if v[1] == 2),
            general_pools=general_links,
            absent=absent_link_candidates(rng, N_ABSENT * 2),
        )
    finally:
        for p in (raw_path, dump_path):
            if os.path.exists(p):
                os.unlink(p)
    manifest_sets.update(kw)
    manifest_sets.update(ln)
    return {
        "decode_seconds": round(time.monotonic() - started, 1),
        "source_messages_used": len(paths),
        "python_parse_failures": parse_failures,
        "distinct_words": len(words),
        "distinct_phrases_kept": len(phrases),
        "distinct_urls": len(urls),
        "sets": manifest_sets,
    }


def merge_all(results, words, phrases, urls, dump) -> int:
    failures = 0
    for w, p, u, lines, ok in results:
        failures += not ok
        for target, src in ((words, w), (phrases, p)):
            for key, (display, flags) in src.items():
                old = target.get(key)
                if old is None:
                    target[key] = [display, flags]
                else:
                    old[1] |= flags
        for url, encoded in u:
            key = url.casefold()
            old = urls.get(key)
            flag = 2 if encoded else 1
            if old is None:
                urls[key] = [url, flag]
            else:
                old[1] |= flag
        for line in lines:
            dump.write(line.replace("\r", "\n"))
            dump.write("\n")
    return failures


def select(kind, rng, raw_path, dump_path, rg, encoded_pool, general_pools, absent) -> dict[str, list[dict]]:
    """Pick and classify the 1,000- and 10-value sets of one search kind."""
    # Encoded-only: sample candidates seen only in encoded parts, keep the raw-absent.
    want_enc = N_ENCODED
    cands = pick(rng, encoded_pool, want_enc * 12)
    log(f"{kind}: {len(encoded_pool)} values seen only in encoded parts; checking {len(cands)} against the raw corpus")
    raw_hit = present_set([rg_form(d, f) for _, d, f in cands], raw_path, rg, f"raw corpus ({kind} encoded pool)")
    encoded = [(k, d, f) for k, d, f in cands if rg_form(d, f).casefold() not in raw_hit][:want_enc]
    if len(encoded) < 100:
        log(f"warning: only {len(encoded)} encoded-only {kind} values found (wanted {want_enc})")
    taken = {k for k, _, _ in encoded}

    # Absent: random values in neither the raw corpus nor the decoded dump.
    forms = [rg_form(v, f) for v, f in absent]
    hit = present_set(forms, raw_path, rg, f"raw corpus ({kind} absent candidates)")
    hit |= present_set(forms, dump_path, rg, f"decoded dump ({kind} absent candidates)")
    absent_ok = [(v.casefold(), v, f) for v, f in absent if rg_form(v, f).casefold() not in hit][:N_ABSENT]

    # The rest: sampled from the general pools, then classified raw / encoded_only.
    rest = N_TOTAL - len(encoded) - len(absent_ok)
    general: list[tuple[str, str, str]] = []
    shares = [w for _, w in general_pools]
    total_share = sum(shares)
    for i, (pool, share) in enumerate(general_pools):
        if i == len(general_pools) - 1:
            k = rest - len(general)
        else:
            k = round(rest * share / total_share)
        pool = [p for p in pool if p[0] not in taken]
        got = pick(rng, pool, k)
        general.extend(got)
        taken.update(p[0] for p in got)
    if len(general) < rest:  # a small pool: fill from the others
        for pool, _ in general_pools:
            for p in pool:
                if len(general) >= rest:
                    break
                if p[0] not in taken:
                    general.append(p)
                    taken.add(p[0])
    raw_hit = present_set([rg_form(d, f) for _, d, f in general], raw_path, rg, f"raw corpus ({kind} general)")

    entries = []
    for _, d, f in encoded:
        entries.append({"value": d, "form": f, "class": "encoded_only"})
    for _, d, f in general:
        cls = "raw" if rg_form(d, f).casefold() in raw_hit else "encoded_only"
        entries.append({"value": d, "form": f, "class": cls})
    for _, d, f in absent_ok:
        entries.append({"value": d, "form": f, "class": "absent"})
    entries.sort(key=lambda e: (e["value"].casefold(), e["value"]))
    rng.shuffle(entries)

    def ten() -> list[dict]:
        by = {c: [e for e in entries if e["class"] == c] for c in ("raw", "encoded_only", "absent")}
        enc = pick(rng, by["encoded_only"], 3)
        raw = pick(rng, by["raw"], 8 - len(enc))
        return raw + enc + pick(rng, by["absent"], 2)

    return {f"{kind}1000": entries, f"{kind}10": ten()}


def write_sets(out_dir: str, sets: dict[str, list[dict]]) -> dict[str, str]:
    hashes = {}
    for name, entries in sets.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["value"])
        for e in entries:
            w.writerow([e["value"]])
        txt = "".join(rg_form(e["value"], e["form"]) + "\n" for e in entries)
        for ext, text in (("csv", buf.getvalue()), ("txt", txt)):
            path = os.path.join(out_dir, f"{name}.{ext}")
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            hashes[f"{name}.{ext}"] = hashlib.sha256(text.encode()).hexdigest()
    return hashes


def counts(entries: list[dict]) -> dict[str, int]:
    c = {"total": len(entries), "raw": 0, "encoded_only": 0, "absent": 0}
    for e in entries:
        c[e["class"]] += 1
        c["form_" + e["form"]] = c.get("form_" + e["form"], 0) + 1
    return c


def values_dir_for(corpus: str, sha256: str) -> str:
    base = corpus[:-5] if corpus.endswith(".mbox") else corpus
    return f"{base}.values-{sha256[:12]}"


def emit_result(out_dir: str, man: dict, reused: bool) -> None:
    print(f"dir={out_dir}")
    print(f"manifest={os.path.join(out_dir, 'manifest.json')}")
    print(f"reused={1 if reused else 0}")
    for name in SETS:
        print(f"{name}_csv={os.path.join(out_dir, name + '.csv')}")
        print(f"{name}_txt={os.path.join(out_dir, name + '.txt')}")
        for k, v in man["counts"][name].items():
            print(f"{name}_{k}={v}")


def script_sha256() -> str:
    """This generator's own source: any edit to it invalidates cached sets."""
    with open(os.path.abspath(__file__), "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def load_corpus_manifest(corpus: str) -> dict:
    with open(corpus + ".manifest.json", encoding="utf-8") as fh:
        return json.load(fh)


def cmd_ensure(args: argparse.Namespace) -> int:
    args.corpus = os.path.abspath(args.corpus)
    try:
        corpus_man = load_corpus_manifest(args.corpus)
    except (OSError, ValueError) as exc:
        log(f"no readable corpus manifest for {args.corpus}: {exc}")
        return 2
    if os.path.getsize(args.corpus) != corpus_man.get("bytes"):
        log(f"{args.corpus} does not match its manifest (size)")
        return 2
    sources, _excluded = bench_corpus.scan_sources(os.path.abspath(args.corpora))
    fp = bench_corpus.fingerprint(sources)
    if fp != corpus_man.get("sources_fingerprint"):
        log("the corpora changed since the corpus was built (sources fingerprint differs); rebuild the corpus first")
        return 2
    out_dir = values_dir_for(args.corpus, corpus_man["sha256"])
    man_path = os.path.join(out_dir, "manifest.json")
    if not args.rebuild and os.path.isfile(man_path):
        try:
            with open(man_path, encoding="utf-8") as fh:
                man = json.load(fh)
            same = (man.get("generator") == GENERATOR and man.get("seed") == SEED
                    and man.get("script_sha256") == script_sha256()
                    and man.get("corpus_sha256") == corpus_man["sha256"]
                    and man.get("sources_fingerprint") == fp)
            for name, digest in (man.get("files") or {}).items() if same else ():
                with open(os.path.join(out_dir, name), "rb") as fh:
                    if hashlib.sha256(fh.read()).hexdigest() != digest:
                        same = False
                        break
            if same and len(man.get("files") or {}) == 2 * len(SETS):
                emit_result(out_dir, man, True)
                return 0
        except (OSError, ValueError, KeyError):
            pass
        log("cached value sets do not match: rebuilding")

    rg = args.rg or shutil.which("rg")
    parent = os.path.dirname(out_dir)
    tmp_dir = tempfile.mkdtemp(prefix=os.path.basename(out_dir) + ".tmp.", dir=parent)
    try:
        info = build_sets(args, corpus_man, sources, tmp_dir, rg)
        files = write_sets(tmp_dir, info["sets"])
        man = {
            "generator": GENERATOR,
            "seed": SEED,
            "script_sha256": script_sha256(),
            "corpus": args.corpus,
            "corpus_sha256": corpus_man["sha256"],
            "corpus_bytes": corpus_man["bytes"],
            "corpus_messages": corpus_man["messages"],
            "size_mib": corpus_man.get("size_mib"),
            "sources_fingerprint": fp,
            "classified_with": "rg" if rg else "python",
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "files": files,
            "counts": {name: counts(entries) for name, entries in info["sets"].items()},
            **{k: v for k, v in info.items() if k != "sets"},
            "sets": info["sets"],
        }
        with open(os.path.join(tmp_dir, "manifest.json"), "w", encoding="utf-8") as fh:
            json.dump(man, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        if os.path.isdir(out_dir):
            shutil.rmtree(out_dir)
        os.replace(tmp_dir, out_dir)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    # Older value sets of this corpus name (another corpus build) are stale.
    stem = os.path.basename(values_dir_for(args.corpus, ""))
    for name in os.listdir(parent):
        path = os.path.join(parent, name)
        if name.startswith(stem) and path != out_dir and os.path.isdir(path) and ".tmp." not in name:
            shutil.rmtree(path, ignore_errors=True)
    emit_result(out_dir, man, False)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    corpus = os.path.abspath(args.corpus)
    man_path = os.path.join(values_dir_for(corpus, load_corpus_manifest(corpus)["sha256"]), "manifest.json")
    with open(man_path, encoding="utf-8") as fh:
        man = json.load(fh)
    print(man_path)
    for name, c in man["counts"].items():
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in c.items()))
    return 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ensure", help="build or reuse the value sets of a corpus")
    p.add_argument("--corpora", required=True)
    p.add_argument("--corpus", required=True, help="the mbox built by bench_corpus.py ensure")
    p.add_argument("--rg", help="ripgrep binary for the classification (default: rg in PATH)")
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="decoding processes (default: min(2, cores))")
    p.set_defaults(func=cmd_ensure)
    p = sub.add_parser("show", help="print the cached sets' counts")
    p.add_argument("--corpus", required=True)
    p.set_defaults(func=cmd_show)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
