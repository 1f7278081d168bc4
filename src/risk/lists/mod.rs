//! Lists: the reputation lists, ClamAV hash signatures and built-in EICAR signature a
//! message is checked against (Bad reputation, Virus), and the message's origin IP.
//!
//! [`Lists::load`] reads every list file of the `--lists` directory once, before the
//! run; the lookups are pure and shared by all threads. What a file holds is told by its
//! extension:
//!
//! | file | holds |
//! |---|---|
//! | `*.txt`, `*.list` | one entry per line: an address (`bad@evil.example`), a domain with all its subdomains (`evil.example`, also written `@evil.example`), an IPv4/IPv6 address or CIDR block; Spamhaus DROP/EDROP text lines (`1.10.16.0/20 ; SBL256894`); `#`/`;` comments ([`entries`]) |
//! | `*.json` | Spamhaus DROP v4/v6 JSON lines (`{"cidr":"1.10.16.0/20","sblid":"SBL256894",...}`); the metadata line is skipped |
//! | `*.hdb` | ClamAV MD5 signatures `md5:size:name` ([`clamav`]) |
//! | `*.hsb` | ClamAV SHA-256 (or SHA-1) signatures `sha256:size:name[:flevel]`, size may be `*` |
//!
//! Files are read in name order; sub-directories are not read; other files (ClamAV's
//! signed `.cvd`/`.cld` containers, its other signature kinds, READMEs) and files whose
//! name starts with `.` are skipped and named in [`Lists::summary`], never guessed at.
//! A malformed line is an error naming `file:line`: a list that is half read would
//! silently miss what its author listed.
//!
//! Rules (`rep.*` raise Bad reputation, `virus.*` raise Virus):
//! - `rep.sender_address`: a sender address (From, Sender, Reply-To, Return-Path) is
//!   listed;
//! - `rep.sender_domain`: a sender's domain is a listed domain or under one (or, for an
//!   address literal `x@[1.2.3.4]`, in a listed network);
//! - `rep.origin_ip`: the origin IP ([`origin_ip`]) is in a listed network;
//! - `rep.url_host`: a URL's host is a listed domain or under one, or an IP in a listed
//!   network;
//! - `virus.eicar`: an attachment or zip member is the EICAR test file;
//! - `virus.clamav_md5`, `virus.clamav_sha256`, `virus.clamav_sha1`: an attachment or
//!   zip member matches a ClamAV hash signature (hash and size).

mod clamav;
mod entries;
mod ip_set;
mod received;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use super::{Category, Evidence};
use crate::message::decoded::File;
use clamav::{SigFormat, Signatures};
use entries::{domain_and_parents, Entry};
use ip_set::{IpSet, IpSetBuilder};

pub use received::{is_internal, origin_ip, sending_ip};

/// Where a list entry came from: the file (index into `Lists::files`), its line, and the
/// comment on that line (a DROP SBL id, a reason).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    file: u32,
    line: u32,
    note: Option<Box<str>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ListsError {
    #[error("cannot read the lists directory {}: {source}", path.display())]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: more than {} lines", path.display(), u32::MAX)]
    TooLong { path: PathBuf },
}

/// What a file holds, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Text,
    DropJson,
    Signatures(SigFormat),
}

impl FileKind {
    fn of(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        if name.starts_with('.') {
            return None;
        }
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "txt" | "list" => Some(Self::Text),
            "json" => Some(Self::DropJson),
            "hdb" => Some(Self::Signatures(SigFormat::Hdb)),
            "hsb" => Some(Self::Signatures(SigFormat::Hsb)),
            _ => None,
        }
    }
}

/// The loaded lists. Built once, shared by all threads (`Send + Sync`).
#[derive(Debug)]
pub struct Lists {
    /// File names of the files read, in the order read.
    files: Vec<String>,
    /// Names of the directory entries not read.
    skipped: Vec<String>,
    addresses: HashMap<Box<str>, Origin>,
    domains: HashMap<Box<str>, Origin>,
    networks: IpSet,
    signatures: Signatures,
}

impl Lists {
    /// Every list file in `dir` (see the module documentation for the formats).
    pub fn load(dir: &Path) -> Result<Lists, ListsError> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .and_then(|entries| entries.map(|e| e.map(|e| e.path())).collect())
            .map_err(|source| ListsError::Dir {
                path: dir.to_path_buf(),
                source,
            })?;
        paths.sort();
        let mut loader = Loader::default();
        for path in paths {
            match FileKind::of(&path).filter(|_| path.is_file()) {
                Some(kind) => loader.file(&path, kind)?,
                None => loader.skipped.push(file_name(&path)),
            }
        }
        Ok(loader.finish())
    }

    /// No list files: only the built-in EICAR signature.
    pub fn empty() -> Lists {
        Loader::default().finish()
    }

    /// Bad reputation evidence for the sender addresses, the origin IP and the URL
    /// hosts; each hit names the list file and line it came from. A value given twice
    /// (From and Return-Path alike) is reported once.
    pub fn reputation(
        &self,
        senders: &[&str],
        origin_ip: Option<IpAddr>,
        url_hosts: &[&str],
        out: &mut Vec<Evidence>,
    ) {
        let mut seen = HashSet::new();
        for sender in senders {
            if seen.insert(sender.trim().to_lowercase()) {
                self.sender(sender, out);
            }
        }
        if let Some(ip) = origin_ip {
            if let Some((net, origin)) = self.networks.find(ip) {
                out.push(Evidence::raise(
                    Category::BadReputation,
                    "rep.origin_ip",
                    format!(
                        "origin IP {ip} {}",
                        self.listed_as(&net.to_string(), origin)
                    ),
                ));
            }
        }
        let mut seen = HashSet::new();
        for host in url_hosts {
            if seen.insert(host.trim().to_lowercase()) {
                self.url_host(host, out);
            }
        }
    }

    fn sender(&self, sender: &str, out: &mut Vec<Evidence>) {
        if let Some(address) = entries::address(sender) {
            if let Some(origin) = self.addresses.get(address.as_str()) {
                out.push(Evidence::raise(
                    Category::BadReputation,
                    "rep.sender_address",
                    format!("sender {sender:?} {}", self.listed_in(origin)),
                ));
            }
        }
        let domain = sender.trim().trim_end_matches('>').rsplit_once('@');
        if let Some((listed, origin)) = domain.and_then(|(_, d)| self.host_listed(d)) {
            out.push(Evidence::raise(
                Category::BadReputation,
                "rep.sender_domain",
                format!(
                    "sender {sender:?}: domain {}",
                    self.listed_as(&listed, origin)
                ),
            ));
        }
    }

    fn url_host(&self, host: &str, out: &mut Vec<Evidence>) {
        if let Some((listed, origin)) = self.host_listed(host) {
            out.push(Evidence::raise(
                Category::BadReputation,
                "rep.url_host",
                format!("URL host {host:?} {}", self.listed_as(&listed, origin)),
            ));
        }
    }

    /// A host name under a listed domain, or an address literal (`1.2.3.4`,
    /// `[2001:db8::1]`, `[IPv6:...]`) in a listed network: what was listed, and where.
    fn host_listed(&self, host: &str) -> Option<(String, &Origin)> {
        let literal = host
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_start_matches("IPv6:");
        if let Ok(ip) = literal.parse::<IpAddr>() {
            return self
                .networks
                .find(ip)
                .map(|(net, origin)| (net.to_string(), origin));
        }
        let host = entries::host(host)?;
        let listed = domain_and_parents(&host)
            .find_map(|d| self.domains.get(d).map(|origin| (d.to_string(), origin)));
        listed
    }

    /// `FILE:LINE` and the line's note: where an entry was read.
    fn place(&self, origin: &Origin) -> String {
        let file = self
            .files
            .get(origin.file as usize)
            .map_or("?", String::as_str);
        match &origin.note {
            Some(note) => format!("{file}:{} ({note:?})", origin.line),
            None => format!("{file}:{}", origin.line),
        }
    }

    fn listed_in(&self, origin: &Origin) -> String {
        format!("listed in {}", self.place(origin))
    }

    fn listed_as(&self, entry: &str, origin: &Origin) -> String {
        format!("listed as {entry} in {}", self.place(origin))
    }

    /// Virus evidence for every file (attachment or zip member) that is the EICAR test
    /// file or matches a ClamAV hash signature (hash and size).
    pub fn viruses(&self, files: &[File], out: &mut Vec<Evidence>) {
        for file in files {
            let Some(data) = file.data.as_deref() else {
                continue;
            };
            let what = describe(file);
            if clamav::is_eicar(data) {
                out.push(Evidence::raise(
                    Category::Virus,
                    "virus.eicar",
                    format!("{what} is the EICAR test file"),
                ));
            }
            for (kind, sig) in self.signatures.matches(data) {
                out.push(Evidence::raise(
                    Category::Virus,
                    kind.rule(),
                    format!(
                        "{what} matches ClamAV signature {:?} in {}",
                        sig.name,
                        self.place(&sig.origin)
                    ),
                ));
            }
        }
    }

    /// One line for the run's log: `3 files: 120 addresses, 40 domains, 1,200
    /// networks, 5,000 hashes`, and the files skipped.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} {}: {} addresses, {} domains, {} networks, {} hashes",
            thousands(self.files.len()),
            if self.files.len() == 1 {
                "file"
            } else {
                "files"
            },
            thousands(self.addresses.len()),
            thousands(self.domains.len()),
            thousands(self.networks.len()),
            thousands(self.signatures.len()),
        );
        if !self.skipped.is_empty() {
            let _ = write!(s, " (skipped: {})", self.skipped.join(", "));
        }
        s
    }
}

/// `"eicar.zip/eicar.com" (part 2/eicar.com)`: the name a responder knows the file by
/// and where it is.
fn describe(file: &File) -> String {
    match &file.name {
        Some(name) => format!("{name:?} (part {})", file.path),
        None => format!("part {}", file.path),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `1234567` → `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Lists collected while loading.
#[derive(Default)]
struct Loader {
    files: Vec<String>,
    skipped: Vec<String>,
    addresses: HashMap<Box<str>, Origin>,
    domains: HashMap<Box<str>, Origin>,
    networks: IpSetBuilder,
    signatures: Signatures,
}

impl Loader {
    fn file(&mut self, path: &Path, kind: FileKind) -> Result<(), ListsError> {
        let bytes = std::fs::read(path).map_err(|source| ListsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let file = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.push(file_name(path));
        // A UTF-8 byte order mark (Windows editors) is not part of the first entry.
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            let line_error = |message: String| ListsError::Line {
                path: path.to_path_buf(),
                line: index + 1,
                message,
            };
            let line = u32::try_from(index + 1).map_err(|_| ListsError::TooLong {
                path: path.to_path_buf(),
            })?;
            let text = std::str::from_utf8(raw).map_err(|_| line_error("not UTF-8".to_string()))?;
            let origin = |note: Option<String>| Origin {
                file,
                line,
                note: note.map(String::into_boxed_str),
            };
            match kind {
                FileKind::Text | FileKind::DropJson => {
                    let parsed = if kind == FileKind::Text {
                        entries::text_line(text)
                    } else {
                        entries::json_line(text)
                    };
                    if let Some(l) = parsed.map_err(line_error)? {
                        self.entry(l.entry, origin(l.note));
                    }
                }
                FileKind::Signatures(format) => {
                    if let Some(sig) = clamav::sig_line(format, text).map_err(line_error)? {
                        self.signatures.insert(sig, origin(None));
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds an entry; the first file and line listing a value is the one reported.
    fn entry(&mut self, entry: Entry, origin: Origin) {
        match entry {
            Entry::Address(a) => {
                self.addresses.entry(a.into_boxed_str()).or_insert(origin);
            }
            Entry::Domain(d) => {
                self.domains.entry(d.into_boxed_str()).or_insert(origin);
            }
            Entry::Network(n) => self.networks.insert(n, origin),
        }
    }

    fn finish(self) -> Lists {
        Lists {
            files: self.files,
            skipped: self.skipped,
            addresses: self.addresses,
            domains: self.domains,
            networks: self.networks.build(),
            signatures: self.signatures,
        }
    }
}
