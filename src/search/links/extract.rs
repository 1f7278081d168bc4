//! Finding links in a message's parts: bare URLs in text, link attributes and text of
//! HTML, and header values (List-Unsubscribe's `<…>` lists and bare URLs). Each function
//! returns the links as written (entities decoded, not normalised), each once, in the
//! order first seen.

use std::collections::HashSet;

use super::html::{self, Piece};
use super::normalize::is_link_start;
use super::starts::UrlStarts;

/// HTML attributes whose whole value is a link (where a click, a form or a remote image
/// goes). Other attributes are searched for bare URLs like text (`style`'s `url(…)`, a
/// refresh `<meta content="0;url=…">`).
const LINK_ATTRIBUTES: [&str; 9] = [
    "href",
    "src",
    "action",
    "formaction",
    "background",
    "poster",
    "data-href",
    "data-src",
    "xlink:href",
];

/// Bare `http://`, `https://`, `ftp://` and `www.` URLs in text. A URL ends at
/// whitespace, a control character, one of `<>"'`` ` `` or a closing bracket it did not
/// open; trailing punctuation (`.,;:!?`, closing quotes) is not part of it.
pub fn urls_in_text(text: &str) -> Vec<String> {
    let mut found = Found::default();
    scan_text(text, &mut found);
    found.urls
}

/// Links in an HTML part: the values of link attributes (`href`, `src`, `action`,
/// `formaction`, `background`, `poster`, `data-href`, `data-src`, `xlink:href`; any
/// quoting, any case, entities decoded) that are web links (so not `mailto:`,
/// `javascript:`, `cid:`, `data:`, `#anchors` or relative paths), then bare URLs in the
/// text and in other attributes' values.
pub fn urls_in_html(html: &str) -> Vec<String> {
    let mut found = Found::default();
    let mut text = String::with_capacity(html.len() / 2);
    html::read(html, |piece| match piece {
        Piece::Attribute { name, value } => {
            if LINK_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(name)) {
                // Browsers drop tabs and newlines anywhere in a URL (the WHATWG parser
                // does), a trick used to hide links from filters.
                let link: String = value
                    .trim_matches(|c: char| c <= ' ')
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect();
                if is_link_start(&link) {
                    found.push(&link);
                }
            } else {
                text.push(' ');
                text.push_str(&value);
                text.push(' ');
            }
        }
        Piece::Text(t) => text.push_str(&t),
    });
    scan_text(&text, &mut found);
    found.urls
}

/// Links in a header value: `<…>` entries that are web links (List-Unsubscribe,
/// List-Archive, …; folding whitespace inside the brackets removed), then bare URLs in
/// the rest.
pub fn urls_in_header(value: &str) -> Vec<String> {
    let mut found = Found::default();
    let mut outside = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        outside.push_str(&rest[..open]);
        let inside = &rest[open + 1..];
        let Some(close) = inside.find('>') else {
            outside.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let link: String = inside[..close]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if is_link_start(&link) {
            found.push(&link);
        } else {
            // Not a link itself (a Message-ID, a mailto:), but text all the same.
            outside.push(' ');
            outside.push_str(&inside[..close]);
        }
        outside.push(' ');
        rest = &inside[close + 1..];
    }
    outside.push_str(rest);
    scan_text(&outside, &mut found);
    found.urls
}

/// Links found so far: each once, in first-seen order.
#[derive(Default)]
struct Found {
    urls: Vec<String>,
    seen: HashSet<String>,
}

impl Found {
    fn push(&mut self, url: &str) {
        if !self.seen.contains(url) {
            self.seen.insert(url.to_owned());
            self.urls.push(url.to_owned());
        }
    }
}

fn scan_text(text: &str, found: &mut Found) {
    let mut starts = UrlStarts::new(text);
    let mut pos = 0;
    while let Some(m) = starts.next_from(pos) {
        let start = m.at;
        pos = m.end;
        // "www." must start a word: not "xwww.", not the host of "user@www.…".
        if m.www
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@' | '/'))
        {
            continue;
        }
        let end = start + url_length(&text[start..]);
        let url = trim_trailing(&text[start..end]);
        if url.len() > m.end - m.at {
            found.push(url);
            pos = pos.max(start + url.len());
        }
    }
}

/// Where a URL starting `s` ends: at whitespace, a control character, one of
/// `<>"'`` ` ``, or a closing bracket that closes nothing opened in the URL (the one
/// around `(https://a.example/x)`, or Markdown's `[![img](https://…)](https://…)`),
/// while `https://en.wikipedia.org/wiki/A_(b)` stays whole.
fn url_length(s: &str) -> usize {
    let mut depth = [0usize; 3];
    for (at, c) in s.char_indices() {
        let bracket = match c {
            '(' | ')' => 0,
            '[' | ']' => 1,
            '{' | '}' => 2,
            c if c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '\'' | '`') =>
            {
                return at;
            }
            _ => continue,
        };
        if matches!(c, '(' | '[' | '{') {
            depth[bracket] += 1;
        } else if depth[bracket] == 0 {
            return at;
        } else {
            depth[bracket] -= 1;
        }
    }
    s.len()
}

/// Cuts what ends a sentence rather than the URL: punctuation and closing quotes.
fn trim_trailing(url: &str) -> &str {
    url.trim_end_matches([
        '.', ',', ';', ':', '!', '?', '\u{201D}', '\u{2019}', '\u{BB}', '\u{3002}', '\u{FF0C}',
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_urls_stop_at_whitespace_brackets_and_quotes() {
        assert_eq!(
            urls_in_text("see https://a.example/x?y=1 and <http://b.example/p>, \"ftp://c.example/f\" 'www.d.example'"),
            ["https://a.example/x?y=1", "http://b.example/p", "ftp://c.example/f", "www.d.example"]
        );
    }

    #[test]
    fn text_urls_lose_trailing_punctuation() {
        assert_eq!(
            urls_in_text("Go to https://a.example/x. Or https://b.example/y, https://c.example/z; https://d.example/!?"),
            ["https://a.example/x", "https://b.example/y", "https://c.example/z", "https://d.example/"]
        );
        assert_eq!(
            urls_in_text("(see https://a.example/x)."),
            ["https://a.example/x"]
        );
        assert_eq!(
            urls_in_text("[https://a.example/x]"),
            ["https://a.example/x"]
        );
        assert_eq!(
            urls_in_text("https://en.wikipedia.org/wiki/A_(b) and (https://w.example/A_(b))"),
            [
                "https://en.wikipedia.org/wiki/A_(b)",
                "https://w.example/A_(b)"
            ]
        );
        assert_eq!(
            urls_in_text("“https://a.example/q”。"),
            ["https://a.example/q"]
        );
        // Markdown image inside a link: two URLs, neither with the other's brackets.
        assert_eq!(
            urls_in_text("[![v](https://i.example/v.jpg)](http://go.example/97Q)"),
            ["https://i.example/v.jpg", "http://go.example/97Q"]
        );
        assert_eq!(
            urls_in_text("{https://a.example/{id}}"),
            ["https://a.example/{id}"]
        );
    }

    #[test]
    fn www_needs_a_word_boundary_and_something_after_it() {
        assert_eq!(
            urls_in_text("WWW.A.example xwww.b.example me@www.c.example www."),
            ["WWW.A.example"]
        );
    }

    #[test]
    fn text_urls_are_reported_once_and_nested_starts_are_not_separate() {
        assert_eq!(
            urls_in_text(
                "http://a.example/?u=https://b.example/ http://a.example/?u=https://b.example/"
            ),
            ["http://a.example/?u=https://b.example/"]
        );
        assert_eq!(
            urls_in_text("HTTPS://A.example/ https://a.example/"),
            ["HTTPS://A.example/", "https://a.example/"]
        );
        assert!(urls_in_text("http:// nothing https://").is_empty());
    }

    #[test]
    fn html_link_attributes_with_entities_and_odd_quoting() {
        let html = concat!(
            "<a HREF=\"https://a.example/?x=1&amp;y=2\">one</a>",
            "<img src='https:&#x2F;&#x2F;b.example&#47;i.png'>",
            "<form action=https://c.example/post><button FormAction=\"//d.example/f\">",
            "<td background=\" https://e.example/bg.gif\n\">",
            "<a data-href=\"https://f.example/\">",
            "<a href=\"htt&#9;ps://g.exa&#10;mple/\">",
        );
        assert_eq!(
            urls_in_html(html),
            [
                "https://a.example/?x=1&y=2",
                "https://b.example/i.png",
                "https://c.example/post",
                "//d.example/f",
                "https://e.example/bg.gif",
                "https://f.example/",
                "https://g.example/",
            ]
        );
    }

    #[test]
    fn html_skips_non_web_links() {
        let html = concat!(
            "<a href=\"mailto:a@b.example\">m</a><a href='javascript:go()'>j</a>",
            "<img src=\"cid:part1@x\"><img src=\"data:image/png;base64,AAAA\">",
            "<a href=\"#top\">t</a><a href=\"/relative\">r</a><a href>e</a>",
        );
        assert!(urls_in_html(html).is_empty());
    }

    #[test]
    fn html_text_and_other_attributes_are_searched_for_bare_urls() {
        let html = concat!(
            "<p>Visit https://a.example/x?a=1&amp;b=2.</p>",
            "<div style=\"background:url(https://b.example/bg.png)\">",
            "<meta http-equiv=refresh content=\"0;url=https://c.example/go\">",
            "<a href=\"https://d.example/\">https://d.example/</a>",
            "<!-- www.e.example -->",
        );
        assert_eq!(
            urls_in_html(html),
            [
                "https://d.example/",
                "https://a.example/x?a=1&b=2",
                "https://b.example/bg.png",
                "https://c.example/go",
                "www.e.example",
            ]
        );
    }

    #[test]
    fn header_lists_and_bare_urls() {
        assert_eq!(
            urls_in_header(
                "<mailto:unsub@a.example?subject=x>, <https://a.example/unsub?id=1\r\n 23>"
            ),
            ["https://a.example/unsub?id=123"]
        );
        assert_eq!(
            urls_in_header(
                "Click https://b.example/x (or <https://c.example/y>) <id@www.m.example>"
            ),
            ["https://c.example/y", "https://b.example/x"]
        );
        assert_eq!(
            urls_in_header("<https://d.example/ unclosed"),
            ["https://d.example/"]
        );
    }
}
