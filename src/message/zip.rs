//! Zip attachments: member names and contents, within caps against zip bombs.
