//! Pipeline: runs a scan over every selected message of every mailbox in parallel and
//! writes the audit tables.
//!
//! 1. discover mailboxes (`corpus`);
//! 2. load sources in parallel (map mboxes and split them; stat message files);
//! 3. with `--limit`, probe every message's date and keep the newest N per mailbox;
//! 4. process messages in groups on the rayon pool (read, hash, parse, and in a search
//!    decode and match, in a rescan assess), results taken back in input order by one
//!    coordinating task on the pool that turns every 2048 rows into owned Arrow batches
//!    (messages, and the search's or rescan's tables) and appends them to the tables
//!    (see `ordered`).
//!
//! [`prepare`] does steps 1–3 (so the CLI can show the plan before anything is
//! written); [`Prepared::run`] does step 4 and writes every table.
//!
//! A window of groups bounds memory; the order of rows depends only on the input,
//! never on the thread count.

mod contacts;
mod error;
mod ordered;
mod progress;
mod rescan_output;
mod search_output;
mod tables;
mod work;

use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

pub use error::PipelineError;
pub use progress::Progress;
pub use search_output::SearchSummary;
pub use work::{process_group, slots, Check, Job, Processed, Slot};

use crate::audit::{self, MailboxRow, RescanSummary, RunDir, RunRow};
use crate::corpus::{self, DiscoverOptions, LoadedSource, Mailbox};
use crate::risk::contacts::Contacts;
use crate::risk::unwanted::Profile;
use crate::risk::Rescanner;
use crate::search::{ResultAction, Searcher};
use rescan_output::RescanTally;
use search_output::SearchTally;
use tables::{ChunkTables, TaskKind, Writers};

/// Messages per batch of rows sent to the writer: a batch stays a few MB.
const CHUNK_MESSAGES: usize = 2048;
/// Messages per parallel task: hashed together, four SHA-256 streams at a time.
const HASH_GROUP: usize = 64;
/// Tasks queued or running at once: enough that no core waits for the slowest task
/// (two batches' worth), few enough that the rows held back stay bounded.
const GROUPS_IN_FLIGHT: usize = 2 * CHUNK_MESSAGES / HASH_GROUP;

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

/// A search to run over every scanned message, and what to do with matched ones.
#[derive(Clone, Copy)]
pub struct SearchJob<'a> {
    pub searcher: &'a Searcher,
    pub result: ResultAction,
}

/// What a run does with each message beyond the inventory.
#[derive(Clone, Copy)]
pub enum Task<'a> {
    /// `scan`: the inventory only.
    Scan,
    Search(SearchJob<'a>),
    Rescan(&'a Rescanner),
}

impl Task<'_> {
    fn kind(&self) -> TaskKind {
        match self {
            Task::Scan => TaskKind::Scan,
            Task::Search(_) => TaskKind::Search,
            Task::Rescan(_) => TaskKind::Rescan,
        }
    }

    fn check(&self) -> Check<'_> {
        match self {
            Task::Scan => Check::Inventory,
            Task::Search(job) => Check::Search(job.searcher),
            Task::Rescan(r) => Check::Rescan(r),
        }
    }

    fn command(&self) -> &'static str {
        match self {
            Task::Scan => "scan",
            Task::Search(_) => "search",
            Task::Rescan(_) => "rescan",
        }
    }
}

/// The counts a run keeps for its results window.
enum Tally {
    None,
    Search(SearchTally),
    Rescan(RescanTally),
}

impl Tally {
    fn new(task: Task) -> Tally {
        match task {
            Task::Scan => Tally::None,
            Task::Search(job) => Tally::Search(SearchTally::new(job.searcher.indicators().len())),
            Task::Rescan(_) => Tally::Rescan(RescanTally::new()),
        }
    }

    fn count(&mut self, done: &[Processed]) {
        match self {
            Tally::None => {}
            Tally::Search(t) => t.count(done),
            Tally::Rescan(t) => t.count(done),
        }
    }
}

/// What a run is about to do (the seed's step 4 summary).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Plan {
    pub mailboxes: Vec<String>,
    /// Messages that will be scanned (after `--limit`).
    pub messages: usize,
    pub limit: Option<usize>,
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
    /// The mailboxes run over.
    pub mailbox_ids: Vec<String>,
    /// `--limit`: newest N per mailbox.
    pub limit: Option<usize>,
    /// Searches only: action, result and the matches per value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchSummary>,
    /// Rescans only: messages per category, level and disposition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescan: Option<RescanSummary>,
}

struct MailboxWork {
    mailbox: Mailbox,
    loaded: Vec<Option<LoadedSource>>,
    errors: Vec<String>,
    total: usize,
    selected: Vec<Slot>,
    /// Rescans only: whom the owner wrote to.
    contacts: Contacts,
    /// Rescans only: what the owner filed where (`None` without junk or trash).
    profile: Option<Profile>,
}

/// Scans: prepares and runs without a search.
pub fn scan(options: &ScanOptions, progress: &dyn Progress) -> Result<ScanSummary, PipelineError> {
    prepare(options, progress)?.run(Task::Scan, progress)
}

/// Mailboxes found, loaded and (with `--limit`) narrowed: ready to run.
pub struct Prepared<'o> {
    options: &'o ScanOptions,
    started: SystemTime,
    clock: Instant,
    work: Vec<MailboxWork>,
}

/// Steps 1–3: discover, load and select. Nothing is written yet.
pub fn prepare<'o>(
    options: &'o ScanOptions,
    progress: &dyn Progress,
) -> Result<Prepared<'o>, PipelineError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let mailboxes = corpus::discover(&options.paths, &options.discover)?;
    let mut work = load_all(mailboxes, progress);
    if let Some(limit) = options.limit {
        select_newest(&mut work, limit, progress);
    }
    Ok(Prepared {
        options,
        started,
        clock,
        work,
    })
}

impl Prepared<'_> {
    pub fn plan(&self) -> Plan {
        Plan {
            mailboxes: self.work.iter().map(|w| w.mailbox.id.clone()).collect(),
            messages: self.work.iter().map(|w| w.selected.len()).sum(),
            limit: self.options.limit,
        }
    }

    /// Step 4: processes every selected message and writes the run directory.
    pub fn run(self, task: Task, progress: &dyn Progress) -> Result<ScanSummary, PipelineError> {
        let Prepared {
            options,
            started,
            clock,
            mut work,
        } = self;
        let run_id = audit::new_run_id(started);
        let run_dir = RunDir::create(&options.audit_root, &run_id)?;
        if let Task::Rescan(_) = task {
            contacts::gather(&mut work, progress);
        }
        run(
            options, started, clock, &mut work, &run_id, run_dir, task, progress,
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn run(
    options: &ScanOptions,
    started: SystemTime,
    clock: Instant,
    work: &mut [MailboxWork],
    run_id: &str,
    run_dir: RunDir,
    task: Task,
    progress: &dyn Progress,
) -> Result<ScanSummary, PipelineError> {
    let written = write_messages(&run_dir, work, task, progress)?;
    for (w, errors) in work.iter_mut().zip(written.read_errors) {
        w.errors.extend(errors);
    }
    let (messages, bytes, parse_failures) =
        (written.messages, written.bytes, written.parse_failures);

    let mailbox_rows: Vec<MailboxRow> = work.iter().map(mailbox_row).collect();
    audit::write_table(
        &run_dir.table("mailboxes"),
        &audit::mailboxes_batch(run_id, &mailbox_rows)?,
    )?;
    let search_summary = match (task, &written.tally) {
        (Task::Search(job), Tally::Search(tally)) => {
            Some(search_output::finish(&run_dir, job, tally)?)
        }
        _ => None,
    };
    let rescan_summary = match &written.tally {
        Tally::Rescan(tally) => Some(tally.summary()),
        _ => None,
    };
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
        run_id: run_id.to_string(),
        command: task.command().into(),
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
        action: search_summary
            .as_ref()
            .map(|s| s.action.clone())
            .or(rescan_summary.as_ref().map(|_| "rescan".to_string())),
        result: search_summary.as_ref().map(|s| s.result.to_string()),
        values: search_summary.as_ref().map(|s| s.indicators.len() as i64),
        messages_matched: search_summary
            .as_ref()
            .map(|s| s.messages_matched as i64)
            .or(rescan_summary.as_ref().map(|s| s.messages_flagged as i64)),
    };
    audit::write_table(&run_dir.table("run"), &audit::run_batch(&run)?)?;
    Ok(ScanSummary {
        run_id: run_id.to_string(),
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
        mailbox_ids: work.iter().map(|w| w.mailbox.id.clone()).collect(),
        limit: options.limit,
        search: search_summary,
        rescan: rescan_summary,
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
                contacts: Contacts::default(),
                profile: None,
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

/// Processes every selected message and streams the rows to `messages.parquet` and the
/// task's findings to its tables (see `tables`).
fn write_messages(
    run_dir: &RunDir,
    work: &mut [MailboxWork],
    task: Task,
    progress: &dyn Progress,
) -> Result<Written, PipelineError> {
    let items: Vec<(usize, usize)> = work
        .iter()
        .enumerate()
        .flat_map(|(m, w)| (0..w.selected.len()).map(move |i| (m, i)))
        .collect();
    progress.start("scanning messages", items.len() as u64);
    let shared: &[MailboxWork] = work;
    let mut writers = Writers::create(run_dir, task.kind())?;
    let run_id = run_dir.run_id.clone();
    let check = task.check();
    let mut read_errors: Vec<Vec<String>> = vec![Vec::new(); work.len()];
    let (mut bytes, mut failures) = (0u64, 0usize);
    let mut tally = Tally::new(task);
    // Rows are turned into batches and appended to the tables in order, by whichever
    // pool thread runs the coordinator (see `ordered`): one writer, no thread beside
    // the pool. A panic leaves the `.partial` files as they are, never renamed.
    let mut write = |done: Vec<Processed>| -> Result<(), PipelineError> {
        let tables = match task {
            Task::Scan => ChunkTables(vec![audit::messages_batch(
                &run_id,
                &done.into_iter().map(|p| p.row).collect::<Vec<_>>(),
            )?]),
            Task::Search(job) => search_output::chunk_tables(&run_id, done, job)?,
            Task::Rescan(_) => rescan_output::chunk_tables(&run_id, done)?,
        };
        writers.write(&tables)
    };
    let groups: Vec<&[(usize, usize)]> = items.chunks(HASH_GROUP).collect();
    let mut chunk: Vec<Processed> = Vec::with_capacity(CHUNK_MESSAGES);
    ordered::run_in_order(
        &groups,
        GROUPS_IN_FLIGHT,
        |group| (*group, process_group_of(shared, group, check, progress)),
        |(group, done)| {
            bytes += done.iter().map(|p| p.row.length as u64).sum::<u64>();
            failures += done.iter().filter(|p| p.row.parse_error.is_some()).count();
            // Only a message that could not be read has no hash: its mailbox is then
            // not read in full, which the mailbox table and the exit status must say.
            for (&(m, _), p) in group.iter().zip(&done) {
                if p.row.sha256.is_empty() {
                    read_errors[m].extend(p.row.parse_error.clone());
                }
            }
            tally.count(&done);
            chunk.extend(done);
            if chunk.len() >= CHUNK_MESSAGES {
                write(std::mem::replace(
                    &mut chunk,
                    Vec::with_capacity(CHUNK_MESSAGES),
                ))?;
            }
            Ok(())
        },
    )?;
    if !chunk.is_empty() {
        write(chunk)?;
    }
    // Every message is read: the mappings go while the tables are flushed and synced.
    let (written, ()) = rayon::join(
        || writers.finish(),
        || {
            work.par_iter_mut()
                .flat_map(|w| w.loaded.par_iter_mut().flatten())
                .for_each(LoadedSource::release)
        },
    );
    let written = written?;
    Ok(Written {
        messages: written,
        bytes,
        parse_failures: failures,
        read_errors,
        tally,
    })
}

/// What writing `messages.parquet` did.
struct Written {
    messages: usize,
    bytes: u64,
    parse_failures: usize,
    /// Per mailbox (in work order): messages that could not be read.
    read_errors: Vec<Vec<String>>,
    /// Searches and rescans: what the results window counts.
    tally: Tally,
}

/// Processes one group of (mailbox, slot) items, rows in item order. The group's
/// messages are hashed together.
fn process_group_of(
    work: &[MailboxWork],
    group: &[(usize, usize)],
    check: Check,
    progress: &dyn Progress,
) -> Vec<Processed> {
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
                contacts: &w.contacts,
                profile: w.profile.as_ref(),
            }
        })
        .collect();
    let done = process_group(&jobs, check);
    progress.advance(done.len() as u64);
    done
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
