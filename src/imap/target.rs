//! The server to apply to: `imaps://user@host[:port]` or `imap://user@host[:port]`, the
//! password's source, and whom to trust for TLS.
//!
//! - `imaps://` (port 993 by default): TLS from the first byte.
//! - `imap://` (port 143): STARTTLS, required. There is no plain-text mode: the LOGIN
//!   would carry the password in clear, so a server without STARTTLS is refused.
//! - The password never comes from the URL (a `user:pass@` URL is refused, since command
//!   lines end up in shell histories and process lists) but from an environment variable
//!   or a file ([`PasswordSource`]). It is held in a [`Secret`] whose `Debug` prints
//!   `***`, and no error or log line includes it.
//! - TLS trust: the system's store (`/etc/ssl/certs` on Debian), or instead only the
//!   certificates of a PEM CA file (`--imap-ca FILE`), for a company CA or a test
//!   server's throwaway CA. Verification is never switched off.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use super::error::ImapError;

/// Where the password is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// The named environment variable.
    Env(String),
    /// The first line of this file (a final `\n` or `\r\n` is not part of it).
    File(PathBuf),
}

/// A password: shown as `***` by `Debug`, never displayed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A validated IMAP target.
#[derive(Debug, Clone)]
pub struct ImapTarget {
    pub user: String,
    pub host: String,
    pub port: u16,
    /// `true` for imaps:// (TLS at once), `false` for imap:// (STARTTLS, required).
    pub implicit_tls: bool,
    password: Secret,
    /// A PEM file of the CA certificates to trust instead of the system's store.
    pub ca_file: Option<PathBuf>,
}

impl ImapTarget {
    /// Parses and checks the URL and reads the password now, so a bad target fails before
    /// anything is changed.
    pub fn parse(
        url: &str,
        password: &PasswordSource,
        ca_file: Option<&Path>,
    ) -> Result<Self, ImapError> {
        let bad =
            |why: &str| ImapError::Target(format!("{why} (expected imaps://user@host[:port])"));
        let parsed = url::Url::parse(url).map_err(|e| bad(&format!("{url}: {e}")))?;
        let implicit_tls = match parsed.scheme() {
            "imaps" => true,
            "imap" => false,
            other => return Err(bad(&format!("scheme {other}:"))),
        };
        if parsed.password().is_some() {
            return Err(bad(
                "a password in the URL is refused; give it by environment variable or file",
            ));
        }
        let user = url::form_urlencoded::parse(format!("u={}", parsed.username()).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if user.is_empty() {
            return Err(bad("no user name"));
        }
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host"))?
            .to_string();
        if !matches!(parsed.path(), "" | "/")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(bad("a path, query or fragment is not supported"));
        }
        let port = parsed
            .port()
            .unwrap_or(if implicit_tls { 993 } else { 143 });
        Ok(ImapTarget {
            user,
            host,
            port,
            implicit_tls,
            password: read_password(password)?,
            ca_file: ca_file.map(Path::to_path_buf),
        })
    }

    pub(super) fn password(&self) -> &Secret {
        &self.password
    }

    /// `imaps://user@host:port` for reports (never with the password).
    pub fn display(&self) -> String {
        let scheme = if self.implicit_tls { "imaps" } else { "imap" };
        format!("{scheme}://{}@{}:{}", self.user, self.host, self.port)
    }

    /// The rustls client configuration: ring's provider, safe protocol versions, and the
    /// CA file's certificates or the system's store.
    pub(super) fn tls_config(&self) -> Result<Arc<ClientConfig>, ImapError> {
        let mut roots = RootCertStore::empty();
        match &self.ca_file {
            Some(path) => {
                let io = |source| ImapError::CaFile {
                    path: path.clone(),
                    source,
                };
                let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                    .map_err(|e| io(std::io::Error::other(e.to_string())))?
                    .collect::<Result<_, _>>()
                    .map_err(|e| io(std::io::Error::other(e.to_string())))?;
                if certs.is_empty() {
                    return Err(ImapError::CaFileEmpty(path.clone()));
                }
                for cert in certs {
                    roots.add(cert)?;
                }
            }
            None => {
                // Unreadable entries in the system store are skipped, as every TLS client
                // does; an empty store makes every handshake fail, which says so.
                let native = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(native.certs);
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }
}

fn read_password(source: &PasswordSource) -> Result<Secret, ImapError> {
    let password = match source {
        PasswordSource::Env(name) => std::env::var(name).map_err(|_| {
            ImapError::Password(format!(
                "the environment variable {name} is not set (or not UTF-8)"
            ))
        })?,
        PasswordSource::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ImapError::Password(format!("reading {}: {e}", path.display())))?;
            let first = text.split('\n').next().unwrap_or("");
            first.strip_suffix('\r').unwrap_or(first).to_string()
        }
    };
    if password.is_empty() {
        return Err(ImapError::Password("empty password".into()));
    }
    if password.contains(['\r', '\n', '\0']) {
        return Err(ImapError::Password(
            "the password holds a line break or NUL".into(),
        ));
    }
    Ok(Secret(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> PasswordSource {
        PasswordSource::Env(name.into())
    }

    #[test]
    fn urls() {
        std::env::set_var("MAILSWEEP_TEST_IMAP_PW", "s3cret");
        let t = ImapTarget::parse(
            "imaps://ir%40corp@mail.example.org",
            &env("MAILSWEEP_TEST_IMAP_PW"),
            None,
        )
        .unwrap();
        assert_eq!(
            (t.user.as_str(), t.host.as_str(), t.port, t.implicit_tls),
            ("ir@corp", "mail.example.org", 993, true)
        );
        assert_eq!(format!("{t:?}").matches("s3cret").count(), 0);
        let t = ImapTarget::parse(
            "imap://u@127.0.0.1:1143/",
            &env("MAILSWEEP_TEST_IMAP_PW"),
            None,
        )
        .unwrap();
        assert_eq!((t.port, t.implicit_tls), (1143, false));
        for bad in [
            "imaps://u:pw@host",
            "imaps://host",
            "https://u@host",
            "imaps://u@host/INBOX",
            "u@host",
        ] {
            assert!(
                ImapTarget::parse(bad, &env("MAILSWEEP_TEST_IMAP_PW"), None).is_err(),
                "{bad}"
            );
        }
        assert!(
            ImapTarget::parse("imaps://u@h", &env("MAILSWEEP_TEST_IMAP_UNSET_VAR"), None).is_err()
        );
    }

    #[test]
    fn password_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "pa ss\"\r\nsecond line\n").unwrap();
        let t =
            ImapTarget::parse("imaps://u@h", &PasswordSource::File(path.clone()), None).unwrap();
        assert_eq!(t.password().expose(), "pa ss\"");
        std::fs::write(&path, "\n").unwrap();
        assert!(ImapTarget::parse("imaps://u@h", &PasswordSource::File(path), None).is_err());
    }
}
