//! How a folder's name says what the owner did with its mail. The last component of
//! the folder path decides (`[Gmail]/Spam`, `INBOX.Junk`, `.Junk`, `deleted_items`),
//! compared without case, with `_` and `-` read as spaces, in the names mail clients
//! and servers give them in English, German, French, Spanish, Italian and Dutch.

use crate::risk::contacts::is_sent_folder;

/// What the owner's filing of a message says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FolderClass {
    /// Junk, Spam, Bulk Mail: the owner (or their filter, which they can correct)
    /// called it unwanted.
    Junk,
    /// Trash, Deleted Items: thrown away, often after reading, so a weak signal.
    Trash,
    /// Sent, Drafts, Outbox, Templates: the owner's own mail, which says nothing about
    /// senders.
    Own,
    /// Everything else (INBOX, Archive, project folders): kept.
    #[default]
    Kept,
}

const JUNK: &[&str] = &[
    "junk",
    "spam",
    "bulk",
    "bulk mail",
    "junk mail",
    "junk e mail",
    "junk email",
    "spam verdacht",
    "spamverdacht",
    "courrier indésirable",
    "indésirables",
    "pourriel",
    "correo no deseado",
    "posta indesiderata",
    "ongewenste e mail",
    "ongewenste email",
];

const TRASH: &[&str] = &[
    "trash",
    "bin",
    "deleted",
    "deleted items",
    "deleted messages",
    "papierkorb",
    "gelöschte elemente",
    "gelöschte objekte",
    "corbeille",
    "éléments supprimés",
    "papelera",
    "elementos eliminados",
    "cestino",
    "posta eliminata",
    "prullenbak",
    "verwijderde items",
];

const OWN: &[&str] = &[
    "drafts",
    "draft",
    "entwürfe",
    "brouillons",
    "borradores",
    "bozze",
    "concepten",
    "outbox",
    "postausgang",
    "boîte d'envoi",
    "templates",
];

impl FolderClass {
    pub fn of(folder: &str) -> FolderClass {
        if is_sent_folder(folder) {
            return FolderClass::Own;
        }
        let last = folder.rsplit(['/', '.', '\\']).next().unwrap_or(folder);
        let words: String = last
            .chars()
            .map(|c| if matches!(c, '_' | '-') { ' ' } else { c })
            .collect::<String>()
            .to_lowercase();
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        if JUNK.contains(&words.as_str()) {
            FolderClass::Junk
        } else if TRASH.contains(&words.as_str()) {
            FolderClass::Trash
        } else if OWN.contains(&words.as_str()) {
            FolderClass::Own
        } else {
            FolderClass::Kept
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_by_name() {
        for f in [
            "Junk",
            ".Junk",
            "INBOX.Spam",
            "[Gmail]/Spam",
            "Junk E-mail",
            "Bulk Mail",
            "Junk-E-Mail",
            "Courrier indésirable",
        ] {
            assert_eq!(FolderClass::of(f), FolderClass::Junk, "{f}");
        }
        for f in [
            "Trash",
            "[Gmail]/Bin",
            "Deleted Items",
            "deleted_items",
            "Papierkorb",
            "Gelöschte Elemente",
        ] {
            assert_eq!(FolderClass::of(f), FolderClass::Trash, "{f}");
        }
        for f in ["Sent", "sent_items", "Drafts", "INBOX.Drafts", "Outbox"] {
            assert_eq!(FolderClass::of(f), FolderClass::Own, "{f}");
        }
        for f in [
            "",
            "INBOX",
            "Archive",
            "junk-food-project",
            "spam reports 2023",
            "Binance",
            "Trashcan stories",
        ] {
            assert_eq!(FolderClass::of(f), FolderClass::Kept, "{f}");
        }
    }
}
