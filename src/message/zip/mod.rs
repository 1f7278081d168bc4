//! Zip attachments: member names and contents, within caps against zip bombs.
//!
//! [`members`] reads the central directory with the `zip` crate. Mail-borne malware often
//! ships archives whose central directory is broken (or cut off) while the local headers are
//! intact, and the `zip` crate keys members by name, so a duplicated name hides members; in
//! both cases the members are recovered by walking the local file headers instead.
//!
//! Pure functions of the archive bytes: nothing is written anywhere, nothing is executed.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use ::zip::read::{ZipFile, ZipFileEntry};
use ::zip::result::ZipResult;
use ::zip::{ZipArchive, ZipReadOptions, SUPPORTED_COMPRESSION_METHODS};

mod local_headers;

use local_headers::from_local_headers;

const LOCAL_HEADER_SIG: &[u8; 4] = b"PK\x03\x04";
const END_OF_CENTRAL_DIRECTORY_SIG: &[u8; 4] = b"PK\x05\x06";

/// Limits against zip bombs. `Default` gives 1,000 members, 64 MiB per member uncompressed,
/// 256 MiB inflated in total per archive, and treats a compression ratio above 1000:1 as a
/// bomb (deflate cannot exceed about 1032:1, which only long runs of one byte approach).
#[derive(Debug, Clone, Copy)]
pub struct ZipCaps {
    /// Members listed; the rest are counted as truncation, not read.
    pub max_members: usize,
    /// Uncompressed bytes kept for one member.
    pub max_member_bytes: u64,
    /// Bytes inflated for the whole archive, including members refused as over a cap after
    /// inflating, so many capped members cannot add up to unbounded work.
    pub max_total_bytes: u64,
    /// Uncompressed bytes allowed per compressed byte.
    pub max_ratio: u64,
}

impl Default for ZipCaps {
    fn default() -> Self {
        ZipCaps {
            max_members: 1_000,
            max_member_bytes: 64 << 20,
            max_total_bytes: 256 << 20,
            max_ratio: 1_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipMember {
    /// Name as stored in the archive (UTF-8 when it is valid UTF-8 or the Info-ZIP Unicode path
    /// field gives one, CP437 otherwise, as the `zip` crate decodes it).
    pub name: String,
    /// Encrypted (traditional PKWARE or AES): names are readable, contents are not.
    pub encrypted: bool,
    pub is_dir: bool,
    /// Uncompressed contents, `None` when encrypted, a directory, over a cap, an unsupported
    /// compression method, or corrupt.
    pub data: Option<Vec<u8>>,
    /// Why `data` is `None`; also `None` for directories and encrypted members, whose flags
    /// already say why.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipListing {
    /// In archive order (central directory order, or file order when walking local headers).
    pub members: Vec<ZipMember>,
    /// The archive has more than `max_members` members; the rest are not listed.
    pub truncated: bool,
    /// The central directory was unreadable or hid members behind duplicated names, so the
    /// members come from walking the local file headers.
    pub from_local_headers: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error(
        "not a readable zip archive ({source}) and no readable local file header to recover members from"
    )]
    Unreadable {
        #[source]
        source: ::zip::result::ZipError,
    },
}

/// True when the bytes start like a zip archive (local file header `PK\x03\x04`, or
/// empty-archive `PK\x05\x06`).
pub fn looks_like_zip(data: &[u8]) -> bool {
    data.starts_with(LOCAL_HEADER_SIG) || data.starts_with(END_OF_CENTRAL_DIRECTORY_SIG)
}

/// Lists and inflates the members of a zip archive held in memory, within `caps`. An archive
/// that cannot be opened at all is an error; a member that cannot be read is listed with its
/// `problem`.
pub fn members(data: &[u8], caps: &ZipCaps) -> Result<ZipListing, ZipError> {
    match ZipArchive::new(Cursor::new(data)) {
        Ok(mut archive) => {
            if archive.has_duplicate_names() {
                // Only one member per name survives in the zip crate's index; the local headers
                // still hold every one of them (the classic trick to show scanners a decoy).
                let indexed = archive.len().min(caps.max_members);
                if let Some(walked) = from_local_headers(data, caps) {
                    if walked.members.len() >= indexed {
                        return Ok(walked);
                    }
                }
            }
            Ok(from_central_directory(&mut archive, data.len(), caps))
        }
        Err(source) => from_local_headers(data, caps).ok_or(ZipError::Unreadable { source }),
    }
}

/// What the archive has inflated so far, against its caps.
struct Budget<'c> {
    caps: &'c ZipCaps,
    archive_len: u64,
    inflated: u64,
}

impl<'c> Budget<'c> {
    fn new(caps: &'c ZipCaps, archive_len: usize) -> Self {
        Budget {
            caps,
            archive_len: archive_len as u64,
            inflated: 0,
        }
    }
}

fn from_central_directory(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    archive_len: usize,
    caps: &ZipCaps,
) -> ZipListing {
    let mut budget = Budget::new(caps, archive_len);
    // Entries come from a separate handle so an unreadable member can still be named.
    let directory = archive.metadata();
    let listed = archive.len().min(caps.max_members);
    let mut members = Vec::with_capacity(listed);
    for index in 0..listed {
        let Ok(entry) = directory.entry(index) else {
            break;
        };
        let member = match archive.by_index_with_options(index, read_options()) {
            Ok(mut file) => read_member(&mut file, &mut budget),
            Err(e) => ZipMember {
                problem: Some(format!("unreadable: {e}")),
                ..describe(&entry)
            },
        };
        members.push(member);
    }
    ZipListing {
        members,
        truncated: archive.len() > caps.max_members,
        from_local_headers: false,
    }
}

/// Contents are never decrypted, so encrypted members are opened as if plain and then not read:
/// with the default options the zip crate refuses to open them at all, names included.
fn read_options() -> ZipReadOptions<'static> {
    ZipReadOptions::new().ignore_encryption_flag(true)
}

/// The member without its contents.
fn describe(entry: &ZipFileEntry<'_>) -> ZipMember {
    ZipMember {
        name: decoded_name(entry.name(), entry.name_raw()),
        encrypted: entry.encrypted(),
        is_dir: entry.is_dir(),
        data: None,
        problem: None,
    }
}

fn decoded_name(name: ZipResult<Cow<'_, str>>, raw: &[u8]) -> String {
    match name {
        Ok(name) => name.into_owned(),
        Err(_) => String::from_utf8_lossy(raw).into_owned(),
    }
}

fn read_member<R: Read>(file: &mut ZipFile<'_, R>, budget: &mut Budget) -> ZipMember {
    let mut member = describe(&file.entry());
    if !member.is_dir && !member.encrypted {
        match contents(file, budget) {
            Ok(data) => member.data = Some(data),
            Err(problem) => member.problem = Some(problem),
        }
    }
    member
}

/// Inflates one member, or says why not. Declared sizes are checked first so an honest bomb
/// costs nothing; the caps are then enforced on the bytes actually inflated, since headers lie.
fn contents<R: Read>(file: &mut ZipFile<'_, R>, budget: &mut Budget) -> Result<Vec<u8>, String> {
    let method = file.compression();
    if !SUPPORTED_COMPRESSION_METHODS.contains(&method) {
        return Err(format!("compression method {method} is not supported"));
    }
    let caps = budget.caps;
    // The compressed bytes that can actually be read: a header may claim more than the archive
    // holds.
    let compressed = file.compressed_size().min(budget.archive_len).max(1);
    let caps_at = CapsAt {
        caps,
        compressed,
        ratio: compressed.saturating_mul(caps.max_ratio),
        total_left: caps.max_total_bytes.saturating_sub(budget.inflated),
    };
    if let Some(problem) = caps_at.exceeded_by(file.size(), true) {
        return Err(problem);
    }
    let limit = caps_at
        .ratio
        .min(caps.max_member_bytes)
        .min(caps_at.total_left);
    let mut data = Vec::new();
    let read = file.take(limit.saturating_add(1)).read_to_end(&mut data);
    // `read_to_end` keeps what it read before an error, so corrupt members are charged too.
    budget.inflated = budget.inflated.saturating_add(data.len() as u64);
    if let Err(e) = read {
        return Err(format!("corrupt: {e}"));
    }
    match caps_at.exceeded_by(data.len() as u64, false) {
        Some(problem) => Err(problem),
        None => Ok(data),
    }
}

/// One member's caps, in uncompressed bytes.
struct CapsAt<'c> {
    caps: &'c ZipCaps,
    compressed: u64,
    ratio: u64,
    total_left: u64,
}

impl CapsAt<'_> {
    /// Why `size` bytes (as declared, or as inflated when reading stopped one byte past the
    /// lowest cap) are refused. The ratio comes first: a bomb is worth calling one even when it
    /// is also too large.
    fn exceeded_by(&self, size: u64, declared: bool) -> Option<String> {
        let (cap, why) = if size > self.ratio {
            (
                self.ratio,
                format!(
                    "from {} compressed, over the {}:1 ratio cap (zip bomb)",
                    self.compressed, self.caps.max_ratio
                ),
            )
        } else if size > self.caps.max_member_bytes {
            (
                self.caps.max_member_bytes,
                format!("over the {}-byte member cap", self.caps.max_member_bytes),
            )
        } else if size > self.total_left {
            (
                self.total_left,
                format!(
                    "over the {} bytes left of the archive's {}-byte total cap",
                    self.total_left, self.caps.max_total_bytes
                ),
            )
        } else {
            return None;
        };
        Some(if declared {
            format!("declares {size} bytes, {why}")
        } else {
            format!("inflates to more than {cap} bytes, {why}")
        })
    }
}

#[cfg(test)]
mod tests;
