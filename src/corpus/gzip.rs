//! gzip-compressed mbox files: decompressed as a stream into an unlinked temporary spool
//! file that is then mapped like any mbox, so offsets and hashes refer to the
//! decompressed stream and memory stays bounded whatever the size.

use std::fs::File;
use std::io::{BufReader, Seek};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::CorpusError;

/// The decompressed spool, and the decompression error if the stream broke part way
/// (what came before the break is kept: nothing readable is lost).
pub struct Spool {
    pub file: File,
    pub error: Option<CorpusError>,
}

pub fn spool(path: &Path) -> Result<Spool, CorpusError> {
    let input = File::open(path).map_err(|e| CorpusError::io(path, e))?;
    let mut decoder = MultiGzDecoder::new(BufReader::with_capacity(1 << 20, input));
    let mut file = tempfile::tempfile().map_err(|e| CorpusError::io(std::env::temp_dir(), e))?;
    let error = std::io::copy(&mut decoder, &mut file)
        .err()
        .map(|source| CorpusError::Gzip {
            path: path.to_path_buf(),
            source,
        });
    file.rewind().map_err(|e| CorpusError::io(path, e))?;
    Ok(Spool { file, error })
}
