//! Finding mailboxes in what a responder exported.
//!
//! A command-line path is a mailbox itself or a collection of mailboxes:
//! - a file is an mbox (by name: `*.mbox`, `*.mbx`, `mbox*`, `*.gz`; or by content: it
//!   starts with a `From ` separator and holds a second one) or a single message;
//! - a directory with `cur/` or `new/` is a Maildir (`.Sub.Folder/` children are folders);
//! - a directory named `*.mbox` holding an `mbox` file is an Apple Mail export bundle;
//! - a directory with `*.msf` files or `*.sbd/` directories is a Thunderbird store;
//! - a directory named `maildir` that is not a Maildir is the Enron layout: each child
//!   directory is a user's mailbox whose sub-directories are folders;
//! - a directory holding only message files (at any depth) is one mailbox whose
//!   sub-directories are folders;
//! - any other directory is a collection: each mailbox inside it is found as above, and
//!   message files lying directly in it form one mailbox named after the directory.

use std::fs;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use super::maildir::{self, ROOT_FOLDER};
use super::{infer_owner, mbox, CorpusError, Mailbox, MailboxFormat, OwnerMap, Source, SourceKind};

/// What the user asked for besides the paths.
#[derive(Debug, Default, Clone)]
pub struct DiscoverOptions {
    /// `--mailbox GLOB` patterns over mailbox ids; empty selects every mailbox.
    pub mailbox_globs: Vec<String>,
    /// `--mailboxes FILE.csv`.
    pub owners: OwnerMap,
}

/// Finds the mailboxes under `paths`, in argument order, each argument's sorted by id.
/// A path that does not exist is an error; problems below it are kept on the mailboxes.
pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> Result<Vec<Mailbox>, CorpusError> {
    let selector = build_selector(&options.mailbox_globs)?;
    let mut all = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| CorpusError::io(path, e))?;
        let name = display_name(path);
        let mut found = Vec::new();
        if meta.is_dir() {
            visit_dir(path, "", &name, &mut found);
        } else if !meta.is_file() {
            return Err(CorpusError::NotAMailbox { path: path.clone() });
        } else {
            found.push(file_mailbox(path, &name));
        }
        found.sort_by(|a, b| a.id.cmp(&b.id));
        all.extend(found);
    }
    make_ids_unique(&mut all);
    all.retain(|m| selector.as_ref().is_none_or(|s| s.is_match(&m.id)));
    for mailbox in &mut all {
        mailbox.owner = options
            .owners
            .get(&mailbox.id, &mailbox.path)
            .map(str::to_string)
            .or_else(|| infer_owner(mailbox.id.rsplit('/').next().unwrap_or(&mailbox.id)));
    }
    Ok(all)
}

fn build_selector(globs: &[String]) -> Result<Option<GlobSet>, CorpusError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in globs {
        let glob = Glob::new(pattern).map_err(|e| CorpusError::BadGlob {
            pattern: pattern.clone(),
            message: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| CorpusError::BadGlob {
        pattern: globs.join(" "),
        message: e.to_string(),
    })
}

/// The name an argument gives its mailbox: its last component (`.` becomes the directory's name).
fn display_name(path: &Path) -> String {
    let resolved = if path.file_name().is_none() {
        fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    resolved
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| resolved.to_string_lossy().into_owned())
}

/// Two arguments with the same name would give two mailboxes one id: number the later ones.
fn make_ids_unique(mailboxes: &mut [Mailbox]) {
    let mut seen = std::collections::HashSet::new();
    for mailbox in mailboxes.iter_mut() {
        let mut id = mailbox.id.clone();
        let mut n = 2;
        while !seen.insert(id.clone()) {
            id = format!("{}~{n}", mailbox.id);
            n += 1;
        }
        mailbox.id = id;
    }
}

fn new_mailbox(id: &str, format: MailboxFormat, path: &Path) -> Mailbox {
    Mailbox {
        id: id.to_string(),
        owner: None,
        format,
        path: path.to_path_buf(),
        folders: Vec::new(),
        sources: Vec::new(),
        errors: Vec::new(),
    }
}

fn join_id(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

/// How a file holds mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Mbox,
    MboxGz,
    Message,
    /// Index, metadata and hidden files of mail clients: never mail.
    NotMail,
}

/// Index, metadata and hidden files of mail clients, by name, and files whose extension
/// says they are documents, settings, keys or lists that lie beside exported mail
/// (a README.md, the policy.toml, a Spamhaus drop.json): never mail. `.txt` is not
/// among them: some exports (Enron flattened) name messages `.txt`.
fn is_not_mail_name(name: &str) -> bool {
    const NOT_MAIL_EXTENSIONS: [&str; 10] = [
        ".md", ".toml", ".csv", ".json", ".pem", ".zone", ".hdb", ".hsb", ".list", ".py",
    ];
    const NOT_MAIL: [&str; 6] = [
        "maildirsize",
        "subscriptions",
        "maildirfolder",
        "table_of_contents",
        "info.plist",
        "thumbs.db",
    ];
    let lower = name.to_ascii_lowercase();
    lower.starts_with('.')
        || lower.ends_with(".msf")
        || lower.starts_with("dovecot")
        || lower.starts_with("courierimap")
        || NOT_MAIL.contains(&lower.as_str())
        || NOT_MAIL_EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

fn file_kind(path: &Path) -> FileKind {
    let name = name_of(path);
    let lower = name.to_ascii_lowercase();
    if is_not_mail_name(&name) {
        FileKind::NotMail
    } else if lower.ends_with(".gz") {
        FileKind::MboxGz
    } else if lower.ends_with(".mbox") || lower.ends_with(".mbx") || lower.starts_with("mbox") {
        FileKind::Mbox
    } else if lower.ends_with(".eml") || lower.ends_with(".emlx") {
        FileKind::Message
    } else if holds_several_messages(path) {
        FileKind::Mbox
    } else {
        FileKind::Message
    }
}

/// Content sniff for files without a telling name: an mbox starts with a separator and
/// has another one. A single message with an envelope line (SpamAssassin's corpus) does not.
fn holds_several_messages(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 5];
    if std::io::Read::read_exact(&mut &file, &mut head).is_err() || &head != b"From " {
        return false;
    }
    // SAFETY: read-only mapping; a file changed under us only changes what we sniff.
    match unsafe { memmap2::Mmap::map(&file) } {
        Ok(map) => mbox::holds_several_messages(&map),
        Err(_) => false,
    }
}

/// A mailbox made of one file given on the command line.
fn file_mailbox(path: &Path, id: &str) -> Mailbox {
    let kind = file_kind(path);
    let (format, source_kind) = match kind {
        FileKind::Mbox => (MailboxFormat::Mbox, SourceKind::Mbox),
        FileKind::MboxGz => (MailboxFormat::MboxGz, SourceKind::MboxGz),
        FileKind::Message | FileKind::NotMail => {
            (MailboxFormat::Eml, SourceKind::MessageFile { flags: None })
        }
    };
    let mut mailbox = new_mailbox(id, format, path);
    mailbox.folders.push(ROOT_FOLDER.to_string());
    mailbox.sources.push(Source {
        folder: ROOT_FOLDER.to_string(),
        path: path.to_path_buf(),
        kind: source_kind,
    });
    mailbox
}

/// Sorted entries of a directory, split into files and directories (symlinks followed).
struct Listing {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

/// Lists a directory. Entries that cannot be read are reported in `errors` and left
/// out; the rest are listed.
fn list_dir(dir: &Path, errors: &mut Vec<String>) -> Listing {
    let mut listing = Listing {
        files: Vec::new(),
        dirs: Vec::new(),
    };
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(format!("{}: {e}", dir.display()));
            return listing;
        }
    };
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => {
                errors.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => listing.dirs.push(path),
            Ok(m) if m.is_file() => listing.files.push(path),
            Ok(_) => {}
            Err(e) => errors.push(format!("{}: {e}", path.display())),
        }
    }
    listing.files.sort();
    listing.dirs.sort();
    listing
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Visits a directory `rel` below a command-line argument named `arg_name` (`rel` is
/// empty for the argument itself, whose mailbox then takes the argument's name).
fn visit_dir(dir: &Path, rel: &str, arg_name: &str, out: &mut Vec<Mailbox>) {
    let id = if rel.is_empty() { arg_name } else { rel };
    if maildir::is_maildir(dir) {
        out.push(maildir_mailbox(dir, id));
        return;
    }
    let mut errors = Vec::new();
    let listing = list_dir(dir, &mut errors);
    let name = name_of(dir);
    if name.ends_with(".mbox") && listing.files.iter().any(|f| name_of(f) == "mbox") {
        out.push(apple_mailbox(dir, id));
        return;
    }
    if listing.files.iter().any(|f| name_of(f).ends_with(".msf"))
        || listing.dirs.iter().any(|d| name_of(d).ends_with(".sbd"))
    {
        out.push(thunderbird_mailbox(dir, id));
        return;
    }
    if name == "maildir" {
        // Enron: maildir/<user>/<folder>/<n>. — each user is a mailbox.
        for user in &listing.dirs {
            let user_rel = join_id(rel, &name_of(user));
            if maildir::is_maildir(user) {
                out.push(maildir_mailbox(user, &user_rel));
            } else {
                let mut mailbox = new_mailbox(&user_rel, MailboxFormat::Eml, user);
                collect_message_tree(user, "", &mut mailbox);
                out.push(mailbox);
            }
        }
        if !errors.is_empty() {
            let mut unreadable = new_mailbox(id, MailboxFormat::Eml, dir);
            unreadable.errors = errors;
            out.push(unreadable);
        }
        return;
    }
    if rel.is_empty() && is_pure_message_tree(dir) {
        let mut mailbox = new_mailbox(id, MailboxFormat::Eml, dir);
        collect_message_tree(dir, "", &mut mailbox);
        out.push(mailbox);
        return;
    }
    // A collection.
    let kinds: Vec<FileKind> = listing.files.par_iter().map(|f| file_kind(f)).collect();
    let mut loose = new_mailbox(id, MailboxFormat::Eml, dir);
    loose.errors = errors;
    for (file, kind) in listing.files.iter().zip(kinds) {
        match kind {
            FileKind::Mbox | FileKind::MboxGz => {
                out.push(file_mailbox(file, &join_id(rel, &name_of(file))))
            }
            FileKind::Message if looks_like_message(file) => {
                push_message(&mut loose, ROOT_FOLDER, file, None)
            }
            FileKind::Message | FileKind::NotMail => {}
        }
    }
    if !loose.sources.is_empty() || !loose.errors.is_empty() {
        out.push(loose);
    }
    for sub in &listing.dirs {
        let sub_rel = join_id(rel, &name_of(sub));
        if !maildir::is_maildir(sub) && is_pure_message_tree(sub) {
            let mut mailbox = new_mailbox(&sub_rel, MailboxFormat::Eml, sub);
            collect_message_tree(sub, "", &mut mailbox);
            if !mailbox.sources.is_empty() || !mailbox.errors.is_empty() {
                out.push(mailbox);
            }
        } else {
            visit_dir(sub, &sub_rel, arg_name, out);
        }
    }
}

/// For loose files beside mailboxes in a collection (where READMEs and notes lie too):
/// a `.eml` name, or a first line that is a header field or an mbox envelope.
fn looks_like_message(path: &Path) -> bool {
    if name_of(path).to_ascii_lowercase().ends_with(".eml") {
        return true;
    }
    let mut head = [0u8; 256];
    let n = fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let first_line = head[..n].split(|&b| b == b'\n').next().unwrap_or_default();
    first_line.starts_with(b"From ")
        || first_line
            .iter()
            .position(|&b| b == b':')
            .is_some_and(|colon| {
                colon > 0 && first_line[..colon].iter().all(|&b| (33..=126).contains(&b))
            })
}

/// Whether a directory holds only one-message files at any depth (no mbox, Maildir,
/// Thunderbird store or bundle), and so is one mailbox with sub-directories as folders.
fn is_pure_message_tree(dir: &Path) -> bool {
    let name = name_of(dir);
    if maildir::is_maildir(dir)
        || name.ends_with(".mbox")
        || name.ends_with(".sbd")
        || name == "maildir"
    {
        return false;
    }
    let listing = list_dir(dir, &mut Vec::new());
    listing.files.par_iter().all(|f| {
        !matches!(file_kind(f), FileKind::Mbox | FileKind::MboxGz) && !name_of(f).ends_with(".msf")
    }) && listing.dirs.iter().all(|d| is_pure_message_tree(d))
}

fn push_message(mailbox: &mut Mailbox, folder: &str, path: &Path, flags: Option<String>) {
    if mailbox.folders.last().is_none_or(|f| f != folder)
        && !mailbox.folders.iter().any(|f| f == folder)
    {
        mailbox.folders.push(folder.to_string());
    }
    mailbox.sources.push(Source {
        folder: folder.to_string(),
        path: path.to_path_buf(),
        kind: SourceKind::MessageFile { flags },
    });
}

/// Adds every message file under `dir` to `mailbox`; `folder` is `dir`'s path below the
/// mailbox root (empty at the root, which is the `INBOX` folder).
fn collect_message_tree(dir: &Path, folder: &str, mailbox: &mut Mailbox) {
    let listing = list_dir(dir, &mut mailbox.errors);
    let folder_name = if folder.is_empty() {
        ROOT_FOLDER
    } else {
        folder
    };
    for file in &listing.files {
        if !is_not_mail_name(&name_of(file)) {
            push_message(mailbox, folder_name, file, None);
        }
    }
    for sub in &listing.dirs {
        collect_message_tree(sub, &join_id(folder, &name_of(sub)), mailbox);
    }
}

fn maildir_mailbox(root: &Path, id: &str) -> Mailbox {
    let mut mailbox = new_mailbox(id, MailboxFormat::Maildir, root);
    add_maildir_folder(root, ROOT_FOLDER, &mut mailbox);
    mailbox
}

/// Adds one Maildir folder: `cur/` and `new/` (`tmp/` holds deliveries in progress),
/// message files lying in the folder itself (notmuch-style trees), then sub-folders:
/// Maildir++ `.Sub.Folder/` directories and plain sub-directories (Dovecot's `fs` layout).
fn add_maildir_folder(dir: &Path, folder: &str, mailbox: &mut Mailbox) {
    mailbox.folders.push(folder.to_string());
    let listing = list_dir(dir, &mut mailbox.errors);
    let mut files: Vec<PathBuf> = listing
        .files
        .into_iter()
        .filter(|f| !is_not_mail_name(&name_of(f)))
        .collect();
    for part in ["cur", "new"] {
        let sub = dir.join(part);
        if sub.is_dir() {
            files.extend(list_dir(&sub, &mut mailbox.errors).files);
        }
    }
    files.sort_by_key(|f| name_of(f));
    for file in files {
        let name = name_of(&file);
        if !name.starts_with('.') {
            push_message(mailbox, folder, &file, maildir::flags_from_name(&name));
        }
    }
    for sub in &listing.dirs {
        let name = name_of(sub);
        if matches!(name.as_str(), "cur" | "new" | "tmp") {
            continue;
        }
        let sub_folder = if folder == ROOT_FOLDER {
            maildir::folder_from_dir_name(&name).unwrap_or(name)
        } else {
            join_id(folder, &name)
        };
        if !sub_folder.starts_with('.') {
            add_maildir_folder(sub, &sub_folder, mailbox);
        }
    }
}

fn apple_mailbox(bundle: &Path, id: &str) -> Mailbox {
    let mut mailbox = new_mailbox(id, MailboxFormat::AppleMbox, bundle);
    mailbox.folders.push(ROOT_FOLDER.to_string());
    mailbox.sources.push(Source {
        folder: ROOT_FOLDER.to_string(),
        path: bundle.join("mbox"),
        kind: SourceKind::Mbox,
    });
    mailbox
}

fn thunderbird_mailbox(store: &Path, id: &str) -> Mailbox {
    let mut mailbox = new_mailbox(id, MailboxFormat::Thunderbird, store);
    add_thunderbird_dir(store, "", &mut mailbox);
    mailbox
}

/// Every mbox file of a Thunderbird store is a folder (even an empty one); `Name.sbd/`
/// holds the sub-folders of folder `Name`.
fn add_thunderbird_dir(dir: &Path, prefix: &str, mailbox: &mut Mailbox) {
    let listing = list_dir(dir, &mut mailbox.errors);
    for file in &listing.files {
        let name = name_of(file);
        let gz = name.ends_with(".gz");
        // Folder files are mboxes (empty, or starting with a `From ` line); the store
        // also holds filter rules, POP state and logs, which are not mail.
        if is_not_mail_name(&name) || !(gz || is_empty_or_mbox(file)) {
            continue;
        }
        let folder = join_id(prefix, &name);
        mailbox.folders.push(folder.clone());
        mailbox.sources.push(Source {
            folder,
            path: file.clone(),
            kind: if gz {
                SourceKind::MboxGz
            } else {
                SourceKind::Mbox
            },
        });
    }
    for sub in &listing.dirs {
        // `Name.sbd/` holds sub-folders; other directories (`*.mozmsgs/`) are not mail.
        if let Some(folder) = name_of(sub).strip_suffix(".sbd") {
            add_thunderbird_dir(sub, &join_id(prefix, folder), mailbox);
        }
    }
}

/// Whether a file is empty or starts with `From ` (read: 5 bytes).
fn is_empty_or_mbox(path: &Path) -> bool {
    let mut head = [0u8; 5];
    match fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head)) {
        Ok(0) => true,
        Ok(n) => n == 5 && &head == b"From ",
        Err(_) => true, // kept, so that the read error is reported on the mailbox
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_metadata_is_not_mail() {
        for name in [
            "maildirsize",
            "dovecot.list.index.log",
            "dovecot-uidlist",
            "Inbox.msf",
            ".DS_Store",
        ] {
            assert!(is_not_mail_name(name), "{name}");
        }
        assert!(!is_not_mail_name("1700000001.M1P1.host:2,S"));
    }

    #[test]
    fn thunderbird_store_takes_only_mbox_files_and_sbd_folders() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path();
        std::fs::write(
            store.join("Inbox"),
            "From - Mon Feb 01 08:01:00 2010\nSubject: x\n\nbody\n",
        )
        .unwrap();
        std::fs::write(
            store.join("Inbox.msf"),
            "// <!-- <mdb:mork:z v=\"1.4\"/> -->",
        )
        .unwrap();
        std::fs::write(store.join("Trash"), "").unwrap();
        std::fs::write(store.join("msgFilterRules.dat"), "version=\"9\"\n").unwrap();
        std::fs::create_dir(store.join("Inbox.mozmsgs")).unwrap();
        std::fs::write(store.join("Inbox.mozmsgs/x.wdseml"), "junk").unwrap();
        std::fs::create_dir(store.join("Inbox.sbd")).unwrap();
        std::fs::write(
            store.join("Inbox.sbd/Work"),
            "From - Mon Feb 01 08:01:00 2010\n\nx\n",
        )
        .unwrap();
        let mailbox = thunderbird_mailbox(store, "profile");
        assert_eq!(mailbox.folders, ["Inbox", "Trash", "Inbox/Work"]);
        assert!(mailbox.errors.is_empty());
    }
}
