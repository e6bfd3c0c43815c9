//! JSON values as structured-merge-diff sees them: a total order, numeric equality across
//! integers and floats, and the text forms kube-apiserver prints (Go's `encoding/json` output
//! and the `value.ToString` form used in field paths).

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// Orders values as structured-merge-diff's `value.Compare` does: numbers (integers and floats
/// compared numerically) before strings, booleans, lists, maps and null.
pub(crate) fn cmp(lhs: &Value, rhs: &Value) -> Ordering {
    match (lhs, rhs) {
        (Value::Number(l), Value::Number(r)) => cmp_numbers(l, r),
        (Value::String(l), Value::String(r)) => l.cmp(r),
        (Value::Bool(l), Value::Bool(r)) => l.cmp(r),
        (Value::Array(l), Value::Array(r)) => {
            for (l, r) in l.iter().zip(r) {
                let c = cmp(l, r);
                if c != Ordering::Equal {
                    return c;
                }
            }
            l.len().cmp(&r.len())
        }
        (Value::Object(l), Value::Object(r)) => cmp_maps(l, r),
        (Value::Null, Value::Null) => Ordering::Equal,
        _ => rank(lhs).cmp(&rank(rhs)),
    }
}

/// Whether two values are equal for structured-merge-diff: `1` equals `1.0`, map order does
/// not matter.
pub(crate) fn eq(lhs: &Value, rhs: &Value) -> bool {
    cmp(lhs, rhs) == Ordering::Equal
}

fn rank(value: &Value) -> u8 {
    match value {
        Value::Number(_) => 0,
        Value::String(_) => 1,
        Value::Bool(_) => 2,
        Value::Array(_) => 3,
        Value::Object(_) => 4,
        Value::Null => 5,
    }
}

fn cmp_numbers(l: &Number, r: &Number) -> Ordering {
    match (integer(l), integer(r)) {
        (Some(l), Some(r)) => l.cmp(&r),
        _ => {
            let (l, r) = (l.as_f64().unwrap_or(0.0), r.as_f64().unwrap_or(0.0));
            l.partial_cmp(&r).unwrap_or(Ordering::Equal)
        }
    }
}

fn integer(n: &Number) -> Option<i128> {
    n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from))
}

/// Lexical comparison over the sorted union of keys, as `value.MapCompare`.
fn cmp_maps(l: &Map<String, Value>, r: &Map<String, Value>) -> Ordering {
    let mut keys: Vec<&String> = l.keys().chain(r.keys()).collect();
    keys.sort_unstable();
    keys.dedup();
    for (i, key) in keys.into_iter().enumerate() {
        let c = if i == l.len() {
            Ordering::Less
        } else if i == r.len() {
            Ordering::Greater
        } else {
            match (l.get(key), r.get(key)) {
                (None, _) => Ordering::Greater,
                (_, None) => Ordering::Less,
                (Some(lv), Some(rv)) => cmp(lv, rv),
            }
        };
        if c != Ordering::Equal {
            return c;
        }
    }
    Ordering::Equal
}

/// Encodes a value as Go's `encoding/json` does for unstructured objects: compact, map keys
/// sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. This is the form of kube-apiserver's
/// `last-applied-configuration` annotation and of the key and value parts of `fieldsV1` keys.
pub(crate) fn go_json(value: &Value) -> String {
    let mut out = String::new();
    write_go_json(&mut out, value);
    out
}

fn write_go_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_go_number(out, n),
        Value::String(s) => write_go_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(out, key);
                out.push(':');
                write_go_json(out, item);
            }
            out.push('}');
        }
    }
}

/// Go prints a float64 in the shortest form that reads back exactly, without an exponent
/// unless it is below 1e-6 or at least 1e21 (then `1e+21`, `1e-7`).
fn write_go_number(out: &mut String, n: &Number) {
    if let Some(i) = integer(n) {
        let _ = write!(out, "{i}");
        return;
    }
    let f = n.as_f64().unwrap_or(0.0);
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        match text.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => {
                let _ = write!(out, "{mantissa}e+{exp}");
            }
            _ => out.push_str(&text),
        }
    } else {
        let _ = write!(out, "{f}");
    }
}

fn write_go_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The human-readable form structured-merge-diff uses inside field paths (`value.ToString`):
/// strings quoted as Go's `%q`, numbers and booleans bare, `null`.
pub(crate) fn to_display(value: &Value) -> String {
    let mut out = String::new();
    write_display(&mut out, value);
    out
}

fn write_display(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match integer(n) {
            Some(i) => {
                let _ = write!(out, "{i}");
            }
            None => write_go_number(out, n),
        },
        Value::String(s) => go_quote(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_display(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{key}=");
                write_display(out, item);
            }
            out.push('}');
        }
    }
}

/// Go's `%q` for the strings that occur in objects: printable characters as they are, the usual
/// backslash escapes, and `\x`/`\u` escapes for the rest.
fn go_quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_before_strings_before_bools_before_null() {
        let mut values = vec![
            json!(null),
            json!(true),
            json!("b"),
            json!(2),
            json!("a"),
            json!(1.5),
            json!({}),
            json!([]),
        ];
        values.sort_by(cmp);
        assert_eq!(
            values,
            vec![
                json!(1.5),
                json!(2),
                json!("a"),
                json!("b"),
                json!(true),
                json!([]),
                json!({}),
                json!(null)
            ]
        );
    }

    #[test]
    fn integers_equal_floats_of_the_same_value() {
        assert!(eq(&json!(1), &json!(1.0)));
        assert!(!eq(&json!(1), &json!("1")));
        assert!(eq(&json!({"a": 1, "b": [1, 2]}), &json!({"b": [1, 2.0], "a": 1})));
        assert!(!eq(&json!({"a": 1}), &json!({"a": 1, "b": 1})));
        assert_eq!(cmp(&json!({"a": 1}), &json!({"a": 1, "b": 1})), Ordering::Less);
        assert_eq!(cmp(&json!([1]), &json!([1, 0])), Ordering::Less);
    }

    #[test]
    fn go_json_sorts_keys_and_escapes_html() {
        let value = json!({"b": "<x & y>", "a": [1, 2.5, true, null], "c": {"z": 1, "y": "\u{2028}\n"}});
        assert_eq!(
            go_json(&value),
            r#"{"a":[1,2.5,true,null],"b":"\u003cx \u0026 y\u003e","c":{"y":"\u2028\n","z":1}}"#
        );
        assert_eq!(go_json(&json!(1e21)), "1e+21");
        assert_eq!(go_json(&json!(1e-7)), "1e-7");
        assert_eq!(go_json(&json!(100.5)), "100.5");
    }

    #[test]
    fn display_quotes_strings_like_go() {
        assert_eq!(to_display(&json!("nginx")), "\"nginx\"");
        assert_eq!(to_display(&json!("a\"b\u{1}")), "\"a\\\"b\\x01\"");
        assert_eq!(to_display(&json!(80)), "80");
        assert_eq!(to_display(&json!(true)), "true");
    }
}
