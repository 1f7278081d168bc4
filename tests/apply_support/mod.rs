//! Helpers of the apply tests: copies of real corpora in a temporary directory, the
//! binary run there (paths in manifests relative to it, so a copied tree is a copy of
//! the whole case), hashes of every file, and Python's stdlib `mailbox` as the
//! independent reader of what each folder holds.
#![allow(dead_code)] // each test binary uses its own subset

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use sha2::{Digest, Sha256};

/// The binary under test, hard-linked once per test process: a target directory shared
/// with other builds may get another version of `mailsweep` linked in place mid-test, and
/// the link keeps this build's file. Links live in cargo's per-target tmp directory
/// (same filesystem, so no bytes are copied); those of finished test processes are
/// removed first, since each one pins a whole binary once the original is relinked.
pub fn binary() -> &'static Path {
    static LINK: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    LINK.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("apply-tests-bin");
        std::fs::create_dir_all(&dir).unwrap();
        remove_links_of_finished_processes(&dir);
        let link = dir.join(std::process::id().to_string());
        let _ = std::fs::remove_file(&link);
        let original = env!("CARGO_BIN_EXE_mailsweep");
        if std::fs::hard_link(original, &link).is_err() {
            std::fs::copy(original, &link).unwrap();
        }
        let help = Command::new(&link)
            .args(["undo", "--help"])
            .output()
            .unwrap();
        assert!(
            help.status.success(),
            "{original} has no `undo`: another build replaced it; run the tests again"
        );
        link
    })
}

fn remove_links_of_finished_processes(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name();
        let alive = name
            .to_str()
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| Path::new("/proc").join(pid.to_string()).exists());
        if !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

pub fn corpora() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    assert!(
        path.is_dir(),
        "the real corpora are missing: {}",
        path.display()
    );
    path
}

/// Copies `src` (file or directory) to `dst` with `cp -a`.
pub fn copy(src: &Path, dst: &Path) {
    let ok = Command::new("cp")
        .arg("-a")
        .arg(src)
        .arg(dst)
        .status()
        .expect("cp runs")
        .success();
    assert!(ok, "cp {} {}", src.display(), dst.display());
}

/// A case: `<root>/mail` holds copies of corpora; the binary runs in `<root>`.
pub struct Case {
    pub root: PathBuf,
}

impl Case {
    /// `mail/phishing1.mbox` (nazario), `mail/notmuch` (notmuch's Maildir, fs layout),
    /// `mail/maildirpp` (part of it as a Maildir++) and `mail/eml` (nodemailer's .eml).
    pub fn new(root: &Path) -> Self {
        let mail = root.join("mail");
        std::fs::create_dir_all(&mail).unwrap();
        let c = corpora();
        copy(&c.join("nazario-phishing-mbox/phishing1.mbox"), &mail);
        let notmuch = c.join("notmuch-test-corpora/default");
        copy(&notmuch, &mail.join("notmuch"));
        // The same messages as a Maildir++: the root's cur/new, `foo` as `.foo`.
        let pp = mail.join("maildirpp");
        std::fs::create_dir(&pp).unwrap();
        copy(&notmuch.join("cur"), &pp);
        copy(&notmuch.join("new"), &pp);
        std::fs::create_dir(pp.join(".foo")).unwrap();
        copy(&notmuch.join("foo/cur"), &pp.join(".foo"));
        copy(&notmuch.join("foo/new"), &pp.join(".foo"));
        let eml = mail.join("eml");
        std::fs::create_dir(&eml).unwrap();
        for entry in std::fs::read_dir(c.join("nodemailer-mailparser"))
            .unwrap()
            .flatten()
        {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "eml") {
                copy(&p, &eml);
            }
        }
        Self {
            root: root.to_path_buf(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, String)]) -> Output {
        let mut cmd = Command::new(binary());
        cmd.args(args).current_dir(&self.root);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("mailsweep runs")
    }

    /// Runs a keyword search over `mail` and returns its run directory (relative).
    pub fn search(&self, values: &[&str], result: &str) -> String {
        let mut args = vec!["search", "keywords", "mail", "--json", "--result", result];
        for v in values {
            args.push("--value");
            args.push(v);
        }
        args.extend(["--out", "audit"]);
        let out = self.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["run_dir"].as_str().unwrap().to_string()
    }

    pub fn mail(&self) -> PathBuf {
        self.root.join("mail")
    }
}

pub fn stderr(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every file below `dir` (relative path → SHA-256) and every directory (hash "dir").
pub fn tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().display().to_string();
            if p.is_dir() {
                out.insert(rel, "dir".into());
                walk(base, &p, out);
            } else {
                out.insert(rel, sha256_hex(&std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

const PY_FOLDERS: &str = r#"
import hashlib, json, mailbox, os, sys
root = sys.argv[1]
out = {}
for d, dirs, files in os.walk(root):
    if os.path.isdir(os.path.join(d, 'cur')) or os.path.isdir(os.path.join(d, 'new')):
        md = mailbox.Maildir(d, factory=None, create=False)
        out[os.path.relpath(d, root)] = sorted(hashlib.sha256(md.get_bytes(k)).hexdigest() for k in md.keys())
    for f in files:
        p = os.path.join(d, f)
        if f.endswith('.mbox') or f in ('Archive', 'Jail', 'Junk'):
            mb = mailbox.mbox(p, create=False)
            out[os.path.relpath(p, root)] = sorted(hashlib.sha256(mb.get_bytes(k)).hexdigest() for k in mb.keys())
        elif f.endswith('.eml'):
            rel = os.path.relpath(d, root)
            out.setdefault(rel, []).append(hashlib.sha256(open(p, 'rb').read()).hexdigest())
            out[rel].sort()
print(json.dumps(out))
"#;

/// What Python's `mailbox` sees: folder (Maildir folder directory, mbox file, or
/// directory of .eml files, relative to `root`) → sorted SHA-256 of each message's bytes.
pub fn python_folders(root: &Path) -> BTreeMap<String, Vec<String>> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY_FOLDERS)
        .arg(root)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The manifest rows of a table: (mailbox, locator_kind, path, sha256, action).
pub struct Row {
    pub mailbox: String,
    pub kind: String,
    pub path: String,
    pub offset: i64,
    pub sha256: String,
    pub action: String,
    pub status: Option<String>,
    pub reason: Option<String>,
}

pub fn read_rows(path: &Path) -> Vec<Row> {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch: RecordBatch = batch.unwrap();
        let s = |name: &str, i: usize| {
            batch.column_by_name(name).and_then(|c| {
                let c = c.as_string_opt::<i32>()?;
                c.is_valid(i).then(|| c.value(i).to_string())
            })
        };
        let offsets = batch
            .column_by_name("offset")
            .unwrap()
            .as_primitive::<Int64Type>()
            .clone();
        for i in 0..batch.num_rows() {
            rows.push(Row {
                mailbox: s("mailbox", i).unwrap(),
                kind: s("locator_kind", i).unwrap(),
                path: s("path", i).unwrap(),
                offset: offsets.value(i),
                sha256: s("sha256", i).unwrap(),
                action: s("action", i).unwrap(),
                status: s("status", i),
                reason: s("reason", i),
            });
        }
    }
    rows
}

/// The manifest's columns as CSV (what an analyst exports and edits), with each row's
/// action replaced by `action(i, row)`; `None` drops the row.
pub fn write_csv(manifest: &Path, csv: &Path, action: &dyn Fn(usize, &Row) -> Option<String>) {
    let rows = read_rows(manifest);
    let mut w = csv::Writer::from_path(csv).unwrap();
    w.write_record([
        "run_id",
        "mailbox",
        "folder",
        "ordinal",
        "locator_kind",
        "path",
        "offset",
        "length",
        "sha256",
        "action",
    ])
    .unwrap();
    // length and folder are not in `Row`: read them from the file again.
    let file = std::fs::File::open(manifest).unwrap();
    let batches: Vec<RecordBatch> = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut i = 0;
    for b in &batches {
        let s = |name: &str, k: usize| {
            b.column_by_name(name)
                .unwrap()
                .as_string::<i32>()
                .value(k)
                .to_string()
        };
        let n = |name: &str, k: usize| {
            b.column_by_name(name)
                .unwrap()
                .as_primitive::<Int64Type>()
                .value(k)
                .to_string()
        };
        for k in 0..b.num_rows() {
            if let Some(act) = action(i, &rows[i]) {
                w.write_record([
                    s("run_id", k),
                    s("mailbox", k),
                    s("folder", k),
                    n("ordinal", k),
                    s("locator_kind", k),
                    s("path", k),
                    n("offset", k),
                    n("length", k),
                    s("sha256", k),
                    act,
                ])
                .unwrap();
            }
            i += 1;
        }
    }
    w.flush().unwrap();
}

/// The single apply directory of a run.
pub fn apply_dir(run_dir: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(run_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("apply-")
                && p.join("journal.jsonl").is_file()
        })
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

/// The Python folder key of a message file's folder (`notmuch/foo`, `eml`).
pub fn folder_of(path: &str) -> String {
    let p = Path::new(path.strip_prefix("mail/").unwrap_or(path));
    let dir = p.parent().unwrap();
    let dir = match dir.file_name().and_then(|n| n.to_str()) {
        Some("cur" | "new") => dir.parent().unwrap(),
        _ => dir,
    };
    dir.display().to_string()
}

/// Where an archived message file goes, as a Python folder key.
pub fn archive_of(path: &str) -> String {
    let folder = folder_of(path);
    let top = folder.split('/').next().unwrap().to_string();
    if top == "eml" {
        "eml/Archive".into()
    } else {
        format!("{top}/.Archive")
    }
}

/// `a` minus one copy of each of `b`.
pub fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    for x in b {
        let i = out
            .iter()
            .position(|y| y == x)
            .unwrap_or_else(|| panic!("{x} not in folder"));
        out.remove(i);
    }
    out
}

/// Asserts two trees are equal, naming only the paths that differ.
pub fn assert_same_tree(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>, what: &str) {
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(differ.is_empty(), "{what}: these paths differ: {differ:?}");
}
