//! Custom resources: the columns of a CRD version's `additionalPrinterColumns`, as the
//! apiextensions-apiserver's table convertor prints them.

use std::borrow::Cow;
use std::time::SystemTime;

use serde_json::{Number, Value};

use crate::descriptions as d;
use crate::fields::Obj;
use crate::gofmt::{GoNumber, go_number, print_text};
use crate::jsonpath::JsonPath;
use crate::time::{Instant, age};
use crate::{Column, Printer, PrinterError};

struct CrdPrinter {
    columns: Vec<Column>,
    /// One per column after `Name`.
    paths: Vec<JsonPath>,
}

/// The printer of a custom resource version from its `additionalPrinterColumns` (the JSON
/// array of a CRD version). Columns follow an implicit `Name`; a version without columns gets
/// kube's default `Age` column (a `date` at `.metadata.creationTimestamp`).
///
/// Cells are as kube sends them: `date` columns as an age (`5m`, `<unknown>`, `<invalid>`),
/// `integer`, `number` and `boolean` columns as JSON values of that type, `string` columns as
/// text (objects and arrays as compact JSON), and null where the path finds nothing, finds a
/// value of another type, or fails to evaluate. Only a path's first result is shown.
pub fn for_crd_columns(columns: &[Value]) -> Result<Box<dyn Printer>, PrinterError> {
    let mut printer = CrdPrinter {
        columns: vec![Column {
            name: Cow::Borrowed("Name"),
            type_: Cow::Borrowed("string"),
            format: Cow::Borrowed("name"),
            description: Cow::Borrowed(d::OBJECT_META_NAME),
            priority: 0,
        }],
        paths: Vec::new(),
    };
    if columns.is_empty() {
        printer.columns.push(Column {
            name: Cow::Borrowed("Age"),
            type_: Cow::Borrowed("date"),
            format: Cow::Borrowed(""),
            description: Cow::Borrowed(d::OBJECT_META_CREATION_TIMESTAMP),
            priority: 0,
        });
        printer.paths.push(JsonPath::parse(".metadata.creationTimestamp").map_err(|e| {
            PrinterError::InvalidJsonPath {
                index: 0,
                path: ".metadata.creationTimestamp".to_owned(),
                reason: e.0,
            }
        })?);
    }
    for (index, column) in columns.iter().enumerate() {
        let invalid = |reason: &str| PrinterError::InvalidColumn { index, reason: reason.to_owned() };
        let c = Obj::new(column);
        let field =
            |key: &str| c.get(key).opt_str().ok_or_else(|| invalid(&format!("{key} must be a string")));
        let (name, type_, path) = (field("name")?, field("type")?, field("jsonPath")?);
        let format = c.get("format").str();
        let priority = match c.get("priority") {
            p if !p.is_set() => 0,
            p => p
                .opt_int()
                .and_then(|p| i32::try_from(p).ok())
                .ok_or_else(|| invalid("priority must be a 32-bit integer"))?,
        };
        let parsed = JsonPath::parse(path).map_err(|e| PrinterError::InvalidJsonPath {
            index,
            path: path.to_owned(),
            reason: e.0,
        })?;
        let description = match c.get("description").str() {
            "" => format!("Custom resource definition column (in JSONPath format): {path}"),
            text => text.to_owned(),
        };
        printer.columns.push(Column {
            name: Cow::Owned(name.to_owned()),
            type_: Cow::Owned(type_.to_owned()),
            format: Cow::Owned(format.to_owned()),
            description: Cow::Owned(description),
            priority,
        });
        printer.paths.push(parsed);
    }
    Ok(Box::new(printer))
}

impl Printer for CrdPrinter {
    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn cells(&self, object: &Value, now: SystemTime) -> Vec<Value> {
        let now = Instant::from_system_time(now);
        let mut cells = Vec::with_capacity(self.columns.len());
        cells.push(Value::String(Obj::new(object).at("metadata.name").str().to_owned()));
        for (column, path) in self.columns.iter().skip(1).zip(&self.paths) {
            let cell = path.first(object).map_or(Value::Null, |value| cell(&column.type_, &value, now));
            cells.push(cell);
        }
        cells
    }
}

/// `cellForJSONValue`, and the text of `string` columns.
fn cell(type_: &str, value: &Value, now: Instant) -> Value {
    match (type_, value) {
        ("string", _) => print_text(value).map_or(Value::Null, Value::String),
        (_, Value::Null) => Value::Null,
        ("integer", Value::Number(n)) => Value::from(match go_number(n) {
            GoNumber::Int(i) => i,
            GoNumber::Float(f) => f as i64,
        }),
        ("number", Value::Number(n)) => number_cell(match go_number(n) {
            GoNumber::Int(i) => i as f64,
            GoNumber::Float(f) => f,
        }),
        ("boolean", Value::Bool(b)) => Value::Bool(*b),
        ("date", Value::String(s)) => Value::String(date_cell(s, now)),
        _ => Value::Null,
    }
}

/// A `float64` cell: Go's JSON encoder writes integral floats without a fraction (`3`), so
/// those go out as integers.
fn number_cell(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        Value::from(f as i64)
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// A `date` column: the age of an RFC 3339 timestamp; `<unknown>` for an empty or `null`
/// string, `<invalid>` for anything else.
fn date_cell(s: &str, now: Instant) -> String {
    if s.is_empty() || s == "null" {
        return "<unknown>".to_owned();
    }
    match Instant::parse_rfc3339(s) {
        Some(t) => age(t, now),
        None => "<invalid>".to_owned(),
    }
}
