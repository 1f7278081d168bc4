//! ARC headers as sealed (RFC 8617), recorded, never believed: anyone can seal a chain,
//! and which sealers to trust is a policy question. The highest instance is what the
//! last sealer saw: its ARC-Authentication-Results and its ARC-Seal's `cv=` (chain
//! validation as that sealer judged it).

use super::results::{self, shown, AuthResults};
use crate::message::decoded::HeaderText;

/// Longest summary of a sealed result list in an insight.
const MAX_SUMMARY_CHARS: usize = 300;

/// The ARC-Authentication-Results of the highest instance (the topmost of equals), and
/// the fields that could not be read.
pub fn latest_results(headers: &[HeaderText]) -> (Option<(u32, AuthResults)>, Vec<&HeaderText>) {
    let mut best: Option<(u32, AuthResults)> = None;
    let mut unreadable = Vec::new();
    for header in headers
        .iter()
        .filter(|h| is(h, "arc-authentication-results"))
    {
        match results::parse_arc(&header.value) {
            Some((i, parsed)) => {
                if best.as_ref().is_none_or(|(b, _)| i > *b) {
                    best = Some((i, parsed));
                }
            }
            None => unreadable.push(header),
        }
    }
    (best, unreadable)
}

/// The ARC-Seal of the highest instance: `(i, d, cv)`.
pub fn latest_seal(headers: &[HeaderText]) -> Option<(u32, Option<String>, Option<String>)> {
    let mut best: Option<(u32, Option<String>, Option<String>)> = None;
    for header in headers.iter().filter(|h| is(h, "arc-seal")) {
        let tags = tag_list(&header.value);
        let tag = |name: &str| {
            tags.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_string())
        };
        let Some(i) = tag("i").and_then(|i| i.parse::<u32>().ok()) else {
            continue;
        };
        if best.as_ref().is_none_or(|(b, _, _)| i > *b) {
            best = Some((i, tag("d"), tag("cv").map(|cv| cv.to_ascii_lowercase())));
        }
    }
    best
}

/// A DKIM-style `tag=value; ...` list (values trimmed; `b=` may itself hold `=`).
fn tag_list(value: &str) -> Vec<(&str, &str)> {
    value
        .split(';')
        .filter_map(|tag| tag.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

/// `ARC-Authentication-Results i=2 from "mx.google.com": dkim=pass ...; spf=pass ...`.
pub fn results_detail(instance: u32, sealed: &AuthResults) -> String {
    let statements: Vec<String> = sealed.results.iter().map(|r| r.summary()).collect();
    let mut listed = statements.join("; ");
    if sealed.no_result {
        listed = "none".into();
    }
    format!(
        "ARC-Authentication-Results i={instance} {}: {}",
        super::authserv(sealed),
        super::capped(&listed, MAX_SUMMARY_CHARS)
    )
}

/// `ARC-Seal i=2 d=google.com cv=pass`.
pub fn seal_detail(instance: u32, domain: Option<&str>, cv: Option<&str>) -> String {
    format!(
        "ARC-Seal i={instance} d={} cv={} (as sealed, not verified)",
        domain.map_or("?".to_string(), shown),
        cv.map_or("?".to_string(), shown)
    )
}

fn is(header: &HeaderText, name: &str) -> bool {
    header.name.eq_ignore_ascii_case(name)
}
