//! Reading documents: JSON or YAML text into a value the engine accepts.
//!
//! Both parsers refuse deep nesting before it can exhaust the stack: `serde_json` stops at 128
//! levels (its recursion limit), `serde-saphyr` at [`MAX_DEPTH`] (its budget's `max_depth`, set
//! here explicitly), so no parsed value is deeper than the engine accepts (256 levels) and none
//! needs [`crate::json::drop_deep`]. The command line and the sandbox's request bodies share this.

use serde_json::Value;

/// The deepest nesting accepted: `serde_json`'s recursion limit, and the YAML parser's budget.
pub const MAX_DEPTH: usize = 128;

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Nothing but whitespace.
    #[error("empty document")]
    Empty,
    /// Nested deeper than [`MAX_DEPTH`].
    #[error("document nests too deeply (more than {MAX_DEPTH} levels)")]
    TooDeep,
    /// Text that starts like JSON but is neither JSON nor YAML.
    #[error("invalid JSON ({json}) and invalid YAML ({yaml})")]
    Neither {
        /// The JSON parser's error.
        json: String,
        /// The YAML parser's error.
        yaml: String,
    },
    /// Not YAML.
    #[error("invalid YAML: {0}")]
    Yaml(String),
    /// The parser's thread could not start.
    #[error("cannot start the YAML parser: {0}")]
    Thread(std::io::Error),
}

/// Parses a document: as JSON if it is JSON, otherwise as YAML (one document).
pub fn parse(text: &str) -> Result<Value, DocumentError> {
    if text.trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    let json_error = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    if is_too_deep(&json_error) {
        return Err(DocumentError::TooDeep);
    }
    match yaml(text) {
        // Text that starts like JSON was most likely meant as JSON: show both parsers' errors.
        Err(DocumentError::Yaml(yaml)) if text.trim_start().starts_with(['{', '[']) => {
            Err(DocumentError::Neither { json: json_error.to_string(), yaml })
        }
        other => other,
    }
}

/// Parses YAML (one document) with a depth budget of [`MAX_DEPTH`], on a thread with a
/// [`YAML_STACK`] stack, so that any caller's stack is safe.
pub fn parse_yaml(text: &str) -> Result<Value, DocumentError> {
    if text.trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    yaml(text)
}

/// Stack for the YAML parser's thread. `serde-saphyr` takes about 16 KiB of stack per nesting
/// level in a debug build, so [`MAX_DEPTH`] levels need some 2 MiB: all of a test thread's or a
/// tokio worker's stack.
const YAML_STACK: usize = 16 << 20;

fn yaml(text: &str) -> Result<Value, DocumentError> {
    let parse = move || {
        let mut options = serde_saphyr::Options::default();
        let mut budget = options.budget.take().unwrap_or_default();
        budget.max_depth = MAX_DEPTH;
        budget.flow_nesting_limit = MAX_DEPTH;
        options.budget = Some(budget);
        serde_saphyr::from_str_with_options::<Value>(text, options)
    };
    let result = std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("yaml".into())
            .stack_size(YAML_STACK)
            .spawn_scoped(scope, parse)
            .map_err(DocumentError::Thread)?;
        Ok(thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })?;
    result.map_err(|e| {
        if yaml_too_deep(&e) {
            DocumentError::TooDeep
        } else {
            DocumentError::Yaml(e.without_snippet().to_string())
        }
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
        assert_eq!(parse(r#"{"a": [1, "x"]}"#).ok(), Some(json!({"a": [1, "x"]})));
        assert_eq!(parse("a:\n- 1\n- x\n").ok(), Some(json!({"a": [1, "x"]})));
    }

    fn nested_yaml(depth: usize) -> String {
        (0..depth).map(|d| format!("{}a:\n", " ".repeat(d))).collect()
    }

    #[test]
    fn yaml_up_to_the_limit_parses_on_a_small_stack() {
        // Test threads have 2 MiB of stack, like tokio's workers.
        assert!(parse(&nested_yaml(MAX_DEPTH)).is_ok());
        assert!(parse(&nested_yaml(MAX_DEPTH + 1)).is_err());
    }

    #[test]
    fn deep_documents_are_refused_not_overflowing() {
        let n = 10_000;
        let too_deep = |r: Result<Value, DocumentError>| matches!(r, Err(DocumentError::TooDeep));
        assert!(too_deep(parse(&format!("{}{}", "[".repeat(n), "]".repeat(n)))));
        assert!(too_deep(parse(&nested_yaml(n))));
        assert!(too_deep(parse(&format!("{}1{}", "{a: ".repeat(n), "}".repeat(n)))));
        assert!(too_deep(parse(&format!("spec: {}1{}", "[".repeat(n), "]".repeat(n)))));
        assert!(too_deep(parse_yaml(&nested_yaml(n))));
    }

    #[test]
    fn errors_say_which_parser_failed() {
        assert!(matches!(parse("{\"a\": [}"), Err(DocumentError::Neither { .. })));
        assert!(matches!(parse("a: [\n"), Err(DocumentError::Yaml(_))));
        assert!(matches!(parse("  \n"), Err(DocumentError::Empty)));
    }
}
