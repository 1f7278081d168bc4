//! Links: URLs found in a message, normalised and unwrapped, matched against link values.
//!
//! A [`LinkMatcher`] is compiled once from the responder's values and shared by all
//! threads. Each URL found in a message (see [`urls_in_text`], [`urls_in_html`],
//! [`urls_in_header`]) is normalised (`normalize.rs`) and unwrapped (`unwrap.rs`,
//! `proofpoint.rs`): the URL matches a value if the URL itself or any URL it wraps does. Looking a URL up costs the
//! same for ten values as for thousands: exact values are one hash lookup, host values
//! one per label of the host, prefix values one pass of an anchored Aho-Corasick
//! automaton over the canonical URL.

mod extract;
mod html;
mod normalize;
mod proofpoint;
mod starts;
mod unwrap;
mod value;

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use url::Url;

pub use extract::{urls_in_header, urls_in_html, urls_in_text};
pub use html::decode_entities;
pub use value::{normalized_value, LinkValueError};

use normalize::{canonical, host_key, parse_link, TrailingSlash};
use value::Pattern;

/// How many wrappers deep unwrapping goes (a Safe Link around a URL Defense link around
/// an open redirect is three), and how many URLs one found URL may unfold to in all: a
/// bound on the work a crafted URL can cause.
const MAX_DEPTH: usize = 5;
const MAX_URLS: usize = 16;

/// All link values, compiled for lookup.
#[derive(Debug)]
pub struct LinkMatcher {
    /// Canonical URL → indicators with that exact value.
    exact: HashMap<String, Vec<usize>>,
    /// Host (punycode, no trailing dot) → indicators matching it and its subdomains.
    hosts: HashMap<String, Vec<usize>>,
    /// Anchored automaton over the canonical prefixes; `None` without prefix values.
    prefixes: Option<AhoCorasick>,
    /// Prefix pattern id → indicators.
    prefix_owners: Vec<Vec<usize>>,
}

/// One value a found URL matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkHit {
    /// The indicator index given to [`LinkMatcher::new`].
    pub indicator: usize,
    /// The found URL, then each URL unwrapped from it, down to the one that matched (all
    /// canonical forms). One element when the found URL itself matched.
    pub chain: Vec<String>,
}

impl LinkMatcher {
    /// Compiles `values`: (indicator index, already refanged value). The first value that
    /// is neither a URL, a URL prefix nor a host is the error.
    pub fn new(values: &[(usize, &str)]) -> Result<LinkMatcher, LinkValueError> {
        let mut exact: HashMap<String, Vec<usize>> = HashMap::new();
        let mut hosts: HashMap<String, Vec<usize>> = HashMap::new();
        let mut prefix_ids: HashMap<String, usize> = HashMap::new();
        let mut prefix_owners: Vec<Vec<usize>> = Vec::new();
        for &(indicator, text) in values {
            for pattern in value::compile(text)?.patterns {
                let owners = match pattern {
                    Pattern::Exact(url) => exact.entry(url).or_default(),
                    Pattern::Host(host) => hosts.entry(host).or_default(),
                    Pattern::Prefix(prefix) => {
                        let next_id = prefix_owners.len();
                        let id = *prefix_ids.entry(prefix).or_insert(next_id);
                        if id == next_id {
                            prefix_owners.push(Vec::new());
                        }
                        &mut prefix_owners[id]
                    }
                };
                if !owners.contains(&indicator) {
                    owners.push(indicator);
                }
            }
        }
        let prefixes = if prefix_ids.is_empty() {
            None
        } else {
            let mut patterns = vec![""; prefix_ids.len()];
            for (prefix, &id) in &prefix_ids {
                patterns[id] = prefix;
            }
            let automaton = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Anchored)
                .build(patterns)
                .expect("an automaton of link prefixes stays far below aho-corasick's size limits");
            Some(automaton)
        };
        Ok(LinkMatcher {
            exact,
            hosts,
            prefixes,
            prefix_owners,
        })
    }

    /// Every value `found` (a URL as found in a message) matches, each indicator once
    /// with the shortest chain that reaches it (the URL itself is looked at first, then
    /// what it wraps, level by level), sorted by indicator. Not a web link: no hits.
    pub fn match_url(&self, found: &str) -> Vec<LinkHit> {
        let mut hits: Vec<LinkHit> = Vec::new();
        let Some(url) = parse_link(found) else {
            return hits;
        };
        // The URLs unfolded so far (canonical text, index of the URL that wrapped it),
        // so that a hit's chain can be read back to the found URL.
        let mut unfolded: Vec<(String, Option<usize>)> = Vec::new();
        let mut pending: VecDeque<(Cow<'_, str>, Url, Option<usize>, usize)> =
            VecDeque::from([(Cow::Borrowed(found), url, None, 0)]);
        while let Some((raw, url, parent, depth)) = pending.pop_front() {
            let id = unfolded.len();
            unfolded.push((canonical(&url, TrailingSlash::Drop), parent));
            self.each_match(&url, &unfolded[id].0, |indicator| {
                if !hits.iter().any(|hit| hit.indicator == indicator) {
                    hits.push(LinkHit {
                        indicator,
                        chain: chain(&unfolded, id),
                    });
                }
            });
            if depth == MAX_DEPTH {
                continue;
            }
            let room = MAX_URLS.saturating_sub(unfolded.len() + pending.len());
            for link in unwrap::inner_links(&raw, &url).into_iter().take(room) {
                if let Some(inner_url) = parse_link(&link) {
                    pending.push_back((Cow::Owned(link), inner_url, Some(id), depth + 1));
                }
            }
        }
        hits.sort_unstable_by_key(|hit| hit.indicator);
        hits
    }

    /// Calls `on` with each indicator matching one URL (not its inner URLs); an
    /// indicator may come more than once.
    fn each_match(&self, url: &Url, canonical: &str, mut on: impl FnMut(usize)) {
        if let Some(owners) = self.exact.get(canonical) {
            owners.iter().copied().for_each(&mut on);
        }
        if !self.hosts.is_empty() {
            self.each_host_match(url, &mut on);
        }
        if let Some(automaton) = &self.prefixes {
            let input = Input::new(canonical).anchored(Anchored::Yes);
            let mut state = aho_corasick::automaton::OverlappingState::start();
            loop {
                automaton
                    .try_find_overlapping(input.clone(), &mut state)
                    .expect("the automaton was built for anchored searches");
                let Some(found) = state.get_match() else {
                    break;
                };
                self.prefix_owners[found.pattern().as_usize()]
                    .iter()
                    .copied()
                    .for_each(&mut on);
            }
        }
    }

    /// Host values match the URL's host and the hosts it is a subdomain of, label by
    /// label: `evil.example` matches `a.evil.example` but not `notevil.example` nor
    /// `evil.example.com`. IP addresses match only themselves: their tails ("2.1" of
    /// 192.0.2.1) end in a number, and no host value does (the WHATWG parser reads such
    /// a value as an address).
    fn each_host_match(&self, url: &Url, on: &mut impl FnMut(usize)) {
        let Some(mut host) = host_key(url) else {
            return;
        };
        loop {
            if let Some(owners) = self.hosts.get(host) {
                owners.iter().copied().for_each(&mut *on);
            }
            match host.split_once('.') {
                Some((_, parent)) => host = parent,
                None => break,
            }
        }
    }
}

/// The URLs `found` (a URL as found in a message) wraps, level by level (see
/// `unwrap.rs`; bounded like [`LinkMatcher::match_url`]); empty when it wraps none or
/// is not a web link. What the phishing rules read redirect chains with.
pub fn wrapped_urls(found: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !unwrap::may_wrap(found) {
        return out;
    }
    let Some(url) = parse_link(found) else {
        return out;
    };
    let mut pending: VecDeque<(String, Url, usize)> = VecDeque::from([(found.to_string(), url, 0)]);
    while let Some((raw, url, depth)) = pending.pop_front() {
        if depth == MAX_DEPTH {
            continue;
        }
        for link in unwrap::inner_links(&raw, &url) {
            if out.len() + 1 >= MAX_URLS {
                return out;
            }
            if let Some(inner) = parse_link(&link) {
                out.push(link.clone());
                pending.push_back((link, inner, depth + 1));
            }
        }
    }
    out
}

/// The canonical texts from the found URL down to `unfolded[id]`.
fn chain(unfolded: &[(String, Option<usize>)], id: usize) -> Vec<String> {
    let mut chain = Vec::new();
    let mut at = Some(id);
    while let Some(i) = at {
        chain.push(unfolded[i].0.clone());
        at = unfolded[i].1;
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(values: &[&str]) -> LinkMatcher {
        let indexed: Vec<(usize, &str)> = values.iter().copied().enumerate().collect();
        LinkMatcher::new(&indexed).unwrap()
    }

    /// The indicators `found` matches.
    fn matched(m: &LinkMatcher, found: &str) -> Vec<usize> {
        m.match_url(found)
            .into_iter()
            .map(|hit| hit.indicator)
            .collect()
    }

    #[test]
    fn matcher_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<LinkMatcher>();
    }

    #[test]
    fn host_values_match_host_and_subdomains_not_lookalikes() {
        let m = matcher(&["evil.example", "*.other.example"]);
        assert_eq!(matched(&m, "https://evil.example/x"), [0]);
        assert_eq!(matched(&m, "http://a.b.EVIL.example./x"), [0]);
        assert_eq!(matched(&m, "ftp://evil.example:2121/f"), [0]);
        assert_eq!(matched(&m, "www.other.example"), [1]);
        assert_eq!(matched(&m, "https://other.example/"), [1]);
        for miss in [
            "https://notevil.example/",
            "https://evil.example.com/",
            "https://evil.examples/",
            "https://example/",
            "https://bank.example/?next=evil.example",
        ] {
            assert!(matched(&m, miss).is_empty(), "{miss}");
        }
    }

    #[test]
    fn userinfo_does_not_hide_the_host() {
        let m = matcher(&["evil.example", "bank.example"]);
        assert_eq!(matched(&m, "https://bank.example@evil.example/login"), [0]);
    }

    #[test]
    fn ip_host_values_match_only_that_address() {
        let m = matcher(&["192.0.2.1", "2.1"]);
        // "2.1" is an IPv4 address to the WHATWG parser (2.0.0.1), not a domain suffix.
        assert_eq!(matched(&m, "http://192.0.2.1/x"), [0]);
        assert_eq!(matched(&m, "http://0xC0.0.2.1/x"), [0]);
        assert_eq!(matched(&m, "http://2.0.0.1/"), [1]);
        assert!(matched(&m, "http://10.192.0.2.1.example/").is_empty());
    }

    #[test]
    fn idn_values_and_urls_compare_in_punycode() {
        let m = matcher(&["https://bücher.example/a", "xn--mnchen-3ya.example"]);
        assert_eq!(matched(&m, "https://xn--bcher-kva.example/a"), [0]);
        assert_eq!(matched(&m, "https://BÜCHER.example/a/"), [0]);
        assert_eq!(matched(&m, "http://www.münchen.example/"), [1]);
    }

    #[test]
    fn exact_values_ignore_spelling_but_not_path_or_query() {
        let m = matcher(&["https://evil.example/a?id=1"]);
        for same in [
            "https://evil.example/a?id=1",
            "HTTPS://EVIL.EXAMPLE:443/a/?id=1#frag",
            "https://evil.example./%61?id=%31",
            "https:\\\\evil.example\\a?id=1",
        ] {
            assert_eq!(matched(&m, same), [0], "{same}");
        }
        for near in [
            "https://evil.example/a",
            "https://evil.example/a?id=12",
            "http://evil.example/a?id=1",
            "https://evil.example:8443/a?id=1",
            "https://evil.example/A?id=1",
            "https://evil.example/a/b?id=1",
        ] {
            assert!(matched(&m, near).is_empty(), "{near}");
        }
    }

    #[test]
    fn root_url_with_and_without_slash() {
        let m = matcher(&["https://a.example", "http://b.example/"]);
        assert_eq!(matched(&m, "https://a.example/"), [0]);
        assert_eq!(matched(&m, "http://b.example"), [1]);
    }

    #[test]
    fn prefix_values() {
        let m = matcher(&[
            "https://evil.example/login*",
            "https://evil.example/kit/*",
            "https://evil.example/*",
            "https://evil.exa*",
        ]);
        assert_eq!(matched(&m, "https://evil.example/login.php?u=1"), [0, 2, 3]);
        assert_eq!(matched(&m, "https://evil.example/kit"), [1, 2, 3]);
        assert_eq!(matched(&m, "https://evil.example/kit/?step=2"), [1, 2, 3]);
        assert_eq!(matched(&m, "https://evil.example/kitten"), [2, 3]);
        assert_eq!(matched(&m, "https://evil.examples.com/"), [3]);
        assert!(matched(&m, "http://evil.example/login").is_empty());
        assert!(matched(&m, "https://a.evil.example/login").is_empty());
    }

    #[test]
    fn overlapping_prefixes_are_all_reported_and_only_from_the_start() {
        let m = matcher(&[
            "https://a.example/b*",
            "https://a.example/bc*",
            "https://b*",
        ]);
        assert_eq!(matched(&m, "https://a.example/bcd"), [0, 1]);
        // The second value ends the first: an automaton reports it there unless only
        // matches starting at the URL's start count.
        let m = matcher(&[
            "https://a.example/xhttps://b.example/*",
            "https://b.example/*",
        ]);
        assert_eq!(matched(&m, "https://a.example/xhttps://b.example/"), [0]);
        assert_eq!(matched(&m, "https://b.example/"), [1]);
    }

    #[test]
    fn duplicate_values_and_mixed_kinds_report_each_indicator_once() {
        let m = LinkMatcher::new(&[
            (7, "evil.example"),
            (9, "https://evil.example/x"),
            (7, "https://evil.example/*"),
            (3, "evil.example"),
        ])
        .unwrap();
        assert_eq!(matched(&m, "https://evil.example/x"), [3, 7, 9]);
    }

    #[test]
    fn bad_value_is_the_error() {
        let err = LinkMatcher::new(&[(0, "evil.example"), (1, "javascript:alert(1)")])
            .err()
            .unwrap();
        assert!(
            matches!(err, LinkValueError::UnsupportedScheme { value, .. } if value == "javascript:alert(1)")
        );
    }

    #[test]
    fn non_links_match_nothing() {
        let m = matcher(&["evil.example"]);
        assert!(m.match_url("mailto:x@evil.example").is_empty());
        assert!(m.match_url("evil.example").is_empty());
    }

    #[test]
    fn hits_record_the_unwrap_chain() {
        let m = matcher(&["evil.example", "safelinks.protection.outlook.com"]);
        // A Safe Link around a URL Defense v2 link around the target.
        let v2 = "https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.example_a-3Fb-3D1&d=DwMFaQ&c=x";
        let safe = format!(
            "https://eur03.safelinks.protection.outlook.com/?url={}&data=05%7C01",
            url::form_urlencoded::byte_serialize(v2.as_bytes()).collect::<String>()
        );
        let safe_canonical = "https://eur03.safelinks.protection.outlook.com/?url=https%3A%2F%2Furldefense.proofpoint.com%2Fv2%2Furl%3Fu%3Dhttps-3A__evil.example_a-3Fb-3D1%26d%3DDwMFaQ%26c%3Dx&data=05%7C01";
        assert_eq!(
            m.match_url(&safe),
            [
                LinkHit {
                    indicator: 0,
                    chain: vec![
                        safe_canonical.to_owned(),
                        v2.to_owned(),
                        "https://evil.example/a?b=1".to_owned(),
                    ],
                },
                LinkHit {
                    indicator: 1,
                    chain: vec![safe_canonical.to_owned()],
                },
            ]
        );
    }

    #[test]
    fn v3_inside_google_redirect() {
        let m = matcher(&["https://evil.example/a?b=1&c=2"]);
        let v3 = "https://urldefense.com/v3/__https://evil.example/a?b=1*c=2__;Jg!!ABCDEF!ghijkl$";
        let google = format!(
            "https://www.google.com/url?q={}&sa=D",
            url::form_urlencoded::byte_serialize(v3.as_bytes()).collect::<String>()
        );
        let hits = m.match_url(&google);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].chain.len(), 3);
        assert_eq!(hits[0].chain[2], "https://evil.example/a?b=1&c=2");
    }

    #[test]
    fn unwrapping_stops_at_the_url_budget() {
        // One URL carrying 20 URLs: the found URL and 15 of them are looked at.
        let values: Vec<String> = (0..20).map(|i| format!("h{i}.example")).collect();
        let indexed: Vec<(usize, &str)> = values.iter().map(String::as_str).enumerate().collect();
        let m = LinkMatcher::new(&indexed).unwrap();
        let params: Vec<String> = (0..20)
            .map(|i| format!("u{i}=https://h{i}.example/"))
            .collect();
        let found = format!("https://r.example/?{}", params.join("&"));
        assert_eq!(matched(&m, &found), (0..MAX_URLS - 1).collect::<Vec<_>>());
    }

    #[test]
    fn unwrapping_stops_at_the_depth_cap() {
        let m = matcher(&["evil.example"]);
        // Each level wraps the one before in an open redirect's parameter.
        let mut levels = vec!["https://evil.example/".to_owned()];
        for level in 0..=MAX_DEPTH {
            let encoded: String =
                url::form_urlencoded::byte_serialize(levels[level].as_bytes()).collect();
            levels.push(format!("https://r{level}.example/go?to={encoded}"));
        }
        assert_eq!(
            m.match_url(&levels[MAX_DEPTH])[0].chain.len(),
            MAX_DEPTH + 1
        );
        assert!(m.match_url(&levels[MAX_DEPTH + 1]).is_empty());
    }
}
