//! Errors of the corpus layer.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{path}: no such file or directory")]
    NotFound { path: PathBuf },
    #[error("{path}: not a file or directory (devices and pipes are not read)")]
    NotAMailbox { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: invalid gzip stream: {source}")]
    Gzip {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("--mailbox pattern {pattern:?}: {message}")]
    BadGlob { pattern: String, message: String },
    #[error("{path}, line {line}: {message}")]
    BadOwnerMap {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

impl CorpusError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Self::NotFound { path }
        } else {
            Self::Io { path, source }
        }
    }
}
