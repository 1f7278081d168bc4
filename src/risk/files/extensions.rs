//! File names: risky extensions, double extensions (`invoice.pdf.exe`, also padded with
//! spaces before the real one), bidirectional-override tricks, and names that contradict
//! the content.
//!
//! The split between the two categories:
//! - [`DANGEROUS`] (Dangerous extension): Windows runs these directly or through a script
//!   host, installer or shell handler on a double click: native code, scripts, installers,
//!   shortcuts, control-panel items, help files that run script.
//! - [`POSSIBLE`] (Possible dangerous extension): containers that carry such files past
//!   filters or open with one more prompt: macro-enabled Office formats, disk images
//!   (mounted with a double click, hiding their contents from mail scanners), OneNote,
//!   archives mail scanners rarely open, Excel web queries and symbolic links, internet
//!   shortcuts, macOS and Android installers.

use super::magic::Kind;
use super::Location;
use crate::risk::{Category, Evidence};

pub const DANGEROUS: &[&str] = &[
    "exe",
    "scr",
    "com",
    "pif",
    "cpl",
    "dll",
    "ocx",
    "sys",
    "drv",
    "xll",
    "msi",
    "msp",
    "mst",
    "msix",
    "msixbundle",
    "appx",
    "appxbundle",
    "appinstaller",
    "application",
    "appref-ms",
    "gadget",
    "js",
    "jse",
    "vb",
    "vbs",
    "vbe",
    "wsf",
    "wsh",
    "wsc",
    "ws",
    "sct",
    "hta",
    "bat",
    "cmd",
    "ps1",
    "ps1xml",
    "ps2",
    "psm1",
    "psd1",
    "psc1",
    "msh",
    "msh1",
    "msh2",
    "mshxml",
    "jar",
    "lnk",
    "scf",
    "reg",
    "inf",
    "msc",
    "chm",
    "hlp",
    "shs",
    "shb",
    "settingcontent-ms",
    "library-ms",
    "search-ms",
    "website",
];

pub const POSSIBLE: &[&str] = &[
    "docm", "dotm", "xlsm", "xltm", "xlam", "xla", "pptm", "potm", "ppam", "ppsm", "sldm", "ppa",
    "iso", "img", "vhd", "vhdx", "udf", "one", "onepkg", "ace", "arj", "iqy", "slk", "url", "cab",
    "dmg", "pkg", "apk",
];

/// Extensions a recipient reads as a harmless document, picture, archive or media file:
/// what an executable hides behind.
const DECOYS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf", "odt", "ods", "odp", "txt", "csv",
    "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "heic", "svg", "zip", "rar", "7z",
    "gz", "htm", "html", "xml", "eml", "msg", "mp3", "mp4", "wav", "avi", "mov", "ics", "vcf",
];

/// Of [`DECOYS`], those a `#!` script pretending to be one is a disguise (a script named
/// .txt or .csv is just shown as text).
const TEXT_DECOYS: &[&str] = &["txt", "csv", "xml", "htm", "html", "ics", "vcf", "eml"];

/// Single-file compressors and archives whose name keeps the packed file's name
/// (`invoice.scr.xz` unpacks to `invoice.scr`).
const WRAPPERS: &[&str] = &[
    "gz", "xz", "bz2", "z", "lz", "lzma", "zst", "7z", "rar", "zip", "tar",
];

/// Blanks padding a name before its real extension that count as hiding it.
const PADDING: usize = 3;

/// Characters that reorder how the rest of a name is displayed (U+202E RIGHT-TO-LEFT
/// OVERRIDE turns `invoice\u{202E}fdp.exe` into "invoiceexe.pdf" on screen).
const BIDI_CONTROLS: &[char] = &[
    '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// The name rules, and `ext.magic_mismatch` when the content is known.
pub fn check(at: &Location, name: &str, kind: Option<Kind>, out: &mut Vec<Evidence>) {
    let effective = effective_name(name);
    let ext = extension(&effective);
    if let Some(ext) = ext.as_deref() {
        risky(at, &effective, ext, out);
        double(at, &effective, ext, out);
    }
    bidi(at, name, out);
    if let Some(kind) = kind {
        mismatch(at, ext.as_deref(), kind, out);
    }
}

/// The name Windows acts on: bidi controls gone (they change only the display), trailing
/// dots and blanks dropped (Windows drops them: `setup.exe.` runs), lower case.
fn effective_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| !BIDI_CONTROLS.contains(c))
        .collect::<String>()
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
        .to_lowercase()
}

/// The last extension: after the last dot, non-empty, no blanks.
fn extension(name: &str) -> Option<String> {
    let (_, ext) = name.rsplit_once('.')?;
    (!ext.is_empty() && !ext.contains(char::is_whitespace)).then(|| ext.to_string())
}

/// A risky extension, or a risky extension under a compressor's (`a.scr.xz`).
fn risky(at: &Location, name: &str, ext: &str, out: &mut Vec<Evidence>) {
    let (inner, shown) = match WRAPPERS.contains(&ext) {
        true => {
            let stem = &name[..name.len() - ext.len() - 1];
            let Some(inner) = extension(stem) else {
                return;
            };
            let shown = format!(".{inner} packed in .{ext}");
            (inner, shown)
        }
        false => (ext.to_string(), format!(".{ext}")),
    };
    let category = if DANGEROUS.contains(&inner.as_str()) {
        Category::DangerousExtension
    } else if POSSIBLE.contains(&inner.as_str()) {
        Category::PossibleDangerousExtension
    } else {
        return;
    };
    out.push(Evidence::raise(
        category,
        "ext.risky",
        format!("{at}: extension {shown}"),
    ));
}

/// A risky extension after a decoy one (`invoice.pdf.exe`) or after a run of blanks that
/// pushes it out of sight (`invoice.pdf      .exe`).
fn double(at: &Location, name: &str, ext: &str, out: &mut Vec<Evidence>) {
    if !DANGEROUS.contains(&ext) && !POSSIBLE.contains(&ext) {
        return;
    }
    let stem = &name[..name.len() - ext.len() - 1];
    let trimmed = stem.trim_end();
    let padding = stem[trimmed.len()..].chars().count();
    let decoy = extension(trimmed).filter(|d| DECOYS.contains(&d.as_str()));
    let what = match (decoy, padding >= PADDING) {
        (Some(d), true) => format!(".{d} then {padding} blanks before .{ext}"),
        (Some(d), false) => format!(".{d} before .{ext}"),
        (None, true) => format!("{padding} blanks before .{ext}"),
        (None, false) => return,
    };
    out.push(Evidence::raise(
        Category::DangerousExtension,
        "ext.double",
        format!("{at}: {what}"),
    ));
}

fn bidi(at: &Location, name: &str, out: &mut Vec<Evidence>) {
    let Some(control) = name.chars().find(|c| BIDI_CONTROLS.contains(c)) else {
        return;
    };
    out.push(Evidence::raise(
        Category::DangerousExtension,
        "ext.rtlo",
        format!(
            "{at}: bidirectional control U+{:04X} in the name, shown as {:?}",
            control as u32,
            displayed(name)
        ),
    ));
}

/// Roughly what a screen shows for a name with a right-to-left override: the text after
/// the override reversed, up to a POP DIRECTIONAL FORMATTING (U+202C) or the end. Other
/// controls are dropped.
fn displayed(name: &str) -> String {
    let mut shown = String::with_capacity(name.len());
    let mut reversed: Option<Vec<char>> = None;
    for c in name.chars() {
        match (c, reversed.as_mut()) {
            ('\u{202E}', None) => reversed = Some(Vec::new()),
            ('\u{202C}', Some(run)) => {
                shown.extend(run.iter().rev());
                reversed = None;
            }
            (c, _) if BIDI_CONTROLS.contains(&c) => {}
            (c, Some(run)) => run.push(c),
            (c, None) => shown.push(c),
        }
    }
    if let Some(run) = reversed {
        shown.extend(run.iter().rev());
    }
    shown
}

/// Executable content (or a `#!` script) under a name that promises a document, picture,
/// archive or media file.
fn mismatch(at: &Location, ext: Option<&str>, kind: Kind, out: &mut Vec<Evidence>) {
    let Some(ext) = ext.filter(|e| DECOYS.contains(e)) else {
        return;
    };
    let disguised = kind.executable() || (kind == Kind::Script && !TEXT_DECOYS.contains(&ext));
    if disguised {
        out.push(Evidence::raise(
            Category::DangerousExtension,
            "ext.magic_mismatch",
            format!("{at}: {} named .{ext}", kind.describe()),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(name: &str, kind: Option<Kind>) -> Vec<(&'static str, Category)> {
        let mut out = Vec::new();
        check(&Location::named("2", name), name, kind, &mut out);
        out.iter()
            .map(|e| (e.rule, e.category.expect("file rules raise")))
            .collect()
    }

    use Category::{DangerousExtension as D, PossibleDangerousExtension as P};

    #[test]
    fn risky_extensions_by_list() {
        assert_eq!(rules("setup.EXE", None), vec![("ext.risky", D)]);
        assert_eq!(rules("run.js", None), vec![("ext.risky", D)]);
        assert_eq!(rules("Invoice.docm", None), vec![("ext.risky", P)]);
        assert_eq!(rules("disk.iso", None), vec![("ext.risky", P)]);
        // Windows drops trailing dots and blanks: this runs as an .exe.
        assert_eq!(rules("setup.exe. . ", None), vec![("ext.risky", D)]);
        for harmless in [
            "report.pdf",
            "photo.jpg",
            "notes.docx",
            "archive.zip",
            "exe",
            "x.",
        ] {
            assert_eq!(rules(harmless, None), vec![], "{harmless}");
        }
    }

    #[test]
    fn double_extensions_and_padding() {
        assert_eq!(
            rules("invoice.pdf.exe", None),
            vec![("ext.risky", D), ("ext.double", D)]
        );
        assert_eq!(
            rules("invoice.pdf                    .scr", None),
            vec![("ext.risky", D), ("ext.double", D)]
        );
        assert_eq!(
            rules("invoice                  .exe", None),
            vec![("ext.risky", D), ("ext.double", D)]
        );
        assert_eq!(
            rules("scan.jpg.iso", None),
            vec![("ext.risky", P), ("ext.double", D)]
        );
        // Near misses: dotted names that end in something harmless, or a risky extension
        // after a word that is not a document extension.
        assert_eq!(rules("report.pdf.zip", None), vec![]);
        assert_eq!(rules("файл.scr.xz", None), vec![("ext.risky", D)]);
        assert_eq!(rules("backup.tar.gz", None), vec![]);
        assert_eq!(rules("v1.2.pdf", None), vec![]);
        assert_eq!(rules("setup.v2.exe", None), vec![("ext.risky", D)]);
        assert_eq!(rules("my file .exe", None), vec![("ext.risky", D)]);
    }

    #[test]
    fn right_to_left_override() {
        let name = "invoice\u{202E}fdp.exe";
        assert_eq!(rules(name, None), vec![("ext.risky", D), ("ext.rtlo", D)]);
        assert_eq!(displayed(name), "invoiceexe.pdf");
        assert_eq!(displayed("a\u{202E}cba\u{202C}.txt"), "aabc.txt");
        // The control alone fires even when the real extension is harmless.
        assert_eq!(rules("photo\u{2067}gpj.txt", None), vec![("ext.rtlo", D)]);
        let mut out = Vec::new();
        check(&Location::named("2", name), name, None, &mut out);
        assert!(out[1].detail.contains("U+202E"), "{}", out[1].detail);
        assert!(out[1].detail.contains("\\u{202e}"), "{}", out[1].detail);
    }

    #[test]
    fn executable_content_under_a_document_name() {
        assert_eq!(
            rules("statement.pdf", Some(Kind::Pe)),
            vec![("ext.magic_mismatch", D)]
        );
        assert_eq!(
            rules("photo.JPG", Some(Kind::Lnk)),
            vec![("ext.magic_mismatch", D)]
        );
        assert_eq!(
            rules("readme.pdf", Some(Kind::Script)),
            vec![("ext.magic_mismatch", D)]
        );
        // Near misses: the name tells the truth, says nothing, or the script is shown as text.
        assert_eq!(rules("tool.dll", Some(Kind::Pe)), vec![("ext.risky", D)]);
        assert_eq!(rules("payload.bin", Some(Kind::Elf)), vec![]);
        assert_eq!(rules("install.txt", Some(Kind::Script)), vec![]);
        assert_eq!(rules("report.pdf", Some(Kind::Pdf)), vec![]);
    }
}
