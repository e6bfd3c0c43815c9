//! The binary's error type: everything that makes a command fail with exit code 2.

use std::path::PathBuf;

use concord_patch::PatchError;
use concord_patch::schema::OpenApiError;
use thiserror::Error;

/// Why a command failed.
#[derive(Debug, Error)]
pub enum Error {
    /// An input file (or standard input) could not be read.
    #[error("cannot read {}: {source}", display_path(path))]
    Read {
        /// The file; `-` is standard input.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An input is neither JSON nor YAML.
    #[error("{name}: {message}")]
    Parse {
        /// The input's name (a file name, `<stdin>`, or a `--lines` request field).
        name: String,
        /// What is wrong with it.
        message: String,
    },
    /// The engine refused the documents.
    #[error(transparent)]
    Patch(#[from] PatchError),
    /// An `--openapi` document or `--crd` definition could not be read as patch metadata.
    #[error("{name}: {source}")]
    Schema {
        /// Which input (`--openapi FILE`, `--crd FILE`, or the request field).
        name: String,
        /// The reader's error.
        source: OpenApiError,
    },
    /// A server could not start, or failed while running.
    #[error("{0}")]
    Server(String),
    /// `concord edit` did not save the edit.
    #[error("{message}{}", copy.as_ref().map(|p| format!("; a copy of your changes has been stored to {}", p.display())).unwrap_or_default())]
    Edit {
        /// Why.
        message: String,
        /// Where the user's text was kept, when they had edited the object.
        copy: Option<PathBuf>,
    },
    /// Options or request fields that do not go together.
    #[error("{0}")]
    Usage(String),
    /// A result could not be encoded as JSON.
    #[error("cannot encode the result as JSON: {0}")]
    Encode(serde_json::Error),
    /// Standard output could not be written.
    #[error("cannot write output: {0}")]
    Output(std::io::Error),
}

/// How a path is named in messages: `-` as standard input.
pub fn display_path(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" { "standard input".to_owned() } else { path.display().to_string() }
}

/// A message on one line: line breaks (which YAML parsers like to put in their errors, with a
/// snippet of the input) become `; `, and runs of blanks one space.
pub fn one_line(message: &str) -> String {
    message
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_lines_and_squeezes_blanks() {
        assert_eq!(one_line("bad  thing\n\n   at line 3\n"), "bad thing; at line 3");
        assert_eq!(one_line("plain"), "plain");
    }
}
