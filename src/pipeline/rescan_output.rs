//! The output of a rescan run: each chunk's verdicts become owned batches for
//! `messages.parquet` (with the verdict columns), `risks.parquet`, `xray.parquet` and
//! the manifest `actions.parquet` (Jail, Junk and Review moves); the counts per
//! category, level and disposition are tallied for the results window.

use super::tables::{action_row, ChunkTables};
use super::work::Processed;
use super::PipelineError;
use crate::audit::{
    self, CategoryCount, DispositionCounts, LevelCounts, RescanSummary, RiskRow, XrayRow,
};
use crate::risk::{Category, Disposition, Level, Verdict};

/// One chunk's batches: messages, risks, xray and actions.
pub fn chunk_tables(run_id: &str, done: Vec<Processed>) -> Result<ChunkTables, PipelineError> {
    let mut risks = Vec::new();
    let mut xray = Vec::new();
    let mut actions = Vec::new();
    for Processed { row, verdict, .. } in &done {
        let Some(v) = verdict else {
            continue;
        };
        for raised in &v.raised {
            risks.push(RiskRow {
                mailbox: &row.mailbox,
                ordinal: row.ordinal,
                sha256: &row.sha256,
                category: raised.category.as_str(),
                dangerous: raised.category.dangerous(),
                level: raised.level.as_str(),
                score: f64::from(raised.score),
                rules: raised
                    .evidence
                    .iter()
                    .map(|&i| v.evidence[i].rule)
                    .collect(),
                evidence: raised
                    .evidence
                    .iter()
                    .map(|&i| v.evidence[i].detail.as_str())
                    .collect(),
            });
        }
        for e in &v.evidence {
            xray.push(XrayRow {
                mailbox: &row.mailbox,
                ordinal: row.ordinal,
                sha256: &row.sha256,
                category: e.category.map(Category::as_str),
                rule: e.rule,
                detail: &e.detail,
                score: f64::from(e.score),
            });
        }
        if let Some(action) = v.disposition.action() {
            let reason = v
                .raised
                .iter()
                .map(|r| r.category.as_str().to_string())
                .chain(blocked_reason(v))
                .collect();
            actions.push(action_row(row, action, reason));
        }
    }
    let risks = audit::risks_batch(run_id, &risks)?;
    let xray = audit::xray_batch(run_id, &xray)?;
    let actions = audit::actions_batch(run_id, &actions)?;
    let rows: Vec<_> = done.into_iter().map(|p| p.row).collect();
    Ok(ChunkTables(vec![
        audit::messages_batch(run_id, &rows)?,
        risks,
        xray,
        actions,
    ]))
}

/// A blocked sender is jailed whatever was raised: the manifest says so.
fn blocked_reason(v: &Verdict) -> Option<String> {
    (v.standing == crate::risk::policy::Standing::Blocked).then(|| "blocked_sender".to_string())
}

/// Messages per category, per highest level and per disposition.
#[derive(Debug, Clone, Default)]
pub struct RescanTally {
    /// Per category (in `Category::ALL` order): messages, and of them per level.
    per_category: Vec<[usize; 4]>,
    /// Messages by their highest level: none, low, moderate, high.
    per_level: [usize; 4],
    /// Jail, junk, review, stays.
    per_disposition: [usize; 4],
    messages_flagged: usize,
}

fn level_slot(level: Option<Level>) -> usize {
    match level {
        None => 0,
        Some(Level::Low) => 1,
        Some(Level::Moderate) => 2,
        Some(Level::High) => 3,
    }
}

impl RescanTally {
    pub fn new() -> RescanTally {
        RescanTally {
            per_category: vec![[0; 4]; Category::ALL.len()],
            ..RescanTally::default()
        }
    }

    pub fn count(&mut self, done: &[Processed]) {
        for v in done.iter().filter_map(|p| p.verdict.as_ref()) {
            if !v.raised.is_empty() {
                self.messages_flagged += 1;
            }
            self.per_level[level_slot(v.level)] += 1;
            let d = Disposition::ALL
                .iter()
                .position(|&d| d == v.disposition)
                .expect("every disposition is listed");
            self.per_disposition[d] += 1;
            for r in &v.raised {
                let c = Category::ALL
                    .iter()
                    .position(|&c| c == r.category)
                    .expect("every category is listed");
                self.per_category[c][0] += 1;
                self.per_category[c][level_slot(Some(r.level))] += 1;
            }
        }
    }

    pub fn summary(&self) -> RescanSummary {
        RescanSummary {
            messages_flagged: self.messages_flagged,
            categories: Category::ALL
                .iter()
                .zip(&self.per_category)
                .map(|(c, n)| CategoryCount {
                    category: c.as_str().to_string(),
                    label: c.label().to_string(),
                    dangerous: c.dangerous(),
                    messages: n[0],
                    high: n[3],
                    moderate: n[2],
                    low: n[1],
                })
                .collect(),
            levels: LevelCounts {
                high: self.per_level[3],
                moderate: self.per_level[2],
                low: self.per_level[1],
                none: self.per_level[0],
            },
            dispositions: DispositionCounts {
                jail: self.per_disposition[0],
                junk: self.per_disposition[1],
                review: self.per_disposition[2],
                stays: self.per_disposition[3],
            },
        }
    }
}
