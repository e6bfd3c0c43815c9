//! The store's error type.

use std::path::PathBuf;
use std::sync::Arc;

use crate::Revision;

/// Why a store operation failed.
///
/// `Clone` because one failed commit is reported to every request of its batch; the underlying
/// I/O and database errors are shared behind an `Arc` for that reason.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// A filesystem operation around the database failed (creating its directory, starting the
    /// writer thread).
    #[error("{context}: {source}")]
    Io {
        /// What the store was doing.
        context: &'static str,
        /// The operating system's error.
        source: Arc<std::io::Error>,
    },
    /// The database engine failed: opening, loading, writing or committing. After a failed
    /// commit the engine refuses further writes until the store is reopened.
    #[error("{context}: {source}")]
    Database {
        /// What the store was doing.
        context: &'static str,
        /// The engine's error.
        source: Arc<redb::Error>,
    },
    /// The database file is already open, by this process or another one.
    #[error("the store at {} is already open (by this or another process)", path.display())]
    AlreadyOpen {
        /// The database file.
        path: PathBuf,
    },
    /// The requested revision is older than the kept history.
    #[error("revision {requested} has been compacted; the oldest available revision is {oldest}")]
    Compacted {
        /// The revision asked for.
        requested: Revision,
        /// The oldest revision still available.
        oldest: Revision,
    },
    /// The requested revision has not been written yet.
    #[error("revision {requested} is newer than the current revision {current}")]
    FutureRevision {
        /// The revision asked for.
        requested: Revision,
        /// The latest committed revision.
        current: Revision,
    },
    /// A write's decide function panicked; nothing was written for that request.
    #[error("the write's decide function panicked: {message}")]
    DecidePanicked {
        /// The panic's message, when it was a string.
        message: String,
    },
    /// The writer thread is gone, so the write's outcome is unknown.
    #[error("the store is closed")]
    Closed,
}

impl StoreError {
    /// Wraps an engine error with what the store was doing.
    pub(crate) fn database(context: &'static str, error: impl Into<redb::Error>) -> StoreError {
        StoreError::Database { context, source: Arc::new(error.into()) }
    }

    /// Wraps an I/O error with what the store was doing.
    pub(crate) fn io(context: &'static str, error: std::io::Error) -> StoreError {
        StoreError::Io { context, source: Arc::new(error) }
    }
}
