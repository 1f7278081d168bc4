//! The seed's windows for people: the plan before a search runs (step 4) and the
//! results window after it (step 5), also shown by `mailsweep audit show` from the
//! Parquet of a past run.

use std::fmt::Write;

use crate::audit::{IndicatorCounts, RescanSummary, RunRecord};
use crate::pipeline::{Plan, ScanSummary};

/// Rows of the matches-per-value table shown; the rest is summed up in one line.
const VALUE_ROWS: usize = 25;

/// The plan: mailboxes, action, result, number of values, per-mailbox limit.
pub fn plan(plan: &Plan, action: &str, result: &str, values: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Threat Response plan");
    let _ = writeln!(out, "  Mailboxes : {}", mailbox_list(&plan.mailboxes));
    let _ = writeln!(out, "  Action    : {}", sentence_case(action));
    let _ = writeln!(out, "  Result    : {}", result_text(result));
    let _ = writeln!(out, "  Values    : {values}");
    let _ = writeln!(
        out,
        "  Emails    : {} to scan ({})",
        plan.messages,
        scope(plan.limit)
    );
    out
}

/// What a rescan consults, as its plan shows it.
pub struct Consulted {
    pub policy: Option<String>,
    pub lists: Option<String>,
    pub dkim_keys: Option<String>,
}

/// The plan of a rescan: mailboxes, action, what decides the verdicts, emails.
pub fn rescan_plan(plan: &Plan, consulted: &Consulted) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Threat Response plan");
    let _ = writeln!(out, "  Mailboxes : {}", mailbox_list(&plan.mailboxes));
    let _ = writeln!(out, "  Action    : Rescan");
    let _ = writeln!(
        out,
        "  Result    : by risk level (High → Jail; Moderate → Junk unless trusted; Low → Review if unknown), listed in actions.parquet"
    );
    let or_none = |v: &Option<String>, none: &str| v.clone().unwrap_or_else(|| none.to_string());
    let _ = writeln!(
        out,
        "  Policy    : {}",
        or_none(&consulted.policy, "defaults")
    );
    let _ = writeln!(
        out,
        "  Lists     : {}",
        or_none(&consulted.lists, "none (EICAR built in)")
    );
    let _ = writeln!(
        out,
        "  DKIM keys : {}",
        or_none(&consulted.dkim_keys, "none (no offline verification)")
    );
    let _ = writeln!(
        out,
        "  Emails    : {} to scan ({})",
        plan.messages,
        scope(plan.limit)
    );
    out
}

/// The results window of a search or rescan just finished: the same text `audit show`
/// prints from the tables later.
pub fn finished_window(summary: &ScanSummary) -> String {
    let search = summary.search.as_ref();
    let rescan = summary.rescan.as_ref();
    let record = RunRecord {
        run_id: summary.run_id.clone(),
        run_dir: summary.run_dir.clone(),
        command: if rescan.is_some() { "rescan" } else { "search" }.into(),
        started_micros: 0,
        mailboxes: summary.mailboxes as i64,
        messages_scanned: summary.messages as i64,
        limit_per_mailbox: summary.limit.map(|l| l as i64),
        action: search
            .map(|s| s.action.clone())
            .or(rescan.map(|_| "rescan".to_string())),
        result: search.map(|s| s.result.to_string()),
        values: search.map(|s| s.indicators.len() as i64),
        messages_matched: search
            .map(|s| s.messages_matched as i64)
            .or(rescan.map(|r| r.messages_flagged as i64)),
    };
    let counts: Vec<IndicatorCounts> = search
        .map(|s| {
            s.indicators
                .iter()
                .map(|i| IndicatorCounts {
                    id: i.id.clone(),
                    value: i.value.clone(),
                    source: i.source.clone(),
                    matched_messages: i.matched_messages,
                    match_count: i.match_count,
                })
                .collect()
        })
        .unwrap_or_default();
    window(&record, &summary.mailbox_ids, &counts, rescan)
}

/// A run's results window.
pub fn window(
    run: &RunRecord,
    mailboxes: &[String],
    indicators: &[IndicatorCounts],
    rescan: Option<&RescanSummary>,
) -> String {
    let mut out = String::new();
    let action = run.action.clone().unwrap_or_else(|| run.command.clone());
    let _ = writeln!(out, "Threat Response results  (run {})", run.run_id);
    let _ = writeln!(out, "  Mailboxes       : {}", mailbox_list(mailboxes));
    let _ = writeln!(out, "  Action          : {}", sentence_case(&action));
    if let Some(result) = &run.result {
        let _ = writeln!(out, "  Result          : {}", result_text(result));
    }
    let limit = run.limit_per_mailbox.map(|l| l as usize);
    let _ = writeln!(
        out,
        "  Emails scanned  : {} ({})",
        run.messages_scanned,
        scope(limit)
    );
    match (run.messages_matched, rescan) {
        (Some(flagged), Some(_)) => {
            let _ = writeln!(out, "  Emails flagged  : {flagged}");
        }
        (Some(matched), None) => {
            let _ = writeln!(out, "  Emails matched  : {matched}");
        }
        _ => {}
    }
    if let Some(r) = rescan {
        out.push_str(&rescan_tables(r));
    }
    if !indicators.is_empty() {
        let _ = writeln!(out, "  Matches per value:");
        out.push_str(&value_table(indicators));
    }
    let _ = writeln!(out, "  Audit record    : {}", run.run_dir.display());
    out
}

/// Dispositions and levels on one line each, then every category and dangerous result
/// (zeros too, as the seed's list shows every category).
fn rescan_tables(r: &RescanSummary) -> String {
    let mut out = String::new();
    let d = &r.dispositions;
    let _ = writeln!(
        out,
        "  Disposition     : Jail {} · Junk {} · Review {} · Stays {}",
        d.jail, d.junk, d.review, d.stays
    );
    let l = &r.levels;
    let _ = writeln!(
        out,
        "  Highest level   : High {} · Moderate {} · Low {} · None {}",
        l.high, l.moderate, l.low, l.none
    );
    for (title, dangerous) in [("Risk categories", false), ("Dangerous results", true)] {
        let _ = writeln!(out, "  {title}:");
        let _ = writeln!(
            out,
            "    {:<30} {:>7} {:>6} {:>9} {:>6}",
            "CATEGORY", "EMAILS", "HIGH", "MODERATE", "LOW"
        );
        for c in r.categories.iter().filter(|c| c.dangerous == dangerous) {
            let _ = writeln!(
                out,
                "    {:<30} {:>7} {:>6} {:>9} {:>6}",
                c.label, c.messages, c.high, c.moderate, c.low
            );
        }
    }
    out
}

/// Values with the most matched emails first (ties in value order); values that
/// matched nothing are listed too, as the seed's window shows every value.
fn value_table(indicators: &[IndicatorCounts]) -> String {
    let mut rows: Vec<&IndicatorCounts> = indicators.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.matched_messages));
    let width = rows
        .iter()
        .take(VALUE_ROWS)
        .map(|r| r.value.chars().count().min(48))
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "    {:<5} {:<width$}  {:>7}  {:>7}",
        "ID", "VALUE", "EMAILS", "MATCHES"
    );
    for r in rows.iter().take(VALUE_ROWS) {
        let _ = writeln!(
            out,
            "    {:<5} {:<width$}  {:>7}  {:>7}",
            r.id,
            shorten(&r.value, 48),
            r.matched_messages,
            r.match_count
        );
    }
    if rows.len() > VALUE_ROWS {
        let rest = &rows[VALUE_ROWS..];
        let zero = rest.iter().filter(|r| r.matched_messages == 0).count();
        let _ = writeln!(
            out,
            "    … {} more values ({zero} with no match): see indicators.parquet",
            rest.len()
        );
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn mailbox_list(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = format!("{}", ids.len());
    if !ids.is_empty() {
        let names: Vec<&str> = ids.iter().take(SHOWN).map(String::as_str).collect();
        s.push_str(&format!(" ({}", names.join(", ")));
        if ids.len() > SHOWN {
            s.push_str(&format!(", … {} more", ids.len() - SHOWN));
        }
        s.push(')');
    }
    s
}

fn scope(limit: Option<usize>) -> String {
    limit.map_or("all emails of each mailbox".to_string(), |n| {
        format!("newest {n} of each mailbox, newest first")
    })
}

fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn result_text(result: &str) -> String {
    match result {
        "review" => "Review (nothing is changed; matched emails are in actions.parquet)".into(),
        "archive" => {
            "Archive email (matched emails listed in actions.parquet, the manifest to apply)".into()
        }
        "delete" => {
            "Delete email (matched emails listed in actions.parquet, the manifest to apply)".into()
        }
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(id: &str, value: &str, matched: i64) -> IndicatorCounts {
        IndicatorCounts {
            id: id.into(),
            value: value.into(),
            source: "cli".into(),
            matched_messages: matched,
            match_count: matched * 2,
        }
    }

    #[test]
    fn table_lists_most_matched_first_and_keeps_zeros() {
        let t = value_table(&[
            counts("K1", "a", 0),
            counts("K2", "bb", 3),
            counts("K3", "c", 1),
        ]);
        let lines: Vec<&str> = t.lines().map(str::trim_end).collect();
        assert_eq!(lines[1], "    K2    bb           3        6");
        assert_eq!(lines[2], "    K3    c            1        2");
        assert_eq!(lines[3], "    K1    a            0        0");
    }

    #[test]
    fn long_tables_are_summed_up() {
        let many: Vec<_> = (0..30)
            .map(|i| counts(&format!("K{i}"), "v", (i % 2) as i64))
            .collect();
        let t = value_table(&many);
        assert_eq!(t.lines().count(), 1 + VALUE_ROWS + 1);
        assert!(
            t.ends_with("… 5 more values (5 with no match): see indicators.parquet\n"),
            "{t}"
        );
    }
}
