//! Offline DKIM re-verification: every DKIM-Signature of a message checked with
//! mail-auth against the keys the responder gave (`--dkim-keys`), never against DNS, and
//! with `x=` judged at the message's date rather than today. Received verdicts
//! (Authentication-Results, in `auth`) say what a receiver saw then; DNS today may hold
//! rotated or revoked keys; this says what the given keys prove now. Its evidence sits
//! beside the as-received evidence under its own rule ids and never replaces it.
//!
//! Rules:
//! - `dkim.offline_pass` (insight): the signature verifies against the given key;
//! - `dkim.offline_fail` (Forged): body hash mismatch, signature mismatch, expired at the
//!   message date, revoked key, key type not the signature's, `i=` outside `d=`;
//! - `dkim.offline_no_key` (insight): the keys file has no record for `s._domainkey.d`;
//! - `dkim.offline_unverifiable` (insight): a DKIM-Signature mail-auth cannot use
//!   (malformed, unsupported, an `l=` body length), or signatures beyond the first
//!   [`MAX_SIGNATURES`].
//!
//! No network, by construction: mail-auth's resolver is consulted only when its TXT
//! cache has no answer, and the cache given here answers every name (the key, or "no such
//! record"); `x=`, `r=` and `atps=` are cleared before mail-auth sees a signature, so it
//! asks for nothing but `s._domainkey.d`. mail-auth insists on a resolver value: this one
//! has no name servers and no hosts file, and is never reached (were it reached, hickory
//! would find no Tokio runtime in the single poll here and panic; the test
//! `no_network_is_touched` points it at a watched socket and fails that way when the
//! cache's guarantee is removed).

mod keys;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use mail_auth::common::crypto::CryptoError;
use mail_auth::common::resolver::ToFqdn;
use mail_auth::common::verify::VerifySignature;
use mail_auth::dkim::{DkimError, Signature};
use mail_auth::hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use mail_auth::hickory_resolver::proto::op::ResponseCode;
use mail_auth::{
    AuthenticatedMessage, DkimOutput, DkimResult, DnsError, Error, MessageAuthenticator,
    Parameters, ResolverCache, Txt,
};

use super::{Category, Evidence};
pub use keys::DkimKeysError;

/// Signatures verified per message; more are reported, not checked (each costs a
/// header walk and a public-key operation, and a hostile message can carry thousands).
pub const MAX_SIGNATURES: usize = 16;

/// The keys a responder gave, ready to verify against (built once, shared by all
/// workers).
pub struct DkimKeys {
    records: KeyRecords,
    authenticator: MessageAuthenticator,
}

impl DkimKeys {
    /// A keys file: one record per line, `selector._domainkey.domain` then the TXT data,
    /// accepting zone-file forms: `name [TTL] [IN] TXT "part" "part"` (quoted parts
    /// concatenated, `( … )` over lines), a bare unquoted record, `;` and `#` comments,
    /// blank lines.
    pub fn load(path: &Path) -> Result<DkimKeys, DkimKeysError> {
        DkimKeys::from_records(keys::load_records(path)?, None)
    }

    /// Parses keys-file text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<DkimKeys, DkimKeysError> {
        DkimKeys::from_records(keys::parse_records(text, origin)?, None)
    }

    pub fn len(&self) -> usize {
        self.records.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.0.is_empty()
    }

    /// `name_server`: only for the test that proves no query is ever sent (it points
    /// the fallback resolver at a socket it watches); `None` everywhere else.
    fn from_records(
        records: keys::Records,
        name_server: Option<SocketAddr>,
    ) -> Result<DkimKeys, DkimKeysError> {
        Ok(DkimKeys {
            records: KeyRecords(records),
            authenticator: unreachable_resolver(name_server)?,
        })
    }

    fn has_key_for(&self, signature: &Signature) -> bool {
        self.records
            .0
            .contains_key(signature.domain_key().to_fqdn().as_ref())
    }
}

impl std::fmt::Debug for DkimKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimKeys")
            .field("keys", &self.len())
            .finish_non_exhaustive()
    }
}

/// mail-auth's TXT cache, answering every name: the given record, else NXDOMAIN. A
/// name it answers is never sent to the resolver.
struct KeyRecords(keys::Records);

impl ResolverCache<Box<str>, Txt> for KeyRecords {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        Some(self.0.get(name).cloned().unwrap_or_else(|| {
            Txt::Error(Error::Dns(DnsError::RecordNotFound(ResponseCode::NXDomain)))
        }))
    }

    fn remove<Q>(&self, _: &Q) -> Option<Txt>
    where
        Box<str>: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        None
    }

    /// The records are the responder's; nothing learned during a run replaces them.
    fn insert(&self, _: Box<str>, _: Txt, _: std::time::Instant) {}
}

/// The resolver mail-auth requires to exist: no name servers (or only the test's) and
/// no hosts file. Building it does no I/O.
fn unreachable_resolver(
    name_server: Option<SocketAddr>,
) -> Result<MessageAuthenticator, DkimKeysError> {
    let servers = name_server
        .map(|address| {
            let mut udp = ConnectionConfig::udp();
            udp.port = address.port();
            let mut server = NameServerConfig::udp(address.ip());
            server.connections = vec![udp];
            server
        })
        .into_iter()
        .collect();
    let mut options = ResolverOpts::default();
    options.use_hosts_file = ResolveHosts::Never;
    let config = ResolverConfig::from_parts(None, Vec::new(), servers);
    MessageAuthenticator::new(config, options)
        .map_err(|error| DkimKeysError::Verifier(error.to_string()))
}

/// Verifies every DKIM-Signature of `message` (the message bytes as delivered) against
/// the given keys only. `at`: the message's date (seconds since the epoch), at which
/// `x=` is judged; without it only `x=` after `t=` is checked.
pub fn verify(message: &[u8], keys: &DkimKeys, at: Option<i64>) -> Vec<Evidence> {
    let Some(mut parsed) = AuthenticatedMessage::parse(message) else {
        return Vec::new();
    };
    let mut evidence = unusable_signatures(&parsed);
    // Reported above; mail-auth would report them again, without their reason.
    parsed.errors.clear();
    if parsed.dkim_headers.len() > MAX_SIGNATURES {
        evidence.push(Evidence::insight(
            "dkim.offline_unverifiable",
            format!(
                "{} DKIM signatures beyond the first {MAX_SIGNATURES} not verified",
                parsed.dkim_headers.len() - MAX_SIGNATURES
            ),
        ));
        parsed.dkim_headers.truncate(MAX_SIGNATURES);
    }
    let mut checkable = Vec::with_capacity(parsed.dkim_headers.len());
    for mut header in std::mem::take(&mut parsed.dkim_headers) {
        let signature = &header.header;
        if !keys.has_key_for(signature) {
            evidence.push(no_key(signature, "no record for it in the keys file"));
        } else if let Some(reason) = expired(signature, at) {
            evidence.push(fail(signature, &reason));
        } else {
            judged_here(&mut header.header);
            checkable.push(header);
        }
    }
    parsed.dkim_headers = checkable;
    let outputs = poll_once(
        keys.authenticator
            .verify_dkim(Parameters::new(&parsed).with_txt_cache(&keys.records)),
    );
    match outputs {
        Some(outputs) => evidence.extend(outputs.iter().filter_map(judge)),
        // Only a lookup outside the cache could wait, and the cache answers every name:
        // should mail-auth ever ask anyway, no key was given as far as we know.
        None => evidence.extend(
            parsed
                .dkim_headers
                .iter()
                .map(|header| no_key(&header.header, "the verifier wanted DNS")),
        ),
    }
    evidence
}

/// DKIM-Signature headers mail-auth could not parse, each with its reason.
fn unusable_signatures(parsed: &AuthenticatedMessage<'_>) -> Vec<Evidence> {
    parsed
        .errors
        .iter()
        .filter(|header| header.name.eq_ignore_ascii_case(b"DKIM-Signature"))
        .map(|header| {
            let reason = match &header.header {
                Error::Dkim(DkimError::SignatureLength) => {
                    "it signs only part of the body (l=), so content can be appended".to_owned()
                }
                Error::MissingParameters => {
                    "required tags (bh=, b=, d=, s=, h=) missing".to_owned()
                }
                other => other.to_string(),
            };
            Evidence::insight(
                "dkim.offline_unverifiable",
                format!("DKIM-Signature not verifiable: {reason}"),
            )
        })
        .collect()
}

/// Why the signature had expired at the message's date, if it had. mail-auth judges
/// `x=` against today, so it is judged here and cleared before mail-auth sees it.
fn expired(signature: &Signature, at: Option<i64>) -> Option<String> {
    let x = signature.x;
    if x == 0 {
        return None;
    }
    if x <= signature.t {
        return Some(format!("x={x} is not after its t={}", signature.t));
    }
    let (x, at) = (i64::try_from(x).ok()?, at?);
    (x <= at).then(|| {
        format!(
            "expired at the message date: x={x} ({}) is not after {at} ({})",
            utc_date(x),
            utc_date(at)
        )
    })
}

/// Clears what must not reach mail-auth: `x=` (judged at the message date instead of
/// today), `r=` (asks for a reporting address) and `atps=` (a third-party record we were
/// not given). The signed header bytes are untouched, so the cryptography is unchanged.
fn judged_here(signature: &mut Signature) {
    signature.x = 0;
    signature.r = false;
    signature.atps = None;
}

/// One signature's verdict as evidence.
fn judge(output: &DkimOutput<'_>) -> Option<Evidence> {
    let signature = output.signature()?;
    match output.result() {
        DkimResult::Pass => Some(Evidence::insight(
            "dkim.offline_pass",
            format!(
                "DKIM d={:?} s={:?} verifies against the given key",
                signature.d, signature.s
            ),
        )),
        DkimResult::Neutral(error)
        | DkimResult::Fail(error)
        | DkimResult::PermError(error)
        | DkimResult::TempError(error) => match error {
            Error::Dns(_) => Some(no_key(signature, "the verifier wanted DNS")),
            error => Some(fail(signature, &failure_reason(error))),
        },
        DkimResult::None => None,
    }
}

fn failure_reason(error: &Error) -> String {
    match error {
        Error::Dkim(DkimError::FailedBodyHashMatch) => {
            "body hash mismatch: the body changed after signing".to_owned()
        }
        Error::Crypto(CryptoError::FailedVerification) => {
            "signature mismatch: signed headers changed, or not this key".to_owned()
        }
        Error::Crypto(CryptoError::IncompatibleAlgorithms) => {
            "the given key is not of the signature's algorithm".to_owned()
        }
        Error::Dkim(DkimError::RevokedPublicKey) => {
            "the key was revoked (empty p= in the keys file)".to_owned()
        }
        Error::Dkim(DkimError::FailedAuidMatch) => {
            "i= is outside d= (or a subdomain under the key's t=s)".to_owned()
        }
        other => other.to_string(),
    }
}

fn fail(signature: &Signature, reason: &str) -> Evidence {
    Evidence::raise(
        Category::Forged,
        "dkim.offline_fail",
        format!(
            "DKIM d={:?} s={:?} fails offline: {reason}",
            signature.d, signature.s
        ),
    )
}

fn no_key(signature: &Signature, why: &str) -> Evidence {
    Evidence::insight(
        "dkim.offline_no_key",
        format!(
            "DKIM d={:?} s={:?} not verified: no key given ({why})",
            signature.d, signature.s
        ),
    )
}

/// Polls a future once, without a runtime: mail-auth's verification completes at once
/// when every lookup is answered from the cache; anything else would need I/O.
fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// `YYYY-MM-DD` (UTC) of a time in seconds since the epoch, for people reading `x=`.
fn utc_date(seconds: i64) -> String {
    // Howard Hinnant's days-to-civil, valid over the whole i64 day range used here.
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests;
