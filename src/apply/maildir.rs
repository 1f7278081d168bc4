//! Where a moved message file goes. In a Maildir (the file lies in `cur/` or `new/` of
//! a folder) the move goes to the Maildir++ folder `.Archive/cur/` (`.Jail`, `.Junk`) of
//! the Maildir's root, keeping the file name and so its flags; in a folder of `.eml`
//! files it goes to `Archive/` (etc.) beside the file.

use std::path::{Path, PathBuf};

use super::fsio::parent;

/// A move's destination and the directories that must exist for it, outermost first.
pub struct Destination {
    pub path: PathBuf,
    pub dirs: Vec<PathBuf>,
}

fn is_maildir_folder(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// `folder` is the manifest's folder column (`INBOX`, `A/B`).
pub fn destination(file: &Path, folder: &str, target: &str) -> Option<Destination> {
    let name = file.file_name()?;
    let dir = parent(file);
    let in_maildir = matches!(
        dir.file_name().and_then(|n| n.to_str()),
        Some("cur" | "new")
    ) && is_maildir_folder(parent(dir));
    if in_maildir {
        let folder_dir = parent(dir);
        let dotted = folder_dir
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        let root = if dotted {
            parent(folder_dir).to_path_buf()
        } else if folder == "INBOX" {
            folder_dir.to_path_buf()
        } else {
            // Dovecot `fs` layout: folder `A/B` is the directory `<root>/A/B`.
            let depth = folder.split('/').count();
            folder_dir.ancestors().nth(depth)?.to_path_buf()
        };
        let target_dir = root.join(format!(".{target}"));
        let dirs = vec![
            target_dir.clone(),
            target_dir.join("cur"),
            target_dir.join("new"),
            target_dir.join("tmp"),
        ];
        Some(Destination {
            path: target_dir.join("cur").join(name),
            dirs,
        })
    } else {
        let target_dir = dir.join(target);
        Some(Destination {
            path: target_dir.join(name),
            dirs: vec![target_dir],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(tree: &[&str], file: &str, folder: &str) -> PathBuf {
        let tmp = tempfile::tempdir().unwrap();
        for d in tree {
            std::fs::create_dir_all(tmp.path().join(d)).unwrap();
        }
        let d = destination(&tmp.path().join(file), folder, "Archive").unwrap();
        d.path.strip_prefix(tmp.path()).unwrap().to_path_buf()
    }

    #[test]
    fn destinations_per_layout() {
        // INBOX of a Maildir, a Maildir++ folder, Dovecot's fs layout, an .eml folder.
        assert_eq!(
            dest(&["m/cur"], "m/cur/1:2,S", "INBOX"),
            Path::new("m/.Archive/cur/1:2,S")
        );
        assert_eq!(
            dest(&["m/cur", "m/.Sent/new"], "m/.Sent/new/2", "Sent"),
            Path::new("m/.Archive/cur/2")
        );
        assert_eq!(
            dest(&["m/cur", "m/a/b/cur"], "m/a/b/cur/3", "a/b"),
            Path::new("m/.Archive/cur/3")
        );
        assert_eq!(
            dest(&["e"], "e/x.eml", "INBOX"),
            Path::new("e/Archive/x.eml")
        );
    }
}
