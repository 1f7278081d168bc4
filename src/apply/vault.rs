//! The evidence vault: exact message bytes, content-addressed by their SHA-256
//! (`<vault>/sha256/ab/abcd…`), stored before a message is deleted or moved and read
//! back by `undo`. A blob is written under a temporary name, renamed, and verified by
//! hashing it again; storing the same bytes twice is a no-op. Blobs are made durable
//! together by [`Vault::sync`] (one `syncfs`) before the journal names them: one fsync
//! per blob made 10,000 deletions take a minute.

use std::cell::Cell;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::PathBuf;

use super::error::{io_at, ApplyError};
use super::fsio::{file_sha256, sha256_hex};

#[derive(Debug)]
pub struct Vault {
    root: PathBuf,
    /// Blobs were written since the last sync.
    dirty: Cell<bool>,
}

impl Vault {
    pub fn new(root: PathBuf) -> Self {
        Self {
            root,
            dirty: Cell::new(false),
        }
    }

    /// Makes every blob stored so far durable (the file system's `syncfs`).
    pub fn sync(&self) -> Result<(), ApplyError> {
        if !self.dirty.replace(false) {
            return Ok(());
        }
        let dir = File::open(&self.root).map_err(io_at(&self.root))?;
        // SAFETY: syncfs on an open descriptor.
        if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
            return Err(io_at(&self.root)(std::io::Error::last_os_error()));
        }
        Ok(())
    }

    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        let fan = sha256.get(..2).unwrap_or("00");
        self.root.join("sha256").join(fan).join(sha256)
    }

    /// Stores `bytes`, whose SHA-256 the caller has verified to be `sha256`.
    pub fn store(&self, sha256: &str, bytes: &[u8]) -> Result<PathBuf, ApplyError> {
        let path = self.blob_path(sha256);
        if path.is_file() && file_sha256(&path)? == sha256 {
            return Ok(path);
        }
        debug_assert_eq!(sha256_hex(bytes), sha256);
        let dir = super::fsio::parent(&path).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(io_at(&dir))?;
        let temp = dir.join(format!(".{sha256}.tmp"));
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(io_at(&temp))?;
        file.write_all(bytes).map_err(io_at(&temp))?;
        drop(file);
        std::fs::rename(&temp, &path).map_err(io_at(&path))?;
        self.dirty.set(true);
        if file_sha256(&path)? != sha256 {
            return Err(ApplyError::Journal {
                path,
                what: "vault blob does not hash to its name after writing".into(),
            });
        }
        super::fault::step("vault store");
        Ok(path)
    }

    /// The bytes stored under `sha256`, verified.
    pub fn load(&self, sha256: &str) -> Result<Vec<u8>, ApplyError> {
        let path = self.blob_path(sha256);
        let bytes = std::fs::read(&path).map_err(io_at(&path))?;
        if sha256_hex(&bytes) != sha256 {
            return Err(ApplyError::Journal {
                path,
                what: "vault blob does not hash to its name".into(),
            });
        }
        Ok(bytes)
    }
}
