//! The messages to review: the manifest grouped by action (most severe first), each
//! message with where it is stored and whether its bytes still match, its decoded
//! header fields, its attachments, its matches with the values marked, and its X-ray.

use super::highlight::highlight;
use super::html::Html;
use super::page::{row, utc_time};
use super::stored::{Integrity, StoredHeaders};
use crate::audit::{ReviewIndicator, ReviewMessage, ReviewRecord};
use crate::risk::Category;

/// The order of the action groups: what takes a message out of the inbox first.
const ACTION_ORDER: [&str; 5] = ["jail", "delete", "junk", "archive", "review"];

/// The manifest's messages by action: `(action, indices)`, in [`ACTION_ORDER`] and then
/// any other action by name; manifest order within a group.
pub fn groups(messages: &[ReviewMessage]) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        match groups.iter_mut().find(|(a, _)| *a == m.action) {
            Some((_, members)) => members.push(i),
            None => groups.push((m.action.clone(), vec![i])),
        }
    }
    let rank = |a: &str| {
        ACTION_ORDER
            .iter()
            .position(|o| *o == a)
            .unwrap_or(usize::MAX)
    };
    groups.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    groups
}

pub fn messages(h: &mut Html, record: &ReviewRecord, stored: &[StoredHeaders]) {
    h.raw("<section id=\"messages\">\n<h2>Emails to review (")
        .num(record.messages.len() as u64)
        .raw(")</h2>\n");
    if record.messages.is_empty() {
        h.raw("<p>The run's manifest lists no email.</p>\n");
    }
    let mut number = 0u64;
    for (action, members) in groups(&record.messages) {
        h.raw("<h3>")
            .text(&capitalised(&action))
            .raw(" (")
            .num(members.len() as u64)
            .raw(")</h3>\n");
        for i in members {
            number += 1;
            message(
                h,
                number,
                &record.messages[i],
                &stored[i],
                &record.indicators,
            );
        }
    }
    h.raw("</section>\n");
}

fn message(
    h: &mut Html,
    number: u64,
    m: &ReviewMessage,
    stored: &StoredHeaders,
    indicators: &[ReviewIndicator],
) {
    h.raw("<article>\n<h4>").num(number).raw(". ");
    match m.subject.as_deref() {
        Some(s) if !s.is_empty() => h.text(s),
        _ => h.raw("(no subject)"),
    };
    h.raw("</h4>\n<table class=\"kv\">\n<tr><th>Action</th><td>");
    action_badge(h, &m.action);
    h.raw("</td></tr>\n");
    row(h, "Reason", &m.reason.join(", "));
    if let Some(disposition) = &m.disposition {
        let trusted = match m.sender_trusted {
            Some(true) => "trusted sender",
            Some(false) => "unknown sender",
            None => "sender trust not recorded",
        };
        let verdict = format!(
            "{disposition} (risk level {}, {trusted})",
            m.risk_level.as_deref().unwrap_or("none")
        );
        row(h, "Verdict", &verdict);
    }
    row(
        h,
        "Mailbox",
        &format!("{} / {}  (#{})", m.mailbox, m.folder, m.ordinal),
    );
    let place = match m.locator_kind.as_str() {
        "file" => format!("{}  ({} bytes)", m.path, m.length),
        kind => format!(
            "{}  ({kind}, bytes {}–{}, {} bytes)",
            m.path,
            m.offset,
            m.offset + m.length,
            m.length
        ),
    };
    h.raw("<tr><th>Stored at</th><td class=\"mono\">")
        .text(&place)
        .raw("</td></tr>\n<tr><th>SHA-256</th><td class=\"mono\">")
        .text(&m.sha256)
        .raw("</td></tr>\n</table>\n");
    integrity(h, m, &stored.integrity);
    headers(h, m, stored);
    attachments(h, m);
    if !m.matches.is_empty() {
        matches(h, m, indicators);
    }
    if !m.evidence.is_empty() {
        xray(h, m);
    }
    h.raw("</article>\n");
}

fn action_badge(h: &mut Html, action: &str) {
    let class = match action {
        "jail" => "<span class=\"action jail\">",
        "delete" => "<span class=\"action delete\">",
        "junk" => "<span class=\"action junk\">",
        "archive" => "<span class=\"action archive\">",
        "review" => "<span class=\"action review\">",
        _ => "<span class=\"action\">",
    };
    h.raw(class).text(action).raw("</span>");
}

fn integrity(h: &mut Html, m: &ReviewMessage, integrity: &Integrity) {
    match integrity {
        Integrity::Verified => {
            h.raw("<p class=\"ok\">Stored bytes verified: their SHA-256 is the one the run recorded.</p>\n");
        }
        Integrity::Changed { found } => {
            h.raw("<p class=\"warn\">WARNING: the mailbox changed since the run. The bytes at this locator now have SHA-256 <span class=\"mono\">")
                .text(found)
                .raw("</span>, not the recorded one. Their headers are not shown; below is only what the run recorded.</p>\n");
        }
        Integrity::Unreadable { error } => {
            h.raw("<p class=\"warn\">WARNING: the stored message cannot be read again (")
                .text(error)
                .raw("). Its headers are not shown; below is only what the run recorded.</p>\n");
        }
    }
    if !matches!(integrity, Integrity::Verified) {
        h.raw("<table class=\"kv\">\n");
        row(
            h,
            "From (recorded)",
            m.from_address.as_deref().unwrap_or("-"),
        );
        row(
            h,
            "Message-ID (recorded)",
            m.message_id.as_deref().unwrap_or("-"),
        );
        let date = m
            .date_micros
            .map_or("-".to_string(), |d| utc_time(d) + " UTC");
        row(h, "Date (recorded)", &date);
        h.raw("</table>\n");
    }
}

fn headers(h: &mut Html, m: &ReviewMessage, stored: &StoredHeaders) {
    if stored.integrity != Integrity::Verified {
        return;
    }
    h.raw("<h5>Headers</h5>\n");
    if let Some(error) = &m.parse_error {
        h.raw("<p class=\"warn\">Parse error: ")
            .text(error)
            .raw("</p>\n");
    }
    if stored.fields.is_empty() {
        h.raw("<p>No header field the report shows.</p>\n");
    } else {
        h.raw("<table class=\"kv headers\">\n");
        for (name, value) in &stored.fields {
            h.raw("<tr><th>")
                .text(name)
                .raw("</th><td class=\"mono\">")
                .text(value)
                .raw("</td></tr>\n");
        }
        h.raw("</table>\n");
    }
    if !stored.received.is_empty() {
        h.raw("<details><summary>Received (")
            .num(stored.received.len() as u64)
            .raw(", newest first)</summary>\n<ol class=\"received\">\n");
        for r in &stored.received {
            h.raw("<li>").text(r).raw("</li>\n");
        }
        h.raw("</ol>\n</details>\n");
    }
    if stored.other_fields > 0 {
        h.raw("<p class=\"note\">")
            .num(stored.other_fields as u64)
            .raw(" other header fields not shown.</p>\n");
    }
}

fn attachments(h: &mut Html, m: &ReviewMessage) {
    h.raw("<h5>Attachments (")
        .num(m.attachment_names.len() as u64)
        .raw(")</h5>\n");
    if m.attachment_names.is_empty() {
        h.raw("<p>None.</p>\n");
    } else {
        h.raw("<ul>\n");
        for (i, name) in m.attachment_names.iter().enumerate() {
            h.raw("<li><span class=\"mono\">");
            match name {
                Some(n) => h.text(n),
                None => h.raw("(unnamed)"),
            };
            h.raw("</span>");
            if let Some(Some(t)) = m.attachment_types.get(i) {
                h.raw(" <span class=\"note\">").text(t).raw("</span>");
            }
            h.raw("</li>\n");
        }
        h.raw("</ul>\n");
    }
    let problems: Vec<&str> = m
        .decode_problems
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if !problems.is_empty() {
        h.raw("<p class=\"note\">Not decoded: ")
            .text(&problems.join("; "))
            .raw("</p>\n");
    }
}

fn matches(h: &mut Html, m: &ReviewMessage, indicators: &[ReviewIndicator]) {
    h.raw("<h5>Matches (")
        .num(m.matches.len() as u64)
        .raw(")</h5>\n<table>\n<tr><th>Value</th><th>Field</th><th>MIME part</th><th>Times</th><th>Snippet</th></tr>\n");
    for hit in &m.matches {
        let indicator = indicators.iter().find(|i| i.id == hit.indicator_id);
        h.raw("<tr><td>").text(&hit.indicator_id);
        if let Some(i) = indicator {
            h.raw(" <span class=\"mono\">")
                .text(&i.value)
                .raw("</span>");
        }
        h.raw("</td><td>")
            .text(&hit.field)
            .raw("</td><td class=\"mono\">")
            .text(&hit.path)
            .raw("</td><td class=\"n\">")
            .num(hit.occurrences)
            .raw("</td><td class=\"snippet\">");
        let needles = indicator.map_or_else(Vec::new, needles);
        highlight(h, &hit.snippet, &needles);
        h.raw("</td></tr>\n");
    }
    h.raw("</table>\n");
}

/// What to look for in a snippet: the value as given, then as matched (`normalized`,
/// without its `host:`/`address:`… prefix), then the part after a header name.
fn needles(i: &ReviewIndicator) -> Vec<&str> {
    let mut out = vec![i.value.as_str(), i.normalized.as_str()];
    out.extend(after_colon(&i.normalized));
    out.extend(after_colon(&i.value));
    out
}

fn after_colon(s: &str) -> Option<&str> {
    s.split_once(':')
        .map(|(_, rest)| rest.trim())
        .filter(|rest| !rest.is_empty())
}

fn xray(h: &mut Html, m: &ReviewMessage) {
    h.raw("<h5>X-ray</h5>\n");
    for category in Category::ALL {
        let evidence: Vec<_> = m
            .evidence
            .iter()
            .filter(|e| e.category.as_deref() == Some(category.as_str()))
            .collect();
        if evidence.is_empty() {
            continue;
        }
        h.raw("<p><strong>").text(category.label());
        if category.dangerous() {
            h.raw(" (dangerous result)");
        }
        h.raw("</strong></p>\n<ul>\n");
        for e in evidence {
            h.raw("<li><code>[")
                .text(&e.rule)
                .raw("]</code> ")
                .text(&e.detail)
                .raw("</li>\n");
        }
        h.raw("</ul>\n");
    }
    // Evidence under a category this version does not know (a newer writer) is still
    // shown, under its name.
    let known = |c: &str| Category::ALL.iter().any(|k| k.as_str() == c);
    let other: Vec<_> = m
        .evidence
        .iter()
        .filter(|e| e.category.as_deref().is_some_and(|c| !known(c)))
        .collect();
    let insights: Vec<_> = m.evidence.iter().filter(|e| e.category.is_none()).collect();
    for (title, list) in [("Other categories", other), ("Insights", insights)] {
        if list.is_empty() {
            continue;
        }
        h.raw("<p><strong>")
            .text(title)
            .raw("</strong></p>\n<ul>\n");
        for e in list {
            h.raw("<li><code>[").text(&e.rule).raw("]</code> ");
            if let Some(c) = e.category.as_deref().filter(|c| !known(c)) {
                h.text(c).raw(": ");
            }
            h.text(&e.detail).raw("</li>\n");
        }
        h.raw("</ul>\n");
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
