//! Durable file-system steps shared by the formats: hashing, fsync of a directory, and
//! writing a file under a temporary name beside its target then renaming it over, with
//! the mode and owner it must have.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::error::{io_at, ApplyError};

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 of a whole file, streamed.
pub fn file_sha256(path: &Path) -> Result<String, ApplyError> {
    let file = File::open(path).map_err(io_at(path))?;
    reader_sha256(file).map_err(io_at(path))
}

/// SHA-256 of everything a reader gives.
pub fn reader_sha256(mut reader: impl Read) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

/// Makes a rename, creation or removal in `dir` durable.
pub fn fsync_dir(dir: &Path) -> Result<(), ApplyError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_at(dir))
}

pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The temporary name beside `target` that a rewrite goes through.
pub fn temp_beside(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent(target).join(format!(".{name}.mailsweep-tmp"))
}

/// Mode, owner and group a replacement file must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ownership {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl Ownership {
    pub fn of(path: &Path) -> Result<Self, ApplyError> {
        let meta = std::fs::metadata(path).map_err(io_at(path))?;
        Ok(Self {
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
            gid: meta.gid(),
        })
    }
}

/// Writes `pieces` to a temporary file beside `target`, fsyncs it, gives it `owner`,
/// and renames it over `target` (then fsyncs the directory). Returns the bytes written.
pub fn replace_file(
    target: &Path,
    pieces: &mut dyn Iterator<Item = &[u8]>,
    owner: Ownership,
    before_rename: &mut dyn FnMut(),
) -> Result<u64, ApplyError> {
    let temp = temp_beside(target);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temp)
        .map_err(io_at(&temp))?;
    let mut written = 0u64;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, &mut file);
        for piece in pieces {
            out.write_all(piece).map_err(io_at(&temp))?;
            written += piece.len() as u64;
        }
        out.flush().map_err(io_at(&temp))?;
    }
    // Owner first: chown clears set-id bits, the mode then puts them back.
    if let Err(e) = std::os::unix::fs::fchown(&file, Some(owner.uid), Some(owner.gid)) {
        // Only root may give a file away; a file we own already has our uid.
        let ours = file.metadata().map_err(io_at(&temp))?;
        if ours.uid() != owner.uid || ours.gid() != owner.gid {
            return Err(io_at(&temp)(e));
        }
    }
    file.set_permissions(std::fs::Permissions::from_mode(owner.mode))
        .map_err(io_at(&temp))?;
    file.sync_all().map_err(io_at(&temp))?;
    drop(file);
    before_rename();
    std::fs::rename(&temp, target).map_err(io_at(target))?;
    fsync_dir(parent(target))?;
    Ok(written)
}
