//! HTML as the text a person reads. mail-parser's `html_to_text` drops tags, `<head>`,
//! `<style>`, `<script>` and decodes entities, but ends a comment only at exactly `-->`:
//! a comment closed by `--->` (common in real mail, and used by spam to hide words
//! from filters: `subscr<!---->iber`) swallows the rest of the document. Comments are
//! therefore removed first, by the HTML5 rules: `<!-->` and `<!--->` end at once, others
//! at the first `-->` or `--!>`, an unclosed one runs to the end.

use std::borrow::Cow;

use mail_parser::decoders::html::html_to_text;
use memchr::memmem;

/// The text of an HTML document.
pub fn html_text(html: &str) -> String {
    html_to_text(&without_comments(html))
}

fn without_comments(html: &str) -> Cow<'_, str> {
    let open = memmem::Finder::new("<!--");
    if open.find(html.as_bytes()).is_none() {
        return Cow::Borrowed(html);
    }
    let close = memmem::Finder::new("-->");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = open.find(rest.as_bytes()) {
        out.push_str(&rest[..start]);
        let body = &rest[start + 4..];
        let end = if body.starts_with('>') {
            1
        } else if body.starts_with("->") {
            2
        } else {
            // `--!>` also ends a comment; it is only looked for before the first `-->`,
            // so every byte is scanned once however many comments there are.
            let closed = close.find(body.as_bytes());
            let before = &body.as_bytes()[..closed.unwrap_or(body.len())];
            match (memmem::find(before, b"--!>"), closed) {
                (Some(bang), _) => bang + 4,
                (None, Some(at)) => at + 3,
                (None, None) => body.len(),
            }
        };
        // Nothing is shown for a comment: `subscr<!---->iber` reads "subscriber".
        rest = &body[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_end_by_the_html5_rules() {
        let text = html_text("<p>subscr<!---->iber</p><!----- Top -----><p>mailing list</p>");
        assert!(text.contains("subscriber"), "{text:?}");
        assert!(text.contains("mailing list"), "{text:?}");
        assert!(!html_text("a<!-- hidden --!>b").contains("hidden"));
        assert!(html_text("a<!-->b").contains('b'));
        assert!(!html_text("a<!--#rotate> never closed").contains("never"));
    }
}
