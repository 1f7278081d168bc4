//! The output of a search run: each chunk's rows become owned batches for
//! `messages.parquet`, `matches.parquet` and `actions.parquet` (appended in order by the
//! one writer), the counts per value are tallied in chunk order, and `indicators.parquet`
//! is written at the end.

use super::tables::{action_row, ChunkTables};
use super::work::Processed;
use super::{PipelineError, SearchJob};
use crate::audit::{self, IndicatorRow, MatchRow, RunDir};
use crate::search::ResultAction;

/// One chunk's batches: messages, matches and actions.
pub fn chunk_tables(
    run_id: &str,
    done: Vec<Processed>,
    job: SearchJob,
) -> Result<ChunkTables, PipelineError> {
    let indicators = job.searcher.indicators();
    let kind = job.searcher.kind().as_str();
    let mut matches = Vec::new();
    let mut actions = Vec::new();
    let mut rows = Vec::with_capacity(done.len());
    for Processed { row, hits, .. } in done {
        if !hits.is_empty() {
            let mut reason: Vec<String> = Vec::new();
            for hit in hits {
                let id = &indicators[hit.indicator].id;
                if reason.last() != Some(id) {
                    reason.push(id.clone());
                }
                matches.push(MatchRow {
                    mailbox: row.mailbox.clone(),
                    ordinal: row.ordinal,
                    sha256: row.sha256.clone(),
                    indicator_id: id.clone(),
                    kind,
                    field: hit.field,
                    path: hit.path,
                    snippet: hit.snippet,
                    occurrences: hit.occurrences as i64,
                });
            }
            actions.push(action_row(&row, job.result.as_str(), reason));
        }
        rows.push(row);
    }
    Ok(ChunkTables(vec![
        audit::messages_batch(run_id, &rows)?,
        audit::matches_batch(run_id, &matches)?,
        audit::actions_batch(run_id, &actions)?,
    ]))
}

/// Counts per value, as the seed's results window shows them.
#[derive(Debug, Clone)]
pub struct SearchTally {
    per_indicator: Vec<Counts>,
    messages_matched: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    messages: i64,
    places: i64,
    occurrences: i64,
}

impl SearchTally {
    pub fn new(indicators: usize) -> SearchTally {
        SearchTally {
            per_indicator: vec![Counts::default(); indicators],
            messages_matched: 0,
        }
    }

    pub fn count(&mut self, done: &[Processed]) {
        for p in done.iter().filter(|p| !p.hits.is_empty()) {
            self.messages_matched += 1;
            let mut last = None;
            // Hits come sorted by indicator: a message counts once per value.
            for hit in &p.hits {
                let c = &mut self.per_indicator[hit.indicator];
                if last != Some(hit.indicator) {
                    c.messages += 1;
                    last = Some(hit.indicator);
                }
                c.places += 1;
                c.occurrences += hit.occurrences as i64;
            }
        }
    }
}

/// What a search found, for people and scripts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchSummary {
    /// `search links`, `search keywords`, …
    pub action: String,
    pub result: ResultAction,
    pub messages_matched: usize,
    pub indicators: Vec<IndicatorSummary>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorSummary {
    pub id: String,
    pub value: String,
    pub source: String,
    pub matched_messages: i64,
    pub match_count: i64,
}

/// Writes `indicators.parquet` and sums the search up.
pub fn finish(
    run_dir: &RunDir,
    job: SearchJob,
    tally: &SearchTally,
) -> Result<SearchSummary, PipelineError> {
    let rows: Vec<IndicatorRow> = job
        .searcher
        .indicators()
        .iter()
        .zip(&tally.per_indicator)
        .map(|(i, c)| IndicatorRow {
            indicator_id: i.id.clone(),
            kind: i.kind.as_str(),
            value: i.value.clone(),
            normalized: i.normalized.clone(),
            source: i.source.clone(),
            matched_messages: c.messages,
            match_count: c.places,
            occurrences: c.occurrences,
        })
        .collect();
    audit::write_table(
        &run_dir.table("indicators"),
        &audit::indicators_batch(&run_dir.run_id, &rows)?,
    )?;
    Ok(SearchSummary {
        action: format!("search {}", job.searcher.kind().as_str()),
        result: job.result,
        messages_matched: tally.messages_matched,
        indicators: rows
            .into_iter()
            .map(|r| IndicatorSummary {
                id: r.indicator_id,
                value: r.value,
                source: r.source,
                matched_messages: r.matched_messages,
                match_count: r.match_count,
            })
            .collect(),
    })
}
