//! Lists: the reputation lists, ClamAV hash signatures and built-in EICAR signature a
//! message is checked against (Bad reputation, Virus), and the message's origin IP.
//!
//! [`Lists::load`] reads every list file of the `--lists` directory once, before the
//! run; the lookups are pure and shared by all threads. What a file holds is told by its
//! extension:
//!
//! | file | holds |
//! |---|---|
//! | `*.txt`, `*.list` | one entry per line: an address (`bad@evil.example`), a domain with all its subdomains (`evil.example`, also written `@evil.example`), an IPv4/IPv6 address or CIDR block; Spamhaus DROP/EDROP text lines (`1.10.16.0/20 ; SBL256894`); `#`/`;` comments (see `entries`) |
//! | `*.json` | Spamhaus DROP v4/v6 JSON lines (`{"cidr":"1.10.16.0/20","sblid":"SBL256894",...}`); the metadata line is skipped |
//! | `*.hdb` | ClamAV MD5 signatures `md5:size:name` (see `clamav`) |
//! | `*.hsb` | ClamAV SHA-256 (or SHA-1) signatures `sha256:size:name[:flevel]`, size may be `*` |
//! | `*.urls` | phishing URLs, one per line: a URL (matched after normalisation) or a URL prefix ending in `*` (see [`Lists::phishing_url`]) |
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
use crate::search::links::{self, LinkMatcher};
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
    Urls,
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
            "urls" => Some(Self::Urls),
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
    /// Phishing URLs and URL prefixes (`*.urls`); the matcher's indicator is an index
    /// into `url_origins`.
    urls: Option<LinkMatcher>,
    url_origins: Vec<Origin>,
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

    /// Whether an origin IP can be listed (an IP/CIDR list was loaded): otherwise the
    /// rescan need not decode the Received fields it is read from.
    pub fn lists_networks(&self) -> bool {
        self.networks.len() > 0
    }

    /// Whether any list names a sender, domain or network: otherwise reputation
    /// lookups find nothing, and the rescan skips gathering what they would look up.
    pub fn names_listed(&self) -> bool {
        !self.addresses.is_empty() || !self.domains.is_empty() || self.lists_networks()
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
            let key = entries::address(sender).unwrap_or_else(|| sender.trim().to_lowercase());
            if seen.insert(key) {
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
            let key = entries::host(host).unwrap_or_else(|| host.trim().to_lowercase());
            if seen.insert(key) {
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
            if clamav::is_eicar(data) {
                out.push(Evidence::raise(
                    Category::Virus,
                    "virus.eicar",
                    format!("{} is the EICAR test file", describe(file)),
                ));
            }
            for (kind, sig) in self.signatures.matches(data) {
                out.push(Evidence::raise(
                    Category::Virus,
                    kind.rule(),
                    format!(
                        "{} matches ClamAV signature {:?} in {}",
                        describe(file),
                        sig.name,
                        self.place(&sig.origin)
                    ),
                ));
            }
        }
    }

    /// Where a link (as found in a message) is listed as a phishing URL, `listed in
    /// FILE:LINE`: the link itself or a URL it wraps (a Safe Link around a listed URL)
    /// equals a listed URL or starts with a listed prefix, both normalised (scheme and
    /// host case, default port, escapes, a trailing slash).
    pub fn phishing_url(&self, link: &str) -> Option<String> {
        let hit = self.urls.as_ref()?.match_url(link).into_iter().next()?;
        let origin = self.url_origins.get(hit.indicator)?;
        Some(self.listed_in(origin))
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
        if !self.url_origins.is_empty() {
            let _ = write!(s, ", {} phishing URLs", thousands(self.url_origins.len()));
        }
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
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
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
    /// Phishing URL list entries, as written (validated), and where.
    urls: Vec<(String, Origin)>,
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
                FileKind::Urls => {
                    let value = text.trim();
                    if value.is_empty() || value.starts_with('#') {
                        continue;
                    }
                    links::normalized_value(value).map_err(|e| line_error(e.to_string()))?;
                    self.urls.push((value.to_string(), origin(None)));
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
        let values: Vec<(usize, &str)> = self
            .urls
            .iter()
            .enumerate()
            .map(|(i, (v, _))| (i, v.as_str()))
            .collect();
        let urls = (!values.is_empty()).then(|| {
            LinkMatcher::new(&values).expect("every phishing URL was validated as it was read")
        });
        let url_origins = self.urls.into_iter().map(|(_, o)| o).collect();
        Lists {
            urls,
            url_origins,
            files: self.files,
            skipped: self.skipped,
            addresses: self.addresses,
            domains: self.domains,
            networks: self.networks.build(),
            signatures: self.signatures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists loaded from files written into a temporary directory.
    fn lists(files: &[(&str, &str)]) -> Result<Lists, ListsError> {
        let bytes: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        lists_of_bytes(&bytes)
    }

    fn lists_of_bytes(files: &[(&str, &[u8])]) -> Result<Lists, ListsError> {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        Lists::load(dir.path())
    }

    fn rules(evidence: &[Evidence]) -> Vec<&'static str> {
        evidence.iter().map(|e| e.rule).collect()
    }

    const LIST: &str = "# test list\n\
        bad@Evil.Example\n\
        evil.example ; phishing kit\n\
        @spam.test\n\
        198.51.100.0/24\n\
        2001:db8:bad::/48\n";

    fn reputation(l: &Lists, senders: &[&str], ip: Option<&str>, hosts: &[&str]) -> Vec<Evidence> {
        let mut out = Vec::new();
        l.reputation(senders, ip.map(|i| i.parse().unwrap()), hosts, &mut out);
        out
    }

    #[test]
    fn senders_match_addresses_domains_and_subdomains() {
        let l = lists(&[("bad.txt", LIST)]).unwrap();
        let e = reputation(&l, &["BAD@evil.example"], None, &[]);
        assert_eq!(rules(&e), ["rep.sender_address", "rep.sender_domain"]);
        assert_eq!(
            e[0].detail,
            r#"sender "BAD@evil.example" listed in bad.txt:2"#
        );
        assert_eq!(
            e[1].detail,
            r#"sender "BAD@evil.example": domain listed as evil.example in bad.txt:3 ("phishing kit")"#
        );
        assert!(e
            .iter()
            .all(|e| e.category == Some(Category::BadReputation)));
        let e = reputation(&l, &["x@a.b.Evil.Example.", "y@mail.spam.test"], None, &[]);
        assert_eq!(rules(&e), ["rep.sender_domain", "rep.sender_domain"]);
        // The same sender in From and Return-Path is one finding.
        let e = reputation(
            &l,
            &["x@spam.test", "<X@spam.test>", "x@spam.test"],
            None,
            &[],
        );
        assert_eq!(e.len(), 1, "{e:?}");
    }

    #[test]
    fn near_misses_do_not_match() {
        let l = lists(&[("bad.txt", LIST)]).unwrap();
        let e = reputation(
            &l,
            &[
                "x@a.evil.example.com",
                "x@notevil.example",
                "x@evil.examples",
                "bad@evil.example.org",
                "evil.example",
                "",
                "@",
            ],
            Some("198.51.101.1"),
            &[
                "a.evil.example.com",
                "evilexample",
                "example",
                "spam.test.com",
                "2001:db8:bad1::1",
            ],
        );
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn origin_ip_and_url_hosts() {
        let l = lists(&[("bad.txt", LIST)]).unwrap();
        let e = reputation(
            &l,
            &[],
            Some("198.51.100.77"),
            &["WWW.evil.example", "[2001:db8:bad::1]", "198.51.100.1"],
        );
        assert_eq!(
            rules(&e),
            [
                "rep.origin_ip",
                "rep.url_host",
                "rep.url_host",
                "rep.url_host"
            ]
        );
        assert_eq!(
            e[0].detail,
            "origin IP 198.51.100.77 listed as 198.51.100.0/24 in bad.txt:5"
        );
        assert_eq!(
            e[1].detail,
            r#"URL host "WWW.evil.example" listed as evil.example in bad.txt:3 ("phishing kit")"#
        );
        assert_eq!(
            e[2].detail,
            r#"URL host "[2001:db8:bad::1]" listed as 2001:db8:bad::/48 in bad.txt:6"#
        );
        let e = reputation(&l, &["x@[198.51.100.9]"], Some("::ffff:198.51.100.9"), &[]);
        assert_eq!(rules(&e), ["rep.sender_domain", "rep.origin_ip"]);
    }

    #[test]
    fn file_kinds_and_summary() {
        let many: String = (0..1234)
            .map(|i| format!("10.{}.{}.0/24\n", i / 256, i % 256))
            .collect();
        let l = lists(&[
            ("a.txt", LIST),
            ("b.list", &many),
            ("drop_v4.json", "{\"cidr\":\"203.0.113.0/24\",\"sblid\":\"SBL1\",\"rir\":\"arin\"}\n{\"type\":\"metadata\",\"records\":1}\n"),
            ("c.hdb", "900150983cd24fb0d6963f7d28e17f72:3:Test.Abc\n"),
            ("main.cvd", "ClamAV-VDB: binary"),
            ("README", "about these lists"),
            (".hidden.txt", "not read"),
        ])
        .unwrap();
        assert_eq!(
            l.summary(),
            "4 files: 1 addresses, 2 domains, 1,237 networks, 1 hashes (skipped: .hidden.txt, README, main.cvd)"
        );
        let e = reputation(&l, &[], Some("203.0.113.5"), &[]);
        assert_eq!(
            e[0].detail,
            "origin IP 203.0.113.5 listed as 203.0.113.0/24 in drop_v4.json:1 (\"SBL1\")"
        );
        assert_eq!(
            Lists::empty().summary(),
            "0 files: 0 addresses, 0 domains, 0 networks, 0 hashes"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn load_errors_name_file_and_line() {
        let err = |files: &[(&str, &str)]| lists(files).unwrap_err().to_string();
        let e = err(&[
            ("ok.txt", "evil.example\n"),
            ("z.txt", "a.example\n\nnot an entry at all\n"),
        ]);
        assert!(e.ends_with("z.txt:3: one entry per line (then optionally a `;` or `#` comment), found \"not an entry at all\""), "{e}");
        let e = err(&[(
            "x.hdb",
            "# md5\n900150983cd24fb0d6963f7d28e17f72:abc:Test\n",
        )]);
        assert!(
            e.ends_with("x.hdb:2: size is neither a number nor `*`: \"abc\""),
            "{e}"
        );
        let e = err(&[("d.json", "{\"cidr\":\"1.2.3.0/33\"}\n")]);
        assert!(
            e.ends_with("d.json:1: not a CIDR block: \"1.2.3.0/33\""),
            "{e}"
        );
        let e = lists_of_bytes(&[("u.txt", b"a.example\n\xff\n")])
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("u.txt:2: not UTF-8"), "{e}");
        let missing = Lists::load(Path::new("/nonexistent/lists")).unwrap_err();
        assert!(matches!(missing, ListsError::Dir { .. }), "{missing}");
    }

    #[test]
    fn viruses_need_contents_and_name_the_file() {
        let l = lists(&[("c.hdb", "900150983cd24fb0d6963f7d28e17f72:3:Test.Abc\n")]).unwrap();
        let file = |path: &str, name: Option<&str>, data: Option<&[u8]>| File {
            path: path.into(),
            name: name.map(Into::into),
            data: data.map(<[u8]>::to_vec),
            problem: None,
        };
        let mut eicar = clamav::EICAR.to_vec();
        eicar.extend_from_slice(b"\r\n");
        let files = [
            file("2", Some("abc.bin"), Some(b"abc")),
            file(
                "3/inner.zip/eicar.com",
                Some("inner.zip/eicar.com"),
                Some(&eicar),
            ),
            file("4/secret.zip/abc", Some("secret.zip/abc"), None),
            file("5", None, Some(b"abcd")),
        ];
        let mut out = Vec::new();
        l.viruses(&files, &mut out);
        assert_eq!(rules(&out), ["virus.clamav_md5", "virus.eicar"]);
        assert_eq!(
            out[0].detail,
            r#""abc.bin" (part 2) matches ClamAV signature "Test.Abc" in c.hdb:1"#
        );
        assert_eq!(
            out[1].detail,
            r#""inner.zip/eicar.com" (part 3/inner.zip/eicar.com) is the EICAR test file"#
        );
        assert!(out.iter().all(|e| e.category == Some(Category::Virus)));
        let mut out = Vec::new();
        Lists::empty().viruses(&files[..1], &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn phishing_url_lists() {
        let l = lists(&[(
            "openphish.urls",
            "# feed\nHTTPS://Evil.Example:443/a/../login\n\nhttp://kit.example/pp/*\n",
        )])
        .unwrap();
        assert_eq!(
            l.summary(),
            "1 file: 0 addresses, 0 domains, 0 networks, 0 hashes, 2 phishing URLs"
        );
        assert_eq!(
            l.phishing_url("https://evil.example/login").as_deref(),
            Some("listed in openphish.urls:2")
        );
        assert_eq!(
            l.phishing_url("http://kit.example/pp/x.php?id=1")
                .as_deref(),
            Some("listed in openphish.urls:4")
        );
        // Wrapped in a Safe Link, still found.
        assert!(l
            .phishing_url("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2Flogin&data=x")
            .is_some());
        for miss in [
            "https://evil.example/login2",
            "http://kit.example/p",
            "not a url",
        ] {
            assert_eq!(l.phishing_url(miss), None, "{miss}");
        }
        assert_eq!(
            Lists::empty().phishing_url("https://evil.example/login"),
            None
        );
        let e = lists(&[("bad.urls", "https://ok.example/\nmailto:x@y.example\n")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.urls:2: "), "{e}");
    }

    #[test]
    fn lists_are_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Lists>();
    }
}
