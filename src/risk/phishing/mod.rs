//! Phishing: the rule signals of credential phishing read from one message (links, the
//! HTML, the sender's name and the words), combined into Phishing or Possible phishing.
//!
//! Signals (rule ids as in `xray.parquet`), each with a weight calibrated on the train
//! split (see `docs/phishing.md`):
//! - `phish.listed_url`: a link is on a `--lists` phishing URL list (`*.urls`);
//! - `phish.anchor_host_mismatch`: a link's text shows one host, its href (and anything
//!   it wraps) goes to another registrable domain;
//! - `phish.ip_literal_link`, `phish.punycode_host`: a link to a bare IP address, a
//!   link or sender host in punycode;
//! - `phish.lookalike_host`: a link or sender host imitating a brand's domain;
//! - `phish.credential_form`: an HTML body or attachment asking for a password or
//!   posting a form off-site;
//! - `phish.brand_mismatch`: a brand named in the display name or subject of mail from
//!   a domain not the brand's;
//! - `phish.shortener`, `phish.redirect_chain`: links whose destination is hidden;
//! - `phish.urgency_with_links`: account-threat language and a link.
//!
//! How they combine: noisy-OR of the weights. A message whose combined score reaches
//! [`PHISHING_AT`] raises Phishing, one reaching [`POSSIBLE_AT`] Possible phishing; below
//! that every signal is an insight only. Every weak signal alone stays below Phishing.

mod hosts;
mod phrase_search;
mod text;

use url::{Host, Url};

use super::content::Content;
use super::links::Anchor;
use super::lists::Lists;
use super::{Category, Evidence};
use crate::search::links;

/// Combined score from which a message is Phishing.
pub const PHISHING_AT: f32 = 0.9;
/// Combined score from which a message is Possible phishing.
pub const POSSIBLE_AT: f32 = 0.5;

/// The phishing rules read no header field beyond the parties given in [`Content`].
pub fn wants(_name: &str) -> bool {
    false
}

/// One signal that fired, before the combination decides its category.
struct Signal {
    rule: &'static str,
    weight: f32,
    detail: String,
}

/// Runs every phishing rule on `content` and adds its evidence to `out`.
pub fn check(content: &Content, lists: &Lists, out: &mut Vec<Evidence>) {
    let mut signals: Vec<Signal> = Vec::new();
    let from_host = content
        .from
        .and_then(|f| f.rsplit_once('@'))
        .map(|(_, d)| d.trim().trim_end_matches('>').to_ascii_lowercase());
    let from_reg = from_host.as_deref().map(hosts::registrable);

    let links = content.links;
    let parsed = &links.urls;
    if let Some((link, origin)) = parsed
        .iter()
        .find_map(|(u, _)| lists.phishing_url(u).map(|o| (u, o)))
    {
        signals.push(Signal {
            rule: "phish.listed_url",
            weight: 1.0,
            detail: format!("link {link:?} {origin}"),
        });
    }
    link_signals(parsed, from_reg, &mut signals);
    anchor_signal(&links.anchors, &mut signals);
    if let Some(host) = from_host.as_deref() {
        sender_host_signals(host, &mut signals);
    }
    if let Some(from) = content.from.filter(|f| !valid_address(f)) {
        signals.push(Signal {
            rule: "phish.sender_invalid",
            weight: 0.85,
            detail: format!("From address {from:?} has no valid domain"),
        });
    }
    form_signal(&links.forms, links.password, from_reg, &mut signals);
    brand_signal(content, from_host.as_deref(), &mut signals);
    if !parsed.is_empty() || !links.forms.is_empty() {
        // What a reader sees (as the classifier reads it): a phrase in an alternative
        // nobody is shown lures nobody.
        let texts = content
            .subject
            .into_iter()
            .chain(content.decoded.seen_bodies().map(|t| t.text.as_str()));
        let (urgency, lures) = text::phrases(texts, 4);
        let quoted = |phrases: &[&str]| {
            phrases
                .iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !urgency.is_empty() {
            signals.push(Signal {
                rule: "phish.urgency_with_links",
                weight: if urgency.len() >= 2 { 0.85 } else { 0.45 },
                detail: format!(
                    "{} urgency phrase(s) ({}) with {} link(s)",
                    urgency.len(),
                    quoted(&urgency),
                    parsed.len()
                ),
            });
        }
        if !lures.is_empty() {
            signals.push(Signal {
                rule: "phish.lure_with_links",
                weight: if lures.len() >= 2 { 0.85 } else { 0.4 },
                detail: format!(
                    "{} lure phrase(s) ({}) with {} link(s)",
                    lures.len(),
                    quoted(&lures),
                    parsed.len()
                ),
            });
        }
    }
    combine(signals, out);
}

/// Noisy-OR of the signals' weights decides one category for all of them.
/// A rule that fired twice (a look-alike link host and sender domain) counts once, at
/// its strongest.
fn combine(signals: Vec<Signal>, out: &mut Vec<Evidence>) {
    let mut miss = 1.0_f32;
    for (i, s) in signals.iter().enumerate() {
        let strongest = signals
            .iter()
            .filter(|o| o.rule == s.rule)
            .map(|o| o.weight)
            .fold(0.0_f32, f32::max);
        let first = signals.iter().position(|o| o.rule == s.rule) == Some(i);
        if first {
            miss *= 1.0 - strongest.clamp(0.0, 1.0);
        }
    }
    // Rounded so that a single 0.9 signal is 0.9, not 0.8999999.
    let score = ((1.0 - miss) * 1000.0).round() / 1000.0;
    let category = if score >= PHISHING_AT {
        Some(Category::Phishing)
    } else if score >= POSSIBLE_AT {
        Some(Category::PossiblePhishing)
    } else {
        None
    };
    for s in signals {
        out.push(Evidence {
            category,
            rule: s.rule,
            detail: s.detail,
            score: if category.is_some() { score } else { 0.0 },
        });
    }
}

/// IP literals, punycode, look-alikes, shorteners and redirect chains among the links.
fn link_signals(parsed: &[(String, Url)], from_reg: Option<&str>, signals: &mut Vec<Signal>) {
    let mut ip: Option<&str> = None;
    let mut puny: Option<&str> = None;
    let mut look: Option<(&str, &'static str, hosts::Lookalike)> = None;
    let mut short: Option<&str> = None;
    let mut redirect: Option<(&str, String)> = None;
    let mut checked: Vec<&str> = Vec::new();
    for (raw, url) in parsed {
        let host = url.host_str().unwrap_or("");
        if matches!(url.host(), Some(Host::Ipv4(_) | Host::Ipv6(_))) {
            ip.get_or_insert(raw);
            continue;
        }
        if checked.contains(&host) {
            continue;
        }
        checked.push(host);
        if host.split('.').any(|l| l.starts_with("xn--")) {
            puny.get_or_insert(host);
        }
        if look.is_none() {
            if let Some((brand, kind)) = hosts::lookalike(host) {
                look = Some((host, brand.name, kind));
            }
        }
        if hosts::is_shortener(host) {
            short.get_or_insert(raw);
        }
        if redirect.is_none() && !is_security_wrapper(host) {
            let outer = hosts::registrable(host);
            let inner = links::wrapped_urls(raw).into_iter().find_map(|u| {
                let h = Url::parse(&u).ok()?.host_str()?.to_ascii_lowercase();
                let reg = hosts::registrable(&h);
                (reg != outer && Some(reg) != from_reg).then_some(h)
            });
            if let Some(inner) = inner {
                if Some(outer) != from_reg {
                    redirect = Some((host, inner));
                }
            }
        }
    }
    if let Some(raw) = ip {
        signals.push(Signal {
            rule: "phish.ip_literal_link",
            weight: 0.45,
            detail: format!("link to an IP address: {raw:?}"),
        });
    }
    if let Some(host) = puny {
        signals.push(Signal {
            rule: "phish.punycode_host",
            weight: 0.3,
            detail: format!("link host in punycode: {host:?}"),
        });
    }
    if let Some((host, brand, kind)) = look {
        signals.push(Signal {
            rule: "phish.lookalike_host",
            weight: match kind {
                hosts::Lookalike::Confusable => 0.9,
                hosts::Lookalike::Embedded => 0.85,
            },
            detail: format!("link host {host:?} imitates {brand}'s domain ({kind:?})"),
        });
    }
    if let Some(raw) = short {
        signals.push(Signal {
            rule: "phish.shortener",
            weight: 0.45,
            detail: format!("link through a URL shortener: {raw:?}"),
        });
    }
    if let Some((outer, inner)) = redirect {
        signals.push(Signal {
            rule: "phish.redirect_chain",
            weight: 0.45,
            detail: format!("link through {outer:?} redirects to {inner:?}"),
        });
    }
}

/// Mail security gateways that rewrite every link: their wrapping is no sign.
fn is_security_wrapper(host: &str) -> bool {
    host.ends_with(".safelinks.protection.outlook.com")
        || host.ends_with("urldefense.proofpoint.com")
        || host.ends_with("urldefense.com")
        || host.contains("mimecast")
        || host == "linkprotect.cudasvc.com"
        || host == "clicktime.symantec.com"
}

/// A host shown as an anchor's text: `www.paypal.com`, `https://paypal.com/signin`.
fn shown_host(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches(['.', ',', ')', '>']);
    if t.len() > 120 || t.contains(char::is_whitespace) || !t.contains('.') {
        return None;
    }
    let with_scheme = if t.starts_with("http://") || t.starts_with("https://") {
        t.to_string()
    } else if t.contains('@') || t.contains(':') {
        return None;
    } else {
        format!("http://{t}")
    };
    let url = Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    // A host name, not a number or a sentence's "e.g.".
    let tld = host.rsplit('.').next()?;
    (tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()) && host.contains('.'))
        .then_some(host)
}

/// Link text showing a host that the href does not go to (nor wrap).
fn anchor_signal(anchors: &[Anchor], signals: &mut Vec<Signal>) {
    let mut mismatch: Option<(String, String, Option<&'static str>)> = None;
    for a in anchors {
        let Some(shown) = shown_host(&a.text) else {
            continue;
        };
        let Ok(href) = Url::parse(a.href.trim()) else {
            continue;
        };
        if !matches!(href.scheme(), "http" | "https") {
            continue;
        }
        let Some(target) = href.host_str().map(str::to_ascii_lowercase) else {
            continue;
        };
        let shown_reg = hosts::registrable(&shown);
        if hosts::registrable(&target) == shown_reg {
            continue;
        }
        let wraps_shown = links::wrapped_urls(&a.href).iter().any(|u| {
            Url::parse(u)
                .ok()
                .and_then(|u| {
                    u.host_str()
                        .map(|h| hosts::registrable(&h.to_ascii_lowercase()) == shown_reg)
                })
                .unwrap_or(false)
        });
        if wraps_shown {
            continue;
        }
        let brand = hosts::brand_of_host(&shown)
            .filter(|b| !hosts::owned_by(b, &target))
            .map(|b| b.name);
        let better = mismatch
            .as_ref()
            .is_none_or(|m| m.2.is_none() && brand.is_some());
        if better {
            mismatch = Some((shown, target, brand));
        }
    }
    if let Some((shown, target, brand)) = mismatch {
        signals.push(Signal {
            rule: "phish.anchor_host_mismatch",
            weight: if brand.is_some() { 0.9 } else { 0.45 },
            detail: match brand {
                Some(b) => format!("link text shows {shown:?} ({b}), href goes to {target:?}"),
                None => format!("link text shows {shown:?}, href goes to {target:?}"),
            },
        });
    }
}

/// `local@domain.tld`: one `@`, a domain of letters, digits, `-` and dots with an
/// alphabetic top level (an address literal `[1.2.3.4]` too).
fn valid_address(address: &str) -> bool {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.contains('@') && !local.starts_with('"') {
        return false;
    }
    if domain.starts_with('[') && domain.ends_with(']') {
        return true;
    }
    let domain = domain.trim_end_matches('.');
    let tld = domain.rsplit('.').next().unwrap_or("");
    let top_level =
        (tld.len() >= 2 && tld.chars().all(char::is_alphabetic)) || tld.starts_with("xn--");
    domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty())
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
        && top_level
}

/// A sender domain in punycode or imitating a brand.
fn sender_host_signals(host: &str, signals: &mut Vec<Signal>) {
    if let Some((brand, kind)) = hosts::lookalike(host) {
        signals.push(Signal {
            rule: "phish.lookalike_host",
            weight: match kind {
                hosts::Lookalike::Confusable => 0.9,
                hosts::Lookalike::Embedded => 0.85,
            },
            detail: format!(
                "sender domain {host:?} imitates {}'s domain ({kind:?})",
                brand.name
            ),
        });
    } else if host.split('.').any(|l| l.starts_with("xn--")) {
        signals.push(Signal {
            rule: "phish.punycode_host",
            weight: 0.3,
            detail: format!("sender domain in punycode: {host:?}"),
        });
    }
}

/// A password field, or a form posting to another domain than the sender's.
fn form_signal(
    forms: &[(bool, String)],
    password: Option<bool>,
    from_reg: Option<&str>,
    signals: &mut Vec<Signal>,
) {
    let off_site = forms.iter().find_map(|(attachment, action)| {
        let url = Url::parse(action.trim()).ok()?;
        let host = url.host_str()?.to_ascii_lowercase();
        (Some(hosts::registrable(&host)) != from_reg).then_some((*attachment, host))
    });
    let detail = match (password, &off_site) {
        (Some(attachment), Some((_, host))) => format!(
            "{} asks for a password and posts to {host:?}",
            if attachment {
                "HTML attachment"
            } else {
                "HTML body"
            }
        ),
        (Some(attachment), None) => format!(
            "{} asks for a password",
            if attachment {
                "HTML attachment"
            } else {
                "HTML body"
            }
        ),
        (None, Some((attachment, host))) => format!(
            "form in the {} posts to {host:?}",
            if *attachment {
                "HTML attachment"
            } else {
                "HTML body"
            }
        ),
        (None, None) => return,
    };
    // An off-site form in a body is common in old newsletters (search boxes, shops):
    // next to nothing alone.
    let weight = match (password, &off_site) {
        (Some(_), Some(_)) => 0.9,
        (Some(true), None) => 0.6,
        (Some(false), None) => 0.45,
        (None, Some((true, _))) => 0.45,
        _ => 0.05,
    };
    signals.push(Signal {
        rule: "phish.credential_form",
        weight,
        detail,
    });
}

/// A brand in the display name or subject of mail not from the brand's domain.
fn brand_signal(content: &Content, from_host: Option<&str>, signals: &mut Vec<Signal>) {
    let Some(host) = from_host else {
        return;
    };
    let unrelated = |b: &&hosts::Brand| !hosts::owned_by(b, host);
    if let Some(brand) = content
        .from_name
        .and_then(|n| text::brands_named(n).into_iter().find(unrelated))
    {
        signals.push(Signal {
            rule: "phish.brand_mismatch",
            weight: 0.85,
            detail: format!(
                "display name {:?} names {}, sender domain is {host:?}",
                content.from_name.unwrap_or(""),
                brand.name
            ),
        });
    } else if let Some(brand) = content
        .subject
        .and_then(|s| text::brands_named(s).into_iter().find(unrelated))
    {
        signals.push(Signal {
            rule: "phish.brand_mismatch",
            weight: 0.1,
            detail: format!(
                "subject {:?} names {}, sender domain is {host:?}",
                content.subject.unwrap_or(""),
                brand.name
            ),
        });
    }
}

#[cfg(test)]
mod tests;
