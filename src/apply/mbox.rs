//! mbox files: all rows of one file are one unit. Under the file's locks (dotlock and
//! fcntl), each row's byte range is verified against its `sha256`, the removed ranges
//! are vaulted, the moved ones appended to a sibling mbox (`Archive`, `Jail`, `Junk`
//! beside the file), and the file is rewritten without them: a temporary file beside it,
//! fsynced, given the old mode and owner, renamed over. The plan records the file's
//! SHA-256 before and after and each sibling's length before and the appended bytes'
//! hash, so a resumed apply or an undo can tell which steps happened by looking.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use sha2::{Digest, Sha256};

use super::error::{io_at, ApplyError};
use super::fault::step;
use super::files::mismatch_reason;
use super::fsio::{
    file_sha256, fsync_dir, parent, reader_sha256, replace_file, sha256_hex, Ownership,
};
use super::journal::{Append, MboxPlan, Outcome, Removed, Status, UnitPlan};
use super::lock::MboxLock;
use super::manifest::{Action, ManifestRow};
use super::vault::Vault;

/// A read-only view of a whole file (an empty file maps to nothing).
enum Bytes {
    Empty,
    Mapped(Mmap),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Self::Empty => &[],
            Self::Mapped(m) => m,
        }
    }
}

fn map(path: &Path) -> Result<Bytes, ApplyError> {
    let file = File::open(path).map_err(io_at(path))?;
    if file.metadata().map_err(io_at(path))?.len() == 0 {
        return Ok(Bytes::Empty);
    }
    // SAFETY: the file is locked (dotlock and fcntl) against cooperating writers while
    // the mapping lives; the bytes are hashed before they are trusted.
    let map = unsafe { Mmap::map(&file) }.map_err(io_at(path))?;
    Ok(Bytes::Mapped(map))
}

fn outcome(row: usize, status: Status, reason: impl Into<String>) -> Outcome {
    Outcome {
        row,
        status,
        reason: reason.into(),
        destination: None,
        vault: None,
    }
}

/// The sibling mbox a move goes to: `<dir>/<Target>`.
pub fn sibling(mbox: &Path, target: &str) -> PathBuf {
    parent(mbox).join(target)
}

/// Verifies the rows of one mbox and plans its rewrite and appends. With `vault`, the
/// removed ranges and the appended bytes are stored there, and `locks` receives the
/// siblings' locks; a dry run passes neither and changes nothing.
pub fn plan(
    path: &Path,
    rows: &[(usize, &ManifestRow)],
    vault: Option<&Vault>,
    mut locks: Option<&mut Vec<MboxLock>>,
) -> Result<UnitPlan, ApplyError> {
    if !path.is_file() {
        let outcomes = rows
            .iter()
            .map(|(i, _)| outcome(*i, Status::Skipped, "mbox not found at the locator path"))
            .collect();
        return Ok(UnitPlan::Note { outcomes });
    }
    let data = map(path)?;
    let mut outcomes = Vec::with_capacity(rows.len());
    let mut taken: Vec<(u64, u64, usize, &ManifestRow)> = Vec::new();
    for &(i, m) in rows {
        let end = m.offset.checked_add(m.length);
        let Some(end) = end.filter(|e| *e <= data.len() as u64) else {
            outcomes.push(outcome(
                i,
                Status::Skipped,
                "range beyond the end of the mbox: it changed since the scan",
            ));
            continue;
        };
        let found = sha256_hex(&data[m.offset as usize..end as usize]);
        if found != m.sha256 {
            outcomes.push(outcome(
                i,
                Status::Skipped,
                mismatch_reason(&m.sha256, &found),
            ));
            continue;
        }
        if taken.iter().any(|(o, e, _, _)| m.offset < *e && *o < end) {
            outcomes.push(outcome(
                i,
                Status::Skipped,
                "the same message is listed in an earlier row",
            ));
            continue;
        }
        if m.action == Action::Review {
            let mut o = outcome(
                i,
                Status::Applied,
                "review: shown in the review report; the mailbox is not changed",
            );
            o.destination = Some("review report".into());
            outcomes.push(o);
            continue;
        }
        if let Some(target) = m.action.folder() {
            if sibling(path, target) == path {
                outcomes.push(outcome(i, Status::Skipped, format!("already in {target}")));
                continue;
            }
        }
        taken.push((m.offset, end, i, m));
    }
    if taken.is_empty() {
        return Ok(UnitPlan::Note { outcomes });
    }
    taken.sort_by_key(|t| t.0);

    let mut removed = Vec::with_capacity(taken.len());
    for &(offset, end, i, m) in &taken {
        let bytes = &data[offset as usize..end as usize];
        let vaulted = vault.map(|v| v.store(&m.sha256, bytes)).transpose()?;
        removed.push(Removed {
            row: i,
            offset,
            length: m.length,
            sha256: m.sha256.clone(),
        });
        let mut o = outcome(i, Status::Applied, "");
        o.vault = vaulted;
        if m.action == Action::Delete {
            o.destination = Some("vault".into());
        }
        outcomes.push(o);
    }

    let mut appends = Vec::new();
    for target in ["Archive", "Jail", "Junk"] {
        let moved: Vec<_> = taken
            .iter()
            .filter(|t| t.3.action.folder() == Some(target))
            .collect();
        if moved.is_empty() {
            continue;
        }
        let sib = sibling(path, target);
        if let Some(locks) = locks.as_deref_mut() {
            locks.push(MboxLock::acquire(&sib)?);
        }
        let (created, pre_len, tail) = sibling_state(&sib)?;
        let mut blob = separator_after(&tail).to_vec();
        for &&(offset, end, i, _) in &moved {
            let at = pre_len + blob.len() as u64;
            append_message(&mut blob, &data[offset as usize..end as usize]);
            if let Some(o) = outcomes.iter_mut().find(|o| o.row == i) {
                o.destination = Some(format!("{}@{at}", sib.display()));
            }
        }
        let sha256 = sha256_hex(&blob);
        if let Some(v) = vault {
            v.store(&sha256, &blob)?;
        }
        appends.push(Append {
            sibling: sib,
            created,
            pre_len,
            len: blob.len() as u64,
            sha256,
        });
    }

    let mut post = Sha256::new();
    let mut post_len = 0u64;
    for piece in kept(&data, &removed) {
        post.update(piece);
        post_len += piece.len() as u64;
    }
    outcomes.sort_by_key(|o| o.row);
    Ok(UnitPlan::Mbox(MboxPlan {
        path: path.to_path_buf(),
        owner: Ownership::of(path)?,
        pre_sha256: sha256_hex(&data),
        pre_len: data.len() as u64,
        post_sha256: hex::encode(post.finalize()),
        post_len,
        removed,
        appends,
        outcomes,
    }))
}

/// Whether the sibling is new, its length, and its last two bytes.
fn sibling_state(sib: &Path) -> Result<(bool, u64, Vec<u8>), ApplyError> {
    let mut file = match File::open(sib) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((true, 0, Vec::new())),
        Err(e) => return Err(io_at(sib)(e)),
    };
    let len = file.metadata().map_err(io_at(sib))?.len();
    let mut tail = vec![0u8; len.min(2) as usize];
    file.seek(SeekFrom::Start(len - tail.len() as u64))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(io_at(sib))?;
    Ok((false, len, tail))
}

/// What must come before a new message so that it starts after a blank line.
fn separator_after(tail: &[u8]) -> &'static [u8] {
    if tail.is_empty() || tail.ends_with(b"\n\n") {
        b""
    } else if tail.ends_with(b"\n") {
        b"\n"
    } else {
        b"\n\n"
    }
}

/// Appends one message in mbox form: its own From_ line and quoting when it has them (a
/// range of an mbox starts with its From_ line); otherwise a From_ line is made and
/// body lines that look like one are quoted (mboxrd). It ends with a blank line.
fn append_message(out: &mut Vec<u8>, message: &[u8]) {
    if message.starts_with(b"From ") {
        out.extend_from_slice(message);
    } else {
        out.extend_from_slice(b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n");
        let mut at_line_start = true;
        for (k, &b) in message.iter().enumerate() {
            if at_line_start {
                let rest = &message[k..];
                let arrows = rest.iter().take_while(|&&c| c == b'>').count();
                if rest[arrows..].starts_with(b"From ") {
                    out.push(b'>');
                }
            }
            out.push(b);
            at_line_start = b == b'\n';
        }
    }
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    if !out.ends_with(b"\n\n") && !out.ends_with(b"\r\n\r\n") {
        out.push(b'\n');
    }
}

/// The slices of `data` that stay, in order.
fn kept<'a>(data: &'a [u8], removed: &'a [Removed]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut cursor = 0usize;
    let mut ranges = removed.iter();
    let mut done = false;
    std::iter::from_fn(move || loop {
        if done {
            return None;
        }
        match ranges.next() {
            Some(r) => {
                let piece = &data[cursor..r.offset as usize];
                cursor = (r.offset + r.length) as usize;
                if !piece.is_empty() {
                    return Some(piece);
                }
            }
            None => {
                done = true;
                let piece = &data[cursor..];
                if !piece.is_empty() {
                    return Some(piece);
                }
            }
        }
    })
}

/// Carries out a planned unit. `fresh`: planned by this process under the locks it
/// still holds, so the mbox is known to be as planned (no second hash of a big file).
/// Returns the bytes written, or the reason the unit failed.
pub fn execute(
    p: &MboxPlan,
    vault: &Vault,
    fresh: bool,
) -> Result<Result<u64, String>, ApplyError> {
    let mut written = 0u64;
    for a in &p.appends {
        match append(a, vault)? {
            Ok(n) => written += n,
            Err(reason) => return Ok(Err(reason)),
        }
    }
    if !fresh {
        let now = file_sha256(&p.path)?;
        if now == p.post_sha256 {
            return Ok(Ok(written));
        }
        if now != p.pre_sha256 {
            return Ok(Err("the mbox changed during the apply".into()));
        }
    }
    let data = map(&p.path)?;
    written += replace_file(&p.path, &mut kept(&data, &p.removed), p.owner, &mut || {
        step("mbox rewritten (before rename)")
    })?;
    step("mbox renamed over");
    Ok(Ok(written))
}

/// Appends a sibling's planned bytes unless they are there already.
fn append(a: &Append, vault: &Vault) -> Result<Result<u64, String>, ApplyError> {
    let blob = vault.load(&a.sha256)?;
    let len = match std::fs::metadata(&a.sibling) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && a.created => 0,
        Err(e) => return Err(io_at(&a.sibling)(e)),
    };
    if len == a.pre_len + a.len && tail_sha(&a.sibling, a.pre_len)? == a.sha256 {
        return Ok(Ok(0));
    }
    if len < a.pre_len || len > a.pre_len + a.len {
        return Ok(Err(format!(
            "{} changed during the apply",
            a.sibling.display()
        )));
    }
    let mut file = OpenOptions::new()
        .create(a.created)
        .read(true)
        .write(true)
        .mode(0o600)
        .open(&a.sibling)
        .map_err(io_at(&a.sibling))?;
    if len > a.pre_len {
        // A torn append of ours: only its prefix may be there.
        let mut partial = Vec::new();
        file.seek(SeekFrom::Start(a.pre_len))
            .and_then(|_| file.read_to_end(&mut partial))
            .map_err(io_at(&a.sibling))?;
        if !blob.starts_with(&partial) {
            return Ok(Err(format!(
                "{} changed during the apply",
                a.sibling.display()
            )));
        }
        file.set_len(a.pre_len).map_err(io_at(&a.sibling))?;
    }
    file.seek(SeekFrom::Start(a.pre_len))
        .and_then(|_| file.write_all(&blob))
        .and_then(|_| file.sync_all())
        .map_err(io_at(&a.sibling))?;
    if a.created {
        fsync_dir(parent(&a.sibling))?;
    }
    step("sibling appended");
    Ok(Ok(blob.len() as u64))
}

fn tail_sha(path: &Path, from: u64) -> Result<String, ApplyError> {
    let mut file = File::open(path).map_err(io_at(path))?;
    file.seek(SeekFrom::Start(from)).map_err(io_at(path))?;
    reader_sha256(file).map_err(io_at(path))
}

/// Puts the removed messages back at their offsets and takes the appended bytes off
/// the siblings, after checking that both are exactly as the apply left them.
pub fn undo(p: &MboxPlan, vault: Option<&Vault>) -> Result<Result<(), String>, ApplyError> {
    let _lock = MboxLock::acquire(&p.path)?;
    let now = if p.path.is_file() {
        file_sha256(&p.path)?
    } else {
        return Ok(Err(format!("{} is gone", p.path.display())));
    };
    if now != p.pre_sha256 {
        if now != p.post_sha256 {
            return Ok(Err(format!(
                "{} changed since the apply: not restored",
                p.path.display()
            )));
        }
        let Some(vault) = vault else {
            return Ok(Err(
                "applied under --no-vault: the removed bytes were not kept".into(),
            ));
        };
        let blobs: Vec<Vec<u8>> = p
            .removed
            .iter()
            .map(|r| vault.load(&r.sha256))
            .collect::<Result<_, _>>()?;
        let data = map(&p.path)?;
        let pieces = restored(&data, &p.removed, &blobs);
        let mut check = Sha256::new();
        pieces.iter().for_each(|s| check.update(s));
        if hex::encode(check.finalize()) != p.pre_sha256 {
            return Ok(Err(
                "the restored mbox would not hash as before the apply".into()
            ));
        }
        replace_file(&p.path, &mut pieces.into_iter(), p.owner, &mut || {
            step("mbox restored (before rename)")
        })?;
        step("mbox restored");
    }
    for a in p.appends.iter().rev() {
        let _lock = MboxLock::acquire(&a.sibling)?;
        let len = match std::fs::metadata(&a.sibling) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && a.created => continue,
            Err(e) => return Err(io_at(&a.sibling)(e)),
        };
        if len == a.pre_len {
            if a.created && a.pre_len == 0 {
                std::fs::remove_file(&a.sibling).map_err(io_at(&a.sibling))?;
                fsync_dir(parent(&a.sibling))?;
            }
            continue;
        }
        if len != a.pre_len + a.len || tail_sha(&a.sibling, a.pre_len)? != a.sha256 {
            return Ok(Err(format!(
                "{} changed since the apply: its appended messages were left",
                a.sibling.display()
            )));
        }
        let file = OpenOptions::new()
            .write(true)
            .open(&a.sibling)
            .map_err(io_at(&a.sibling))?;
        file.set_len(a.pre_len)
            .and_then(|_| file.sync_all())
            .map_err(io_at(&a.sibling))?;
        step("sibling truncated");
        if a.created && a.pre_len == 0 {
            std::fs::remove_file(&a.sibling).map_err(io_at(&a.sibling))?;
            fsync_dir(parent(&a.sibling))?;
            step("sibling removed");
        }
    }
    Ok(Ok(()))
}

/// The rewritten file's bytes with the removed messages back at their offsets.
fn restored<'a>(post: &'a [u8], removed: &[Removed], blobs: &'a [Vec<u8>]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::with_capacity(removed.len() * 2 + 1);
    let mut orig = 0u64; // position in the original file
    let mut cursor = 0usize; // position in the rewritten file
    for (r, blob) in removed.iter().zip(blobs) {
        let keep = (r.offset - orig) as usize;
        pieces.push(&post[cursor.min(post.len())..(cursor + keep).min(post.len())]);
        cursor += keep;
        pieces.push(&blob[..]);
        orig = r.offset + r.length;
    }
    pieces.push(&post[cursor.min(post.len())..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(offset: u64, bytes: &[u8]) -> Removed {
        Removed {
            row: 0,
            offset,
            length: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        }
    }

    #[test]
    fn kept_and_restored_are_inverse() {
        let a = b"From a Thu Jan  1 00:00:00 2004\nX: 1\n\nbody\n\n".as_slice();
        let b = b"From b Thu Jan  1 00:00:00 2004\nX: 2\n\n>From quoted\n\n".as_slice();
        let c = b"From c Thu Jan  1 00:00:00 2004\nX: 3\n\nlast".as_slice();
        let file = [a, b, c].concat();
        for cut in [vec![0], vec![1], vec![2], vec![0, 2], vec![0, 1, 2]] {
            let mut offset = 0u64;
            let mut rm = Vec::new();
            let mut blobs = Vec::new();
            for (i, m) in [a, b, c].iter().enumerate() {
                if cut.contains(&i) {
                    rm.push(removed(offset, m));
                    blobs.push(m.to_vec());
                }
                offset += m.len() as u64;
            }
            let post: Vec<u8> = kept(&file, &rm).collect::<Vec<_>>().concat();
            assert_eq!(
                post.len(),
                file.len() - blobs.iter().map(Vec::len).sum::<usize>()
            );
            assert_eq!(restored(&post, &rm, &blobs).concat(), file, "cut {cut:?}");
        }
    }

    #[test]
    fn appended_messages_start_after_a_blank_line_and_end_with_one() {
        assert_eq!(separator_after(b""), b"");
        assert_eq!(separator_after(b"x\n\n"), b"");
        assert_eq!(separator_after(b"x\n"), b"\n");
        assert_eq!(separator_after(b"xy"), b"\n\n");
        let mut out = Vec::new();
        append_message(&mut out, b"From a Thu Jan  1 00:00:00 2004\nX: 1\n\nlast");
        assert!(out.ends_with(b"last\n\n"));
    }

    #[test]
    fn a_headless_chunk_gets_a_from_line_and_mboxrd_quoting() {
        let mut out = Vec::new();
        append_message(&mut out, b"Subject: s\n\nFrom here\n>From there\nok\n");
        assert_eq!(
            out,
            b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nSubject: s\n\n>From here\n>>From there\nok\n\n"
        );
    }
}
