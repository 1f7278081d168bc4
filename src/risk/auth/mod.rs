//! Authentication as received: what the receiving servers wrote into the message about
//! SPF, DKIM, DMARC and ARC (Authentication-Results, RFC 8601; Received-SPF, RFC 7208;
//! ARC-Authentication-Results and ARC-Seal, RFC 8617), turned into evidence for the
//! categories Unauthorized and Forged. Nothing is verified again here (the `dkim`
//! module re-verifies signatures against given keys); this module believes the servers
//! it trusts and no one else.
//!
//! # Which headers are believed
//! - **Authentication-Results**: by default only the topmost one (the last server to
//!   receive the message, ours, prepends it). With `trusted_authserv_ids` from the
//!   policy, every one whose authserv-id equals one of them (ASCII case-insensitively)
//!   and no other, wherever it is (servers that stamp several, one per filter, need
//!   this). Any other is reported as `auth.untrusted_results`, never believed: a sender
//!   can write `Authentication-Results: mx.victim.example; dkim=pass` into the message
//!   it sends. With trusted ids, a header claiming one of them is believed wherever it
//!   is: RFC 8601 §5 has the border server remove such fields arriving from outside,
//!   and configuring the ids says ours does. A header without an authserv-id (Exchange
//!   Online writes them) can only be trusted as the topmost one.
//! - **Received-SPF**: only when the believed Authentication-Results hold no `spf`
//!   result (when they do, the same server wrote both and Received-SPF adds nothing);
//!   then only the topmost Received-SPF, and only if it lies above the first `Received`
//!   header below the topmost believed Authentication-Results (or above the first
//!   `Received` at all when none is believed): that is the receiving server's own block
//!   (Postfix's policyd-spf writes Received-SPF just above its `Received`). Any other
//!   Received-SPF is `auth.untrusted_received_spf`.
//! - **ARC** is recorded, never believed: anyone can seal a chain, and which sealers
//!   to trust is a policy question. The highest instance's ARC-Authentication-Results
//!   and ARC-Seal `cv=` are insights, as are `arc=` results in believed headers.
//!
//! # Rules
//! | rule | category | when (in believed headers) |
//! |---|---|---|
//! | `auth.spf_fail` | Unauthorized | `spf=fail` (or `hardfail`) |
//! | `auth.received_spf_fail` | Unauthorized | believed `Received-SPF: Fail` |
//! | `auth.dmarc_fail` | Unauthorized | `dmarc=fail` with a quarantine or reject policy |
//! | `auth.compauth_fail` | Unauthorized | Microsoft `compauth=fail reason=000` (explicit DMARC fail with quarantine or reject, as Microsoft documents reason 000) |
//! | `auth.dkim_fail` | Forged | `dkim=fail`, no `dkim=pass` aligned with the From domain and no `dmarc=pass` |
//! | `auth.spf` | insight | any other `spf=` (pass, softfail, neutral, none, temperror, permerror) |
//! | `auth.received_spf` | insight | believed Received-SPF other than Fail |
//! | `auth.dmarc_fail_unenforced` | insight | `dmarc=fail` with policy none or no policy stated |
//! | `auth.dmarc` | insight | any other `dmarc=` |
//! | `auth.dkim_fail_vouched` | insight | `dkim=fail` outweighed by an aligned pass or `dmarc=pass` |
//! | `auth.dkim` | insight | any other `dkim=` (pass, none, neutral, policy, ...) |
//! | `auth.compauth` | insight | any other `compauth=` (implicit fail, pass, softpass, ...) |
//! | `auth.arc` | insight | `arc=` |
//! | `auth.other_result` | insight | other methods (`auth=pass smtp.auth=...`, `iprev=`, ...) |
//! | `auth.no_results` | insight | `; none` |
//! | `auth.arc_results` | insight | the highest instance's ARC-Authentication-Results |
//! | `auth.arc_seal` | insight | the highest instance's ARC-Seal `cv=` |
//! | `auth.untrusted_results` | insight | an Authentication-Results not believed (first 10) |
//! | `auth.untrusted_received_spf` | insight | a Received-SPF not believed (first 10) |
//! | `auth.unparsed` | insight | a header that could not be read, or parts skipped |
//!
//! # Decisions
//! - **DMARC policy**, in any of the forms writers use: a property `policy.dmarc=`,
//!   `policy.published-domain-policy=`, `policy.applied-disposition=` or
//!   `policy.evaluated-disposition=`; Microsoft's `action=` (`quarantine`, `reject`,
//!   `oreject`, `oquarantine`, `pct.quarantine`: any value ending in quarantine or
//!   reject); or `p=`, `policy=` or `dis=` inside the result's comment (Google and
//!   OpenDMARC `(p=REJECT sp=REJECT dis=NONE)`, Yahoo `dmarc=fail(p=REJECT)`, Fastmail
//!   `(p=none,d=none)`, rspamd `(policy=none)`). Enforced when any of them says
//!   quarantine or reject. `sp=` is not read: telling whether From is a subdomain of
//!   the organisational domain needs the public suffix list.
//! - **Forged** means a signature on the message does not verify and nothing vouches
//!   for the From domain: a `dkim=pass` whose `header.d` (or `header.i` domain) is the
//!   From domain, a parent or a child of it (relaxed alignment without the public
//!   suffix list: siblings are not seen as aligned), or `dmarc=pass`. A pass for
//!   another domain does not outweigh a failure: an attacker can sign with a domain of
//!   their own. The From domain is the believed `dmarc` result's `header.from`, else the
//!   message's single From header; with neither, any `dkim=pass` outweighs. So a list
//!   that breaks the author's signature and re-signs as itself is Forged unless the
//!   receiving server's DMARC passed (through ARC, say).
//! - `spf=fail` raises Unauthorized even when DMARC passed through DKIM (a forwarded
//!   message): the sending server was not authorised for the envelope domain, as the
//!   issue defines the category.
//!
//! Header values come decoded ([`decode_unstructured`]); [`results`] reads them.
//!
//! [`decode_unstructured`]: crate::message::decoded::decode_unstructured

mod arc;
mod received_spf;
pub mod results;

use self::received_spf::ReceivedSpf;
use self::results::{shown, AuthResults, ResInfo};
use super::{Category, Evidence};
use crate::message::decoded::HeaderText;

/// Header fields read, lowercased: `Received` and `From` only for where they are (the
/// Received-SPF window) and the From domain (DKIM alignment).
const WANTED: [&str; 6] = [
    "authentication-results",
    "arc-authentication-results",
    "arc-seal",
    "received-spf",
    "received",
    "from",
];

/// Headers not believed are reported up to this many (a message can carry thousands).
const MAX_UNTRUSTED_INSIGHTS: usize = 10;
/// Longest result list or unreadable value shown in one insight.
const MAX_DETAIL_CHARS: usize = 300;

/// Header fields this module reads (case-insensitive).
pub fn wants(name: &str) -> bool {
    WANTED.iter().any(|w| name.eq_ignore_ascii_case(w))
}

/// Evidence from the authentication headers. `headers`: the message's top-level header
/// fields in header order (topmost first), values decoded; `trusted_authserv_ids`: from
/// the policy, empty to believe only the topmost Authentication-Results.
pub fn check(headers: &[HeaderText], trusted_authserv_ids: &[String], out: &mut Vec<Evidence>) {
    let mut untrusted = 0usize;
    let believed = believed_results(headers, trusted_authserv_ids, &mut untrusted, out);
    let results: Vec<&AuthResults> = believed.iter().map(|(_, r)| r).collect();
    judge(&results, from_header_domain(headers), out);
    let has_spf = results
        .iter()
        .any(|r| r.results.iter().any(|i| i.method == "spf"));
    if !has_spf {
        let topmost = believed.first().map(|(index, _)| *index);
        received_spf(headers, topmost, &mut untrusted, out);
    }
    if untrusted > MAX_UNTRUSTED_INSIGHTS {
        out.push(Evidence::insight(
            "auth.untrusted_results",
            format!(
                "{} more authentication headers not believed",
                untrusted - MAX_UNTRUSTED_INSIGHTS
            ),
        ));
    }
    arc_insights(headers, out);
}

/// The Authentication-Results believed (with their header index, topmost first);
/// insights for the others and for what could not be read.
fn believed_results(
    headers: &[HeaderText],
    trusted_ids: &[String],
    untrusted: &mut usize,
    out: &mut Vec<Evidence>,
) -> Vec<(usize, AuthResults)> {
    let mut believed = Vec::new();
    let fields = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.name.eq_ignore_ascii_case("authentication-results"));
    for (position, (index, header)) in fields.enumerate() {
        let Some(parsed) = results::parse(&header.value) else {
            out.push(unreadable("Authentication-Results", &header.value));
            continue;
        };
        report_skipped("Authentication-Results", &parsed, out);
        let trusted = if trusted_ids.is_empty() {
            position == 0
        } else {
            parsed
                .authserv_id
                .as_deref()
                .is_some_and(|id| trusted_ids.iter().any(|t| t.eq_ignore_ascii_case(id)))
        };
        if trusted {
            believed.push((index, parsed));
        } else {
            let why = if trusted_ids.is_empty() {
                "not the topmost"
            } else {
                "authserv-id not trusted"
            };
            note_untrusted(
                "auth.untrusted_results",
                format!(
                    "ignored Authentication-Results {} ({why}): {}",
                    authserv(&parsed),
                    listed(&parsed)
                ),
                untrusted,
                out,
            );
        }
    }
    believed
}

/// Evidence from the believed results, in header order.
fn judge(believed: &[&AuthResults], from_header: Option<String>, out: &mut Vec<Evidence>) {
    let statements = || {
        believed
            .iter()
            .flat_map(|header| header.results.iter().map(move |info| (*header, info)))
    };
    let from_domain = statements()
        .filter(|(_, i)| i.method == "dmarc")
        .find_map(|(_, i)| i.prop("header", "from").and_then(domain_of))
        .or(from_header);
    let voucher = statements()
        .find(|(_, i)| i.method == "dmarc" && i.result == "pass")
        .or_else(|| {
            statements().find(|(_, i)| {
                i.method == "dkim" && i.result == "pass" && aligned_with(i, from_domain.as_deref())
            })
        })
        .map(|(_, i)| i.summary());
    for header in believed {
        if header.no_result {
            out.push(Evidence::insight(
                "auth.no_results",
                format!("Authentication-Results {}: none", authserv(header)),
            ));
        }
        for info in &header.results {
            out.push(evidence_for(header, info, voucher.as_deref()));
        }
    }
}

/// The evidence one believed `method=result` gives.
fn evidence_for(header: &AuthResults, info: &ResInfo, voucher: Option<&str>) -> Evidence {
    let seen = format!(
        "Authentication-Results {}: {}",
        authserv(header),
        capped(&info.summary(), MAX_DETAIL_CHARS)
    );
    let fail = info.result == "fail";
    match info.method.as_str() {
        "spf" if fail || info.result == "hardfail" => {
            Evidence::raise(Category::Unauthorized, "auth.spf_fail", seen)
        }
        "spf" => Evidence::insight("auth.spf", seen),
        "dmarc" if fail => match dmarc_policy(info) {
            Some((stated, true)) => Evidence::raise(
                Category::Unauthorized,
                "auth.dmarc_fail",
                format!("{seen} (stated {stated})"),
            ),
            Some((stated, false)) => Evidence::insight(
                "auth.dmarc_fail_unenforced",
                format!("{seen} (stated {stated})"),
            ),
            None => Evidence::insight(
                "auth.dmarc_fail_unenforced",
                format!("{seen} (no policy stated)"),
            ),
        },
        "dmarc" => Evidence::insight("auth.dmarc", seen),
        "dkim" if fail => match voucher {
            Some(pass) => Evidence::insight(
                "auth.dkim_fail_vouched",
                format!("{seen} (outweighed by {})", capped(pass, MAX_DETAIL_CHARS)),
            ),
            None => Evidence::raise(Category::Forged, "auth.dkim_fail", seen),
        },
        "dkim" => Evidence::insight("auth.dkim", seen),
        "compauth" if fail && info.reason.as_deref() == Some("000") => {
            Evidence::raise(Category::Unauthorized, "auth.compauth_fail", seen)
        }
        "compauth" => Evidence::insight("auth.compauth", seen),
        "arc" => Evidence::insight("auth.arc", seen),
        _ => Evidence::insight("auth.other_result", seen),
    }
}

/// Properties whose value is a DMARC policy or disposition (ptype `policy`).
const POLICY_PROPERTIES: [&str; 4] = [
    "dmarc",
    "published-domain-policy",
    "applied-disposition",
    "evaluated-disposition",
];
/// Keys inside a dmarc result's comment that state the policy or disposition.
const POLICY_COMMENT_KEYS: [&str; 3] = ["p", "policy", "dis"];

/// The policy a `dmarc` result states, as `(what was stated, enforced)`: enforced when
/// any statement says quarantine or reject; `None` when none is stated.
fn dmarc_policy(info: &ResInfo) -> Option<(String, bool)> {
    let from_props = info.props.iter().filter_map(|p| {
        let policy = p.ptype == "policy" && POLICY_PROPERTIES.contains(&p.property.as_str());
        let action = p.ptype.is_empty() && p.property == "action";
        (policy || action).then(|| (p.property.clone(), p.value.to_ascii_lowercase()))
    });
    let from_comments = info.comments.iter().flat_map(|comment| {
        comment
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter_map(|item| item.split_once('='))
            .filter(|(key, _)| {
                POLICY_COMMENT_KEYS
                    .iter()
                    .any(|k| key.eq_ignore_ascii_case(k))
            })
            .map(|(key, value)| (key.to_ascii_lowercase(), value.to_ascii_lowercase()))
    });
    let stated: Vec<(String, String)> = from_props.chain(from_comments).collect();
    let enforcing = |value: &str| value.ends_with("quarantine") || value.ends_with("reject");
    let shown_pair = |(key, value): &(String, String)| format!("{key}={}", shown(value));
    if let Some(pair) = stated.iter().find(|(_, v)| enforcing(v)) {
        return Some((shown_pair(pair), true));
    }
    stated.first().map(|pair| (shown_pair(pair), false))
}

/// A `dkim=pass` whose signing domain is the From domain, a parent or a child of it;
/// with no From domain known, any pass.
fn aligned_with(info: &ResInfo, from_domain: Option<&str>) -> bool {
    let Some(from) = from_domain else {
        return true;
    };
    let signer = info
        .prop("header", "d")
        .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .or_else(|| info.prop("header", "i").and_then(domain_of));
    signer.is_some_and(|d| related_domains(&d, from))
}

/// Equal, or one a subdomain of the other, the shorter having at least two labels.
fn related_domains(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return false;
    }
    short.eq_ignore_ascii_case(long)
        || (short.contains('.')
            && long.len() > short.len() + 1
            && long.is_char_boundary(long.len() - short.len() - 1)
            && long[long.len() - short.len() - 1..].eq_ignore_ascii_case(&format!(".{short}")))
}

/// The domain of `local@domain`, `@domain` or `domain`, lowercased.
fn domain_of(address: &str) -> Option<String> {
    let domain = address.rsplit_once('@').map_or(address, |(_, d)| d);
    let domain = domain
        .trim()
        .trim_end_matches(['>', '.'])
        .to_ascii_lowercase();
    (!domain.is_empty()).then_some(domain)
}

/// The domain of the single From header's address (`None` with none or several).
fn from_header_domain(headers: &[HeaderText]) -> Option<String> {
    let mut froms = headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("from"));
    let from = froms.next()?;
    if froms.next().is_some() {
        return None;
    }
    let value = &from.value;
    // The addr-spec is in the last <...> when there is a display name.
    let address = match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => &value[open + 1..close],
        _ => value.as_str(),
    };
    address.contains('@').then(|| domain_of(address)).flatten()
}

/// Received-SPF evidence: the topmost one believed when it lies inside the receiving
/// server's block (see the module doc), the others reported.
fn received_spf(
    headers: &[HeaderText],
    topmost_believed: Option<usize>,
    untrusted: &mut usize,
    out: &mut Vec<Evidence>,
) {
    let window_end = headers
        .iter()
        .enumerate()
        .skip(topmost_believed.map_or(0, |i| i + 1))
        .find(|(_, h)| h.name.eq_ignore_ascii_case("received"))
        .map_or(headers.len(), |(i, _)| i);
    let fields = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.name.eq_ignore_ascii_case("received-spf"));
    for (position, (index, header)) in fields.enumerate() {
        let Some(spf) = received_spf::parse(&header.value) else {
            out.push(unreadable("Received-SPF", &header.value));
            continue;
        };
        if position == 0 && index < window_end {
            out.push(received_spf_evidence(&spf));
        } else {
            note_untrusted(
                "auth.untrusted_received_spf",
                format!(
                    "ignored Received-SPF (not the receiving server's): {}",
                    capped(&spf.summary(), MAX_DETAIL_CHARS)
                ),
                untrusted,
                out,
            );
        }
    }
}

fn received_spf_evidence(spf: &ReceivedSpf) -> Evidence {
    let seen = format!("Received-SPF: {}", capped(&spf.summary(), MAX_DETAIL_CHARS));
    if spf.result == "fail" {
        Evidence::raise(Category::Unauthorized, "auth.received_spf_fail", seen)
    } else {
        Evidence::insight("auth.received_spf", seen)
    }
}

/// The last sealer's ARC-Authentication-Results and ARC-Seal, as insights.
fn arc_insights(headers: &[HeaderText], out: &mut Vec<Evidence>) {
    let (latest, unreadable_fields) = arc::latest_results(headers);
    for field in unreadable_fields {
        out.push(unreadable("ARC-Authentication-Results", &field.value));
    }
    if let Some((instance, sealed)) = latest {
        out.push(Evidence::insight(
            "auth.arc_results",
            arc::results_detail(instance, &sealed),
        ));
    }
    if let Some((instance, domain, cv)) = arc::latest_seal(headers) {
        out.push(Evidence::insight(
            "auth.arc_seal",
            arc::seal_detail(instance, domain.as_deref(), cv.as_deref()),
        ));
    }
}

/// Counts a header not believed and reports it while under the cap.
fn note_untrusted(
    rule: &'static str,
    detail: String,
    untrusted: &mut usize,
    out: &mut Vec<Evidence>,
) {
    *untrusted += 1;
    if *untrusted <= MAX_UNTRUSTED_INSIGHTS {
        out.push(Evidence::insight(rule, detail));
    }
}

fn report_skipped(field: &str, parsed: &AuthResults, out: &mut Vec<Evidence>) {
    if !parsed.skipped.is_empty() {
        let skipped = parsed.skipped.join("; ");
        out.push(Evidence::insight(
            "auth.unparsed",
            format!(
                "{field} {}: skipped {:?}",
                authserv(parsed),
                capped(&skipped, MAX_DETAIL_CHARS)
            ),
        ));
    }
}

fn unreadable(field: &str, value: &str) -> Evidence {
    Evidence::insight(
        "auth.unparsed",
        format!(
            "{field} cannot be read: {:?}",
            capped(value, MAX_DETAIL_CHARS)
        ),
    )
}

/// `from "mx.example.com"`, or `(no authserv-id)`.
fn authserv(parsed: &AuthResults) -> String {
    match &parsed.authserv_id {
        Some(id) => format!("from {id:?}"),
        None => "(no authserv-id)".into(),
    }
}

/// The results of a header on one line: `spf=pass ...; dkim=pass ...`, or `none`.
fn listed(parsed: &AuthResults) -> String {
    if parsed.results.is_empty() {
        return "none".into();
    }
    let statements: Vec<String> = parsed.results.iter().map(ResInfo::summary).collect();
    capped(&statements.join("; "), MAX_DETAIL_CHARS)
}

/// At most `max` characters, `…` marking a cut.
fn capped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
