//! Errors that stop a run (problems with single messages or mailboxes never do: they
//! become rows and error columns).

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
}
