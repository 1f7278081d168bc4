//! HTML as the text a person reads: tags dropped, character references decoded, the
//! contents of `<head>`, `<style>`, `<script>` and `<template>` dropped, comments dropped
//! by the HTML5 rules, and a line break where a block element (`<p>`, `<div>`, `<td>`,
//! `<br>`, …) separates words on screen; inline tags (`in<b>voice</b>`) join them.
//!
//! Ours rather than mail-parser's `html_to_text`, which ends a comment only at exactly
//! `-->` (a comment closed by `--->`, common in real mail and used by spam to hide words:
//! `subscr<!---->iber`, swallows the rest of the page), drops everything after a `<head>`
//! that is never closed, and walks the page a byte at a time: this one copies text runs
//! whole between `memchr` hits, which matters at search speed. Character references are
//! decoded by mail-parser's own `add_html_token` (its entity table).

use mail_parser::decoders::html::add_html_token;
use memchr::{memchr, memchr2, memmem};

/// Elements whose contents are not shown.
const HIDDEN: [&[u8]; 4] = [b"head", b"style", b"script", b"template"];

/// Whether an element starts on a new line when rendered. A `match` on the lower-cased
/// name: comparing it with each of the thirty names in turn was a quarter of the time
/// this module takes, every tag of every HTML body going through it.
fn is_block(name: &[u8]) -> bool {
    let mut lower = [0u8; 10];
    let Some(lower) = lower.get_mut(..name.len()) else {
        return false;
    };
    for (l, b) in lower.iter_mut().zip(name) {
        *l = b.to_ascii_lowercase();
    }
    matches!(
        &*lower,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"br"
            | b"center"
            | b"dd"
            | b"div"
            | b"dl"
            | b"dt"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"header"
            | b"hr"
            | b"li"
            | b"ol"
            | b"p"
            | b"pre"
            | b"section"
            | b"table"
            | b"td"
            | b"th"
            | b"tr"
            | b"ul"
    )
}

/// The text of an HTML document.
pub fn html_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while i < bytes.len() {
        let next = memchr2(b'<', b'&', &bytes[i..]).map_or(bytes.len(), |k| i + k);
        out.push_str(&html[i..next]);
        i = next;
        match bytes.get(i) {
            None => break,
            Some(b'&') => i = reference(bytes, i, &mut out),
            Some(_) => i = markup(bytes, i, &mut out),
        }
    }
    out
}

/// A character reference at `i` (`&amp;`, `&#47;`, `&#x2F;`), decoded; a lone `&` is
/// text. Returns where the text goes on.
fn reference(bytes: &[u8], i: usize, out: &mut String) -> usize {
    let name = &bytes[i + 1..bytes.len().min(i + 34)];
    let len = name
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'#'))
        .unwrap_or(name.len());
    if len > 0 && name.get(len) == Some(&b';') {
        add_html_token(out, &bytes[i..i + len + 2], false);
        i + len + 2
    } else {
        out.push('&');
        i + 1
    }
}

/// Markup at `i` (a `<`): a comment, a tag, or a `<` that is just text. Returns where
/// the text goes on.
fn markup(bytes: &[u8], i: usize, out: &mut String) -> usize {
    let rest = &bytes[i..];
    if rest.starts_with(b"<!--") {
        return i + 4 + comment_len(&rest[4..]);
    }
    let closing = rest.get(1) == Some(&b'/');
    let name_at = i + 1 + usize::from(closing);
    let name_len = bytes[name_at..]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(bytes.len() - name_at);
    let declaration = matches!(rest.get(1), Some(b'!' | b'?'));
    if name_len == 0 && !declaration {
        out.push('<');
        return i + 1;
    }
    let name = &bytes[name_at..name_at + name_len];
    let end = memchr(b'>', &bytes[name_at..]).map_or(bytes.len(), |k| name_at + k + 1);
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    if is_block(name) {
        out.push('\n');
    }
    if !closing && bytes[..end].ends_with(b"/>") {
        return end;
    }
    match HIDDEN.iter().find(|h| is(h)) {
        // A `<head>` inside the body is ignored, as browsers do (HTML5 "in body").
        Some(&b"head") if body_started(&bytes[..i]) => end,
        Some(hidden) if !closing => end + hidden_len(&bytes[end..], hidden),
        _ => end,
    }
}

/// Whether a `<body` tag comes before (only asked at a `<head>` tag, which is rare).
fn body_started(before: &[u8]) -> bool {
    before
        .windows(5)
        .any(|w| w[0] == b'<' && w[1..].eq_ignore_ascii_case(b"body"))
}

/// The length of a comment's body and end after `<!--`: `<!-->` and `<!--->` end at
/// once, others at the first `-->` or `--!>`, an unclosed one at the end of the page.
fn comment_len(body: &[u8]) -> usize {
    if body.starts_with(b">") {
        return 1;
    }
    if body.starts_with(b"->") {
        return 2;
    }
    let closed = memmem::find(body, b"-->");
    let before = &body[..closed.unwrap_or(body.len())];
    match (memmem::find(before, b"--!>"), closed) {
        (Some(bang), _) => bang + 4,
        (None, Some(at)) => at + 3,
        (None, None) => body.len(),
    }
}

/// How much of `rest` (after a hidden element's start tag) the element's contents and
/// end tag take. `<script>`, `<style>` and `<template>` run to their end tag or the end
/// of the page; a `<head>` never closed ends where `<body` starts, or is not hidden.
fn hidden_len(rest: &[u8], name: &[u8]) -> usize {
    let mut from = 0;
    while let Some(k) = memchr(b'<', &rest[from..]) {
        let at = from + k;
        let tag = &rest[at + 1..];
        let ends = tag.starts_with(b"/")
            && tag.len() > name.len()
            && tag[1..=name.len()].eq_ignore_ascii_case(name);
        if ends {
            return memchr(b'>', &rest[at..]).map_or(rest.len(), |e| at + e + 1);
        }
        if name == b"head" && tag.len() >= 4 && tag[..4].eq_ignore_ascii_case(b"body") {
            return at;
        }
        from = at + 1;
    }
    if name == b"head" {
        0
    } else {
        rest.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(html: &str) -> String {
        html_text(html)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn drops_tags_and_hidden_elements_and_decodes_references() {
        assert_eq!(
            words("<html><head><title>T</title><style>p{}</style></head><body><p>Pay &amp; go &#112;ass&#x77;ord&nbsp;now</p><script>var x='<p>';</script>in<b>voice</b> 3 &lt; 4 & 5</body>"),
            "Pay & go password now invoice 3 < 4 & 5"
        );
    }

    /// The block elements of the HTML rendering rules we follow, in any case; inline
    /// elements, longer or shorter names and empty names are not.
    #[test]
    fn block_names_in_any_case() {
        let blocks = "address article aside blockquote br center dd div dl dt footer form \
                      h1 h2 h3 h4 h5 h6 header hr li ol p pre section table td th tr ul";
        for name in blocks.split_whitespace() {
            for spelled in [name.to_string(), name.to_uppercase(), capitalised(name)] {
                assert!(is_block(spelled.as_bytes()), "{spelled}");
            }
        }
        for name in [
            "",
            "a",
            "b",
            "span",
            "img",
            "font",
            "tbody",
            "blockquotes",
            "p1",
            "h7",
        ] {
            assert!(!is_block(name.as_bytes()), "{name}");
        }
    }

    fn capitalised(name: &str) -> String {
        name[..1].to_uppercase() + &name[1..]
    }

    #[test]
    fn block_elements_separate_words() {
        assert_eq!(
            html_text("<td>Name</td><td>Value</td>"),
            "\nName\n\nValue\n"
        );
        assert_eq!(words("a<br/>b<div>c</div>d"), "a b c d");
    }

    #[test]
    fn comments_end_by_the_html5_rules() {
        let text = words("<p>subscr<!---->iber</p><!----- Top -----><p>mailing list</p>");
        assert_eq!(text, "subscriber mailing list");
        assert_eq!(words("a<!-- hidden --!>b"), "ab");
        assert_eq!(words("a<!-->b<!--->c"), "abc");
        assert_eq!(words("a<!--#rotate> never closed"), "a");
    }

    #[test]
    fn an_unclosed_head_ends_at_the_body() {
        assert_eq!(words("<head><title>x</title><body>shown"), "shown");
        assert_eq!(words("<head>no body tag, shown"), "no body tag, shown");
        assert_eq!(words("<script>never closed"), "");
        assert_eq!(
            words("<body><head><title>x</title>Unsubscribe</head>"),
            "xUnsubscribe"
        );
    }
}
