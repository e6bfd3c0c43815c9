//! Reading input documents: JSON or YAML (parsed by `concord_patch::document`, which guards
//! against deep nesting), from a file or standard input (`-`).

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, display_path};

/// Reads and parses one document. `-` reads standard input.
pub fn read_document(path: &Path) -> Result<Value, Error> {
    let read_error = |source| Error::Read { path: path.to_owned(), source };
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(read_error)?;
        text
    } else {
        std::fs::read_to_string(path).map_err(read_error)?
    };
    parse_document(&text, &display_path(path))
}

/// Parses a document: as JSON if it is JSON, otherwise as YAML (one document).
pub fn parse_document(text: &str, name: &str) -> Result<Value, Error> {
    concord_patch::document::parse(text)
        .map_err(|e| Error::Parse { name: name.to_owned(), message: e.to_string() })
}
