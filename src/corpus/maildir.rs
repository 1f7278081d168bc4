//! Maildir naming rules: which entries of a Maildir are messages, what their flags are
//! and how Maildir++ sub-folder directories map to folder names.

use std::path::Path;

/// Whether a directory is a Maildir root (it has `cur/` or `new/`).
pub fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// The flags of a Maildir message file name: the letters after `:2,` (or `!2,`, the
/// variant for filesystems that forbid `:`), `None` when the name carries no info part.
pub fn flags_from_name(name: &str) -> Option<String> {
    let at = name.rfind(":2,").or_else(|| name.rfind("!2,"))?;
    Some(name[at + 3..].to_string())
}

/// The folder name of a Maildir++ sub-folder directory: `.Sent` → `Sent`,
/// `.Archive.2024` → `Archive/2024`. `None` for directories that are not folders.
pub fn folder_from_dir_name(name: &str) -> Option<String> {
    let inner = name.strip_prefix('.')?;
    if inner.is_empty() || inner == "." {
        return None;
    }
    Some(inner.replace('.', "/"))
}

/// Folder name of the Maildir root, as Dovecot and Courier call it.
pub const ROOT_FOLDER: &str = "INBOX";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        assert_eq!(flags_from_name("1.M1P1.host:2,FS").as_deref(), Some("FS"));
        assert_eq!(flags_from_name("1.M1P1.host:2,").as_deref(), Some(""));
        assert_eq!(flags_from_name("1.M1P1.host!2,RS").as_deref(), Some("RS"));
        assert_eq!(flags_from_name("1.M1P1.host"), None);
    }

    #[test]
    fn folders() {
        assert_eq!(folder_from_dir_name(".Sent").as_deref(), Some("Sent"));
        assert_eq!(
            folder_from_dir_name(".Archive.2024").as_deref(),
            Some("Archive/2024")
        );
        assert_eq!(folder_from_dir_name("cur"), None);
        assert_eq!(folder_from_dir_name(".."), None);
    }
}
