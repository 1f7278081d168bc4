//! Unwrapping: the URLs a link carries inside it and leads to, read without fetching
//! anything. Only wrappers that literally contain their target are unwrapped; click
//! trackers and shorteners that keep the target on their server cannot be.
//!
//! Known wrappers are read by their own rules (which parameter, which encoding):
//! Microsoft Safe Links, Proofpoint URL Defense v1–v3, Google's `/url`, Google
//! Translate, Facebook/Messenger/Instagram link shims, YouTube's redirect, Symantec
//! click-time protection, Barracuda Link Protection, Slack and LinkedIn redirects. Any
//! other URL is unwrapped where it plainly embeds an absolute URL: as a query
//! parameter's value (open redirects, trackers such as Mailchimp's, image proxies), in
//! its path (`rd.yahoo.com/*http://…`, archive-style `…/https://…`) or as its fragment
//! (Gmail's image proxy).

use url::Url;

use super::normalize::{
    host_key, is_link_start, percent_decode, scheme_of, starts_with_ignore_case,
};
use super::proofpoint::{self, Version};

/// How a known wrapper carries its target.
enum Wrapper {
    Proofpoint(Version),
    /// The first of these query parameters that is present holds the target URL,
    /// perhaps without a scheme.
    Parameter(&'static [&'static str]),
}

/// The URLs `url` (whose text was `raw`) embeds, outermost first. Empty for a URL that
/// wraps nothing.
pub(super) fn inner_links(raw: &str, url: &Url) -> Vec<String> {
    let Some(host) = host_key(url) else {
        return Vec::new();
    };
    match known_wrapper(host, url.path()) {
        Some(Wrapper::Proofpoint(Version::V3)) => proofpoint::decode_v3(raw).into_iter().collect(),
        Some(Wrapper::Proofpoint(Version::V2)) => parameter(url, &["u"])
            .map(|u| proofpoint::decode_v2(&u))
            .into_iter()
            .collect(),
        Some(Wrapper::Proofpoint(Version::V1)) => parameter(url, &["u"])
            .map(|u| proofpoint::decode_v1(&u))
            .into_iter()
            .collect(),
        Some(Wrapper::Parameter(names)) => parameter(url, names)
            .map(|target| with_scheme(&target))
            .into_iter()
            .collect(),
        None => embedded(url),
    }
}

/// Whether the URL text `found` can embed another at all, read without parsing it:
/// every wrapper carries its target in a query (`?`), a fragment (`#`), a path holding
/// `http` past the scheme, or Proofpoint v3's `v3/__`; tabs and line breaks, which the
/// URL parser drops, could hide one of these. A page link with none of them wraps
/// nothing, and most links are such: a full parse each cost more than all the rules
/// that read the answer.
pub(super) fn may_wrap(found: &str) -> bool {
    let past_scheme = if starts_with_ignore_case(found, "http") {
        &found[4..]
    } else {
        found
    };
    found
        .bytes()
        .any(|b| matches!(b, b'?' | b'#' | b'\t' | b'\n' | b'\r'))
        || find_ignore_ascii_case(past_scheme, "http").is_some()
        || found.contains("v3/__")
}

fn known_wrapper(host: &str, path: &str) -> Option<Wrapper> {
    if let Some(version) = proofpoint::version(host, path) {
        return Some(Wrapper::Proofpoint(version));
    }
    let path = match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    let names: &'static [&'static str] = match (host, path) {
        // Microsoft Defender for Office 365 Safe Links (commercial and US government).
        (h, _)
            if h.ends_with(".safelinks.protection.outlook.com")
                || h.ends_with(".safelinks.protection.office365.us") =>
        {
            &["url"]
        }
        (h, "/url") if is_google(h) => &["q", "url"],
        ("translate.google.com", "/translate") => &["u"],
        ("l.facebook.com" | "lm.facebook.com" | "l.messenger.com", "/l.php") => &["u"],
        ("l.instagram.com", "/") => &["u"],
        ("www.youtube.com" | "youtube.com", "/redirect") => &["q"],
        ("clicktime.symantec.com", _) => &["u"],
        ("linkprotect.cudasvc.com", "/url") => &["a"],
        ("slack-redir.net", "/link") => &["url"],
        ("www.linkedin.com", "/redir/redirect") => &["url"],
        _ => return None,
    };
    Some(Wrapper::Parameter(names))
}

/// `google.<tld>` or `www.google.<tld>`, the TLD one label (`com`, `de`) or a country's
/// `co.<cc>` / `com.<cc>` (`google.co.uk`, `google.com.br`); not `google.evil.example`.
fn is_google(host: &str) -> bool {
    let host = host.strip_prefix("www.").unwrap_or(host);
    let Some(tld) = host.strip_prefix("google.") else {
        return false;
    };
    match tld.split_once('.') {
        None => !tld.is_empty(),
        Some((second, cc)) => {
            matches!(second, "co" | "com")
                && cc.len() == 2
                && cc.bytes().all(|b| b.is_ascii_alphabetic())
        }
    }
}

/// The first non-empty value among the query parameters `names`, form-decoded.
fn parameter(url: &Url, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        url.query_pairs()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.into_owned())
    })
}

/// A known wrapper's target as a link: `host/path` without a scheme (Google Translate
/// passes them so) is an http link; a target with another scheme (`mailto:`) stays as it
/// is, and is no web link.
fn with_scheme(target: &str) -> String {
    let target = target.trim();
    if is_link_start(target) || scheme_of(target).is_some() {
        target.to_owned()
    } else {
        format!("http://{target}")
    }
}

/// Absolute URLs plainly embedded in a URL of no known wrapper.
fn embedded(url: &Url) -> Vec<String> {
    let mut inner = Vec::new();
    if url
        .query()
        .is_some_and(|q| find_ignore_ascii_case(q, "http").is_some())
    {
        for (_, value) in url.query_pairs() {
            // Double encoding (a redirect inside a redirect's parameter) decodes once more.
            let value = if starts_with_ignore_case(&value, "http%3a")
                || starts_with_ignore_case(&value, "https%3a")
            {
                percent_decode(&value)
            } else {
                value.into_owned()
            };
            if is_absolute(&value) {
                inner.push(value);
            }
        }
    }
    if let Some(in_path) = in_path(url) {
        inner.push(in_path);
    }
    if let Some(fragment) = url.fragment().filter(|f| is_absolute(f)) {
        inner.push(fragment.to_owned());
    }
    inner
}

/// An absolute URL in the path, starting after a non-alphanumeric character:
/// `/*http://…`, `/https://…` or `/http%3A%2F%2F…` (percent-encoded), up to the end of
/// the URL without its fragment.
fn in_path(url: &Url) -> Option<String> {
    let path = url.path();
    let mut from = 1;
    while let Some(offset) = find_ignore_ascii_case(&path[from..], "http") {
        let at = from + offset;
        from = at + 4;
        if path.as_bytes()[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        // Only the start of the rest is looked at, so that a path of many "http"s costs
        // one pass, not one per "http".
        let rest = &path[at..];
        let target = if is_absolute(rest) {
            rest.to_owned()
        } else if starts_with_ignore_case(rest, "http%3a%2f%2f")
            || starts_with_ignore_case(rest, "https%3a%2f%2f")
        {
            percent_decode(rest)
        } else {
            continue;
        };
        return Some(match url.query() {
            Some(query) => format!("{target}?{query}"),
            None => target,
        });
    }
    None
}

/// `http://` or `https://` followed by something.
fn is_absolute(s: &str) -> bool {
    ["http://", "https://"]
        .iter()
        .any(|scheme| starts_with_ignore_case(s, scheme) && s.len() > scheme.len())
}

fn find_ignore_ascii_case(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::links::normalize::parse_link;

    fn inner(raw: &str) -> Vec<String> {
        inner_links(raw, &parse_link(raw).expect(raw))
    }

    /// Whether `raw` parses to a URL that embeds another.
    fn wraps(raw: &str) -> bool {
        parse_link(raw).is_some_and(|url| !inner_links(raw, &url).is_empty())
    }

    #[test]
    fn safe_links_real_form() {
        // As in a university newsletter in the phishing-pot corpus (trimmed).
        let raw = "https://eur03.safelinks.protection.outlook.com/?url=https%3A%2F%2Fsurvey.alchemer.eu%2Fs3%2F90478274%2Fsouthampton-alumni-2022&data=05%7C01%7Ck.dodson%40soton.ac.uk%7Cc06955af095e40a9f10f08dab277d765%7C0%7C0%7C638018525024697993&sdata=tzqRKll9s%2FNqxUYyvpSZHhPO1JJVMmO9Y6tjaZv%2FBRY%3D&reserved=0";
        assert_eq!(
            inner(raw),
            ["https://survey.alchemer.eu/s3/90478274/southampton-alumni-2022"]
        );
        assert_eq!(
            inner("https://nam12.safelinks.protection.office365.us/?url=http%3A%2F%2Fevil.example%2F&data=x"),
            ["http://evil.example/"]
        );
    }

    #[test]
    fn proofpoint_versions() {
        assert_eq!(
            inner("https://urldefense.proofpoint.com/v1/url?u=http://evil.example/a?b%3D1%26amp%3Bc%3D2&k=oIvRg1%2BdGAgOoM1BIlLLqw%3D%3D%0A&r=x&m=y&s=z"),
            ["http://evil.example/a?b=1&c=2"]
        );
        assert_eq!(
            inner("https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.example_a-3Fb-3D1&d=DwMFaQ&c=abc&r=def&m=ghi&s=jkl&e="),
            ["https://evil.example/a?b=1"]
        );
        assert_eq!(
            inner(
                "https://urldefense.com/v3/__https://evil.example/a?b=1*c=2__;Jg!!ABCDEF!ghijkl$"
            ),
            ["https://evil.example/a?b=1&c=2"]
        );
    }

    #[test]
    fn google_redirects_including_fully_encoded_targets() {
        // Phishing in the corpus percent-encodes every character it can.
        assert_eq!(
            inner("https://www.google.com/url?q=%68%74%74%70%3A%2F%2Fbes%74-ph%61rma.%7ao%6ee%2F&sa=D&sntz=1&usg=AOvVaw1T"),
            ["http://best-pharma.zone/"]
        );
        assert_eq!(
            inner("http://google.co.uk/url?sa=t&url=https://evil.example/"),
            ["https://evil.example/"]
        );
        assert_eq!(
            inner("https://translate.google.com/translate?sl=auto&tl=en&u=dropsys.example/autentica/go/login.php?click=mix"),
            ["http://dropsys.example/autentica/go/login.php?click=mix"]
        );
        assert_eq!(
            inner("https://www.google.com/url?q=mailto:a@evil.example"),
            ["mailto:a@evil.example"]
        );
        // A Google search is not a redirect, and google.evil.example is not Google.
        assert!(inner("https://www.google.com/search?q=www.evil.example").is_empty());
        assert!(is_google("www.google.com.br") && is_google("google.de"));
        assert!(
            !is_google("google.evil.example")
                && !is_google("google.")
                && !is_google("notgoogle.com")
        );
        assert_eq!(
            inner("https://google.evil.example/url?q=www.evil.example&next=https://b.example/"),
            ["https://b.example/"]
        );
    }

    #[test]
    fn other_known_redirectors() {
        assert_eq!(
            inner("https://clicktime.symantec.com/39e8TeBHakB1PfMJjJ1h1zf7Vc?u=http%3A%2F%2Fwww.pyramidci.example%2F"),
            ["http://www.pyramidci.example/"]
        );
        assert_eq!(
            inner("https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2Fx&h=AT0"),
            ["https://evil.example/x"]
        );
        assert_eq!(
            inner("https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fevil.example%2f&c=E,1,abc&typo=1"),
            ["https://evil.example/"]
        );
    }

    #[test]
    fn embedded_query_urls_of_unknown_redirectors() {
        // From the corpus: a tracker whose parameter holds a tracker holding the target,
        // encoded twice.
        let raw = "http://209.236.57.11/c.php?cid=18135&url=http%3A%2F%2Ftrack.direct4optin.example%2Fclicktrack.asp%3Feid%3D20887%26url%3Dhttp%253A%252F%252Fhealthyliving.example%252Fint02%252F";
        let first = inner(raw);
        assert_eq!(
            first,
            ["http://track.direct4optin.example/clicktrack.asp?eid=20887&url=http%3A%2F%2Fhealthyliving.example%2Fint02%2F"]
        );
        assert_eq!(inner(&first[0]), ["http://healthyliving.example/int02/"]);
        // Every parameter holding a URL is followed.
        assert_eq!(
            inner("https://api.news.example/image/getclick?src=https://cdn.example/a.gif&destination=https://evil.example/"),
            ["https://cdn.example/a.gif", "https://evil.example/"]
        );
        assert!(inner("https://a.example/?q=httpd+docs&next=/home").is_empty());
    }

    #[test]
    fn embedded_path_and_fragment_urls() {
        assert_eq!(
            inner("http://rd.yahoo.com/*http://80.71.71.88/asian/?aid=818932"),
            ["http://80.71.71.88/asian/?aid=818932"]
        );
        assert_eq!(
            inner("https://secure-web.example/1Abc/https%3A%2F%2Fevil.example%2Flogin"),
            ["https://evil.example/login"]
        );
        assert_eq!(
            inner("https://ci3.googleusercontent.com/meips/ADKq_NZyp3=s0-d-e1-ft#https://hzn.soundestlink.example/img/fb.png"),
            ["https://hzn.soundestlink.example/img/fb.png"]
        );
        // "http" inside a word is not a URL.
        assert!(inner("https://a.example/docs/nothttp://x").is_empty());
        assert!(inner("https://a.example/#http").is_empty());
    }

    #[test]
    fn links_that_may_wrap_are_told_without_a_parse() {
        for wrapping in [
            "https://urldefense.com/v3/__https://x.example/a__;!!AbC!",
            "http://rd.yahoo.com/*http://80.71.71.88/asian/",
            "https://a.example/1/HTTPS%3A%2F%2Fb.example",
            "https://www.google.com/url?q=www.example.com",
            "https://a.example/x#https://b.example",
            "HTTP://a.example/x/ht\ntp://b.example",
        ] {
            assert!(may_wrap(wrapping), "{wrapping}");
        }
        for plain in [
            "http://a.example/page.html",
            "https://www.example.com/docs/2024/notes",
            "www.example.com/a/b",
        ] {
            assert!(!may_wrap(plain), "{plain}");
            assert!(!wraps(plain), "{plain}");
        }
    }

    /// Every link of real mail that `may_wrap` passes over wraps nothing when parsed:
    /// the phishing and spam corpora, where redirects and trackers are common.
    #[test]
    fn real_links_passed_over_wrap_nothing() {
        let (mut passed, mut wrapping) = (0, 0);
        let files = crate::corpora_for_tests::corpus_files("phishing-pot/email");
        let spam = crate::corpora_for_tests::corpus_files("spamassassin-public/spam_2");
        for file in files.iter().take(1500).chain(spam.iter().take(500)) {
            let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
            for link in crate::search::links::urls_in_text(&text) {
                let wraps = wraps(&link);
                wrapping += usize::from(wraps);
                if !may_wrap(&link) {
                    assert!(!wraps, "{link:?} in {file:?}");
                    passed += 1;
                }
            }
        }
        assert!(
            passed > 5_000 && wrapping > 40,
            "{passed} passed, {wrapping} wrapping"
        );
    }
}
