//! The tables a run streams, whatever the command: every 2048 processed messages become
//! one owned batch per table ([`ChunkTables`]), and one writer, the pipeline's
//! coordinating task, appends them in order ([`Writers`]). `messages` is always first; a search adds matches and actions, a
//! rescan risks, xray and actions.

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use super::PipelineError;
use crate::audit::{self, ActionRow, MessageRow, RunDir, TableWriter};

/// The streamed tables of a command, in writer order.
pub fn streamed_tables(kind: TaskKind) -> Vec<(&'static str, SchemaRef)> {
    let mut tables = vec![("messages", audit::messages_schema())];
    match kind {
        TaskKind::Scan => {}
        TaskKind::Search => {
            tables.push(("matches", audit::matches_schema()));
            tables.push(("actions", audit::actions_schema()));
        }
        TaskKind::Rescan => {
            tables.push(("risks", audit::risks_schema()));
            tables.push(("xray", audit::xray_schema()));
            tables.push(("actions", audit::actions_schema()));
        }
    }
    tables
}

/// Which command a run is, as far as its tables go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    Scan,
    Search,
    Rescan,
}

/// One chunk's batches, one per streamed table, in writer order.
pub struct ChunkTables(pub Vec<RecordBatch>);

/// The streaming table writers of a run (owned by the coordinating task).
pub struct Writers(Vec<TableWriter>);

impl Writers {
    pub fn create(run_dir: &RunDir, kind: TaskKind) -> Result<Writers, PipelineError> {
        streamed_tables(kind)
            .into_iter()
            .map(|(name, schema)| {
                TableWriter::create(&run_dir.table(name), schema).map_err(PipelineError::from)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Writers)
    }

    pub fn write(&mut self, tables: &ChunkTables) -> Result<(), PipelineError> {
        for (i, (writer, batch)) in self.0.iter_mut().zip(&tables.0).enumerate() {
            // Empty batches of the finding tables are skipped (most chunks of a
            // search match nothing); `messages` always has rows.
            if i == 0 || batch.num_rows() > 0 {
                writer.write(batch)?;
            }
        }
        Ok(())
    }

    /// Completes every table; returns the number of messages written.
    pub fn finish(self) -> Result<usize, PipelineError> {
        let mut writers = self.0.into_iter();
        let messages = writers
            .next()
            .expect("every run streams messages")
            .finish()?;
        for writer in writers {
            writer.finish()?;
        }
        Ok(messages)
    }
}

/// A manifest row for a message: where it is, the hash `apply` verifies, what to do
/// and why.
pub fn action_row(row: &MessageRow, action: &'static str, reason: Vec<String>) -> ActionRow {
    ActionRow {
        mailbox: row.mailbox.clone(),
        folder: row.folder.clone(),
        ordinal: row.ordinal,
        locator_kind: row.locator_kind,
        path: row.path.clone(),
        offset: row.offset,
        length: row.length,
        sha256: row.sha256.clone(),
        message_id: row.message_id.clone(),
        date: row.date,
        from_address: row.from_address.clone(),
        subject: row.subject.clone(),
        action,
        reason,
    }
}
