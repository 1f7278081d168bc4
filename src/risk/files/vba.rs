//! VBA projects as [MS-OVBA] stores them: the run-length/LZ compression of the `dir` and
//! module streams (2.4.1), the `dir` stream's records naming each module's stream and
//! where its compressed source starts (2.3.4.2), and the auto-executing procedure names
//! looked for in that source.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// One module of a project: the stream holding it and where its compressed source starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub name: String,
    pub stream: String,
    pub offset: usize,
}

/// Procedure names Office runs by itself when a document is opened, closed or created
/// (olevba's AutoExec list, minus ActiveX control events that need a control).
const AUTOEXEC: &[&str] = &[
    "AutoExec",
    "AutoOpen",
    "Auto_Open",
    "AutoClose",
    "Auto_Close",
    "AutoExit",
    "AutoNew",
    "Document_Open",
    "DocumentOpen",
    "Document_Close",
    "DocumentBeforeClose",
    "Document_BeforeClose",
    "Document_New",
    "NewDocument",
    "DocumentChange",
    "Workbook_Open",
    "Workbook_Activate",
    "Workbook_Close",
    "Workbook_BeforeClose",
    "Workbook_Deactivate",
];

/// Decompresses a CompressedContainer ([MS-OVBA] 2.4.1.3.1), keeping at most `cap` bytes.
/// `None` when the container does not start with its signature byte; a corrupt chunk ends
/// the output (what came before it is still source worth reading).
pub fn decompress(container: &[u8], cap: usize) -> Option<Vec<u8>> {
    let (&signature, mut rest) = container.split_first()?;
    if signature != 0x01 {
        return None;
    }
    let mut out = Vec::with_capacity(rest.len().saturating_mul(2).min(cap));
    while rest.len() >= 2 && out.len() < cap {
        let header = u16::from_le_bytes([rest[0], rest[1]]);
        // Signature bits 12..15 are 0b011 in every valid chunk header.
        if (header >> 12) & 0b111 != 0b011 {
            break;
        }
        let size = usize::from(header & 0x0FFF) + 3;
        let chunk = &rest[2..size.min(rest.len())];
        rest = &rest[size.min(rest.len())..];
        if header & 0x8000 == 0 {
            // An uncompressed chunk: 4096 literal bytes.
            out.extend_from_slice(&chunk[..chunk.len().min(4096)]);
        } else if !decompress_chunk(chunk, &mut out) {
            break;
        }
    }
    out.truncate(cap);
    Some(out)
}

/// A compressed chunk's token sequences ([MS-OVBA] 2.4.1.3.2): a flag byte, then eight
/// tokens, each a literal byte (flag bit 0) or a copy token (offset, length) into what this
/// chunk has decompressed so far. False on a copy token pointing before the chunk.
fn decompress_chunk(chunk: &[u8], out: &mut Vec<u8>) -> bool {
    let start = out.len();
    let mut i = 0;
    while i < chunk.len() {
        let flags = chunk[i];
        i += 1;
        for bit in 0..8 {
            if i >= chunk.len() {
                break;
            }
            if flags & (1 << bit) == 0 {
                out.push(chunk[i]);
                i += 1;
                continue;
            }
            let Some(pair) = chunk.get(i..i + 2) else {
                return false;
            };
            let token = u16::from_le_bytes([pair[0], pair[1]]);
            i += 2;
            let (offset, length) = copy_token(token, out.len() - start);
            if offset > out.len() - start {
                return false;
            }
            // Byte by byte: a copy may overlap what it produces (a run).
            for _ in 0..length {
                out.push(out[out.len() - offset]);
            }
        }
    }
    true
}

/// A copy token's offset and length: the split between them depends on how far into the
/// chunk decompression is ([MS-OVBA] 2.4.1.3.19.1 CopyToken Help).
fn copy_token(token: u16, done_in_chunk: usize) -> (usize, usize) {
    let mut bit_count = 4;
    while bit_count < 12 && (1usize << bit_count) < done_in_chunk {
        bit_count += 1;
    }
    let length_mask = 0xFFFFu16 >> bit_count;
    let offset = usize::from(token >> (16 - bit_count)) + 1;
    let length = usize::from(token & length_mask) + 3;
    (offset, length)
}

/// The modules a decompressed `dir` stream lists ([MS-OVBA] 2.3.4.2). Records are read by
/// their id and size; the one record whose size field lies (PROJECTVERSION, 6 bytes after
/// a size of 4) is special-cased, as every reader does.
pub fn modules(dir: &[u8]) -> Vec<Module> {
    const PROJECTVERSION: u16 = 0x0009;
    const TERMINATOR: u16 = 0x0010;
    const MODULENAME: u16 = 0x0019;
    const MODULESTREAMNAME: u16 = 0x001A;
    const MODULESTREAMNAME_UNICODE: u16 = 0x0032;
    const MODULEOFFSET: u16 = 0x0031;
    let mut modules: Vec<Module> = Vec::new();
    let mut pos = 0;
    while let Some(head) = dir.get(pos..pos + 6) {
        let id = u16::from_le_bytes([head[0], head[1]]);
        let declared = u32::from_le_bytes([head[2], head[3], head[4], head[5]]) as usize;
        let size = if id == PROJECTVERSION { 6 } else { declared };
        let Some(data) = dir.get(pos + 6..(pos + 6).saturating_add(size)) else {
            break;
        };
        pos += 6 + size;
        match id {
            TERMINATOR => break,
            MODULENAME => modules.push(Module {
                name: String::from_utf8_lossy(data).into_owned(),
                stream: String::new(),
                offset: 0,
            }),
            MODULESTREAMNAME => {
                if let Some(m) = modules.last_mut() {
                    m.stream = String::from_utf8_lossy(data).into_owned();
                }
            }
            MODULESTREAMNAME_UNICODE => {
                if let (Some(m), Some(name)) = (modules.last_mut(), utf16le(data)) {
                    m.stream = name;
                }
            }
            MODULEOFFSET => {
                if let (Some(m), Ok(b)) = (modules.last_mut(), <[u8; 4]>::try_from(data)) {
                    m.offset = u32::from_le_bytes(b) as usize;
                }
            }
            _ => {}
        }
    }
    modules.retain(|m| !m.stream.is_empty());
    modules
}

fn utf16le(data: &[u8]) -> Option<String> {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16(&units).ok().filter(|s| !s.is_empty())
}

/// The auto-executing procedure names that occur in VBA source as whole identifiers
/// (VBA is case-insensitive), each once, in list order.
pub fn autoexec_names(source: &[u8]) -> Vec<&'static str> {
    static MATCHER: OnceLock<AhoCorasick> = OnceLock::new();
    let matcher = MATCHER.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(AUTOEXEC)
            .expect("a fixed list of plain words builds")
    });
    let mut found = [false; AUTOEXEC.len()];
    for m in matcher.find_overlapping_iter(source) {
        let before = m.start().checked_sub(1).map(|i| source[i]);
        let after = source.get(m.end()).copied();
        if !before.is_some_and(is_identifier_byte) && !after.is_some_and(is_identifier_byte) {
            found[m.pattern().as_usize()] = true;
        }
    }
    AUTOEXEC
        .iter()
        .zip(found)
        .filter_map(|(name, f)| f.then_some(*name))
        .collect()
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decompresses_the_spec_examples() {
        // [MS-OVBA] 3.2.2 Normal Compression Example.
        let normal = [
            0x01, 0x2F, 0xB0, 0x00, 0x23, 0x61, 0x61, 0x61, 0x62, 0x63, 0x64, 0x65, 0x82, 0x66,
            0x00, 0x70, 0x61, 0x67, 0x68, 0x69, 0x6A, 0x01, 0x38, 0x08, 0x61, 0x6B, 0x6C, 0x00,
            0x30, 0x6D, 0x6E, 0x6F, 0x70, 0x06, 0x71, 0x02, 0x70, 0x04, 0x10, 0x72, 0x73, 0x74,
            0x75, 0x76, 0x10, 0x77, 0x78, 0x79, 0x7A, 0x00, 0x3C,
        ];
        assert_eq!(
            decompress(&normal, 1 << 20).as_deref(),
            Some(&b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"[..])
        );
        // A run: flag byte 0x02, literal 'a', copy token 0x0045 at one byte into the chunk
        // (4 offset bits: offset 1, length 0x045 + 3 = 72): 73 'a's.
        let max = [0x01, 0x03, 0xB0, 0x02, 0x61, 0x45, 0x00];
        assert_eq!(decompress(&max, 1 << 20), Some(vec![b'a'; 73]));
        assert_eq!(decompress(b"\x00abc", 100), None);
        assert_eq!(decompress(&max, 4).map(|v| v.len()), Some(4));
    }

    #[test]
    fn hostile_chunks_end_the_output_without_panicking() {
        // A copy token at the very start points before the chunk.
        assert_eq!(
            decompress(&[0x01, 0x02, 0xB0, 0x01, 0xFF, 0xFF], 100),
            Some(vec![])
        );
        // A header without the 0b011 signature.
        assert_eq!(
            decompress(&[0x01, 0x02, 0x00, 0x00, 0x61], 100),
            Some(vec![])
        );
        // Truncated chunks.
        for n in 0..8 {
            let _ = decompress(&[0x01, 0xFF, 0xBF, 0xFF, 0x61, 0x61][..n.min(6)], 100);
        }
    }

    #[test]
    fn autoexec_names_are_whole_identifiers_in_any_case() {
        let src = b"Attribute VB_Name = \"ThisDocument\"\r\nPrivate Sub document_open()\r\n\
                    Call MyAutoOpenHelper\r\nEnd Sub\r\nSub Auto_Close(): End Sub";
        assert_eq!(autoexec_names(src), vec!["Auto_Close", "Document_Open"]);
        assert!(autoexec_names(b"Sub AutoOpenX()\r\nx = Workbook_Opened").is_empty());
    }

    #[test]
    fn dir_records_give_module_streams_and_offsets() {
        fn record(dir: &mut Vec<u8>, id: u16, data: &[u8]) {
            dir.extend_from_slice(&id.to_le_bytes());
            dir.extend_from_slice(&(data.len() as u32).to_le_bytes());
            dir.extend_from_slice(data);
        }
        let mut dir = Vec::new();
        record(&mut dir, 0x0001, &1u32.to_le_bytes());
        // PROJECTVERSION: the size field says 4, six bytes follow.
        dir.extend_from_slice(&[0x09, 0x00, 4, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
        record(&mut dir, 0x000F, &1u16.to_le_bytes());
        record(&mut dir, 0x0019, b"Module1");
        record(&mut dir, 0x001A, b"Module1");
        record(&mut dir, 0x0032, &[b'M', 0, b'o', 0, b'd', 0, b'1', 0]);
        record(&mut dir, 0x0031, &0x1234u32.to_le_bytes());
        record(&mut dir, 0x002B, &[]);
        record(&mut dir, 0x0010, &[]);
        assert_eq!(
            modules(&dir),
            vec![Module {
                name: "Module1".into(),
                stream: "Mod1".into(),
                offset: 0x1234
            }]
        );
        // Cut anywhere: no panic, at most the modules read so far.
        for n in 0..dir.len() {
            assert!(modules(&dir[..n]).len() <= 1);
        }
    }
}
