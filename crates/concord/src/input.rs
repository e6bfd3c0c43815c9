//! Reading input documents: JSON or YAML, from a file or standard input (`-`).
//!
//! Both parsers refuse deep nesting before it can exhaust the stack: `serde_json` stops at 128
//! levels (its recursion limit), `serde-saphyr` at [`MAX_DEPTH`] (its budget's `max_depth`, set
//! here explicitly), so no parsed value is deeper than the engine accepts (256 levels) and none
//! needs `concord_patch::json::drop_deep`.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, display_path};

/// The deepest nesting accepted: `serde_json`'s recursion limit, and the YAML parser's budget.
pub const MAX_DEPTH: usize = 128;

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
    let parse_error = |message: String| Error::Parse { name: name.to_owned(), message };
    if text.trim().is_empty() {
        return Err(parse_error("empty document".to_owned()));
    }
    let json_error = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    if is_too_deep(&json_error) {
        return Err(parse_error(format!("document nests too deeply (more than {MAX_DEPTH} levels)")));
    }
    let yaml = parse_yaml(text).map_err(|e| parse_error(format!("cannot start the YAML parser: {e}")))?;
    match yaml {
        Ok(value) => Ok(value),
        Err(yaml_error) if yaml_too_deep(&yaml_error) => {
            Err(parse_error(format!("document nests too deeply (more than {MAX_DEPTH} levels)")))
        }
        // Text that starts like JSON was most likely meant as JSON: show both parsers' errors.
        Err(yaml_error) if text.trim_start().starts_with(['{', '[']) => Err(parse_error(format!(
            "invalid JSON ({json_error}) and invalid YAML ({})",
            yaml_error.without_snippet()
        ))),
        Err(yaml_error) => Err(parse_error(format!("invalid YAML: {}", yaml_error.without_snippet()))),
    }
}

/// Stack for the YAML parser's thread. `serde-saphyr` takes about 16 KiB of stack per nesting
/// level in a debug build, so [`MAX_DEPTH`] levels need some 2 MiB: all of a test thread's or a
/// tokio worker's stack. Parsing on a thread of its own makes the limit safe on any caller's.
const YAML_STACK: usize = 16 << 20;

/// Parses YAML with a depth budget of [`MAX_DEPTH`], on a thread with a [`YAML_STACK`] stack.
fn parse_yaml(text: &str) -> std::io::Result<Result<Value, serde_saphyr::Error>> {
    let parse = move || {
        let mut options = serde_saphyr::Options::default();
        let mut budget = options.budget.take().unwrap_or_default();
        budget.max_depth = MAX_DEPTH;
        budget.flow_nesting_limit = MAX_DEPTH;
        options.budget = Some(budget);
        serde_saphyr::from_str_with_options::<Value>(text, options)
    };
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("yaml".into())
            .stack_size(YAML_STACK)
            .spawn_scoped(scope, parse)?;
        Ok(thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// Whether `serde-saphyr` gave up because the document nests deeper than [`MAX_DEPTH`].
fn yaml_too_deep(error: &serde_saphyr::Error) -> bool {
    let error = error.without_snippet();
    // The budget counts nesting; the parser's own cap on flow collections reports a recursion limit.
    matches!(
        error,
        serde_saphyr::Error::Budget { breach: serde_saphyr::budget::BudgetBreach::Depth { .. }, .. }
    ) || error.to_string().starts_with("recursion limit exceeded")
}

/// Whether `serde_json` gave up because the document nests deeper than its recursion limit.
pub fn is_too_deep(error: &serde_json::Error) -> bool {
    error.to_string().starts_with("recursion limit exceeded")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_and_yaml_both_parse() {
        assert_eq!(parse_document(r#"{"a": [1, "x"]}"#, "t").ok(), Some(json!({"a": [1, "x"]})));
        assert_eq!(parse_document("a:\n- 1\n- x\n", "t").ok(), Some(json!({"a": [1, "x"]})));
    }

    fn nested_yaml(depth: usize) -> String {
        (0..depth).map(|d| format!("{}a:\n", " ".repeat(d))).collect()
    }

    #[test]
    fn yaml_up_to_the_limit_parses_on_a_small_stack() {
        // Test threads have 2 MiB of stack, like tokio's workers.
        assert!(parse_document(&nested_yaml(MAX_DEPTH), "t").is_ok());
        assert!(parse_document(&nested_yaml(MAX_DEPTH + 1), "t").is_err());
    }

    #[test]
    fn deep_documents_are_refused_not_overflowing() {
        let n = 10_000;
        let json = format!("{}{}", "[".repeat(n), "]".repeat(n));
        let err = parse_document(&json, "deep.json").err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains("nests too deeply")), "{err:?}");

        let err = parse_document(&nested_yaml(n), "deep.yaml").err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains("nests too deeply")), "{err:?}");

        let flow = format!("{}1{}", "{a: ".repeat(n), "}".repeat(n));
        let err = parse_document(&flow, "flow.yaml").err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains("nests too deeply")), "{err:?}");

        let flow = format!("spec: {}1{}", "[".repeat(n), "]".repeat(n));
        let err = parse_document(&flow, "flow.yaml").err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains("nests too deeply")), "{err:?}");
    }
}
