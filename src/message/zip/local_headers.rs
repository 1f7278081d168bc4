//! Recovering members by walking the local file headers, for archives whose central
//! directory is broken, cut off, or names a member twice (the zip crate keys members by
//! name, which hides the classic decoy/payload pair).

use std::io::Cursor;

use ::zip::read::read_zipfile_from_stream_with_options;

use super::{
    describe, read_member, read_options, Budget, ZipCaps, ZipListing, ZipMember, LOCAL_HEADER_SIG,
};

const DATA_DESCRIPTOR_SIG: &[u8; 4] = b"PK\x07\x08";
/// Fixed part of a local file header, signature included (APPNOTE 4.3.7).
pub(super) const LOCAL_HEADER_LEN: usize = 30;
/// General purpose flag bit 3: sizes and CRC follow the data in a data descriptor.
const FLAG_DATA_DESCRIPTOR: u16 = 0x0008;

/// Reads the local headers one after the other from the first one found. `None` when no
/// member could be read at all.
pub(super) fn from_local_headers(data: &[u8], caps: &ZipCaps) -> Option<ZipListing> {
    let mut budget = Budget::new(caps, data.len());
    let mut members = Vec::new();
    let mut truncated = false;
    let mut next = memchr::memmem::find(data, LOCAL_HEADER_SIG);
    while let Some(pos) = next {
        if members.len() == caps.max_members {
            truncated = true;
            break;
        }
        let Some((member, after)) = local_member(data, pos, &mut budget) else {
            break;
        };
        members.push(member);
        // Only a header exactly where the previous member ends continues the walk: resyncing
        // by searching would mistake signatures inside stored contents for members.
        next = after.filter(|&at| {
            data.get(at..)
                .is_some_and(|rest| rest.starts_with(LOCAL_HEADER_SIG))
        });
    }
    (!members.is_empty()).then_some(ZipListing {
        members,
        truncated,
        from_local_headers: true,
    })
}

/// The member whose local header starts at `pos`, and where the next header should start
/// (`None` when that cannot be known).
fn local_member(
    data: &[u8],
    pos: usize,
    budget: &mut Budget,
) -> Option<(ZipMember, Option<usize>)> {
    let header = data.get(pos..pos.checked_add(LOCAL_HEADER_LEN)?)?;
    let flags = u16::from_le_bytes(le_bytes(header, 6)?);
    let name_len = usize::from(u16::from_le_bytes(le_bytes(header, 26)?));
    let extra_len = usize::from(u16::from_le_bytes(le_bytes(header, 28)?));
    let data_start = pos + LOCAL_HEADER_LEN + name_len + extra_len;

    let mut options = read_options();
    let mut descriptor = None;
    if flags & FLAG_DATA_DESCRIPTOR != 0 {
        // The local header holds zeros for the sizes and CRC; the descriptor after the data has
        // them, and the zip crate cannot find it on its own.
        descriptor = find_descriptor(data, data_start);
        options = match &descriptor {
            Some(d) => options
                .override_compressed_size(d.compressed_size)
                .override_uncompressed_size(d.size)
                .override_crc(d.crc),
            None => options.override_compressed_size(0),
        };
    }

    let mut cursor = Cursor::new(data);
    cursor.set_position(pos as u64);
    let mut file = read_zipfile_from_stream_with_options(&mut cursor, options).ok()??;
    if flags & FLAG_DATA_DESCRIPTOR != 0 && descriptor.is_none() {
        let mut member = describe(&file.entry());
        if !member.is_dir && !member.encrypted {
            member.problem = Some("size unknown: no data descriptor after the data".to_owned());
        }
        return Some((member, None));
    }
    let after = match &descriptor {
        Some(d) => Some(d.end),
        None => usize::try_from(file.compressed_size())
            .ok()
            .and_then(|size| data_start.checked_add(size)),
    };
    Some((read_member(&mut file, budget), after))
}

/// Sizes and CRC from a data descriptor (APPNOTE 4.3.9), and where it ends.
struct Descriptor {
    crc: u32,
    compressed_size: u64,
    size: u64,
    end: usize,
}

/// The first data descriptor after `data_start` whose compressed size matches its distance from
/// `data_start`: a signature alone could be part of stored contents. Only descriptors with a
/// signature are found (it is optional, but every common writer emits it).
fn find_descriptor(data: &[u8], data_start: usize) -> Option<Descriptor> {
    let rest = data.get(data_start..)?;
    memchr::memmem::find_iter(rest, DATA_DESCRIPTOR_SIG).find_map(|at| {
        let d = &rest[at..];
        let crc = u32::from_le_bytes(le_bytes(d, 4)?);
        let distance = at as u64;
        let end = data_start + at;
        if u64::from(u32::from_le_bytes(le_bytes(d, 8)?)) == distance {
            let size = u32::from_le_bytes(le_bytes(d, 12)?);
            return Some(Descriptor {
                crc,
                compressed_size: distance,
                size: u64::from(size),
                end: end + 16,
            });
        }
        // Zip64 descriptors carry 8-byte sizes.
        if u64::from_le_bytes(le_bytes(d, 8)?) == distance {
            return Some(Descriptor {
                crc,
                compressed_size: distance,
                size: u64::from_le_bytes(le_bytes(d, 16)?),
                end: end + 24,
            });
        }
        None
    })
}

fn le_bytes<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}
