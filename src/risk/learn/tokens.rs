//! The tokenizer shared by training and scoring: what the classifier sees of a message.
//! Words of the decoded subject (`s:` prefix), the body a reader sees (no prefix: the
//! HTML bodies as text, or the text bodies when no HTML body has text), the hosts and
//! domains of the message's web links (`u:`, from the [`Links`] the rescan reads once
//! for every rule), attachment extensions (`a:`) and a few structural features (`f:`).
//! No header fields: the labelled corpora's ham is from 2001–2010 and their phishing
//! from 2022–2026, so a message's format (mailer, charset, MIME type, Message-ID form)
//! tells its era, not its intent; header tokens tried on 2026-11-23 scored better on
//! the test split, which shares the artefact, and flagged today's ordinary mail.
//! Email addresses in text become one `@addr` token: the corpora anonymise recipients
//! differently (`phishing@pot`, `username@domain.com`), and an address says little
//! about spam that generalises. OpenPGP armor blocks in a body are left out
//! ([`unarmored`]): their radix-64 is random bytes, not words.
//!
//! Bounded by input size: each text is read up to [`MAX_TEXT`] bytes, the hosts of at
//! most [`MAX_URLS`] links become tokens.

use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::message::decoded::{Decoded, TextField};
use crate::risk::links::Links;

static IMG: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"<img"));
static IMG_UPPER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"<IMG"));

/// Bytes of one text (subject, body, HTML as text) that are tokenised.
pub const MAX_TEXT: usize = 32 * 1024;
/// Links per message (of [`Links::urls`], sorted) whose hosts become tokens.
pub const MAX_URLS: usize = 64;
/// Words longer than this (in chars) are hashes, base64 or glued junk: one token.
const MAX_WORD: usize = 24;

/// Calls `sink` with every token of the message (repeats included; callers dedup).
/// `buf` is reused between tokens so scoring allocates nothing per word.
pub fn tokens(decoded: &Decoded, links: &Links, from: Option<&str>, sink: &mut dyn FnMut(&str)) {
    let mut buf = String::with_capacity(64);
    let has_text = decoded
        .texts
        .iter()
        .any(|t| t.field == TextField::BodyText && t.text.trim().len() > 20);
    let shows_html = decoded.shows_html();
    for t in &decoded.texts {
        match t.field {
            TextField::Subject => {
                words(capped(&t.text), "s:", &mut buf, sink);
                let letters = t.text.chars().filter(|c| c.is_alphabetic()).count();
                let upper = t.text.chars().filter(|c| c.is_uppercase()).count();
                if letters >= 8 && upper * 10 >= letters * 7 {
                    sink("f:subject_caps");
                }
            }
            // One rendering of the body, the one a reader sees: the HTML when it has
            // text (its plain alternative says the same again, or, from a spammer,
            // something innocent for filters), else the text.
            TextField::BodyHtml => body_words(capped(&t.text), &mut buf, sink),
            TextField::BodyText if !shows_html => body_words(capped(&t.text), &mut buf, sink),
            TextField::BodyText => {}
            TextField::AttachmentName => {
                if let Some((_, ext)) = t.text.rsplit_once('.') {
                    if ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric()) {
                        emit(&mut buf, "a:", &ext.to_ascii_lowercase(), sink);
                    }
                }
            }
        }
    }
    let mut has_html = false;
    for h in decoded.html.iter().filter(|h| !h.attachment) {
        has_html = true;
        let html = capped(&h.html).as_bytes();
        if IMG.find(html).is_some() || IMG_UPPER.find(html).is_some() {
            sink("f:img");
        }
    }
    match (has_text, has_html) {
        (false, true) => sink("f:html_only"),
        (true, true) => sink("f:text_and_html"),
        (true, false) => sink("f:text_only"),
        (false, false) => sink("f:no_text"),
    }
    sink(match links.urls.len() {
        0 => "f:links_0",
        1 => "f:links_1",
        2..=5 => "f:links_2_5",
        6..=20 => "f:links_6_20",
        _ => "f:links_many",
    });
    for (_, url) in links.urls.iter().take(MAX_URLS) {
        match url.host() {
            Some(url::Host::Domain(host)) => {
                let host = host.trim_end_matches('.');
                emit(&mut buf, "u:", host, sink);
                let labels: Vec<&str> = host.rsplitn(3, '.').collect();
                if labels.len() >= 2 {
                    buf.clear();
                    buf.push_str("u:");
                    buf.push_str(labels[1]);
                    buf.push('.');
                    buf.push_str(labels[0]);
                    if buf.len() != host.len() + 2 {
                        sink(&buf);
                    }
                }
                emit(&mut buf, "u:tld:", labels[0], sink);
            }
            Some(_) => sink("f:url_ip"),
            None => {}
        }
    }
    if let Some((_, domain)) = from.and_then(|f| f.rsplit_once('@')) {
        if let Some((_, tld)) = domain.rsplit_once('.') {
            emit(&mut buf, "f:from_tld:", &tld.to_ascii_lowercase(), sink);
        }
    } else {
        sink("f:from_none");
    }
}

/// `prefix` + `value` (already lower-case) as one token.
fn emit(buf: &mut String, prefix: &str, value: &str, sink: &mut dyn FnMut(&str)) {
    buf.clear();
    buf.push_str(prefix);
    buf.extend(value.chars().take(MAX_WORD));
    sink(buf);
}

/// The words of a body, OpenPGP armor left out.
fn body_words(text: &str, buf: &mut String, sink: &mut dyn FnMut(&str)) {
    for piece in unarmored(text) {
        words(piece, "", buf, sink);
    }
}

static ARMOR_BEGIN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"-----BEGIN PGP "));
/// What follows `-----BEGIN PGP ` on the armor header lines of blocks left out
/// (RFC 9580 §6.2; `MESSAGE, PART X/Y` is RFC 2440's split message).
const ARMOR_KINDS: [&[u8]; 5] = [
    b"MESSAGE-----",
    b"MESSAGE, PART ",
    b"SIGNATURE-----",
    b"PUBLIC KEY BLOCK-----",
    b"PRIVATE KEY BLOCK-----",
];
static ARMOR_END: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"-----END PGP "));

/// The pieces of a text outside OpenPGP armor blocks (signatures, encrypted messages,
/// keys: RFC 9580 §6.2). Their radix-64 is random bytes, not language: its runs became
/// `#long` and junk tokens, which spam also has, so a signed note from a mailing list
/// looked less like ham. Only ham in the corpora has armor (signed list mail), so it is
/// left out in training and scoring alike rather than made a token: a spammer could add
/// a block. A block starts at a line that is an armor header ([`ARMOR_KINDS`]); the text
/// a `BEGIN PGP SIGNED MESSAGE` line introduces is read; a block with no end line runs
/// to the end of the text.
fn unarmored(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        let mut from = 0;
        loop {
            let Some(at) = ARMOR_BEGIN.find(&t.as_bytes()[from..]).map(|i| from + i) else {
                rest = None;
                return Some(t);
            };
            let after_begin = at + ARMOR_BEGIN.needle().len();
            let kind = &t.as_bytes()[after_begin..];
            let line_start = at == 0 || t.as_bytes()[at - 1] == b'\n';
            if !line_start || !ARMOR_KINDS.iter().any(|k| kind.starts_with(k)) {
                // Text that names armor, or the cleartext a signature follows.
                from = after_begin;
                continue;
            }
            rest = ARMOR_END.find(kind).map(|end| {
                let after = &t[after_begin + end..];
                // Past the end line (`-----END PGP SIGNATURE-----`).
                memchr::memchr(b'\n', after.as_bytes()).map_or("", |nl| &after[nl + 1..])
            });
            return Some(&t[..at]);
        }
    })
}

/// The first [`MAX_TEXT`] bytes of a text, cut at a char boundary.
fn capped(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Lower-cased words of a text with `prefix`: runs of alphanumerics (and `$`),
/// 2..=24 chars; long digit runs become `#num`; chunks that are addresses `@addr`,
/// URLs are skipped (their hosts are tokens of their own).
///
/// Chunks are the text split at Unicode whitespace (as `split_whitespace`). This loop
/// runs over every byte of every body, and most mail is ASCII words: one pass reads an
/// ASCII chunk's words by a byte-class table, holding them until the chunk's end shows
/// it is not an address. A chunk with a non-ASCII char, or that may be a URL, is read
/// again from its start by [`chunk_words`].
fn words(text: &str, prefix: &str, buf: &mut String, sink: &mut dyn FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut pending: Vec<AsciiWord> = Vec::new();
    let mut at = 0;
    'chunks: loop {
        while at < bytes.len() {
            let class = CLASS[bytes[at] as usize];
            if class & SPACE != 0 {
                at += 1;
            } else if class & HIGH != 0 {
                match space_at(text, at) {
                    (true, width) => at += width,
                    (false, _) => break,
                }
            } else {
                break;
            }
        }
        if at >= bytes.len() {
            return;
        }
        let start = at;
        if bytes.len() - at > 7 && bytes[at..at + 4].eq_ignore_ascii_case(b"http") {
            at = slow_chunk(text, start, prefix, buf, sink);
            continue;
        }
        pending.clear();
        let mut at_sign = false;
        while at < bytes.len() {
            let class = CLASS[bytes[at] as usize];
            if class & WORD != 0 {
                let word = word_at(bytes, at);
                at = word.end;
                pending.push(word);
            } else if class & SPACE != 0 {
                break;
            } else if class & HIGH != 0 {
                if space_at(text, at).0 {
                    break;
                }
                at = slow_chunk(text, start, prefix, buf, sink);
                continue 'chunks;
            } else {
                at_sign |= bytes[at] == b'@';
                at += 1;
            }
        }
        if at_sign && is_address(&text[start..at]) {
            address(prefix, buf, sink);
            continue;
        }
        for w in &pending {
            ascii_word(&text[w.start..w.end], w.digits, w.upper, prefix, buf, sink);
        }
    }
}

/// The ASCII word that starts at `start` (a word byte), read eight bytes at a time:
/// a byte loop's exit is a branch mispredicted once a word, and most words end in
/// their first eight bytes.
fn word_at(bytes: &[u8], start: usize) -> AsciiWord {
    let mut at = start;
    let (mut digits, mut upper) = (true, false);
    while let Some(block) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(block.try_into().expect("eight bytes"));
        let classes = Swar::of(x);
        // Bytes before the first that is not a word byte (all eight when none is).
        let n = (!classes.word & HIGH_BITS).trailing_zeros() as usize / 8;
        let keep = if n == 8 {
            u64::MAX
        } else {
            (1u64 << (n * 8)) - 1
        };
        digits &= classes.word & !classes.digit & keep == 0;
        upper |= classes.upper & keep != 0;
        at += n;
        if n < 8 {
            break;
        }
    }
    // The last bytes (fewer than eight) of the text; after a block, one look at the byte
    // that ended the word.
    while let Some(&b) = bytes.get(at) {
        let class = CLASS[b as usize];
        if class & WORD == 0 {
            break;
        }
        digits &= class & DIGIT != 0;
        upper |= class & UPPER != 0;
        at += 1;
    }
    AsciiWord {
        start,
        end: at,
        digits,
        upper,
    }
}

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    b as u64 * 0x0101_0101_0101_0101
}

/// Per-byte classes of eight bytes, as the high bit of each byte: [`CLASS`]'s `WORD`,
/// `DIGIT` and `UPPER`, computed for all eight at once.
struct Swar {
    word: u64,
    digit: u64,
    upper: u64,
}

impl Swar {
    fn of(x: u64) -> Swar {
        let ascii = !x & HIGH_BITS;
        // Seven-bit bytes: adding at most 0x5c carries into no neighbour.
        let v = x & !HIGH_BITS;
        // High bit set where `lo <= byte <= hi`.
        let within = |lo: u8, hi: u8| (v + splat(0x80 - lo)) & !(v + splat(0x7f - hi)) & ascii;
        let digit = within(b'0', b'9');
        let upper = within(b'A', b'Z');
        let word = digit | upper | within(b'a', b'z') | within(b'$', b'$');
        Swar { word, digit, upper }
    }
}

/// A word of an ASCII chunk, read by [`words`] and emitted at the chunk's end.
struct AsciiWord {
    start: usize,
    end: usize,
    digits: bool,
    upper: bool,
}

/// Byte classes of [`CLASS`]: word bytes (ASCII alphanumerics and `$`), digits,
/// upper-case letters, ASCII whitespace (as `char::is_whitespace`), non-ASCII bytes.
const WORD: u8 = 1;
const DIGIT: u8 = 2;
const UPPER: u8 = 4;
const SPACE: u8 = 8;
const HIGH: u8 = 16;

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            HIGH
        } else if byte.is_ascii_digit() {
            WORD | DIGIT
        } else if byte.is_ascii_uppercase() {
            WORD | UPPER
        } else if byte.is_ascii_lowercase() || byte == b'$' {
            WORD
        } else if is_ascii_space(byte) {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Reads the chunk at `start` the general way ([`chunk_words`]); returns its end.
fn slow_chunk(
    text: &str,
    start: usize,
    prefix: &str,
    buf: &mut String,
    sink: &mut dyn FnMut(&str),
) -> usize {
    let bytes = text.as_bytes();
    let mut at = start;
    let (mut ascii, mut at_sign) = (true, false);
    while at < bytes.len() {
        let b = bytes[at];
        if b < 0x80 {
            if is_ascii_space(b) {
                break;
            }
            at_sign |= b == b'@';
            at += 1;
        } else {
            match space_at(text, at) {
                (true, _) => break,
                (false, width) => {
                    ascii = false;
                    at += width;
                }
            }
        }
    }
    chunk_words(&text[start..at], ascii, at_sign, prefix, buf, sink);
    at
}

/// Whether the char at byte `at` (a char boundary) is whitespace, and its width.
fn space_at(text: &str, at: usize) -> (bool, usize) {
    let b = text.as_bytes()[at];
    if b < 0x80 {
        return (is_ascii_space(b), 1);
    }
    let c = text[at..].chars().next().expect("at is a char boundary");
    (c.is_whitespace(), c.len_utf8())
}

/// `char::is_whitespace` for an ASCII byte (it counts the vertical tab, unlike
/// `u8::is_ascii_whitespace`).
const fn is_ascii_space(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0x0b
}

/// The one token of an address chunk.
fn address(prefix: &str, buf: &mut String, sink: &mut dyn FnMut(&str)) {
    buf.clear();
    buf.push_str(prefix);
    buf.push_str("@addr");
    sink(buf);
}

/// The tokens of one whitespace-free chunk.
fn chunk_words(
    chunk: &str,
    ascii: bool,
    at_sign: bool,
    prefix: &str,
    buf: &mut String,
    sink: &mut dyn FnMut(&str),
) {
    if at_sign && is_address(chunk) {
        address(prefix, buf, sink);
        return;
    }
    let lower = chunk.as_bytes();
    if lower.len() > 7
        && (lower[..7].eq_ignore_ascii_case(b"http://")
            || lower[..8.min(lower.len())].eq_ignore_ascii_case(b"https://"))
    {
        return;
    }
    if ascii {
        ascii_words(chunk, prefix, buf, sink);
    } else {
        unicode_words(chunk, prefix, buf, sink);
    }
}

/// [`unicode_words`] for an ASCII chunk, its words read by [`word_at`].
fn ascii_words(chunk: &str, prefix: &str, buf: &mut String, sink: &mut dyn FnMut(&str)) {
    let bytes = chunk.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if CLASS[bytes[at] as usize] & WORD == 0 {
            at += 1;
            continue;
        }
        let word = word_at(bytes, at);
        at = word.end;
        ascii_word(
            &chunk[word.start..word.end],
            word.digits,
            word.upper,
            prefix,
            buf,
            sink,
        );
    }
}

/// The token of one ASCII word (`digits`: all digits; `upper`: has an upper-case
/// letter), if it is long enough.
fn ascii_word(
    word: &str,
    digits: bool,
    upper: bool,
    prefix: &str,
    buf: &mut String,
    sink: &mut dyn FnMut(&str),
) {
    let n = word.len();
    if n < 2 {
        return;
    }
    // Most body words are short and lower-case already: no copy.
    if prefix.is_empty() && !upper && (!digits || n <= 4) && n <= MAX_WORD {
        sink(word);
        return;
    }
    buf.clear();
    buf.push_str(prefix);
    if digits && n > 4 {
        buf.push_str("#num");
    } else if !digits && n > MAX_WORD {
        buf.push_str("#long");
    } else {
        // ASCII by construction; digits and `$` are unchanged by lower-casing.
        buf.push_str(word);
        buf[prefix.len()..].make_ascii_lowercase();
    }
    sink(buf);
}

/// The words of a chunk with non-ASCII letters: split at anything but alphanumerics
/// and `$`, lower-cased char by char.
fn unicode_words(chunk: &str, prefix: &str, buf: &mut String, sink: &mut dyn FnMut(&str)) {
    for word in chunk.split(|c: char| !(c.is_alphanumeric() || c == '$')) {
        let n = word.chars().count();
        if n < 2 {
            continue;
        }
        buf.clear();
        buf.push_str(prefix);
        if word.bytes().all(|b| b.is_ascii_digit()) {
            if n > 4 {
                buf.push_str("#num");
                sink(buf);
                continue;
            }
            buf.push_str(word);
        } else if n > MAX_WORD {
            buf.push_str("#long");
        } else {
            for c in word.chars() {
                buf.extend(c.to_lowercase());
            }
        }
        sink(buf);
    }
}

/// `local@domain` (surrounding punctuation allowed): letters or digits on both sides.
fn is_address(chunk: &str) -> bool {
    let Some((local, domain)) = chunk.split_once('@') else {
        return false;
    };
    local.chars().last().is_some_and(char::is_alphanumeric)
        && domain.chars().next().is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::decoded::{Html, Text};

    fn collect(d: &Decoded, from: Option<&str>) -> Vec<String> {
        let mut out = Vec::new();
        tokens(d, &Links::read(d), from, &mut |t| out.push(t.to_string()));
        out
    }

    fn text(field: TextField, s: &str) -> Text {
        Text {
            field,
            path: String::new(),
            text: s.into(),
        }
    }

    #[test]
    fn words_are_lower_cased_prefixed_and_addresses_folded() {
        let d = Decoded {
            texts: vec![
                text(TextField::Subject, "FREE Money"),
                text(
                    TextField::BodyText,
                    "Dear phishing@pot, click http://evil.example/x now 1234567",
                ),
            ],
            ..Decoded::default()
        };
        let t = collect(&d, Some("a@b.example.ru"));
        for want in [
            "s:free",
            "s:money",
            "dear",
            "@addr",
            "click",
            "now",
            "#num",
            "u:evil.example",
            "u:tld:example",
            "f:text_only",
            "f:links_1",
            "f:from_tld:ru",
        ] {
            assert!(t.iter().any(|x| x == want), "{want} missing from {t:?}");
        }
        assert!(!t.iter().any(|x| x == "pot" || x == "phishing"), "{t:?}");
    }

    /// The body words of a text, as the tokenizer reads a plain body.
    fn body(s: &str) -> Vec<String> {
        let d = Decoded {
            texts: vec![text(TextField::BodyText, s)],
            ..Decoded::default()
        };
        collect(&d, None)
            .into_iter()
            .filter(|t| !t.starts_with("f:"))
            .collect()
    }

    #[test]
    fn openpgp_armor_is_left_out_and_the_signed_text_read() {
        // A clearsigned note laid out as GnuPG writes it (its radix-64 made up here).
        let signed = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nMeet at noon,\nAnna\n\
             -----BEGIN PGP SIGNATURE-----\n\n\
             iQEzBAEBCAAdFiEEq7bD1Wk2nHhX0f5Rz8pF3aVbYc4FAmVq3xYACgkQz8pF3aVb\n\
             Yc6Yqgf/TnV0aGluZyBoZXJlIGJ1dCByYWRpeC02NCBub2lzZSBmb3IgYSB0ZXN0\n\
             =k2Jd\n-----END PGP SIGNATURE-----\nlist footer\n";
        assert_eq!(
            body(signed),
            body("BEGIN PGP SIGNED MESSAGE Hash: SHA256 Meet at noon, Anna list footer")
        );
        // An encrypted message, and a key block cut off before its end line.
        let encrypted = "Hi\n-----BEGIN PGP MESSAGE-----\n\nhQEMA7Xb2kFz1q9LAQf/Wm9uZ2VyIGJ1c2gg\n\
             =Zz9A\n-----END PGP MESSAGE-----\nBye\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n\
             mQENBGVq3xYBCADb2kFz1q9LWm9uZ2VyIGJ1c2gg\n";
        assert_eq!(body(encrypted), body("Hi Bye"));
        // Text that only names armor is read as text.
        assert_eq!(
            body("the -----BEGIN PGP line"),
            ["the", "begin", "pgp", "line"]
        );
        assert_eq!(
            body("see -----BEGIN PGP SIGNATURE----- above"),
            ["see", "begin", "pgp", "signature", "above"]
        );
    }

    #[test]
    fn html_only_with_image_and_ip_link() {
        let d = Decoded {
            html: vec![Html {
                attachment: false,
                path: "1".into(),
                html: r#"<a href="http://192.0.2.1/p"><img src="x.png"></a>"#.into(),
            }],
            ..Decoded::default()
        };
        let t = collect(&d, None);
        for want in ["f:img", "f:html_only", "f:url_ip", "f:from_none"] {
            assert!(t.iter().any(|x| x == want), "{want} missing from {t:?}");
        }
    }

    #[test]
    fn the_ascii_fast_path_splits_as_the_unicode_path_does() {
        let texts = [
            "Hello, World! $100 FREE-money 12345 123 a1b2 x",
            "ends_with_underscore_ word's l33t MiXeD\tcase",
            "averyveryveryverylongwordthatisjunk 0000000000 $$ $a",
            "CamelCase.Dotted.Words;semi:colon(paren)[br]{c}",
        ];
        for text in texts {
            let (mut fast, mut reference) = (Vec::new(), Vec::new());
            let mut buf = String::new();
            ascii_words(text, "p:", &mut buf, &mut |t| fast.push(t.to_string()));
            unicode_words(text, "p:", &mut buf, &mut |t| reference.push(t.to_string()));
            assert_eq!(fast, reference, "{text:?}");
            assert!(!fast.is_empty());
        }
    }

    /// The tokens as specified, slowly: `split_whitespace`, then each chunk an address,
    /// a URL, or words split and lower-cased char by char.
    fn reference_words(text: &str, prefix: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut buf = String::new();
        for chunk in text.split_whitespace() {
            let lower = chunk.to_ascii_lowercase();
            if is_address(chunk) {
                out.push(format!("{prefix}@addr"));
            } else if !(lower.len() > 7
                && (lower.starts_with("http://") || lower.starts_with("https://")))
            {
                unicode_words(chunk, prefix, &mut buf, &mut |t| out.push(t.to_string()));
            }
        }
        out
    }

    fn fast_words(text: &str, prefix: &str) -> Vec<String> {
        let mut out = Vec::new();
        words(text, prefix, &mut String::new(), &mut |t| {
            out.push(t.to_string())
        });
        out
    }

    #[test]
    fn words_read_eight_bytes_at_a_time_end_where_the_byte_table_says() {
        // Every byte at the edges of the classes, in pseudo-random strings.
        let alphabet = b"/09:@AZ[`az{$#_-.\x7f\x80\xc3\xff \t0123456789";
        let tails = crate::random_for_tests::sequences(alphabet, 20_000, 32, 0x2545_f491);
        for (i, tail) in tails.into_iter().enumerate() {
            // A word byte first: `word_at` starts at one.
            let mut bytes = vec![b"09AZaz$"[i % 7]];
            bytes.extend(tail);
            let word = word_at(&bytes, 0);
            let end = bytes
                .iter()
                .position(|&b| CLASS[b as usize] & WORD == 0)
                .unwrap_or(bytes.len());
            let read = &bytes[..end];
            assert_eq!(word.end, end, "{bytes:?}");
            assert_eq!(
                word.digits,
                read.iter().all(u8::is_ascii_digit),
                "{bytes:?}"
            );
            assert_eq!(
                word.upper,
                read.iter().any(u8::is_ascii_uppercase),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn chunks_split_at_unicode_whitespace_like_split_whitespace() {
        let text = "  a1\u{b}b2\u{a0}c3\u{2003}d4\te5\r\nf6\u{1c}g7  éé\u{3000}üü ";
        assert_eq!(
            fast_words(text, ""),
            ["a1", "b2", "c3", "d4", "e5", "f6", "g7", "éé", "üü"]
        );
        assert_eq!(fast_words(text, ""), reference_words(text, ""));
        assert!(fast_words("", "").is_empty());
        assert!(fast_words(" \n ", "").is_empty());
    }

    #[test]
    fn words_match_the_reference_on_hand_made_and_real_text() {
        let mut texts: Vec<String> = [
            "Mail ME at Bob@Example.com, or (x@y) @ a@ @b http://evil.example/x HTTPS://A.b",
            "https:// http://x 12345 1234 $$$ $5 ab\u{85}cd ÀÉÎ naïve STRASSE straße",
            "user@ @host a@b@c x.@y l33t_sp34k a-b-c MiXeD CASE \u{feff}bom",
            // Where the one-pass reader hands a chunk back: a non-ASCII letter after
            // ASCII words, a Unicode space after them, an address after words, chunks
            // that start like a URL and are not, text that ends in one.
            "one,two,naïve three,four\u{a0}five,six words,then@mail.example end",
            "httpd-config HTTPX hTTp:/x http:// https:/ ab,cd@ @ef,gh http:",
            "trailing http://x",
            "FOO$BAR 99999,12 ab",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for folder in ["spamassassin-public/spam", "spamassassin-public/easy_ham"] {
            for f in crate::corpora_for_tests::corpus_files(folder)
                .iter()
                .take(150)
            {
                texts.push(String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned());
            }
        }
        let mut tokens = 0;
        for text in &texts {
            let fast = fast_words(text, "p:");
            assert_eq!(fast, reference_words(text, "p:"), "{text:?}");
            tokens += fast.len();
        }
        assert!(tokens > 50_000, "only {tokens} tokens compared");
    }

    #[test]
    fn the_body_read_is_the_one_shown_html_before_its_plain_alternative() {
        let html_text = text(TextField::BodyHtml, "onlyinhtml words of the shown body");
        let plain = text(TextField::BodyText, "onlyinplain words of the alternative");
        let d = Decoded {
            texts: vec![plain.clone(), html_text],
            ..Decoded::default()
        };
        let t = collect(&d, None);
        assert!(t.iter().any(|t| t == "onlyinhtml"), "{t:?}");
        assert!(!t.iter().any(|t| t == "onlyinplain"), "{t:?}");
        let d = Decoded {
            texts: vec![plain],
            ..Decoded::default()
        };
        assert!(collect(&d, None).iter().any(|t| t == "onlyinplain"));
    }

    #[test]
    fn long_texts_are_cut_at_a_char_boundary() {
        let s = "é".repeat(MAX_TEXT);
        assert!(capped(&s).len() <= MAX_TEXT);
        assert!(capped("short") == "short");
    }
}
