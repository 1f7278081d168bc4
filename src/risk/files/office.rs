//! Office files: OLE compound files (Word, Excel and PowerPoint 97-2003, the
//! `vbaProject.bin` inside OOXML, encrypted OOXML) opened with the `cfb` crate for VBA
//! projects, Excel 4.0 macro sheets and encryption; OOXML macro sheets by member name.

use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use cfb::CompoundFile;

use super::{vba, Location};
use crate::risk::{Category, Evidence};

/// Directory entries looked at: far more than any Office file has.
const MAX_ENTRIES: usize = 10_000;
/// Modules read per project.
const MAX_MODULES: usize = 1_000;
/// Decompressed `dir` stream: a few KiB in practice.
const MAX_DIR_BYTES: usize = 4 << 20;
/// Decompressed VBA source per file, all modules together.
const MAX_SOURCE_BYTES: usize = 64 << 20;
/// Module names quoted in a detail.
const NAMES_SHOWN: usize = 5;

/// What an OLE compound file holds that the file rules care about.
#[derive(Debug, Default)]
struct Findings {
    /// How the file says it is encrypted.
    encrypted: Option<&'static str>,
    projects: Vec<Project>,
    /// Excel 4.0 macro sheets in a BIFF8 workbook.
    macro_sheets: usize,
}

/// A VBA project: its modules and the auto-executing procedures found in their source.
#[derive(Debug, Default)]
struct Project {
    modules: Vec<String>,
    autoexec: Vec<&'static str>,
}

/// The rules for an OLE compound file. A file the `cfb` crate cannot open (or panics on)
/// raises nothing.
pub fn check_cfb(at: &Location, data: &[u8], out: &mut Vec<Evidence>) {
    let Ok(Some(findings)) = catch_unwind(AssertUnwindSafe(|| inspect(data))) else {
        return;
    };
    if let Some(how) = findings.encrypted {
        out.push(Evidence::raise(
            Category::PossibleDangerousFile,
            "file.encrypted_office",
            format!("{at}: encrypted Office document ({how}), contents cannot be checked"),
        ));
    }
    for project in &findings.projects {
        out.push(vba_evidence(at, project));
    }
    if findings.macro_sheets > 0 {
        out.push(xlm_evidence(
            at,
            &format!("{} Excel 4.0 macro sheet(s)", findings.macro_sheets),
        ));
    }
}

/// An OOXML member that is an Excel 4.0 macro sheet (`xl/macrosheets/sheet1.xml`).
pub fn is_ooxml_macro_sheet(member: &str) -> bool {
    let lower = member.to_ascii_lowercase();
    lower.starts_with("xl/macrosheets/") || lower.starts_with("xl/intlmacrosheets/")
}

pub fn xlm_evidence(at: &Location, what: &str) -> Evidence {
    Evidence::raise(
        Category::PossibleDangerousFile,
        "file.xlm_macro",
        format!("{at}: {what}"),
    )
}

fn vba_evidence(at: &Location, project: &Project) -> Evidence {
    let mut names: Vec<String> = project
        .modules
        .iter()
        .take(NAMES_SHOWN)
        .map(|m| format!("{m:?}"))
        .collect();
    if project.modules.len() > NAMES_SHOWN {
        names.push("…".into());
    }
    let modules = match names.is_empty() {
        true => "modules unreadable".to_string(),
        false => format!("modules {}", names.join(", ")),
    };
    if project.autoexec.is_empty() {
        Evidence::raise(
            Category::PossibleDangerousFile,
            "file.vba_macro",
            format!("{at}: VBA macros ({modules})"),
        )
    } else {
        Evidence::raise(
            Category::DangerousFile,
            "file.vba_autoexec",
            format!(
                "{at}: VBA macros that run by themselves: {} ({modules})",
                project.autoexec.join(", ")
            ),
        )
    }
}

fn inspect(data: &[u8]) -> Option<Findings> {
    let mut file = CompoundFile::open(Cursor::new(data)).ok()?;
    let streams: Vec<PathBuf> = file
        .walk()
        .take(MAX_ENTRIES)
        .filter(|e| e.is_stream())
        .map(|e| e.path().to_path_buf())
        .collect();
    let limit = data.len() as u64;
    let mut findings = Findings {
        encrypted: encryption(&mut file, &streams, limit),
        ..Findings::default()
    };
    let mut source_left = MAX_SOURCE_BYTES;
    for dir in streams.iter().filter(|p| is_vba_dir(p)) {
        let storage = dir.parent().unwrap_or(Path::new("/"));
        findings
            .projects
            .push(project(&mut file, storage, dir, limit, &mut source_left));
    }
    if let Some(workbook) = streams
        .iter()
        .find(|p| is_root_stream(p, &["Workbook", "Book"]))
    {
        if let Some(bytes) = read_stream(&mut file, workbook, limit) {
            let biff = biff_globals(&bytes);
            findings.macro_sheets = biff.macro_sheets;
            if biff.encrypted {
                findings.encrypted = findings.encrypted.or(Some("Excel FILEPASS record"));
            }
        }
    }
    Some(findings)
}

/// `…/VBA/dir`: the stream that lists a VBA project's modules (`Macros/VBA` in Word,
/// `_VBA_PROJECT_CUR/VBA` in Excel, `VBA` at the root of `vbaProject.bin`).
fn is_vba_dir(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str());
    name.is_some_and(|n| n.eq_ignore_ascii_case("dir"))
        && parent.is_some_and(|p| p.eq_ignore_ascii_case("VBA"))
}

fn is_root_stream(path: &Path, names: &[&str]) -> bool {
    path.parent() == Some(Path::new("/"))
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| names.iter().any(|w| n.eq_ignore_ascii_case(w)))
}

fn read_stream(file: &mut CompoundFile<Cursor<&[u8]>>, path: &Path, limit: u64) -> Option<Vec<u8>> {
    let stream = file.open_stream(path).ok()?;
    let mut bytes = Vec::new();
    stream.take(limit).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The project's modules from its `dir` stream and the auto-executing procedures in their
/// source. A `dir` stream that cannot be read still leaves a project (with no names):
/// the macros are there even if this reader cannot list them.
fn project(
    file: &mut CompoundFile<Cursor<&[u8]>>,
    storage: &Path,
    dir: &Path,
    limit: u64,
    source_left: &mut usize,
) -> Project {
    let modules = read_stream(file, dir, limit)
        .and_then(|d| vba::decompress(&d, MAX_DIR_BYTES))
        .map(|d| vba::modules(&d))
        .unwrap_or_default();
    let mut project = Project::default();
    for module in modules.into_iter().take(MAX_MODULES) {
        project.modules.push(module.name.clone());
        // A stream name is one path segment; anything else is not a module stream.
        if module.stream.contains(['/', '\\']) || *source_left == 0 {
            continue;
        }
        let Some(source) = read_stream(file, &storage.join(&module.stream), limit)
            .and_then(|s| {
                s.get(module.offset..)
                    .map(|c| vba::decompress(c, *source_left))
            })
            .flatten()
        else {
            continue;
        };
        *source_left -= source.len().min(*source_left);
        for name in vba::autoexec_names(&source) {
            if !project.autoexec.contains(&name) {
                project.autoexec.push(name);
            }
        }
    }
    project
}

/// How a compound file says it is encrypted: an ECMA-376 encrypted OOXML package, or a
/// Word 97-2003 document with fEncrypted set in its FIB. (Excel's FILEPASS record is read
/// with the workbook's sheets.)
fn encryption(
    file: &mut CompoundFile<Cursor<&[u8]>>,
    streams: &[PathBuf],
    limit: u64,
) -> Option<&'static str> {
    let has = |name: &str| streams.iter().any(|p| is_root_stream(p, &[name]));
    if has("EncryptionInfo") && has("EncryptedPackage") {
        return Some("EncryptedPackage");
    }
    let word = streams
        .iter()
        .find(|p| is_root_stream(p, &["WordDocument"]))?;
    let fib = read_stream(file, word, limit.min(16))?;
    // FibBase: wIdent 0xA5EC, then at 0x0A the flags word, fEncrypted = bit 8.
    let ident = u16::from_le_bytes([*fib.first()?, *fib.get(1)?]);
    let flags = u16::from_le_bytes([*fib.get(0x0A)?, *fib.get(0x0B)?]);
    (ident == 0xA5EC && flags & 0x0100 != 0).then_some("Word fEncrypted")
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Biff {
    macro_sheets: usize,
    encrypted: bool,
}

/// The globals substream of a BIFF8 workbook, up to its EOF record: BOUNDSHEET records
/// whose sheet type is 1 (an Excel 4.0 macro sheet), and FILEPASS (encryption; the sheet
/// types after it are encrypted, so they are not read).
fn biff_globals(stream: &[u8]) -> Biff {
    const EOF: u16 = 0x000A;
    const FILEPASS: u16 = 0x002F;
    const BOUNDSHEET: u16 = 0x0085;
    let mut biff = Biff::default();
    let mut pos = 0;
    while let Some(head) = stream.get(pos..pos + 4) {
        let id = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let body = stream.get(pos + 4..pos + 4 + len).unwrap_or_default();
        pos += 4 + len;
        match id {
            EOF => break,
            FILEPASS => biff.encrypted = true,
            BOUNDSHEET if !biff.encrypted && body.get(5) == Some(&0x01) => biff.macro_sheets += 1,
            _ => {}
        }
    }
    biff
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::io::Write;

    /// An MS-OVBA container holding `text` as uncompressed (literal) chunks.
    pub fn literal_container(text: &[u8]) -> Vec<u8> {
        let mut out = vec![0x01];
        for chunk in text.chunks(4096) {
            let mut padded = chunk.to_vec();
            padded.resize(4096, b' ');
            // Uncompressed chunk: size 4096 + 2 header - 3 = 4095, signature 0b011.
            out.extend_from_slice(&(0x3000u16 | 0x0FFF).to_le_bytes());
            out.extend_from_slice(&padded);
        }
        out
    }

    fn dir_stream(modules: &[(&str, u32)]) -> Vec<u8> {
        let mut dir = Vec::new();
        let mut record = |id: u16, data: &[u8]| {
            dir.extend_from_slice(&id.to_le_bytes());
            dir.extend_from_slice(&(data.len() as u32).to_le_bytes());
            dir.extend_from_slice(data);
        };
        record(0x0001, &1u32.to_le_bytes());
        record(0x000F, &(modules.len() as u16).to_le_bytes());
        for (name, offset) in modules {
            record(0x0019, name.as_bytes());
            record(0x001A, name.as_bytes());
            record(0x0031, &offset.to_le_bytes());
            record(0x002B, &[]);
        }
        record(0x0010, &[]);
        literal_container(&dir)
    }

    /// A compound file with a VBA project at `storage` whose modules hold `sources`
    /// (each module stream: `offset` bytes of stand-in p-code, then the source).
    pub fn cfb_with_vba(storage: &str, sources: &[(&str, &str)]) -> Vec<u8> {
        let mut file = CompoundFile::create(Cursor::new(Vec::new())).expect("create");
        file.create_storage_all(format!("{storage}/VBA"))
            .expect("storage");
        let offset = 16u32;
        let dir: Vec<(&str, u32)> = sources.iter().map(|(n, _)| (*n, offset)).collect();
        let streams =
            [("dir".to_string(), dir_stream(&dir))]
                .into_iter()
                .chain(sources.iter().map(|(name, source)| {
                    let mut bytes = vec![0xAA; offset as usize];
                    bytes.extend(literal_container(source.as_bytes()));
                    (name.to_string(), bytes)
                }));
        for (name, bytes) in streams {
            let mut s = file
                .create_stream(format!("{storage}/VBA/{name}"))
                .expect("stream");
            s.write_all(&bytes).expect("write");
        }
        file.flush().expect("flush");
        file.into_inner().into_inner()
    }

    pub fn cfb_with_streams(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut file = CompoundFile::create(Cursor::new(Vec::new())).expect("create");
        for (name, bytes) in streams {
            let mut s = file.create_stream(name).expect("stream");
            s.write_all(bytes).expect("write");
        }
        file.flush().expect("flush");
        file.into_inner().into_inner()
    }

    fn rules(data: &[u8]) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        check_cfb(&Location::named("2", "f.doc"), data, &mut out);
        out.into_iter().map(|e| (e.rule, e.detail)).collect()
    }

    #[test]
    fn vba_without_autoexec_is_a_macro() {
        let doc = cfb_with_vba("/Macros", &[("Module1", "Sub Helper()\r\nEnd Sub")]);
        let found = rules(&doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "file.vba_macro");
        assert!(found[0].1.contains("\"Module1\""), "{}", found[0].1);
    }

    #[test]
    fn autoexec_in_any_module_raises_it() {
        let doc = cfb_with_vba(
            "/_VBA_PROJECT_CUR",
            &[
                ("Module1", "Sub Helper()\r\nEnd Sub"),
                (
                    "ThisWorkbook",
                    "Private Sub Workbook_Open()\r\nHelper\r\nEnd Sub",
                ),
            ],
        );
        let found = rules(&doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "file.vba_autoexec");
        assert!(found[0].1.contains("Workbook_Open"), "{}", found[0].1);
        // vbaProject.bin: the project at the root.
        let bin = cfb_with_vba("", &[("ThisDocument", "Sub AutoOpen()\r\nEnd Sub")]);
        assert_eq!(rules(&bin)[0].0, "file.vba_autoexec");
    }

    #[test]
    fn encrypted_office_files() {
        let ooxml = cfb_with_streams(&[
            ("/EncryptionInfo", b"\x04\x00"),
            ("/EncryptedPackage", b"x"),
        ]);
        assert_eq!(rules(&ooxml)[0].0, "file.encrypted_office");
        let mut fib = vec![0u8; 32];
        fib[..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        fib[0x0A..0x0C].copy_from_slice(&0x0100u16.to_le_bytes());
        assert_eq!(
            rules(&cfb_with_streams(&[("/WordDocument", &fib)]))[0].0,
            "file.encrypted_office"
        );
        // Near misses: a plain Word document, an EncryptionInfo alone, a text "Document_Open".
        fib[0x0A] = 0;
        fib[0x0B] = 0;
        assert_eq!(rules(&cfb_with_streams(&[("/WordDocument", &fib)])), vec![]);
        assert_eq!(
            rules(&cfb_with_streams(&[("/EncryptionInfo", b"x")])),
            vec![]
        );
        assert_eq!(
            rules(&cfb_with_streams(&[("/Contents", b"Sub Document_Open()")])),
            vec![]
        );
    }

    #[test]
    fn excel4_macro_sheets_in_biff() {
        let mut book = Vec::new();
        let mut record = |id: u16, body: &[u8]| {
            book.extend_from_slice(&id.to_le_bytes());
            book.extend_from_slice(&(body.len() as u16).to_le_bytes());
            book.extend_from_slice(body);
        };
        record(0x0809, &[0; 16]);
        record(0x0085, &[0, 0, 0, 0, 0, 0, 1, 0, b'S']);
        record(0x0085, &[0, 0, 0, 0, 2, 1, 1, 0, b'M']);
        record(0x000A, &[]);
        record(0x0085, &[0, 0, 0, 0, 0, 1, 1, 0, b'X']);
        assert_eq!(
            biff_globals(&book),
            Biff {
                macro_sheets: 1,
                encrypted: false
            }
        );
        let found = rules(&cfb_with_streams(&[("/Workbook", &book)]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "file.xlm_macro");
        for n in 0..book.len() {
            let _ = biff_globals(&book[..n]);
        }
    }

    #[test]
    fn garbage_and_truncated_compound_files_raise_nothing() {
        let doc = cfb_with_vba("/Macros", &[("Module1", "Sub AutoOpen()\r\nEnd Sub")]);
        for n in (0..doc.len()).step_by(97) {
            let _ = rules(&doc[..n]);
        }
        let mut corrupt = doc.clone();
        for i in (512..corrupt.len()).step_by(131) {
            corrupt[i] ^= 0x5A;
        }
        let _ = rules(&corrupt);
        assert_eq!(
            rules(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and then nothing"),
            vec![]
        );
    }
}
