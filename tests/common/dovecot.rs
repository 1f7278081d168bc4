//! A throwaway Dovecot IMAP server for tests, on 127.0.0.1, with its own config, CA and
//! Maildir in a tempdir. Included with `#[path = "common/dovecot.rs"] mod dovecot;`.
//!
//! ```ignore
//! let Some(mut server) = Dovecot::install_or_skip() else { return };  // skipped loudly
//! server.seed("INBOX", "m1", message_bytes, "S");                    // a Maildir file
//! let server = server.start(Caps::Default);                           // dovecot -F
//! let target = server.target();                                       // imaps://ir@127.0.0.1:port
//! server.files(".Archive")                                            // what is on disk now
//! ```
//!
//! - Dovecot comes from Debian's `dovecot-imapd`; when `dovecot` is missing and we are
//!   root, it is installed with apt-get. If that is impossible the tests say so loudly and
//!   return, except under CI (`CI` set), where they fail: CI must never pass by skipping.
//! - TLS: a throwaway CA and a server certificate for `localhost` and `127.0.0.1`, made
//!   with the openssl CLI; the client trusts only that CA (`ImapTarget`'s CA file).
//! - `ssl = required`, passwd-file with one user `ir`, password in a file; a STARTTLS
//!   listener (imap://) beside the imaps:// one.
//! - Mail runs as the current user, or as `nobody` when that is root (Dovecot refuses
//!   mail processes with UID 0), so the tempdir is opened to it and the Maildir chowned.
//! - `Caps::NoMove` / `Caps::NoMoveNoUidplus` override the advertised capabilities
//!   (`imap_capability`) to drive the COPY fallback and the UIDPLUS refusal.
//! - Stopped with SIGTERM when dropped (the master takes its children with it).
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mailsweep::imap::{ImapTarget, PasswordSource};

pub const USER: &str = "ir";
/// A space, a quote and a non-ASCII letter: LOGIN must send it as a literal.
pub const PASSWORD: &str = "s3cret \"pw\" ä";

const CAPS_BASE: &str = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY LITERAL+";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caps {
    Default,
    NoMove,
    NoMoveNoUidplus,
}

/// A configured server not yet started: seed its Maildir first.
pub struct Prepared {
    dir: tempfile::TempDir,
}

pub struct Dovecot {
    dir: tempfile::TempDir,
    child: Child,
    pub port: u16,
    pub starttls_port: u16,
}

fn dovecot_binary() -> Option<PathBuf> {
    ["/usr/sbin/dovecot", "/usr/bin/dovecot"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn is_root() -> bool {
    run_out("id", &["-u"]).trim() == "0"
}

fn run_out(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ensure_installed() -> Result<PathBuf, String> {
    if let Some(bin) = dovecot_binary() {
        return Ok(bin);
    }
    if !is_root() {
        return Err(
            "dovecot is not installed and we are not root (apt-get install dovecot-imapd)".into(),
        );
    }
    let status = Command::new("apt-get")
        .args(["install", "-y", "-qq", "dovecot-imapd"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("apt-get: {e}"))?;
    if !status.success() {
        // A machine whose package lists were never fetched.
        let _ = Command::new("apt-get").args(["update", "-qq"]).status();
        let _ = Command::new("apt-get")
            .args(["install", "-y", "-qq", "dovecot-imapd"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .status();
    }
    dovecot_binary()
        .ok_or_else(|| "apt-get install dovecot-imapd did not give a dovecot binary".into())
}

impl Dovecot {
    /// A prepared server, or None (after a loud message) when Dovecot cannot be had.
    pub fn install_or_skip() -> Option<Prepared> {
        // Once per test binary: the tests run in parallel and apt-get takes a lock.
        static INSTALLED: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
        match INSTALLED.get_or_init(ensure_installed).clone() {
            Ok(_) => Some(Prepared::new()),
            Err(why) if std::env::var_os("CI").is_some() => {
                panic!("Dovecot needed under CI: {why}")
            }
            Err(why) => {
                eprintln!("\n*** SKIPPED: the IMAP tests need Dovecot: {why} ***\n");
                None
            }
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The imaps:// target (or imap:// with STARTTLS), trusting only the test CA.
    pub fn target(&self, starttls: bool) -> ImapTarget {
        let url = if starttls {
            format!("imap://{USER}@127.0.0.1:{}", self.starttls_port)
        } else {
            format!("imaps://{USER}@127.0.0.1:{}", self.port)
        };
        ImapTarget::parse(
            &url,
            &PasswordSource::File(self.dir().join("password")),
            Some(&self.dir().join("ca.pem")),
        )
        .expect("test target")
    }

    /// The Maildir folder's message files: (file name, bytes), sorted by bytes.
    /// `maildir` is `""` for INBOX or `.Archive` etc.
    pub fn files(&self, maildir: &str) -> Vec<(String, Vec<u8>)> {
        maildir_files(&self.dir().join("mail").join(USER).join(maildir))
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir().join("dovecot.log")).unwrap_or_default()
    }
}

pub fn maildir_files(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["cur", "new"] {
        let Ok(entries) = std::fs::read_dir(folder.join(sub)) else {
            continue;
        };
        for entry in entries {
            let entry = entry.unwrap();
            out.push((
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            ));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

impl Prepared {
    fn new() -> Prepared {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        // The CA, and a server certificate it signs (webpki refuses a CA certificate used
        // as the server's own, so a single self-signed one would not do).
        let p = |name: &str| d.join(name).to_string_lossy().into_owned();
        run_out(
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &p("ca.key"),
                "-out",
                &p("ca.pem"),
                "-days",
                "2",
                "-subj",
                "/CN=mailsweep test CA",
            ],
        );
        run_out(
            "openssl",
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &p("key.pem"),
                "-out",
                &p("server.csr"),
                "-subj",
                "/CN=localhost",
            ],
        );
        std::fs::write(
            d.join("ext.cnf"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        run_out(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &p("server.csr"),
                "-CA",
                &p("ca.pem"),
                "-CAkey",
                &p("ca.key"),
                "-CAcreateserial",
                "-out",
                &p("cert.pem"),
                "-days",
                "2",
                "-extfile",
                &p("ext.cnf"),
            ],
        );
        std::fs::write(d.join("password"), format!("{PASSWORD}\n")).unwrap();
        std::fs::write(d.join("users"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        std::fs::create_dir_all(d.join("mail").join(USER)).unwrap();
        Prepared { dir }
    }

    /// Writes a message file into a Maildir folder (`""` = INBOX, `.Archive`) with the
    /// Maildir flags given (`S` seen, `T` = \Deleted).
    pub fn seed(&mut self, maildir: &str, name: &str, bytes: &[u8], flags: &str) {
        let folder = self.dir.path().join("mail").join(USER).join(maildir);
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(folder.join(sub)).unwrap();
        }
        std::fs::write(folder.join("cur").join(format!("{name}:2,{flags}")), bytes).unwrap();
    }

    pub fn start(self, caps: Caps) -> Dovecot {
        let d = self.dir.path();
        let mut privileges = String::new();
        let (uid, gid) = if is_root() {
            // Dovecot runs mail as `nobody`: let it through the tempdir and own the mail.
            run_out("chmod", &["755", &d.to_string_lossy()]);
            run_out(
                "chown",
                &["-R", "nobody:", &d.join("mail").to_string_lossy()],
            );
            (
                "nobody".to_string(),
                run_out("id", &["-gn", "nobody"]).trim().to_string(),
            )
        } else {
            // Not root: Dovecot cannot switch users, so all its processes run as us.
            let me = run_out("id", &["-un"]).trim().to_string();
            privileges = format!("default_login_user = {me}\ndefault_internal_user = {me}\n");
            (
                run_out("id", &["-u"]).trim().to_string(),
                run_out("id", &["-g"]).trim().to_string(),
            )
        };
        let port = free_port();
        let starttls_port = free_port();
        let capability = match caps {
            Caps::Default => String::new(),
            Caps::NoMove => format!("imap_capability = {CAPS_BASE} UIDPLUS\n"),
            Caps::NoMoveNoUidplus => format!("imap_capability = {CAPS_BASE}\n"),
        };
        let dp = d.display();
        let config = format!(
            "base_dir = {dp}/run
state_dir = {dp}/state
log_path = {dp}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{dp}/cert.pem
ssl_key = <{dp}/key.pem
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dp}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dp}/home/%u
}}
mail_location = maildir:{dp}/mail/%u
first_valid_uid = 1
{privileges}{capability}service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {starttls_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
  }}
}}
"
        );
        std::fs::write(d.join("dovecot.conf"), config).unwrap();
        let child = Command::new(dovecot_binary().expect("dovecot installed"))
            .arg("-F")
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting dovecot");
        let server = Dovecot {
            dir: self.dir,
            child,
            port,
            starttls_port,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "dovecot did not listen; log:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
