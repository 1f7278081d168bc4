//! Loading one source file of a mailbox and listing the messages it holds as slots.

use std::fs::File;
use std::ops::Range;
use std::path::Path;
use std::time::UNIX_EPOCH;

use memmap2::Mmap;

use super::{gzip, mbox, CorpusError, Source, SourceKind};

/// The bytes of a source, as far as they are read before the messages are processed.
pub enum SourceData {
    /// A mapped mbox file (or the spool of a gzip mbox).
    Mapped(Mmap),
    /// An mbox of zero bytes (which cannot be mapped).
    Empty,
    /// A one-message file, read by the worker that processes it (files are read in
    /// parallel: per-file cost dominates Maildir scans).
    File,
    /// Unmapped once its messages were processed (see [`LoadedSource::release`]).
    Released,
}

/// A source ready for processing.
pub struct LoadedSource {
    pub data: SourceData,
    /// Modification time of the file on disk (seconds since the epoch): the last date fallback.
    pub mtime: Option<i64>,
    /// Message ranges for mbox sources; empty for files.
    pub ranges: Vec<Range<usize>>,
    /// UW-IMAP `FOLDER INTERNAL DATA` pseudo-messages left out of the ranges.
    pub skipped_pseudo_messages: usize,
    /// A problem that did not stop the source from being read (a truncated gzip stream).
    pub warning: Option<CorpusError>,
}

impl LoadedSource {
    /// Maps and splits an mbox, or only stats a message file.
    pub fn load(source: &Source) -> Result<Self, CorpusError> {
        let mtime = mtime_of(&source.path);
        let (data, warning) = match source.kind {
            SourceKind::MessageFile { .. } => (SourceData::File, None),
            SourceKind::Mbox => {
                let file =
                    File::open(&source.path).map_err(|e| CorpusError::io(&source.path, e))?;
                (map(&file, &source.path)?, None)
            }
            SourceKind::MboxGz => {
                let spool = gzip::spool(&source.path)?;
                (map(&spool.file, &source.path)?, spool.error)
            }
        };
        let mut loaded = LoadedSource {
            data,
            mtime,
            ranges: Vec::new(),
            skipped_pseudo_messages: 0,
            warning,
        };
        if let SourceData::Mapped(map) = &loaded.data {
            let mut ranges = mbox::split(map);
            if let Some(first) = ranges.first() {
                let view = mbox::parsed_view(&map[first.clone()], true);
                if mbox::is_uw_imap_pseudo_message(view.envelope.as_ref(), &view.bytes) {
                    ranges.remove(0);
                    loaded.skipped_pseudo_messages = 1;
                }
            }
            loaded.ranges = ranges;
        }
        Ok(loaded)
    }

    /// Unmaps the file once its messages are processed; what was learnt while loading
    /// (ranges, counts, warnings) stays. Tearing down the page tables of a large
    /// mapping takes tens of milliseconds per GB, so the pipeline does it beside the
    /// final flush of the tables instead of after everything else.
    pub fn release(&mut self) {
        if let SourceData::Mapped(_) = self.data {
            self.data = SourceData::Released;
        }
    }

    /// The mapped bytes of an mbox source (empty for files, empty mboxes and released
    /// sources).
    pub fn mapped(&self) -> &[u8] {
        match &self.data {
            SourceData::Mapped(map) => map,
            _ => &[],
        }
    }
}

fn map(file: &File, path: &Path) -> Result<SourceData, CorpusError> {
    let len = file.metadata().map_err(|e| CorpusError::io(path, e))?.len();
    if len == 0 {
        return Ok(SourceData::Empty);
    }
    // SAFETY: the mapping is read-only. Another process truncating the file while we
    // scan it could fault us; exported archives are not written while being examined,
    // and the hashes we record let `apply` detect any change made afterwards.
    let map = unsafe { Mmap::map(file) }.map_err(|e| CorpusError::io(path, e))?;
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(SourceData::Mapped(map))
}

/// Seconds since the epoch of a file's modification time.
pub fn mtime_of(path: &Path) -> Option<i64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(match modified.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    })
}
