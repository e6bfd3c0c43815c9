//! `concord patch --lines`: one JSON request per line on standard input, one JSON answer per
//! line on standard output, in order. A bad line gets an error answer and the next line is read.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use concord_patch::merge3::Side;
use serde::Deserialize;
use serde_json::{Map, Value};

use concord_patch::PatchType;

use super::ops::{self, CreateRequest, SchemaSource};
use crate::error::{Error, one_line};
use concord_patch::document::is_too_deep;

/// One request. Which documents are required depends on `op`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Request {
    op: Op,
    #[serde(rename = "type")]
    patch_type: Option<PatchType>,
    /// Echoed in the answer; read from the raw line so that even a malformed request gets it.
    #[serde(default)]
    #[allow(dead_code)]
    id: Option<Value>,
    openapi: Option<Value>,
    crd: Option<Value>,
    /// `<apiVersion>/<Kind>` whose metadata applies, if not the documents' own.
    kind: Option<String>,
    original: Option<Value>,
    modified: Option<Value>,
    current: Option<Value>,
    #[serde(default)]
    overwrite: bool,
    #[serde(default)]
    test_preconditions: bool,
    object: Option<Value>,
    patch: Option<Value>,
    base: Option<Value>,
    theirs: Option<Value>,
    mine: Option<Value>,
    #[serde(default)]
    resolutions: Vec<Resolution>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Op {
    Create,
    Apply,
    Merge3,
}

/// A conflict resolution: the conflict's path and the side to take.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Resolution {
    path: String,
    take: Side,
}

/// Answers every line of `input` on `output` until the end of input.
pub fn run(mut input: impl BufRead, mut output: impl Write) -> Result<ExitCode, Error> {
    let mut line = Vec::new();
    loop {
        line.clear();
        let read =
            input.read_until(b'\n', &mut line).map_err(|source| Error::Read { path: "-".into(), source })?;
        if read == 0 {
            return Ok(ExitCode::SUCCESS);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let answer = answer(&line);
        let text = serde_json::to_string(&answer).map_err(Error::Encode)?;
        writeln!(output, "{text}").and_then(|()| output.flush()).map_err(Error::Output)?;
    }
}

/// The answer to one line: `{"id"?, "ok": true, "result"}` or `{"id"?, "ok": false, "error"}`.
fn answer(line: &[u8]) -> Value {
    let mut answer = Map::new();
    let result = match serde_json::from_slice::<Value>(line) {
        Ok(request) => {
            if let Some(id) = request.get("id") {
                answer.insert("id".into(), id.clone());
            }
            Request::deserialize(request)
                .map_err(|e| Error::Usage(format!("invalid request: {e}")))
                .and_then(handle)
        }
        Err(e) if is_too_deep(&e) => Err(Error::Usage(format!("request nests too deeply ({e})"))),
        Err(e) => Err(Error::Usage(format!("invalid JSON: {e}"))),
    };
    match result {
        Ok(result) => {
            answer.insert("ok".into(), Value::Bool(true));
            answer.insert("result".into(), result);
        }
        Err(e) => {
            answer.insert("ok".into(), Value::Bool(false));
            answer.insert("error".into(), Value::String(one_line(&e.to_string())));
        }
    }
    Value::Object(answer)
}

/// Carries out one request.
fn handle(request: Request) -> Result<Value, Error> {
    let mut sources = Vec::new();
    if let Some(doc) = request.openapi {
        sources.push(SchemaSource::OpenApi("openapi".into(), doc));
    }
    if let Some(crd) = request.crd {
        sources.push(SchemaSource::Crd("crd".into(), crd));
    }
    let schema = ops::schema(sources)?;
    let kind = request.kind.as_deref().map(ops::parse_kind).transpose().map_err(Error::Usage)?;
    let kind = kind.as_ref();
    let op = request.op;
    let need = |field: Option<Value>, name: &str| {
        field.ok_or_else(|| Error::Usage(format!("invalid request: {} needs {name:?}", op_name(op))))
    };
    let patch_type = || {
        request
            .patch_type
            .ok_or_else(|| Error::Usage(format!("invalid request: {} needs \"type\"", op_name(op))))
    };
    match op {
        Op::Create => {
            let patch_type = patch_type()?;
            let original = need(request.original, "original")?;
            let modified = need(request.modified, "modified")?;
            ops::create(
                &CreateRequest {
                    patch_type,
                    original: &original,
                    modified: &modified,
                    current: request.current.as_ref(),
                    overwrite: request.overwrite,
                    test_preconditions: request.test_preconditions,
                    kind,
                },
                &schema,
            )
        }
        Op::Apply => {
            let patch_type = patch_type()?;
            let object = need(request.object, "object")?;
            let patch = need(request.patch, "patch")?;
            ops::apply(patch_type, &object, &patch, &schema, kind)
        }
        Op::Merge3 => {
            let base = need(request.base, "base")?;
            let theirs = need(request.theirs, "theirs")?;
            let mine = need(request.mine, "mine")?;
            let resolutions: Vec<(String, Side)> =
                request.resolutions.into_iter().map(|r| (r.path, r.take)).collect();
            Ok(ops::merge3(&base, &theirs, &mine, &resolutions, &schema, kind)?.json)
        }
    }
}

fn op_name(op: Op) -> &'static str {
    match op {
        Op::Create => "create",
        Op::Apply => "apply",
        Op::Merge3 => "merge3",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run_lines(input: &str) -> Vec<Value> {
        let mut out = Vec::new();
        assert!(run(input.as_bytes(), &mut out).is_ok());
        String::from_utf8_lossy(&out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad answer {l:?}: {e}")))
            .collect()
    }

    #[test]
    fn answers_each_line_in_order_and_echoes_ids() {
        let answers = run_lines(concat!(
            r#"{"id":1,"op":"apply","type":"merge","object":{"a":1},"patch":{"b":2}}"#,
            "\n\nnot json\n",
            r#"{"id":"x","op":"frob"}"#,
            "\n",
            r#"{"op":"create","type":"merge","original":{"a":1},"modified":{}}"#,
        ));
        assert_eq!(answers.len(), 4);
        assert_eq!(answers[0], json!({"id": 1, "ok": true, "result": {"a": 1, "b": 2}}));
        assert_eq!(answers[1]["ok"], json!(false));
        assert_eq!(answers[2]["id"], json!("x"));
        assert_eq!(answers[2]["ok"], json!(false));
        assert_eq!(answers[3], json!({"ok": true, "result": {"a": null}}));
    }
}
