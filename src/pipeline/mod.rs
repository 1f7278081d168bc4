//! Pipeline: runs a scan over every selected message of every mailbox in parallel and
//! writes the audit tables.
//!
//! 1. discover mailboxes (`corpus`);
//! 2. load sources in parallel (map mboxes and split them; stat message files);
//! 3. with `--limit`, probe every message's date and keep the newest N per mailbox;
//! 4. process messages in order-preserving chunks on the rayon pool (read, hash,
//!    parse), each chunk becoming one owned Arrow batch sent over a bounded channel to
//!    a single writer thread.
//!
//! Chunks bound memory; the order of rows depends only on the input, never on the
//! thread count.

mod error;
mod progress;
mod work;

use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

pub use error::PipelineError;
pub use progress::Progress;
pub use work::{process_group, slots, Job, Slot};

use crate::audit::{self, MailboxRow, MessageRow, RunDir, RunRow, TableWriter};
use crate::corpus::{self, DiscoverOptions, LoadedSource, Mailbox};

/// Messages per batch: large enough to keep both cores busy between barriers, small
/// enough that a batch of rows stays a few MB.
const CHUNK_MESSAGES: usize = 2048;
/// Messages per parallel task: hashed together, four SHA-256 streams at a time.
const HASH_GROUP: usize = 64;
/// Batches in flight between the workers and the writer.
const CHANNEL_BATCHES: usize = 2;

/// What to scan and where to write (built by the CLI; no clap types here).
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub discover: DiscoverOptions,
    /// Newest N messages of each mailbox.
    pub limit: Option<usize>,
    pub audit_root: PathBuf,
    pub command_line: String,
}

/// What a scan did, for people and scripts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanSummary {
    pub run_id: String,
    pub run_dir: PathBuf,
    pub mailboxes: usize,
    pub messages: usize,
    pub bytes: u64,
    pub seconds: f64,
    pub mb_per_s: f64,
    pub messages_per_s: f64,
    pub parse_failures: usize,
    pub threads: usize,
    /// `mailbox: problem` for every mailbox that could not be read in full.
    pub mailbox_errors: Vec<String>,
}

struct MailboxWork {
    mailbox: Mailbox,
    loaded: Vec<Option<LoadedSource>>,
    errors: Vec<String>,
    total: usize,
    selected: Vec<Slot>,
}

pub fn scan(options: &ScanOptions, progress: &dyn Progress) -> Result<ScanSummary, PipelineError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let mailboxes = corpus::discover(&options.paths, &options.discover)?;
    let run_id = audit::new_run_id(started);
    let run_dir = RunDir::create(&options.audit_root, &run_id)?;

    let mut work = load_all(mailboxes, progress);
    if let Some(limit) = options.limit {
        select_newest(&mut work, limit, progress);
    }

    let written = write_messages(&run_dir, &work, progress)?;
    for (w, errors) in work.iter_mut().zip(written.read_errors) {
        w.errors.extend(errors);
    }
    let (messages, bytes, parse_failures) =
        (written.messages, written.bytes, written.parse_failures);

    let mailbox_rows: Vec<MailboxRow> = work.iter().map(mailbox_row).collect();
    audit::write_table(
        &run_dir.table("mailboxes"),
        &audit::mailboxes_batch(&run_id, &mailbox_rows)?,
    )?;
    let mailbox_errors: Vec<String> = work
        .iter()
        .flat_map(|w| {
            w.errors
                .iter()
                .map(move |e| format!("{}: {e}", w.mailbox.id))
        })
        .collect();

    let seconds = clock.elapsed().as_secs_f64();
    let threads = rayon::current_num_threads();
    let run = RunRow {
        run_id: run_id.clone(),
        command: "scan".into(),
        command_line: options.command_line.clone(),
        started_micros: micros(started),
        finished_micros: micros(SystemTime::now()),
        mailboxes: work.len() as i64,
        messages_scanned: messages as i64,
        bytes: bytes as i64,
        parse_failures: parse_failures as i64,
        mailbox_errors: work.iter().filter(|w| !w.errors.is_empty()).count() as i64,
        seconds,
        limit_per_mailbox: options.limit.map(|l| l as i64),
        threads: threads as i64,
    };
    audit::write_table(&run_dir.table("run"), &audit::run_batch(&run)?)?;
    Ok(ScanSummary {
        run_id,
        run_dir: run_dir.path,
        mailboxes: work.len(),
        messages,
        bytes,
        seconds,
        mb_per_s: bytes as f64 / 1e6 / seconds.max(1e-9),
        messages_per_s: messages as f64 / seconds.max(1e-9),
        parse_failures,
        threads,
        mailbox_errors,
    })
}

fn micros(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// Loads every source of every mailbox in parallel and lists their messages.
fn load_all(mailboxes: Vec<Mailbox>, progress: &dyn Progress) -> Vec<MailboxWork> {
    let total_sources: usize = mailboxes.iter().map(|m| m.sources.len()).sum();
    progress.start("reading mailboxes", total_sources as u64);
    let work = mailboxes
        .into_par_iter()
        .map(|mailbox| {
            let results: Vec<_> = mailbox
                .sources
                .par_iter()
                .map(|s| {
                    let r = LoadedSource::load(s);
                    progress.advance(1);
                    r
                })
                .collect();
            let mut errors = mailbox.errors.clone();
            let mut loaded = Vec::with_capacity(results.len());
            for result in results {
                match result {
                    Ok(l) => {
                        if let Some(w) = &l.warning {
                            errors.push(w.to_string());
                        }
                        loaded.push(Some(l));
                    }
                    Err(e) => {
                        errors.push(e.to_string());
                        loaded.push(None);
                    }
                }
            }
            let selected = slots(&mailbox, &loaded);
            MailboxWork {
                total: selected.len(),
                mailbox,
                loaded,
                errors,
                selected,
            }
        })
        .collect();
    work
}

/// Keeps the newest `limit` messages of each mailbox, newest first (ties and undated
/// messages keep storage order, undated last).
fn select_newest(work: &mut [MailboxWork], limit: usize, progress: &dyn Progress) {
    let total: usize = work.iter().map(|w| w.selected.len()).sum();
    progress.start("ordering by date", total as u64);
    for w in work.iter_mut() {
        let dates: Vec<Option<i64>> = w
            .selected
            .par_iter()
            .map(|slot| {
                let loaded = w.loaded[slot.source]
                    .as_ref()
                    .expect("slots only list loaded sources");
                let d = work::probe_date(&w.mailbox, loaded, slot);
                progress.advance(1);
                d
            })
            .collect();
        let mut order: Vec<usize> = (0..w.selected.len()).collect();
        // Stable: ties keep storage order.
        order.sort_by_key(|&i| (dates[i].is_none(), std::cmp::Reverse(dates[i])));
        order.truncate(limit);
        w.selected = order.into_iter().map(|i| w.selected[i].clone()).collect();
    }
}

/// Processes every selected message and streams the rows to `messages.parquet`.
fn write_messages(
    run_dir: &RunDir,
    work: &[MailboxWork],
    progress: &dyn Progress,
) -> Result<Written, PipelineError> {
    let items: Vec<(usize, usize)> = work
        .iter()
        .enumerate()
        .flat_map(|(m, w)| (0..w.selected.len()).map(move |i| (m, i)))
        .collect();
    progress.start("scanning messages", items.len() as u64);
    let mut writer = TableWriter::create(&run_dir.table("messages"), audit::messages_schema())?;
    let run_id = run_dir.run_id.clone();
    // `None` ends the table: a channel closed without it (a worker panicked) leaves the
    // `.partial` file unrenamed instead of passing a truncated table off as complete.
    let (tx, rx) = sync_channel::<Option<arrow_array::RecordBatch>>(CHANNEL_BATCHES);
    let mut read_errors: Vec<Vec<String>> = vec![Vec::new(); work.len()];
    let (mut bytes, mut failures) = (0u64, 0usize);
    let written = std::thread::scope(|scope| -> Result<usize, PipelineError> {
        let writer_thread = scope.spawn(move || -> Result<usize, PipelineError> {
            for batch in rx {
                match batch {
                    Some(batch) => writer.write(&batch)?,
                    None => return Ok(writer.finish()?),
                }
            }
            Err(PipelineError::WriterLost)
        });
        // Chunk k's batch is built and sent while chunk k+1 is processed, so no worker
        // waits for the batch builder; the send order stays the chunk order.
        let send = |rows: Vec<MessageRow>| -> Result<bool, PipelineError> {
            let batch = audit::messages_batch(&run_id, &rows)?;
            Ok(tx.send(Some(batch)).is_ok())
        };
        let mut pending: Option<Vec<MessageRow>> = None;
        for chunk in items.chunks(CHUNK_MESSAGES) {
            let (sent, rows) = rayon::join(
                || pending.take().map(send).transpose(),
                || process_chunk(work, chunk, progress),
            );
            if sent? == Some(false) {
                break;
            }
            bytes += rows.iter().map(|r| r.length as u64).sum::<u64>();
            failures += rows.iter().filter(|r| r.parse_error.is_some()).count();
            // Only a message that could not be read has no hash: its mailbox is then
            // not read in full, which the mailbox table and the exit status must say.
            for (&(m, _), row) in chunk.iter().zip(&rows) {
                if row.sha256.is_empty() {
                    read_errors[m].extend(row.parse_error.clone());
                }
            }
            pending = Some(rows);
        }
        if let Some(rows) = pending {
            send(rows)?;
        }
        // A writer that already failed reports its error through join.
        let _ = tx.send(None);
        drop(tx);
        writer_thread
            .join()
            .map_err(|_| PipelineError::WriterLost)?
    })?;
    Ok(Written {
        messages: written,
        bytes,
        parse_failures: failures,
        read_errors,
    })
}

/// What writing `messages.parquet` did.
struct Written {
    messages: usize,
    bytes: u64,
    parse_failures: usize,
    /// Per mailbox (in work order): messages that could not be read.
    read_errors: Vec<Vec<String>>,
}

/// Processes one chunk of (mailbox, slot) items in parallel, rows in item order. Each
/// task takes a group of messages so that their hashes are computed together.
fn process_chunk(
    work: &[MailboxWork],
    chunk: &[(usize, usize)],
    progress: &dyn Progress,
) -> Vec<MessageRow> {
    let groups: Vec<Vec<MessageRow>> = chunk
        .par_chunks(HASH_GROUP)
        .map(|group| {
            let jobs: Vec<Job> = group
                .iter()
                .map(|&(m, i)| {
                    let w = &work[m];
                    let slot = &w.selected[i];
                    Job {
                        mailbox: &w.mailbox,
                        loaded: w.loaded[slot.source]
                            .as_ref()
                            .expect("slots only list loaded sources"),
                        slot,
                        ordinal: i as i64 + 1,
                    }
                })
                .collect();
            let rows = process_group(&jobs);
            progress.advance(rows.len() as u64);
            rows
        })
        .collect();
    groups.into_iter().flatten().collect()
}

fn mailbox_row(w: &MailboxWork) -> MailboxRow {
    let m = &w.mailbox;
    MailboxRow {
        mailbox: m.id.clone(),
        owner: m.owner.clone(),
        format: m.format.as_str(),
        path: m.path.to_string_lossy().into_owned(),
        folders: m.folders.clone(),
        messages_total: w.total as i64,
        messages_scanned: w.selected.len() as i64,
        internal_messages_skipped: w
            .loaded
            .iter()
            .flatten()
            .map(|l| l.skipped_pseudo_messages as i64)
            .sum(),
        error: (!w.errors.is_empty()).then(|| w.errors.join("\n")),
    }
}
