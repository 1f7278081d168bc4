//! Writing one Parquet table: Snappy, schema and tool version in the key-value metadata,
//! written under a temporary name and renamed when complete, so a crashed run never
//! leaves a truncated table that a glob over the audit root would pick up.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

/// Rows per Parquet row group. The writer holds a group's encoded pages until the group
/// is flushed; at 65,536 rows most tables of a 256 MiB rescan were one growing group, and
/// the kernel zeroing its fresh pages was ~4% of a one-thread rescan (perf). Groups of
/// 8,192 rows hand their memory back to be reused: clear_page 4.1% -> 0.4%, the same
/// rows, files within 2% of the size.
const ROW_GROUP_ROWS: usize = 8_192;

/// Columns whose values repeat across many rows (dictionary-encoded).
const REPEATING_COLUMNS: [&str; 17] = [
    "run_id",
    "indicator_id",
    "kind",
    "field",
    "action",
    "mailbox",
    "folder",
    "locator_kind",
    "path",
    "date_source",
    "maildir_flags",
    "format",
    "category",
    "level",
    "rule",
    "risk_level",
    "disposition",
];

use super::AuditError;

pub struct TableWriter {
    path: PathBuf,
    partial: PathBuf,
    writer: ArrowWriter<File>,
    rows: usize,
}

impl TableWriter {
    pub fn create(path: &Path, schema: SchemaRef) -> Result<Self, AuditError> {
        let partial = path.with_extension("parquet.partial");
        let file = File::create(&partial).map_err(|source| AuditError::Io {
            path: partial.clone(),
            source,
        })?;
        let props = WriterProperties::builder()
            // Snappy: zstd, even at level 1, spent three times the instructions (see
            // ARCHITECTURE, Deviations); the audit tables are small either way.
            .set_compression(Compression::SNAPPY)
            // Most columns are unique per row (hashes, ids, subjects): dictionary pages
            // would cost interning every value for nothing. Columns that repeat a few
            // values over many rows keep them.
            .set_dictionary_enabled(false)
            // Row groups are flushed as they fill: the writer's memory stays bounded
            // whatever the number of messages, and DuckDB reads the groups in parallel.
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            // The schema carries `mailsweep.table`, `.schema_version` and `.tool_version`;
            // they go into the file's own key-value metadata too, where readers look.
            .set_key_value_metadata(Some(sorted_metadata(&schema)));
        let props = REPEATING_COLUMNS
            .iter()
            .fold(props, |p, c| {
                p.set_column_dictionary_enabled(ColumnPath::from(*c), true)
            })
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props)).map_err(|source| {
            AuditError::Parquet {
                path: path.to_path_buf(),
                source,
            }
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            partial,
            writer,
            rows: 0,
        })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), AuditError> {
        self.rows += batch.num_rows();
        self.writer
            .write(batch)
            .map_err(|source| AuditError::Parquet {
                path: self.path.clone(),
                source,
            })
    }

    /// Finishes the file and gives it its final name. Returns the number of rows.
    pub fn finish(self) -> Result<usize, AuditError> {
        let file = self
            .writer
            .into_inner()
            .map_err(|source| AuditError::Parquet {
                path: self.path.clone(),
                source,
            })?;
        file.sync_all().map_err(|source| AuditError::Io {
            path: self.partial.clone(),
            source,
        })?;
        std::fs::rename(&self.partial, &self.path).map_err(|source| AuditError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.rows)
    }
}

/// The schema's metadata as Parquet key-values, in key order (files stay reproducible).
fn sorted_metadata(schema: &SchemaRef) -> Vec<KeyValue> {
    let mut pairs: Vec<KeyValue> = schema
        .metadata()
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect();
    pairs.sort_by(|a, b| a.key.cmp(&b.key));
    pairs
}

/// Writes a whole small table in one go.
pub fn write_table(path: &Path, batch: &RecordBatch) -> Result<(), AuditError> {
    let mut w = TableWriter::create(path, batch.schema())?;
    w.write(batch)?;
    w.finish().map(|_| ())
}
