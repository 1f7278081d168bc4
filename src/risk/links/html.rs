//! What the risk rules read of an HTML part: each link with the text it shows,
//! where forms post, and whether a password field is asked for. A forgiving scan of
//! start tags (any quoting, any case), bounded by the input: not an HTML parser.

use memchr::memchr;

use crate::search::links::decode_entities;

/// Anchors read per part: a cap on the work a crafted part can cause.
const MAX_ANCHORS: usize = 500;
/// Characters of an anchor's text kept (a host name shown as text is short).
const MAX_ANCHOR_TEXT: usize = 200;

/// One `<a href>`: the link and the text shown for it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub href: String,
    pub text: String,
}

/// The parts of an HTML document the rules read.
#[derive(Debug, Default)]
pub struct Scan {
    pub anchors: Vec<Anchor>,
    /// `action` of each `<form>` (empty: posts to itself).
    pub form_actions: Vec<String>,
    /// An `<input type=password>`.
    pub password_field: bool,
    /// `src` of each `<img>`: phishing kits load their logos from bare IPs and fresh
    /// hosts.
    pub images: Vec<String>,
}

/// Scans `html`.
pub(super) fn scan(html: &str) -> Scan {
    let mut out = Scan::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    // The anchor being read: its text runs to `</a>` or the next `<a`.
    let mut open: Option<Anchor> = None;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let lt = i + offset;
        if let Some(anchor) = open.as_mut() {
            push_text(&mut anchor.text, &html[i..lt]);
        }
        let rest = &html[lt + 1..];
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'/' || *b == b'!')
            .count();
        let name = &rest[..name_len];
        let end = match memchr(b'>', &bytes[lt..]) {
            Some(o) => lt + o + 1,
            None => bytes.len(),
        };
        let attrs = &html[(lt + 1 + name_len).min(end)..end];
        if name.eq_ignore_ascii_case("a") {
            finish(&mut open, &mut out);
            if let Some(href) = attribute(attrs, "href") {
                open = Some(Anchor {
                    href,
                    text: String::new(),
                });
            }
        } else if name.eq_ignore_ascii_case("/a") {
            finish(&mut open, &mut out);
        } else if name.eq_ignore_ascii_case("form") {
            out.form_actions
                .push(attribute(attrs, "action").unwrap_or_default());
        } else if name.eq_ignore_ascii_case("input") {
            if attribute(attrs, "type").is_some_and(|t| t.trim().eq_ignore_ascii_case("password")) {
                out.password_field = true;
            }
        } else if name.eq_ignore_ascii_case("img") {
            // An image's alt text is what shows when images are blocked.
            if let (Some(anchor), Some(alt)) = (open.as_mut(), attribute(attrs, "alt")) {
                push_text(&mut anchor.text, &alt);
            }
            if out.images.len() < MAX_ANCHORS {
                out.images.extend(attribute(attrs, "src"));
            }
        }
        i = end;
        if out.anchors.len() >= MAX_ANCHORS {
            break;
        }
    }
    if out.anchors.len() < MAX_ANCHORS {
        if let Some(anchor) = open.as_mut() {
            push_text(&mut anchor.text, &html[i..]);
        }
        finish(&mut open, &mut out);
    }
    out
}

fn finish(open: &mut Option<Anchor>, out: &mut Scan) {
    if let Some(mut anchor) = open.take() {
        let text = decode_entities(anchor.text.trim());
        anchor.text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        out.anchors.push(anchor);
    }
}

fn push_text(text: &mut String, s: &str) {
    let room = MAX_ANCHOR_TEXT.saturating_sub(text.len());
    if room > 0 {
        let mut end = s.len().min(room);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        text.push_str(&s[..end]);
    }
}

/// The value of attribute `name` in a tag's attribute text (entities decoded).
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let bytes = attrs.as_bytes();
    let mut j = 0;
    while j < bytes.len() {
        while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
            j += 1;
        }
        let start = j;
        while j < bytes.len() && !matches!(bytes[j], b'=' | b'>') && !bytes[j].is_ascii_whitespace()
        {
            j += 1;
        }
        let attr = &attrs[start..j];
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let from = j + 1;
                    let to = memchr(q, &bytes[from..]).map_or(bytes.len(), |o| from + o);
                    value = &attrs[from..to];
                    j = to + 1;
                }
                _ => {
                    let from = j;
                    while j < bytes.len() && bytes[j] != b'>' && !bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    value = &attrs[from..j];
                }
            }
        }
        if attr.eq_ignore_ascii_case(name) {
            return Some(decode_entities(value.trim()).into_owned());
        }
        if start == j {
            j += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_with_their_text() {
        let s = scan(
            r#"<p>Hi <A HREF='http://evil.example/x?a=1&amp;b=2'>www.<b>paypal</b>.com</a>
            <a href=https://ok.example/>Click&nbsp;here</a><a name=top>no href</a>
            <a href="https://img.example"><img src=x alt="Sign in"></a>"#,
        );
        assert_eq!(
            s.anchors,
            [
                Anchor {
                    href: "http://evil.example/x?a=1&b=2".into(),
                    text: "www.paypal.com".into()
                },
                Anchor {
                    href: "https://ok.example/".into(),
                    text: "Click here".into()
                },
                Anchor {
                    href: "https://img.example".into(),
                    text: "Sign in".into()
                },
            ]
        );
        assert!(!s.password_field);
        assert_eq!(s.images, ["x"]);
    }

    #[test]
    fn forms_and_password_fields() {
        let s = scan(
            r#"<form method=post action="https://collect.example/p.php"><input type="text" name=u>
            <input name=p TYPE = "Password"></form><form>"#,
        );
        assert_eq!(s.form_actions, ["https://collect.example/p.php", ""]);
        assert!(s.password_field);
        assert!(!scan("<input type=passwords><p>password</p>").password_field);
    }

    #[test]
    fn hostile_input_is_bounded() {
        let many = "<a href=x>".repeat(10_000);
        assert_eq!(scan(&many).anchors.len(), MAX_ANCHORS);
        let s = scan("<a href='unterminated");
        assert_eq!(s.anchors[0].href, "unterminated");
        assert_eq!(scan("<").anchors.len(), 0);
    }

    #[test]
    fn references_in_links_read_as_a_browser_reads_them() {
        // Named references and numeric ones without `;`, as phishing hides a host.
        let s =
            scan("<a href=\"https&colon;&sol;&sol;evil.example&#47login\">paypal&period;com</a>");
        assert_eq!(s.anchors[0].href, "https://evil.example/login");
        assert_eq!(s.anchors[0].text, "paypal.com");
        // A query's `&lt=1` stays text; `&nbsp;` in shown text is a space.
        let s = scan("<a href='https://a.example/?x=1&lt=2'>&nbsp;a.example&nbsp;</a>");
        assert_eq!(s.anchors[0].href, "https://a.example/?x=1&lt=2");
        assert_eq!(s.anchors[0].text, "a.example");
    }
}
