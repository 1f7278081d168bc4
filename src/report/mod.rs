//! The review report (`mailsweep review RUN`): one self-contained HTML file a responder
//! opens to review a run — its summary, the matches per indicator, the counts per risk
//! category, and every message of the action manifest with its verified headers,
//! attachments, highlighted snippets and X-ray evidence.
//!
//! It must be safe to open on a responder's machine, so: every string that comes from a
//! message or a table goes through one escaper (`html.rs`: the page builder accepts
//! markup only as `&'static str`); links are text, never `<a href>`; there is no
//! `<img>`, no script, no external style or font; a strict Content-Security-Policy
//! (`page.rs`) forbids any load or script even if something slipped through; and the
//! output depends only on the run's tables and the stored messages (no clock), so the
//! same run gives the same bytes.

mod highlight;
mod html;
mod message_view;
mod page;
mod stored;

use std::path::Path;

use crate::audit::{self, AuditError};

use stored::{Integrity, StoredHeaders};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// What [`build`] made: the page and how many messages could not be verified.
#[derive(Debug, Clone)]
pub struct Report {
    pub html: String,
    pub messages: usize,
    /// Messages whose stored bytes changed or could not be read (their headers are not
    /// shown; the page warns).
    pub unverified: usize,
}

/// The review report of the run in `run_dir`. Each manifest message is read again at its
/// locator and verified before its headers are shown.
pub fn build(run_dir: &Path) -> Result<Report, ReportError> {
    let record = audit::read_review(run_dir)?;
    let rescan = audit::read_rescan_summary(run_dir)?;
    let stored: Vec<StoredHeaders> = record.messages.iter().map(stored::load).collect();
    let unverified = stored
        .iter()
        .filter(|s| s.integrity != Integrity::Verified)
        .count();
    Ok(Report {
        html: page::render(&record, rescan.as_ref(), &stored),
        messages: record.messages.len(),
        unverified,
    })
}
