//! Locking an mbox the way mail software does: a dotlock (`NAME.lock`, created with
//! `O_EXCL`, holding our pid) and an fcntl write lock on the file itself, both held
//! while the mbox is read, appended to or rewritten. A dotlock whose pid is gone (a
//! killed apply) or older than five minutes is stale and broken, as procmail and mutt do.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::error::{io_at, ApplyError};

const STALE_AFTER: Duration = Duration::from_secs(300);
const TRIES: u32 = 50;

/// Held locks on one mbox; released when dropped.
pub struct MboxLock {
    dotlock: PathBuf,
    _file: Option<File>,
}

impl MboxLock {
    /// Locks `path`. A file that does not exist yet (a sibling mbox an apply will
    /// create) gets only the dotlock: nothing is created before the journal says so.
    pub fn acquire(path: &Path) -> Result<Self, ApplyError> {
        let dotlock = dotlock_path(path);
        take_dotlock(&dotlock)?;
        let locked = (|| {
            let file = match OpenOptions::new().read(true).write(true).open(path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io_at(path)(e)),
            };
            fcntl_lock(&file, path)?;
            Ok(Some(file))
        })();
        match locked {
            Ok(file) => Ok(Self {
                dotlock,
                _file: file,
            }),
            Err(e) => {
                let _ = std::fs::remove_file(&dotlock);
                Err(e)
            }
        }
    }
}

impl Drop for MboxLock {
    fn drop(&mut self) {
        // The fcntl lock goes with the descriptor.
        let _ = std::fs::remove_file(&self.dotlock);
    }
}

fn dotlock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

fn take_dotlock(dotlock: &Path) -> Result<(), ApplyError> {
    for _ in 0..TRIES {
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dotlock)
        {
            Ok(mut f) => {
                writeln!(f, "{}", std::process::id()).map_err(io_at(dotlock))?;
                f.sync_all().map_err(io_at(dotlock))?;
                return Ok(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if is_stale(dotlock) {
                    let _ = std::fs::remove_file(dotlock);
                    continue;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => return Err(io_at(dotlock)(e)),
        }
    }
    Err(ApplyError::Locked {
        path: dotlock.to_path_buf(),
        what: "the mbox is locked by another program (dotlock held)".into(),
    })
}

fn is_stale(dotlock: &Path) -> bool {
    let old = std::fs::metadata(dotlock)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > STALE_AFTER);
    let dead = std::fs::read_to_string(dotlock)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
    old || dead
}

fn fcntl_lock(file: &File, path: &Path) -> Result<(), ApplyError> {
    // SAFETY: a zeroed flock is a valid argument; fd is open for the call's duration.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as _;
    lock.l_whence = libc::SEEK_SET as _;
    for _ in 0..TRIES {
        // SAFETY: F_SETLK with a valid flock pointer on an open descriptor.
        let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &lock) };
        if rc == 0 {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(ApplyError::Locked {
        path: path.to_path_buf(),
        what: "the mbox is locked by another program (fcntl lock held)".into(),
    })
}
