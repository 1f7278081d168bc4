//! Files: evidence for the dangerous file and dangerous extension categories from every
//! attachment and zip member of a message (the [`File`]s of `Decoded::parse` with
//! `Want { files: true, .. }`).
//!
//! Names first (`extensions`), then content by its magic bytes (`magic`): OLE compound
//! files (`office`, `vba`), PDF (`pdf`), HTML and SVG (`html`), zip archives (encrypted
//! members; OOXML macro sheets by member name). The decoder already lists the members of
//! zip attachments and OOXML documents as files of their own (`2/report.docm/word/
//! vbaProject.bin`); a zip that arrives without its members listed (deeper than the
//! decoder's nesting cap, or checked on its own) is opened here, within the same caps.
//! Members of a document package (OOXML, OpenDocument, EPUB, JAR: a zip with
//! `[Content_Types].xml`, `mimetype` or `META-INF/MANIFEST.MF`) are parts of one document,
//! not files a person opens: their names and markup are not judged (an EPUB's `book.js`,
//! its XHTML chapters), their contents still are (`word/vbaProject.bin`).
//!
//! Rule ids and what they raise:
//!
//! | rule | category | when |
//! |---|---|---|
//! | `ext.risky` | Dangerous / Possible dangerous extension | extension in `extensions::DANGEROUS` / `extensions::POSSIBLE` |
//! | `ext.double` | Dangerous extension | a risky extension after a document one (`a.pdf.exe`) or after 3+ blanks |
//! | `ext.rtlo` | Dangerous extension | a bidirectional control character (U+202E …) in the name |
//! | `ext.magic_mismatch` | Dangerous extension | PE/ELF/Mach-O/LNK content (or a `#!` script) named as a document, picture, archive or media file |
//! | `file.vba_macro` | Possible dangerous file | an OLE file (or OOXML `vbaProject.bin`) holding a VBA project |
//! | `file.vba_autoexec` | Dangerous file | … whose module source defines an auto-run procedure (AutoOpen, Document_Open, Workbook_Open, …) |
//! | `file.xlm_macro` | Possible dangerous file | Excel 4.0 macro sheets (BIFF8 BOUNDSHEET type 1, OOXML `xl/macrosheets/`) |
//! | `file.encrypted_zip` | Possible dangerous file | a zip archive with encrypted members (once per archive) |
//! | `file.encrypted_office` | Possible dangerous file | EncryptedPackage OOXML, Word fEncrypted, Excel FILEPASS |
//! | `file.encrypted_pdf` | Possible dangerous file | `/Encrypt` |
//! | `file.pdf_launch` | Dangerous file | a `/Launch` action |
//! | `file.pdf_autorun_javascript` | Dangerous file | JavaScript and an `/OpenAction` |
//! | `file.pdf_javascript` | Possible dangerous file | other JavaScript (`/JavaScript`, `/JS`) |
//! | `file.html_script` | Possible dangerous file | HTML attachment with `<script>`, an event handler or a `javascript:` link |
//! | `file.html_credential_form` | Dangerous file | HTML (or SVG) attachment with a password input |
//! | `file.html_remote_form` | Possible dangerous file | … with a form posting to an absolute URL (no password input) |
//! | `file.svg_script` | Dangerous file | SVG attachment with script |
//!
//! Pure and bounded: no I/O; every parser's work is capped by its input's size.

mod extensions;
mod html;
mod magic;
mod office;
mod pdf;
mod vba;

use std::fmt;

use magic::Kind;

use crate::message::decoded::File;
use crate::message::zip::{self, ZipCaps};
use crate::risk::{Category, Evidence};

pub use extensions::{DANGEROUS as DANGEROUS_EXTENSIONS, POSSIBLE as POSSIBLE_EXTENSIONS};

/// Zip archives opened here (beyond what the decoder listed) are opened this deep.
const MAX_OWN_ZIP_DEPTH: usize = 3;

/// Where a file is, as a person finds it: the MIME path then the attachment name
/// (`2/invoice.pdf.exe`), or the zip member path the decoder gave
/// (`2/files.zip/invoice.pdf.exe`). Shown quoted, so control characters are escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location(String);

impl Location {
    fn of(file: &File) -> Location {
        match &file.name {
            Some(name) => Location::named(&file.path, name),
            None => Location(file.path.clone()),
        }
    }

    /// A member's path already ends with its name; an attachment's path is its section.
    fn named(path: &str, name: &str) -> Location {
        let member = path.strip_suffix(name).is_some_and(|p| p.ends_with('/'));
        match member {
            true => Location(path.to_string()),
            false => Location(format!("{path}/{name}")),
        }
    }

    /// The location of the archive a member belongs to.
    fn archive_of(path: &str, name: &str) -> Option<Location> {
        let archive = path.strip_suffix(name)?.strip_suffix('/')?;
        (!archive.is_empty()).then(|| Location(archive.to_string()))
    }

    fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// Every attachment and zip member of one message; evidence for the dangerous file and
/// extension categories, each naming the file (its MIME path and name) and the rule.
pub fn check(files: &[File], out: &mut Vec<Evidence>) {
    if files.is_empty() {
        return;
    }
    let packages = packages(files);
    let mut once = Once::default();
    let listed = |at: &Location| {
        let prefix = format!("{}/", at.as_str());
        files.iter().any(|f| f.path.starts_with(&prefix))
    };
    for file in files {
        let part = archive_of(file).is_some_and(|a| packages.contains(&a));
        check_file(file, part, &listed, 0, &mut once, out);
    }
}

/// The archive a zip member belongs to (`None` for an attachment).
fn archive_of(file: &File) -> Option<Location> {
    Location::archive_of(&file.path, file.name.as_deref()?)
}

/// The archives among `files` that are document packages, by the member that says so.
fn packages(files: &[File]) -> Vec<Location> {
    const MARKERS: [&str; 3] = ["[Content_Types].xml", "mimetype", "META-INF/MANIFEST.MF"];
    let mut packages: Vec<Location> = Vec::new();
    for file in files {
        let marker = file
            .name
            .as_deref()
            .is_some_and(|n| MARKERS.iter().any(|m| n.eq_ignore_ascii_case(m)));
        if let Some(archive) = archive_of(file).filter(|a| marker && !packages.contains(a)) {
            packages.push(archive);
        }
    }
    packages
}

/// Archive-level findings reported once per archive, however many members show them.
#[derive(Default)]
struct Once {
    encrypted_zips: Vec<Location>,
    xlm_archives: Vec<Location>,
}

fn check_file(
    file: &File,
    package_part: bool,
    members_listed: &dyn Fn(&Location) -> bool,
    depth: usize,
    once: &mut Once,
    out: &mut Vec<Evidence>,
) {
    let at = Location::of(file);
    let kind = file.data.as_deref().map(magic::sniff);
    if let Some(name) = &file.name {
        if !package_part {
            extensions::check(&at, name, kind, out);
        }
        member_rules(file, name, once, out);
    }
    let (Some(data), Some(kind)) = (file.data.as_deref(), kind) else {
        return;
    };
    let named = |exts: &[&str]| {
        file.name.as_deref().is_some_and(|n| {
            let lower = n.trim_end().to_ascii_lowercase();
            exts.iter().any(|e| lower.ends_with(e))
        })
    };
    match kind {
        Kind::Cfb => office::check_cfb(&at, data, out),
        Kind::Pdf => pdf::check(&at, data, out),
        Kind::Zip if !members_listed(&at) && depth < MAX_OWN_ZIP_DEPTH => {
            open_zip(&at, data, depth, once, out)
        }
        _ if package_part => {}
        Kind::Svg => html::check_svg(&at, data, out),
        Kind::Other if named(&[".svg"]) => html::check_svg(&at, data, out),
        Kind::Html => html::check_html(&at, data, out),
        Kind::Other if named(&[".htm", ".html", ".xhtml", ".shtml"]) => {
            html::check_html(&at, data, out)
        }
        _ => {}
    }
}

/// What a zip member says by being there: an encrypted member makes its archive an
/// encrypted zip; an OOXML macro sheet makes its workbook an Excel 4.0 macro carrier.
fn member_rules(file: &File, name: &str, once: &mut Once, out: &mut Vec<Evidence>) {
    let Some(archive) = Location::archive_of(&file.path, name) else {
        return;
    };
    if file.problem.as_deref() == Some("encrypted") && !once.encrypted_zips.contains(&archive) {
        out.push(Evidence::raise(
            Category::PossibleDangerousFile,
            "file.encrypted_zip",
            format!(
                "{archive}: encrypted zip archive (member {name:?}), contents cannot be checked"
            ),
        ));
        once.encrypted_zips.push(archive);
    } else if office::is_ooxml_macro_sheet(name) && !once.xlm_archives.contains(&archive) {
        out.push(office::xlm_evidence(
            &archive,
            "Excel 4.0 macro sheet(s) in the workbook",
        ));
        once.xlm_archives.push(archive);
    }
}

/// A zip whose members the decoder did not list: its members are checked as files of
/// their own, named below it as the decoder names them.
fn open_zip(at: &Location, data: &[u8], depth: usize, once: &mut Once, out: &mut Vec<Evidence>) {
    let Ok(listing) = zip::members(data, &ZipCaps::default()) else {
        return;
    };
    let members: Vec<File> = listing
        .members
        .into_iter()
        .filter(|m| !m.is_dir)
        .map(|member| File {
            path: format!("{}/{}", at.as_str(), member.name),
            problem: match (member.encrypted, member.problem) {
                (_, Some(p)) => Some(p),
                (true, None) => Some("encrypted".into()),
                (false, None) => None,
            },
            name: Some(member.name),
            data: member.data,
        })
        .collect();
    let package = !packages(&members).is_empty();
    for file in &members {
        // Its own nested archives are not listed either.
        check_file(file, package, &|_| false, depth + 1, once, out);
    }
}
