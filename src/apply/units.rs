//! Manifest rows grouped into units of work, in a fixed order (so a resumed apply
//! numbers them as the first run did): each message file is a unit, all rows of one
//! mbox file are one unit, and rows that need no change (gzip mboxes, rows an earlier
//! apply of the same manifest already applied) are units of their own.

use std::collections::HashMap;
use std::path::PathBuf;

use super::manifest::{LocatorKind, ManifestRow};

pub enum Unit {
    File(usize),
    Mbox {
        path: PathBuf,
        rows: Vec<usize>,
    },
    /// A row decided without looking at the mailbox: (row, reason).
    Skip(usize, String),
}

/// `prior(row)` names the earlier apply that already applied a row, if any.
pub fn group(rows: &[ManifestRow], prior: &dyn Fn(usize) -> Option<String>) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut mbox_unit: HashMap<PathBuf, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(id) = prior(i) {
            units.push(Unit::Skip(i, format!("already applied by {id}")));
            continue;
        }
        match row.locator_kind {
            LocatorKind::File => units.push(Unit::File(i)),
            LocatorKind::MboxGz => units.push(Unit::Skip(
                i,
                "gzip mbox: not rewritten (decompress it, scan again, apply that manifest)".into(),
            )),
            LocatorKind::Mbox => match mbox_unit.get(&row.path) {
                Some(&u) => {
                    if let Unit::Mbox { rows, .. } = &mut units[u] {
                        rows.push(i);
                    }
                }
                None => {
                    mbox_unit.insert(row.path.clone(), units.len());
                    units.push(Unit::Mbox {
                        path: row.path.clone(),
                        rows: vec![i],
                    });
                }
            },
        }
    }
    units
}
