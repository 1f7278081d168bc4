//! The report page: the document head with its Content-Security-Policy and style, the
//! run summary, the matches per indicator (searches), the counts per category
//! (rescans), and the messages to review grouped by action (`message_view.rs`).

use sha2::{Digest, Sha256};

use super::html::Html;
use super::message_view;
use super::stored::StoredHeaders;
use crate::audit::{RescanSummary, ReviewRecord, RunDetails};

/// The only style of the page; the policy allows exactly this text by its hash.
const STYLE: &str = "\
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#1b1b1b;background:#fff}\
h1{font-size:1.5em}h2{border-bottom:2px solid #ccc;margin-top:2em}h3{margin-top:1.5em}\
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}\
th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}\
table.kv th{width:13em}code,.mono{font-family:ui-monospace,monospace;word-break:break-all}\
article{border:1px solid #bbb;border-radius:4px;padding:.5em 1em;margin:1em 0}\
article h4{font-size:1.15em;margin:.3em 0}h5{font-size:1em;margin:1em 0 .3em}\
.snippet{white-space:pre-wrap;font-family:ui-monospace,monospace;word-break:break-word}\
mark{background:#ffe066;color:#000;font-weight:bold}\
.warn{background:#fde2e1;border:2px solid #c0392b;padding:.5em;font-weight:bold}\
.ok{color:#1e7b34}.note{color:#555}\
.action{display:inline-block;padding:0 .5em;border-radius:3px;font-weight:bold;background:#eee}\
.jail,.delete{background:#c0392b;color:#fff}.junk,.archive{background:#e67e22;color:#fff}.review{background:#2e86c1;color:#fff}\
details{margin:.3em 0}summary{cursor:pointer}ol.received li{font-family:ui-monospace,monospace;word-break:break-all}";

/// The page's Content-Security-Policy: nothing may load or run (`default-src 'none'`
/// covers scripts, images, fonts, frames, fetches, media, objects), the one `<style>`
/// element is allowed by its hash (not `'unsafe-inline'`, so an injected `<style>` or
/// `style=` would not apply either), and the two directives `default-src` does not
/// cover that matter in a file are closed: `base-uri` and `form-action`.
fn content_security_policy() -> String {
    let digest = Sha256::digest(STYLE.as_bytes());
    format!(
        "default-src 'none'; style-src 'sha256-{}'; base-uri 'none'; form-action 'none'",
        base64(&digest)
    )
}

/// The whole page. `stored` is parallel to `record.messages`.
pub fn render(
    record: &ReviewRecord,
    rescan: Option<&RescanSummary>,
    stored: &[StoredHeaders],
) -> String {
    let mut h = Html::default();
    let run = &record.run.record;
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .text(&content_security_policy())
        .raw("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<title>mailsweep review: ")
        .text(&run.run_id)
        .raw("</title>\n<style>")
        .raw(STYLE)
        .raw("</style>\n</head>\n<body>\n<header>\n<h1>mailsweep review: run <code>")
        .text(&run.run_id)
        .raw("</code></h1>\n<p class=\"note\">Written from the run's audit tables and each message's stored bytes (verified by SHA-256). ")
        .raw("This file holds no script and loads nothing; everything taken from messages is shown as text, links included.</p>\n</header>\n");
    summary(&mut h, &record.run, record);
    if !record.indicators.is_empty() {
        indicators(&mut h, record);
    }
    if let Some(rescan) = rescan {
        risk_counts(&mut h, rescan);
    }
    message_view::messages(&mut h, record, stored);
    h.raw("<footer><p class=\"note\">mailsweep ")
        .text(&record.run.tool_version)
        .raw(" wrote this report. Nothing in any mailbox was changed.</p></footer>\n</body>\n</html>\n");
    h.finish()
}

fn summary(h: &mut Html, details: &RunDetails, record: &ReviewRecord) {
    let run = &details.record;
    h.raw("<section id=\"summary\">\n<h2>Run summary</h2>\n<table class=\"kv\">\n");
    row(h, "Run", &run.run_id);
    row(h, "Command line", &details.command_line);
    row(
        h,
        "Action",
        run.action.as_deref().unwrap_or(run.command.as_str()),
    );
    if let Some(result) = &run.result {
        row(h, "Result", result);
    }
    row(h, "Started (UTC)", &utc_time(run.started_micros));
    if let Some(finished) = details.finished_micros {
        row(h, "Finished (UTC)", &utc_time(finished));
    }
    num_row(h, "Mailboxes", Some(run.mailboxes));
    num_row(h, "Emails scanned", Some(run.messages_scanned));
    if let Some(limit) = run.limit_per_mailbox {
        num_row(h, "Newest per mailbox", Some(limit));
    }
    num_row(h, "Bytes read", details.bytes);
    num_row(h, "Parse failures", details.parse_failures);
    num_row(h, "Mailbox errors", details.mailbox_errors);
    if let Some(values) = run.values {
        num_row(h, "Values searched", Some(values));
    }
    let matched = if run.command == "rescan" {
        "Emails flagged"
    } else {
        "Emails matched"
    };
    num_row(h, matched, run.messages_matched);
    h.raw("<tr><th>In the manifest</th><td>");
    let groups = message_view::groups(&record.messages);
    if groups.is_empty() {
        h.raw("no email");
    }
    for (i, (action, members)) in groups.iter().enumerate() {
        if i > 0 {
            h.raw(" · ");
        }
        h.text(action).raw(" ").num(members.len() as u64);
    }
    h.raw("</td></tr>\n</table>\n</section>\n");
}

fn indicators(h: &mut Html, record: &ReviewRecord) {
    h.raw("<section id=\"indicators\">\n<h2>Matches per indicator</h2>\n<table>\n")
        .raw("<tr><th>ID</th><th>Kind</th><th>Value</th><th>Matched as</th><th>Source</th>")
        .raw("<th>Emails</th><th>Matches</th><th>Occurrences</th></tr>\n");
    for i in &record.indicators {
        h.raw("<tr><td>")
            .text(&i.id)
            .raw("</td><td>")
            .text(&i.kind)
            .raw("</td><td class=\"mono\">")
            .text(&i.value)
            .raw("</td><td class=\"mono\">")
            .text(&i.normalized)
            .raw("</td><td>")
            .text(&i.source)
            .raw("</td><td class=\"n\">")
            .num(i.matched_messages)
            .raw("</td><td class=\"n\">")
            .num(i.match_count)
            .raw("</td><td class=\"n\">")
            .num(i.occurrences)
            .raw("</td></tr>\n");
    }
    h.raw("</table>\n</section>\n");
}

fn risk_counts(h: &mut Html, s: &RescanSummary) {
    let (d, l) = (&s.dispositions, &s.levels);
    h.raw("<section id=\"risks\">\n<h2>Risk categories</h2>\n<table class=\"kv\">\n");
    num_row(h, "Emails flagged", Some(s.messages_flagged as i64));
    h.raw("<tr><th>Disposition</th><td>Jail ")
        .num(d.jail as u64)
        .raw(" · Junk ")
        .num(d.junk as u64)
        .raw(" · Review ")
        .num(d.review as u64)
        .raw(" · Stays ")
        .num(d.stays as u64)
        .raw("</td></tr>\n<tr><th>Highest level</th><td>High ")
        .num(l.high as u64)
        .raw(" · Moderate ")
        .num(l.moderate as u64)
        .raw(" · Low ")
        .num(l.low as u64)
        .raw(" · None ")
        .num(l.none as u64)
        .raw("</td></tr>\n</table>\n<table>\n<tr><th>Category</th><th>Emails</th><th>High</th><th>Moderate</th><th>Low</th></tr>\n");
    for c in &s.categories {
        h.raw("<tr><td>").text(&c.label);
        if c.dangerous {
            h.raw(" <span class=\"note\">(dangerous result)</span>");
        }
        h.raw("</td><td class=\"n\">")
            .num(c.messages as u64)
            .raw("</td><td class=\"n\">")
            .num(c.high as u64)
            .raw("</td><td class=\"n\">")
            .num(c.moderate as u64)
            .raw("</td><td class=\"n\">")
            .num(c.low as u64)
            .raw("</td></tr>\n");
    }
    h.raw("</table>\n</section>\n");
}

/// A `<tr>` of a key-value table.
pub(super) fn row(h: &mut Html, key: &'static str, value: &str) {
    h.raw("<tr><th>")
        .raw(key)
        .raw("</th><td>")
        .text(value)
        .raw("</td></tr>\n");
}

fn num_row(h: &mut Html, key: &'static str, value: Option<i64>) {
    h.raw("<tr><th>").raw(key).raw("</th><td>");
    match value {
        Some(v) => h.num(v),
        None => h.raw("-"),
    };
    h.raw("</td></tr>\n");
}

/// `2026-11-22 21:10:53` from microseconds since the epoch.
pub(super) fn utc_time(micros: i64) -> String {
    let t = mail_parser::DateTime::from_timestamp(micros.div_euclid(1_000_000));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// Standard base64 with padding (RFC 4648 §4), for the CSP hash source.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn the_policy_forbids_everything_but_our_style() {
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(!csp.contains("unsafe"));
        assert!(!csp.contains("script-src"));
        // The hash is of the style text exactly (44 base64 characters for 32 bytes).
        let hash = csp
            .split("'sha256-")
            .nth(1)
            .and_then(|s| s.split('\'').next());
        assert_eq!(hash.map(str::len), Some(44));
    }

    #[test]
    fn utc_times() {
        assert_eq!(utc_time(0), "1970-01-01 00:00:00");
        assert_eq!(utc_time(1_704_067_200_999_999), "2024-01-01 00:00:00");
    }
}
