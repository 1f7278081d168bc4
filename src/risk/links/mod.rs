//! The links of one message, read once and shared by the rules that check them: the
//! phishing signals (hosts, anchors, forms) and the reputation lists (link hosts).
//! Reading links was the costliest step of the content rules and each reader once did
//! it on its own; now the rescan reads them here, once, before any rule runs.
//!
//! Which links: bare URLs in the text bodies and in the HTML shown as text, and the
//! anchors, form targets and images of every HTML part (bodies and attachments), read
//! by our own scan of start tags ([`html`]). Bounded: at most [`MAX_LINKS`] links and
//! [`MAX_HTML`] bytes of each HTML part (phishing shows its lure early).

mod html;

use std::borrow::Cow;

pub use html::Anchor;
use url::Url;

use crate::message::decoded::{Decoded, TextField};
use crate::search::links;

/// Links read per message.
pub const MAX_LINKS: usize = 200;
/// HTML bytes scanned per part.
pub const MAX_HTML: usize = 512 * 1024;

/// What the rules read of a message's links.
#[derive(Debug, Default)]
pub struct Links {
    /// Web (`http`, `https`) links with a host, as written, and their scheme and
    /// authority parsed (see [`origin`]); sorted, once each.
    pub urls: Vec<(String, Url)>,
    /// Every `<a href>` of the HTML parts with the text it shows.
    pub anchors: Vec<Anchor>,
    /// Each form's target (empty: posts to itself), and whether its part is an
    /// attachment.
    pub forms: Vec<(bool, String)>,
    /// A password field was asked for: `Some(true)` in an HTML attachment,
    /// `Some(false)` in a body only.
    pub password: Option<bool>,
}

impl Links {
    /// Reads the links of a decoded message.
    pub fn read(decoded: &Decoded) -> Links {
        let mut out = Links::default();
        let mut found: Vec<String> = Vec::new();
        for t in &decoded.texts {
            let body = matches!(t.field, TextField::BodyText | TextField::BodyHtml);
            if body && found.len() < MAX_LINKS {
                found.extend(links::urls_in_text(&t.text));
            }
        }
        for h in &decoded.html {
            let mut end = h.html.len().min(MAX_HTML);
            while !h.html.is_char_boundary(end) {
                end -= 1;
            }
            let scan = html::scan(&h.html[..end]);
            if found.len() < MAX_LINKS {
                let targets = scan
                    .anchors
                    .iter()
                    .map(|a| &a.href)
                    .chain(&scan.form_actions)
                    .chain(&scan.images);
                found.extend(targets.map(|t| without_tabs_and_newlines(t).into_owned()));
            }
            out.anchors.extend(scan.anchors);
            out.forms
                .extend(scan.form_actions.into_iter().map(|a| (h.attachment, a)));
            if scan.password_field {
                out.password = Some(out.password.unwrap_or(false) || h.attachment);
            }
        }
        found.truncate(MAX_LINKS);
        found.sort_unstable();
        found.dedup();
        // Sorted links of one host are neighbours: each origin is parsed once.
        let mut last: Option<(String, Option<Url>)> = None;
        out.urls = found
            .into_iter()
            .filter_map(|u| {
                let cut = origin(&u);
                let url = match &last {
                    Some((c, url)) if *c == *cut => url.clone(),
                    _ => {
                        let url = Url::parse(&cut).ok();
                        last = Some((cut.into_owned(), url.clone()));
                        url
                    }
                }?;
                url.host()?;
                matches!(url.scheme(), "http" | "https").then_some((u, url))
            })
            .collect();
        out
    }

    /// The hosts of the web links, lower-cased, once each.
    pub fn hosts(&self) -> Vec<&str> {
        // `Url` lower-cases domain names and writes address literals canonically.
        let mut hosts: Vec<&str> = self.urls.iter().filter_map(|(_, u)| u.host_str()).collect();
        hosts.sort_unstable();
        hosts.dedup();
        hosts
    }
}

/// A link as browsers read it: they drop tabs and newlines anywhere in a URL. Most
/// links have none, and are returned as they are (a char filter over every link cost
/// more than the rest of reading the message's links).
fn without_tabs_and_newlines(link: &str) -> Cow<'_, str> {
    if memchr::memchr3(b'\t', b'\n', b'\r', link.as_bytes()).is_none() {
        return Cow::Borrowed(link);
    }
    Cow::Owned(
        link.chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect(),
    )
}

/// The start of a link up to the end of its authority (scheme, user, host, port), which
/// parses to the scheme and host the whole link would: the rules read only those.
/// Path, query and fragment never make the WHATWG parser fail, and dropping them lets
/// the links of one host share a single parse (host parsing, with IDNA, is the cost).
///
/// The cut is where a special URL's authority ends: after the scheme's `:` and any
/// slashes or backslashes (which the parser skips), at the first `/`, `\`, `?` or `#`.
/// A link with another scheme gets the same cut; it is not a web link either way.
fn origin(link: &str) -> Cow<'_, str> {
    // The parser drops tabs and newlines anywhere, so they must not decide the cut.
    if let Cow::Owned(clean) = without_tabs_and_newlines(link) {
        return Cow::Owned(origin(&clean).into_owned());
    }
    let bytes = link.as_bytes();
    let Some(colon) = memchr::memchr(b':', bytes) else {
        return Cow::Borrowed(link);
    };
    let start = bytes[colon + 1..]
        .iter()
        .position(|&b| b != b'/' && b != b'\\')
        .map_or(bytes.len(), |i| colon + 1 + i);
    // ASCII delimiters: never inside a multi-byte character, so a char boundary.
    let end = bytes[start..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'\\' | b'?' | b'#'))
        .map_or(bytes.len(), |i| start + i);
    Cow::Borrowed(&link[..end])
}

#[cfg(test)]
mod tests;
