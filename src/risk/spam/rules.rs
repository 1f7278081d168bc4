//! The spam rule signals: what a message shows that the text classifier does not see
//! well. Each signal names its rule, says what it saw and carries a weight added to the
//! classifier's log-odds (GTUBE is certain and decides alone).

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::message::decoded::{Decoded, SenderField, TextField};

/// The GTUBE test string (SpamAssassin's, understood by every spam filter).
pub const GTUBE: &str = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
/// Bytes of one raw HTML body examined for hidden text.
const MAX_HTML: usize = 256 * 1024;
/// Letters of hidden text from which the signal fires (a preheader is shorter).
const HIDDEN_MIN: usize = 60;
/// Visible letters of an HTML body below which an image-only body is "image-only".
const IMAGE_TEXT_MAX: usize = 40;

/// One rule signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub rule: &'static str,
    pub detail: String,
    /// Added to the classifier's spam log-odds.
    pub weight: f32,
}

/// Every signal of a message.
pub fn signals(decoded: &Decoded, out: &mut Vec<Signal>) {
    gtube(decoded, out);
    hidden_text(decoded, out);
    image_only(decoded, out);
    url_ip(decoded, out);
    header_anomalies(decoded, out);
    sender_name(decoded, out);
}

fn gtube(d: &Decoded, out: &mut Vec<Signal>) {
    let hit = d
        .texts
        .iter()
        .filter(|t| matches!(t.field, TextField::BodyText | TextField::BodyHtml))
        .any(|t| GTUBE_FINDER.find(t.text.as_bytes()).is_some());
    if hit {
        out.push(Signal {
            rule: "spam.gtube",
            detail: "the GTUBE anti-spam test string is in the body".into(),
            weight: 0.0,
        });
    }
}

/// Built once: building a searcher per message cost more than the search.
static GTUBE_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(GTUBE));

/// Letters inside elements styled invisible (`display:none`, `visibility:hidden`,
/// `font-size:0`/`1px`, white text): text a filter reads but a person does not.
fn hidden_text(d: &Decoded, out: &mut Vec<Signal>) {
    let mut hidden = 0usize;
    let mut sample = String::new();
    for h in d.html.iter().filter(|h| !h.attachment) {
        let html = &h.html.as_bytes()[..h.html.len().min(MAX_HTML)];
        for tag in styled_tags(html) {
            let at = tag.end + 1;
            let tag = &html[tag];
            if tag.len() < 8 || !hides(tag) {
                continue;
            }
            let end = memchr::memchr(b'<', &html[at..]).map_or(html.len(), |i| at + i);
            let text = String::from_utf8_lossy(&html[at..end]);
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            if letters > 0 && sample.is_empty() {
                sample = text
                    .split_whitespace()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            hidden += letters;
        }
    }
    if hidden >= HIDDEN_MIN {
        out.push(Signal {
            rule: "spam.html_hidden_text",
            detail: format!(
                "{hidden} letters of text styled invisible in the HTML, e.g. {sample:?}"
            ),
            weight: 1.5,
        });
    }
}

/// Styles that hide text, as name and value: matched in a tag with whitespace and
/// quotes removed and lower-cased, as `name:value`.
const HIDING_STYLES: [(&[u8], &[u8]); 8] = [
    (b"display", b"none"),
    (b"visibility", b"hidden"),
    (b"font-size", b"0;"),
    (b"font-size", b"0px"),
    (b"font-size", b"1px"),
    (b"color", b"#ffffff;"),
    (b"color", b"#fff;"),
    (b"color", b"white;"),
];

/// The tags (from a `<` to before the next `>`, as a scan from tag to tag cuts them)
/// that have `tyle` or `olor` in any case: in `style`, `color`, `bgcolor`, `STYLE` (old
/// HTML mail writes attributes in capitals), as every style [`hides`] looks for has.
/// Found from those words, not by visiting every tag: most tags (`<br>`, `</td>`,
/// links) have neither, and two searches per tag cost more than the rest of the spam
/// rules. A word in text between tags is passed over; a `<` never closed ends the tags,
/// as it ends a scan from tag to tag.
fn styled_tags(html: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    // `| 0x20` lower-cases a letter and maps no other byte onto one: the words are
    // found by SIMD searches in the folded copy, at the same places as in `html`.
    let folded: Vec<u8> = html.iter().map(|b| b | 0x20).collect();
    let mut words: Vec<usize> = memchr::memmem::find_iter(&folded, b"tyle")
        .chain(memchr::memmem::find_iter(&folded, b"olor"))
        .collect();
    words.sort_unstable();
    // Where a scan from tag to tag would be between tags.
    let mut resume = 0;
    let mut words = words.into_iter();
    std::iter::from_fn(move || loop {
        let word = words.next()?;
        if word < resume {
            continue;
        }
        // The tag holding the word begins at the first `<` after the last `>` before it.
        let after_last_close =
            memchr::memrchr(b'>', &html[resume..word]).map_or(resume, |i| resume + i + 1);
        let Some(open) = memchr::memchr(b'<', &html[after_last_close..word]) else {
            resume = word;
            continue;
        };
        let close = word + memchr::memchr(b'>', &html[word..])?;
        resume = close + 1;
        return Some(after_last_close + open..close);
    })
}

/// Whether a tag has a word every hiding style has (`none`, `hidden`, `size`, `fff`,
/// `white`, any case) as written: a style that only its blanks cut (`dis play:no ne`)
/// hides nothing, as the rule has always read tags. A plain loop: tags are short, and
/// an automaton's start-up cost per tag was more than the whole check.
fn has_hiding_word(tag: &[u8]) -> bool {
    const WORDS: [&[u8]; 5] = [b"none", b"hidden", b"size", b"fff", b"white"];
    (0..tag.len()).any(|i| {
        let rest = &tag[i..];
        // `| 0x20` lower-cases a letter: most bytes start none of the words.
        matches!(rest[0] | 0x20, b'n' | b'h' | b's' | b'f' | b'w')
            && WORDS
                .iter()
                .any(|w| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w))
    })
}

/// Whether a start tag's style makes its text invisible: read without whitespace and
/// quotes and lower-cased, it has one of [`HIDING_STYLES`] or ends with `font-size:0`
/// (`style="font-size:0"`).
fn hides(tag: &[u8]) -> bool {
    // The cheaper test first: a few looks around each colon, where stepping an automaton
    // over every byte of every styled tag was a third of the spam rules' time.
    hiding_style(tag) && has_hiding_word(tag)
}

/// Whether `tag`, read without whitespace and quotes and lower-cased, has one of
/// [`HIDING_STYLES`] in it or ends with `font-size:0` or `font-size:0/`. Every style is
/// a name, a colon and a value, so each is looked for around the tag's colons: the
/// name just before one, the value just after. Most colons of a style end a name no
/// hiding style has (`font-family`, `margin`) or begin a value none has (`block`,
/// `Arial`): one byte on each side tells.
fn hiding_style(tag: &[u8]) -> bool {
    /// Bytes read on each side: the longest name (`visibility`) and, after the colon,
    /// the longest value (`#ffffff;`) and one more, to tell `0` at the end from `0px`.
    const BEFORE: usize = 10;
    const AFTER: usize = 9;
    for colon in memchr::memchr_iter(b':', tag) {
        let (last, before_any) = styled_bytes::<1>(tag[..colon].iter().rev());
        let (first, after_any) = styled_bytes::<1>(tag[colon + 1..].iter());
        if before_any == 0 || after_any == 0 {
            continue;
        }
        let (last, first) = (last[0], first[0]);
        let may_hide = HIDING_STYLES
            .iter()
            .any(|(name, value)| name.last() == Some(&last) && value.first() == Some(&first));
        if !may_hide {
            continue;
        }
        let (before, before_len) = styled_bytes::<BEFORE>(tag[..colon].iter().rev());
        let (after, after_len) = styled_bytes::<AFTER>(tag[colon + 1..].iter());
        let name_before =
            |name: &[u8]| before_len >= name.len() && before[..name.len()].iter().rev().eq(name);
        let hidden = HIDING_STYLES
            .iter()
            .any(|(name, value)| name_before(name) && after[..after_len].starts_with(value));
        // At the end: nothing but `0` or `0/` after the colon (fewer than `AFTER` bytes
        // read means the tag ended).
        let ends_at_zero = matches!(&after[..after_len], b"0" | b"0/");
        if hidden || (ends_at_zero && name_before(b"font-size")) {
            return true;
        }
    }
    false
}

/// The first `N` bytes of `bytes` that are neither whitespace nor quotes, lower-cased,
/// and how many there are.
fn styled_bytes<'a, const N: usize>(bytes: impl Iterator<Item = &'a u8>) -> ([u8; N], usize) {
    let mut out = [0u8; N];
    let mut len = 0;
    for &b in bytes.filter(|&&b| !unstyled(b)).take(N) {
        out[len] = b.to_ascii_lowercase();
        len += 1;
    }
    (out, len)
}

/// Bytes a style is read without: whitespace and quotes.
fn unstyled(b: u8) -> bool {
    b.is_ascii_whitespace() || b == b'"' || b == b'\''
}

/// An HTML body that is pictures with (almost) no words, and no real text body.
fn image_only(d: &Decoded, out: &mut Vec<Signal>) {
    let bodies: Vec<_> = d.html.iter().filter(|h| !h.attachment).collect();
    if bodies.is_empty() {
        return;
    }
    // Counted only up to one past the bound: whether there are more is all that
    // matters, and a long body would otherwise be read to its end. Read before the
    // images are counted: most bodies have words, and their HTML is then not searched.
    let letters = |field: TextField| -> usize {
        d.texts
            .iter()
            .filter(|t| t.field == field)
            .flat_map(|t| t.text.chars())
            .filter(|c| c.is_alphabetic())
            .take(IMAGE_TEXT_MAX + 1)
            .count()
    };
    let visible = letters(TextField::BodyHtml);
    if visible > IMAGE_TEXT_MAX || letters(TextField::BodyText) > IMAGE_TEXT_MAX {
        return;
    }
    let images: usize = bodies
        .iter()
        .map(|h| {
            let b = h.html.as_bytes();
            memchr::memmem::find_iter(b, b"<img").count()
                + memchr::memmem::find_iter(b, b"<IMG").count()
        })
        .sum();
    if images > 0 {
        out.push(Signal {
            rule: "spam.image_only",
            detail: format!("HTML body of {images} image(s) and {visible} letters of text"),
            weight: 1.5,
        });
    }
}

/// A link whose host is a bare IP address (`http://203.0.113.7/…`): read straight off
/// the bodies after each `://`, without parsing every link.
fn url_ip(d: &Decoded, out: &mut Vec<Signal>) {
    let bodies = d
        .html
        .iter()
        .filter(|h| !h.attachment)
        .map(|h| &h.html[..floor(&h.html, MAX_HTML)])
        .chain(
            d.texts
                .iter()
                .filter(|t| t.field == TextField::BodyText)
                .map(|t| &t.text[..floor(&t.text, MAX_HTML)]),
        );
    for body in bodies {
        for at in memchr::memmem::find_iter(body.as_bytes(), b"://").take(256) {
            let rest = &body[at + 3..];
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b'.')
                .count();
            // ASCII digits and dots: `len` bytes are whole chars.
            let host = &rest[..len];
            if host.parse::<std::net::Ipv4Addr>().is_ok() {
                out.push(Signal {
                    rule: "spam.url_ip",
                    detail: format!("links to a bare IP address ({host:?})"),
                    weight: 1.0,
                });
                return;
            }
        }
    }
}

/// The largest char boundary at or below `max`.
fn floor(s: &str, max: usize) -> usize {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Header fields a sending program always writes, missing or malformed.
fn header_anomalies(d: &Decoded, out: &mut Vec<Signal>) {
    let field = |name: &str| d.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name));
    let mut missing = Vec::new();
    match field("message-id") {
        None => missing.push("no Message-ID"),
        Some(h) if !(h.value.contains('@') && h.value.contains('<')) => {
            missing.push("malformed Message-ID")
        }
        Some(_) => {}
    }
    if field("date").is_none() {
        missing.push("no Date");
    }
    if field("to").is_none() {
        missing.push("no To");
    }
    if !missing.is_empty() {
        out.push(Signal {
            rule: "spam.header_anomaly",
            detail: missing.join(", "),
            weight: 0.5 * missing.len().min(2) as f32,
        });
    }
}

/// A display name that shows an address other than the From address.
fn sender_name(d: &Decoded, out: &mut Vec<Signal>) {
    let Some(from) = d.senders.iter().find(|(f, _)| *f == SenderField::From) else {
        return;
    };
    let Some(h) = d
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("from"))
    else {
        return;
    };
    let Some((name, _)) = h.value.rsplit_once('<') else {
        return;
    };
    let shown = name
        .split(|c: char| c.is_whitespace() || c == '"' || c == '(' || c == ')')
        .find(|w| w.contains('@') && w.contains('.'));
    if let Some(shown) = shown {
        if !shown.eq_ignore_ascii_case(&from.1) {
            out.push(Signal {
                rule: "spam.sender_name_address",
                detail: format!("display name shows {shown:?}, the address is {:?}", from.1),
                weight: 1.0,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::decoded::{HeaderText, Html, Text};

    fn rules(d: &Decoded) -> Vec<&'static str> {
        let mut v = Vec::new();
        signals(d, &mut v);
        v.into_iter().map(|s| s.rule).collect()
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<HeaderText> {
        pairs
            .iter()
            .map(|(n, v)| HeaderText {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect()
    }

    fn normal_headers() -> Vec<HeaderText> {
        headers(&[
            ("Message-ID", "<a@b.example>"),
            ("Date", "Mon, 1 Jan 2024 00:00:00 +0000"),
            ("To", "x@y.example"),
        ])
    }

    fn html(h: &str, visible: &str) -> Decoded {
        Decoded {
            headers: normal_headers(),
            html: vec![Html {
                attachment: false,
                path: "1".into(),
                html: h.into(),
            }],
            texts: vec![Text {
                field: TextField::BodyHtml,
                path: "1".into(),
                text: visible.into(),
            }],
            ..Decoded::default()
        }
    }

    #[test]
    fn gtube_fires_in_a_body_only_when_whole() {
        let mut d = html("<p>x</p>", &format!("test {GTUBE} end"));
        assert!(rules(&d).contains(&"spam.gtube"));
        d.texts[0].text = GTUBE[..40].to_string();
        assert!(!rules(&d).contains(&"spam.gtube"));
    }

    #[test]
    fn hiding_words_are_found_in_any_case() {
        assert!(has_hiding_word(b"<div style=\"DISPLAY: NONE\""));
        assert!(has_hiding_word(b"<p style='font-Size:0'"));
        assert!(has_hiding_word(b"<span style=\"color:#FFF;\""));
        assert!(has_hiding_word(b"<td style=\"color:White\""));
        assert!(!has_hiding_word(b"<div style=\"display:block;color:#000\""));
        assert!(!has_hiding_word(b"nonx hidde siz ff whit"));
    }

    /// The tags with `tyle` or `olor` as a scan from tag to tag finds them: the way the
    /// rule read every tag before it searched for the words.
    fn styled_tags_by_scan(html: &[u8]) -> Vec<Range<usize>> {
        let styled = |tag: &[u8]| {
            tag.windows(4).any(|w| {
                let w = w.to_ascii_lowercase();
                w == b"tyle" || w == b"olor"
            })
        };
        let mut tags = Vec::new();
        let mut at = 0;
        while let Some(open) = html[at..].iter().position(|&b| b == b'<').map(|i| at + i) {
            let Some(close) = html[open..]
                .iter()
                .position(|&b| b == b'>')
                .map(|i| open + i)
            else {
                break;
            };
            at = close + 1;
            if styled(&html[open..close]) {
                tags.push(open..close);
            }
        }
        tags
    }

    /// How [`hides`] first read a tag: a copy without whitespace and quotes, searched by
    /// an automaton.
    fn hides_by_copy(tag: &[u8]) -> bool {
        let style: Vec<u8> = tag
            .iter()
            .filter(|&&b| !b.is_ascii_whitespace() && b != b'"' && b != b'\'')
            .map(u8::to_ascii_lowercase)
            .collect();
        let styles = HIDING_STYLES.map(|(name, value)| [name, b":", value].concat());
        aho_corasick::AhoCorasick::new(styles)
            .unwrap()
            .is_match(&style)
            || style.ends_with(b"font-size:0")
            || style.ends_with(b"font-size:0/")
    }

    #[test]
    fn hides_as_a_copy_of_the_style_searched_would() {
        let pieces = [
            "<div ",
            "style=",
            "\"",
            "'",
            " ",
            "display:",
            "none",
            ";",
            "font-size:",
            "FONT-SIZE: ",
            "0",
            "1px",
            "px",
            "/",
            "color:",
            "#fff",
            "#FFFFFF",
            "white",
            "visibility:",
            "hidden",
            "\t",
            "x",
            // Names and values cut by blanks and quotes, bare colons, other names.
            ":",
            "dis",
            "play",
            "font-",
            "size",
            "background-",
            "#ffffff;",
            "0;",
            "\n",
            "no",
            "ne",
            "#f",
            "ff;",
        ];
        // The ends: `font-size:0` closing the tag, with or without a slash; a style only
        // whitespace makes whole has no hiding word as written, so it hides nothing.
        assert!(hides(b"<p style='font-size: 0/'"));
        assert!(hides(b"<p style=\"FONT-SIZE:0\""));
        assert!(hides(b"<p style=\"font-size:0 ;x\""));
        assert!(!hides(b"<p style=\"font-size:00\""));
        assert!(!hides(b"<p style=\"dis play:no ne\""));
        assert!(hides_by_copy(b"<p style=\"dis play:no ne\""));
        let mut hidden = 0;
        for tag in crate::random_for_tests::strings(&pieces, 40_000, 10, 0x41de) {
            let expected = has_hiding_word(tag.as_bytes()) && hides_by_copy(tag.as_bytes());
            hidden += usize::from(expected);
            assert_eq!(hides(tag.as_bytes()), expected, "{tag}");
        }
        assert!(
            hidden > 1_000,
            "only {hidden} hiding tags: the test would not test"
        );
        // Real HTML: every styled tag of the spam and phishing corpora's bodies.
        let (mut tags, mut hiding) = (0, 0);
        for (_, html) in corpus_html() {
            for range in styled_tags(html.as_bytes()) {
                let tag = &html.as_bytes()[range];
                let expected = has_hiding_word(tag) && hides_by_copy(tag);
                tags += 1;
                hiding += usize::from(expected);
                assert_eq!(hides(tag), expected, "{}", String::from_utf8_lossy(tag));
            }
        }
        assert!(
            tags > 10_000 && hiding > 50,
            "{tags} styled tags, {hiding} hiding"
        );
    }

    #[test]
    fn styled_tags_are_those_with_a_style_or_colour() {
        fn tags(html: &str) -> Vec<&str> {
            styled_tags(html.as_bytes()).map(|r| &html[r]).collect()
        }
        assert_eq!(
            tags("<div style=x>a</div><font color=white>b<TD BGCOLOR=#fff><DIV STYLE=x>"),
            [
                "<div style=x",
                "<font color=white",
                "<TD BGCOLOR=#fff",
                "<DIV STYLE=x"
            ]
        );
        // Not in a tag, not the whole word, or in a tag never closed.
        assert!(tags("in style and colour <p class=colo><tyl> <a style=x").is_empty());
        let pieces = [
            "<", ">", "<div ", "</p>", "style", "STYLE", "Color", "tyle", "olor", "x", " ", "=",
            "\"", "dolor", "\u{e9}",
        ];
        let mut found = 0;
        for html in crate::random_for_tests::strings(&pieces, 20_000, 30, 0x57e1) {
            let expected = styled_tags_by_scan(html.as_bytes());
            found += expected.len();
            assert_eq!(
                tags(&html),
                expected
                    .iter()
                    .map(|r| &html[r.clone()])
                    .collect::<Vec<_>>(),
                "{html}"
            );
        }
        assert!(
            found > 5_000,
            "only {found} styled tags: the test would not test"
        );
        // Real HTML: the spam and phishing corpora.
        let mut bodies = 0;
        for (path, html) in corpus_html() {
            bodies += 1;
            let found: Vec<_> = styled_tags(html.as_bytes()).collect();
            assert_eq!(found, styled_tags_by_scan(html.as_bytes()), "{path}");
        }
        assert!(bodies > 500, "{bodies} HTML bodies");
    }

    /// The HTML bodies (with the path of their message) of the first 700 messages of the
    /// spam and phishing corpora.
    fn corpus_html() -> Vec<(String, String)> {
        let want = crate::message::decoded::Want {
            html: true,
            ..Default::default()
        };
        crate::corpora_for_tests::spam_and_phishing(want)
            .into_iter()
            .flat_map(|(path, d)| {
                let shown = path.display().to_string();
                d.html.into_iter().map(move |h| (shown.clone(), h.html))
            })
            .collect()
    }

    #[test]
    fn hidden_text_fires_on_invisible_paragraphs_not_on_a_short_preheader() {
        let words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor";
        let d = html(
            &format!(r#"<div style="display: none">{words}</div><p>hi</p>"#),
            "hi",
        );
        assert!(rules(&d).contains(&"spam.html_hidden_text"));
        let d = html(
            &format!(r#"<font style='color:#FFFFFF; x'>{words}</font>"#),
            "hi",
        );
        assert!(rules(&d).contains(&"spam.html_hidden_text"));
        // Capitals, as old HTML mail writes them.
        let d = html(
            &format!(r#"<DIV STYLE="DISPLAY: NONE">{words}</DIV><P>hi</P>"#),
            "hi",
        );
        assert!(rules(&d).contains(&"spam.html_hidden_text"));
        let d = html(
            r#"<span style="display:none">Your weekly digest</span>"#,
            "",
        );
        assert!(!rules(&d).contains(&"spam.html_hidden_text"));
        let d = html(
            &format!(r#"<div style="color:#ffffee">{words}</div>"#),
            words,
        );
        assert!(!rules(&d).contains(&"spam.html_hidden_text"));
    }

    #[test]
    fn image_only_fires_without_words_not_with_them() {
        let d = html(r#"<a href="http://x.example"><img src="cid:1"></a>"#, "");
        assert!(rules(&d).contains(&"spam.image_only"));
        let d = html(
            r#"<img src="cid:logo"><p>Minutes of Tuesday's meeting attached, see you Friday</p>"#,
            "Minutes of Tuesday's meeting attached, see you Friday",
        );
        assert!(!rules(&d).contains(&"spam.image_only"));
    }

    #[test]
    fn url_ip_fires_on_an_ip_host_not_on_a_name() {
        let d = html(r#"<a href="http://203.0.113.7/login">x</a>"#, "x");
        assert!(rules(&d).contains(&"spam.url_ip"));
        let d = html(r#"<a href="http://v203.example/login">x</a>"#, "x");
        assert!(!rules(&d).contains(&"spam.url_ip"));
    }

    #[test]
    fn header_anomalies_fire_on_missing_fields() {
        let d = Decoded {
            headers: headers(&[("Message-ID", "garbage"), ("To", "x@y.example")]),
            ..Decoded::default()
        };
        let mut v = Vec::new();
        signals(&d, &mut v);
        let s = v.iter().find(|s| s.rule == "spam.header_anomaly").unwrap();
        assert_eq!(s.detail, "malformed Message-ID, no Date");
        let d = Decoded {
            headers: normal_headers(),
            ..Decoded::default()
        };
        assert!(rules(&d).is_empty(), "{:?}", rules(&d));
    }

    #[test]
    fn a_display_name_address_other_than_the_sender() {
        let mut d = Decoded {
            headers: normal_headers(),
            senders: vec![(SenderField::From, "x@evil.example".into())],
            ..Decoded::default()
        };
        d.headers.extend(headers(&[(
            "From",
            "\"ceo@corp.example\" <x@evil.example>",
        )]));
        assert!(rules(&d).contains(&"spam.sender_name_address"));
        d.headers.last_mut().unwrap().value = "\"x@evil.example\" <x@evil.example>".into();
        assert!(!rules(&d).contains(&"spam.sender_name_address"));
    }
}
