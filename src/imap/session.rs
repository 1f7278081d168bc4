//! A logged-in IMAP session and the commands `apply` uses, each returning what it found
//! or the server's refusal: CAPABILITY, LOGIN, LIST, CREATE, SELECT/EXAMINE, UID SEARCH,
//! UID FETCH, UID MOVE, UID COPY, UID STORE, UID EXPUNGE.
//!
//! Mailbox names are given as the manifest writes folders (`INBOX`, `A/B`): `/` becomes
//! the server's hierarchy delimiter (from `LIST "" ""`) and the name is sent in modified
//! UTF-7. The selected mailbox is remembered, so rows of one folder select it once.

use super::conn::{Arg, Conn, Response, Status};
use super::error::ImapError;
use super::parse::{self, Fetched};
use super::target::ImapTarget;
use super::utf7;

/// A server's NO or BAD to one command: that row fails, the session goes on.
#[derive(Debug)]
pub struct Refused(pub String);

pub struct Session {
    conn: Conn,
    caps: Vec<String>,
    delimiter: Option<u8>,
    /// The wire name of the selected mailbox, whether read-only, and its UIDVALIDITY.
    selected: Option<(String, bool, u32)>,
}

impl Session {
    /// Connects (TLS or STARTTLS), logs in, and reads capabilities and the delimiter.
    pub fn connect(target: &ImapTarget) -> Result<Session, ImapError> {
        let tls = target.tls_config()?;
        let (mut conn, _greeting) =
            Conn::connect(&target.host, target.port, tls.clone(), target.implicit_tls)?;
        if !target.implicit_tls {
            let caps = parse::capabilities(&conn.command(&[Arg::Atom("CAPABILITY")])?.untagged);
            if !caps.iter().any(|c| c == "STARTTLS") {
                return Err(ImapError::NoStartTls);
            }
            conn.starttls(&target.host, tls)?;
        }
        let login = conn.command(&[
            Arg::Atom("LOGIN"),
            Arg::Str(target.user.as_bytes()),
            Arg::Str(target.password().expose().as_bytes()),
        ])?;
        if login.status != Status::Ok {
            return Err(ImapError::Login(login.text));
        }
        // Capabilities change at login (RFC 3501 7.2.1): ask again now.
        let caps = parse::capabilities(&conn.command(&[Arg::Atom("CAPABILITY")])?.untagged);
        let root = conn.command(&[Arg::Atom("LIST"), Arg::Str(b""), Arg::Str(b"")])?;
        let delimiter = parse::list(&root.untagged)
            .map_err(ImapError::Protocol)?
            .first()
            .and_then(|e| e.delimiter);
        Ok(Session {
            conn,
            caps,
            delimiter,
            selected: None,
        })
    }

    pub fn has(&self, capability: &str) -> bool {
        self.caps.iter().any(|c| c == capability)
    }

    pub fn logout(self) {
        self.conn.logout();
    }

    /// The wire name of a manifest folder.
    pub fn wire_name(&self, folder: &str) -> String {
        let name = match self.delimiter {
            Some(d) if d != b'/' => folder.replace('/', &char::from(d).to_string()),
            _ => folder.to_string(),
        };
        utf7::encode(&name)
    }

    fn run(&mut self, args: &[Arg]) -> Result<Result<Response, Refused>, ImapError> {
        let response = self.conn.command(args)?;
        Ok(match response.status {
            Status::Ok => Ok(response),
            Status::No | Status::Bad => Err(Refused(response.text)),
        })
    }

    /// SELECT (or EXAMINE when `read_only`) unless it is selected so already; returns
    /// its UIDVALIDITY.
    pub fn select(
        &mut self,
        wire: &str,
        read_only: bool,
    ) -> Result<Result<u32, Refused>, ImapError> {
        if let Some((name, ro, validity)) = &self.selected {
            if name == wire && *ro == read_only {
                return Ok(Ok(*validity));
            }
        }
        self.selected = None;
        let verb = if read_only { "EXAMINE" } else { "SELECT" };
        let response = match self.run(&[Arg::Atom(verb), Arg::Str(wire.as_bytes())])? {
            Ok(r) => r,
            Err(refused) => return Ok(Err(refused)),
        };
        let validity = parse::uidvalidity(&response.untagged)
            .ok_or_else(|| ImapError::Protocol(format!("{verb} {wire} gave no UIDVALIDITY")))?;
        self.selected = Some((wire.to_string(), read_only, validity));
        Ok(Ok(validity))
    }

    /// Whether the mailbox exists (`LIST "" name`).
    pub fn exists(&mut self, wire: &str) -> Result<bool, ImapError> {
        let response =
            self.conn
                .command(&[Arg::Atom("LIST"), Arg::Str(b""), Arg::Str(wire.as_bytes())])?;
        let entries = parse::list(&response.untagged).map_err(ImapError::Protocol)?;
        Ok(entries.iter().any(|e| e.name == wire.as_bytes()))
    }

    pub fn create(&mut self, wire: &str) -> Result<Result<(), Refused>, ImapError> {
        Ok(self
            .run(&[Arg::Atom("CREATE"), Arg::Str(wire.as_bytes())])?
            .map(|_| ()))
    }

    /// `UID SEARCH HEADER Message-ID "<id>"` in the selected mailbox. The search is a
    /// substring match (RFC 3501), so callers confirm each UID by its bytes.
    pub fn search_message_id(
        &mut self,
        message_id: &str,
    ) -> Result<Result<Vec<u32>, Refused>, ImapError> {
        let response = match self.run(&[
            Arg::Atom("UID SEARCH HEADER Message-ID"),
            Arg::Str(message_id.as_bytes()),
        ])? {
            Ok(r) => r,
            Err(refused) => return Ok(Err(refused)),
        };
        Ok(Ok(
            parse::search(&response.untagged).map_err(ImapError::Protocol)?
        ))
    }

    /// `UID FETCH uids (UID RFC822.SIZE BODY.PEEK[])`: PEEK leaves `\Seen` alone.
    pub fn fetch(&mut self, uids: &[u32]) -> Result<Result<Vec<Fetched>, Refused>, ImapError> {
        let set = uid_set(uids);
        let response = match self.run(&[
            Arg::Atom("UID FETCH"),
            Arg::Atom(&set),
            Arg::Atom("(UID RFC822.SIZE BODY.PEEK[])"),
        ])? {
            Ok(r) => r,
            Err(refused) => return Ok(Err(refused)),
        };
        let fetched = parse::fetches(&response.untagged).map_err(ImapError::Protocol)?;
        Ok(Ok(fetched
            .into_iter()
            .filter(|f| f.body.is_some() && f.uid.is_some_and(|u| uids.contains(&u)))
            .collect()))
    }

    /// `UID MOVE uid dest` (RFC 6851); the new UID from COPYUID when the server says it.
    pub fn uid_move(
        &mut self,
        uid: u32,
        dest: &str,
    ) -> Result<Result<Option<u32>, Refused>, ImapError> {
        let uid = uid.to_string();
        Ok(self
            .run(&[
                Arg::Atom("UID MOVE"),
                Arg::Atom(&uid),
                Arg::Str(dest.as_bytes()),
            ])?
            .map(|r| {
                r.untagged
                    .iter()
                    .find_map(|l| parse::copyuid(&l.text()))
                    .or_else(|| parse::copyuid(&r.text))
            }))
    }

    pub fn uid_copy(
        &mut self,
        uid: u32,
        dest: &str,
    ) -> Result<Result<Option<u32>, Refused>, ImapError> {
        let uid = uid.to_string();
        Ok(self
            .run(&[
                Arg::Atom("UID COPY"),
                Arg::Atom(&uid),
                Arg::Str(dest.as_bytes()),
            ])?
            .map(|r| parse::copyuid(&r.text)))
    }

    /// `UID STORE uid +FLAGS.SILENT (\Deleted)` then `UID EXPUNGE uid` (RFC 4315): only
    /// this UID goes, whatever else is flagged `\Deleted`. The caller has checked UIDPLUS.
    pub fn delete_uid(&mut self, uid: u32) -> Result<Result<(), Refused>, ImapError> {
        let uid = uid.to_string();
        if let Err(refused) = self.run(&[
            Arg::Atom("UID STORE"),
            Arg::Atom(&uid),
            Arg::Atom("+FLAGS.SILENT (\\Deleted)"),
        ])? {
            return Ok(Err(refused));
        }
        Ok(self
            .run(&[Arg::Atom("UID EXPUNGE"), Arg::Atom(&uid)])?
            .map(|_| ()))
    }

    /// Whether the selected mailbox still holds this UID (`UID SEARCH UID n`).
    pub fn holds(&mut self, uid: u32) -> Result<Result<bool, Refused>, ImapError> {
        let set = uid.to_string();
        let response = match self.run(&[Arg::Atom("UID SEARCH UID"), Arg::Atom(&set)])? {
            Ok(r) => r,
            Err(refused) => return Ok(Err(refused)),
        };
        Ok(Ok(parse::search(&response.untagged)
            .map_err(ImapError::Protocol)?
            .contains(&uid)))
    }
}

fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
