//! The IMAP wire: one TCP connection (TLS from the first byte for imaps://, after
//! STARTTLS for imap://), tagged commands out, responses in with their `{n}` literals.
//!
//! A response line is kept as [`Part`]s: text, and the bytes of each literal the line
//! announced (`{n}` at the end of a text part), so a message body is never searched for
//! line breaks or mistaken for protocol. Sizes are bounded ([`MAX_TEXT`], [`MAX_LITERAL`])
//! so a hostile server cannot make us allocate without limit, and every read and write
//! has [`TIMEOUT`], so a silent server fails the session instead of hanging it.
//!
//! Arguments go out as atoms (the command's own words, UID sets) or as strings
//! ([`Arg::Str`]): quoted when they are printable ASCII, otherwise a synchronising literal
//! (we wait for the server's `+` before sending its bytes: LITERAL+ is not assumed).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use super::error::ImapError;

/// Every read and write on the socket (a fetch of a large message included: the timeout
/// is per read call, not per message).
pub const TIMEOUT: Duration = Duration::from_secs(120);
/// Longest text part of a response line (without its literals).
const MAX_TEXT: usize = 1 << 20;
/// Largest literal accepted: a message body, far above any real mail size limit.
const MAX_LITERAL: usize = 1 << 30;

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
    /// Only for the moment STARTTLS swaps the plain stream for the TLS one.
    Swapping,
}

fn swapping() -> std::io::Error {
    std::io::Error::other("the connection is being switched to TLS")
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Swapping => Err(swapping()),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
            Stream::Swapping => Err(swapping()),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
            Stream::Swapping => Err(swapping()),
        }
    }
}

/// One piece of a response line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(Vec<u8>),
    Literal(Vec<u8>),
}

/// A response line: `* ...` (untagged), `+ ...` (continuation) or `TAG ...` (tagged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub parts: Vec<Part>,
}

impl Line {
    /// The line's text with each literal shown as `{n}` (for logs and simple matching).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(&String::from_utf8_lossy(t)),
                Part::Literal(l) => out.push_str(&format!("{{{}}}", l.len())),
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
}

/// The answer to one command: the untagged lines that came before the tagged one, and
/// the tagged status with its text (`[CODE ...] human text`).
#[derive(Debug)]
pub struct Response {
    pub untagged: Vec<Line>,
    pub status: Status,
    pub text: String,
}

/// A command argument.
pub enum Arg<'a> {
    /// Sent as is: command words, UID sets, flag lists. Never user data.
    Atom(&'a str),
    /// A string (mailbox name, search string, user name, password): quoted or literal.
    Str(&'a [u8]),
}

pub struct Conn {
    reader: BufReader<Stream>,
    next_tag: u32,
}

impl Conn {
    /// Connects, reads the greeting, and for `implicit_tls` runs TLS from the start.
    /// Returns the connection and the greeting line.
    pub fn connect(
        host: &str,
        port: u16,
        tls: Arc<ClientConfig>,
        implicit_tls: bool,
    ) -> Result<(Conn, Line), ImapError> {
        let addr = format!("{host}:{port}");
        let tcp = connect_tcp(host, port).map_err(|source| ImapError::Connect {
            addr: addr.clone(),
            source,
        })?;
        let stream = if implicit_tls {
            Stream::Tls(Box::new(wrap_tls(tcp, host, tls)?))
        } else {
            Stream::Plain(tcp)
        };
        let mut conn = Conn {
            reader: BufReader::new(stream),
            next_tag: 1,
        };
        let greeting = conn.read_line()?;
        let text = greeting.text();
        if text.starts_with("* BYE") {
            return Err(ImapError::Bye(text));
        }
        if !(text.starts_with("* OK") || text.starts_with("* PREAUTH")) {
            return Err(ImapError::Protocol(format!("unexpected greeting: {text}")));
        }
        Ok((conn, greeting))
    }

    /// STARTTLS on a plain connection: anything the server sent after its OK and before
    /// the handshake would be plain-text injection, so it is refused.
    pub fn starttls(&mut self, host: &str, tls: Arc<ClientConfig>) -> Result<(), ImapError> {
        let response = self.command(&[Arg::Atom("STARTTLS")])?;
        if response.status != Status::Ok {
            return Err(ImapError::NoStartTls);
        }
        if !self.reader.buffer().is_empty() {
            return Err(ImapError::Protocol(
                "data after the STARTTLS answer, before the TLS handshake".into(),
            ));
        }
        let old = std::mem::replace(&mut self.reader, BufReader::new(Stream::Swapping));
        let Stream::Plain(tcp) = old.into_inner() else {
            return Err(ImapError::Protocol("STARTTLS inside TLS".into()));
        };
        self.reader = BufReader::new(Stream::Tls(Box::new(wrap_tls(tcp, host, tls)?)));
        Ok(())
    }

    /// Sends one command and reads up to its tagged answer. A `* BYE` ends the session
    /// with an error; BAD and NO are returned for the caller to judge.
    pub fn command(&mut self, args: &[Arg]) -> Result<Response, ImapError> {
        let tag = format!("m{}", self.next_tag);
        self.next_tag += 1;
        let mut pending = tag.clone().into_bytes();
        for arg in args {
            pending.push(b' ');
            match arg {
                Arg::Atom(a) => pending.extend_from_slice(a.as_bytes()),
                Arg::Str(s) if is_quotable(s) => {
                    pending.push(b'"');
                    for &b in *s {
                        if b == b'"' || b == b'\\' {
                            pending.push(b'\\');
                        }
                        pending.push(b);
                    }
                    pending.push(b'"');
                }
                Arg::Str(s) => {
                    pending.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
                    self.send(&pending)?;
                    pending.clear();
                    self.await_continuation(&tag)?;
                    pending.extend_from_slice(s);
                }
            }
        }
        pending.extend_from_slice(b"\r\n");
        self.send(&pending)?;
        self.read_response(&tag)
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), ImapError> {
        let stream = self.reader.get_mut();
        stream.write_all(bytes)?;
        stream.flush()?;
        Ok(())
    }

    fn await_continuation(&mut self, tag: &str) -> Result<(), ImapError> {
        loop {
            let line = self.read_line()?;
            let text = line.text();
            if text.starts_with('+') {
                return Ok(());
            }
            if text.starts_with("* BYE") {
                return Err(ImapError::Bye(text));
            }
            if text.starts_with(tag) {
                return Err(ImapError::Protocol(format!(
                    "literal refused by the server: {text}"
                )));
            }
        }
    }

    fn read_response(&mut self, tag: &str) -> Result<Response, ImapError> {
        let mut untagged = Vec::new();
        loop {
            let line = self.read_line()?;
            let text = line.text();
            if let Some(rest) = text.strip_prefix(tag).and_then(|r| r.strip_prefix(' ')) {
                let (word, more) = rest.split_once(' ').unwrap_or((rest, ""));
                let status = match word.to_ascii_uppercase().as_str() {
                    "OK" => Status::Ok,
                    "NO" => Status::No,
                    "BAD" => Status::Bad,
                    _ => return Err(ImapError::Protocol(format!("bad tagged line: {text}"))),
                };
                return Ok(Response {
                    untagged,
                    status,
                    text: more.to_string(),
                });
            }
            if text.starts_with("* BYE") {
                return Err(ImapError::Bye(text));
            }
            if !text.starts_with('*') {
                return Err(ImapError::Protocol(format!("unexpected line: {text}")));
            }
            untagged.push(line);
        }
    }

    /// Reads one response line with its literals.
    pub fn read_line(&mut self) -> Result<Line, ImapError> {
        let mut parts = Vec::new();
        loop {
            let mut text = Vec::new();
            let n = (&mut self.reader)
                .take(MAX_TEXT as u64 + 1)
                .read_until(b'\n', &mut text)?;
            if n == 0 {
                return Err(ImapError::Protocol(
                    "connection closed by the server".into(),
                ));
            }
            if !text.ends_with(b"\r\n") {
                return Err(ImapError::Protocol(if text.len() > MAX_TEXT {
                    "response line too long".into()
                } else {
                    "response line not ended by CRLF".into()
                }));
            }
            text.truncate(text.len() - 2);
            let literal = literal_len(&text)?;
            parts.push(Part::Text(text));
            let Some(len) = literal else {
                return Ok(Line { parts });
            };
            let mut bytes = vec![0; len];
            self.reader.read_exact(&mut bytes)?;
            parts.push(Part::Literal(bytes));
        }
    }

    /// LOGOUT, best effort: the work is done whatever the server answers.
    pub fn logout(mut self) {
        let _ = self.command(&[Arg::Atom("LOGOUT")]);
    }
}

/// `{n}` (or `{n+}`) at the end of a text part: a literal of n bytes follows.
fn literal_len(text: &[u8]) -> Result<Option<usize>, ImapError> {
    let Some(body) = text.strip_suffix(b"}") else {
        return Ok(None);
    };
    let Some(open) = body.iter().rposition(|&b| b == b'{') else {
        return Ok(None);
    };
    let digits = body[open + 1..]
        .strip_suffix(b"+")
        .unwrap_or(&body[open + 1..]);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Ok(None);
    }
    let len: usize = std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse().ok())
        .filter(|&n| n <= MAX_LITERAL)
        .ok_or_else(|| ImapError::Protocol("literal too large".into()))?;
    Ok(Some(len))
}

/// Printable ASCII without CR/LF can go as a quoted string (RFC 3501 `quoted`).
fn is_quotable(s: &[u8]) -> bool {
    s.len() < 1024 && s.iter().all(|&b| (0x20..0x7f).contains(&b))
}

fn connect_tcp(host: &str, port: u16) -> std::io::Result<TcpStream> {
    use std::net::ToSocketAddrs;
    let mut last = None;
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, TIMEOUT) {
            Ok(tcp) => {
                tcp.set_read_timeout(Some(TIMEOUT))?;
                tcp.set_write_timeout(Some(TIMEOUT))?;
                return Ok(tcp);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("the host name resolved to no address")))
}

fn wrap_tls(
    tcp: TcpStream,
    host: &str,
    config: Arc<ClientConfig>,
) -> Result<StreamOwned<ClientConnection, TcpStream>, ImapError> {
    // An IP literal in brackets (`[::1]`) is verified against the certificate's IP SAN.
    let name = ServerName::try_from(host.trim_matches(['[', ']']).to_string())
        .map_err(|e| ImapError::Target(format!("host {host} as a TLS name: {e}")))?;
    let conn = ClientConnection::new(config, name)?;
    let mut stream = StreamOwned::new(conn, tcp);
    // Handshake now, so a certificate error is reported as such, not as a read error.
    while stream.conn.is_handshaking() {
        stream
            .conn
            .complete_io(&mut stream.sock)
            .map_err(|e| ImapError::Protocol(format!("TLS handshake: {e}")))?;
    }
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_lengths() {
        assert_eq!(literal_len(b"* 1 FETCH (BODY[] {12}").unwrap(), Some(12));
        assert_eq!(literal_len(b"* 1 FETCH (BODY[] {12+}").unwrap(), Some(12));
        assert_eq!(literal_len(b"* OK {x}").unwrap(), None);
        assert_eq!(literal_len(b"* OK done").unwrap(), None);
        assert!(literal_len(b"* {99999999999999}").is_err());
    }

    #[test]
    fn quoting() {
        assert!(is_quotable(b"<a\"b@x>"));
        assert!(!is_quotable(b"p\xc3\xa4ss"));
        assert!(!is_quotable(b"a\r\nb"));
    }
}
