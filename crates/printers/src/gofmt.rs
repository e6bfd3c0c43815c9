//! Go's text forms of JSON values, which custom resource columns of type `string` show:
//! `fmt.Print` of scalars and `encoding/json.Marshal` of objects and arrays.

use serde_json::{Number, Value};

/// Deeper values are not printed (the cell is null); kube objects never come close.
const MAX_DEPTH: usize = 256;

/// A finite float as shortest round-trip decimal digits and a decimal point position:
/// `value = 0.DIGITS × 10^point`.
struct Digits {
    negative: bool,
    digits: String,
    point: i32,
}

fn shortest(f: f64) -> Digits {
    // Rust's `{:e}` is the shortest representation that reads back exactly, as Go's
    // `strconv.FormatFloat(f, _, -1, 64)` uses.
    let text = format!("{:e}", f.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    Digits { negative: f.is_sign_negative(), digits: mantissa.replace('.', ""), point: exponent + 1 }
}

impl Digits {
    /// `%e` with all digits: `d.ddde±XX` (at least two exponent digits).
    fn exponential(&self) -> String {
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        let (first, rest) = self.digits.split_at(1.min(self.digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let exponent = self.point - 1;
        let sign = if exponent < 0 { '-' } else { '+' };
        out.push_str(&format!("e{sign}{:02}", exponent.unsigned_abs()));
        out
    }

    /// `%f` with exactly the digits needed.
    fn fixed(&self) -> String {
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        let len = self.digits.len() as i32;
        if self.point <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat(self.point.unsigned_abs() as usize));
            out.push_str(&self.digits);
        } else if self.point >= len {
            out.push_str(&self.digits);
            out.push_str(&"0".repeat((self.point - len) as usize));
        } else {
            let (int, frac) = self.digits.split_at(self.point as usize);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
        out
    }
}

/// `fmt.Sprint(float64)`: `%g` with the shortest digits, exponent form below 1e-4 and from
/// 1e+06 on (`1e+06`, `1.5e-05`, `123456`).
pub(crate) fn format_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    let d = shortest(f);
    let exponent = d.point - 1;
    if !(-4..6).contains(&exponent) { d.exponential() } else { d.fixed() }
}

/// A float as `encoding/json` writes it: fixed notation from 1e-6 to below 1e21, else
/// exponent form without a leading zero in the exponent (`1e-7`, `1e+21`).
fn json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut text = shortest(f).exponential();
        if let Some(pos) = text.rfind("e-0") {
            text.remove(pos + 2);
        } else if let Some(pos) = text.rfind("e+0") {
            text.remove(pos + 2);
        }
        return text;
    }
    if f == 0.0 {
        return "0".to_owned();
    }
    shortest(f).fixed()
}

/// A JSON number as Go holds it after decoding into `interface{}` with kube's unstructured
/// converter: an `int64` when it is one, else a `float64`.
pub(crate) enum GoNumber {
    Int(i64),
    Float(f64),
}

pub(crate) fn go_number(n: &Number) -> GoNumber {
    match n.as_i64() {
        Some(i) => GoNumber::Int(i),
        None => GoNumber::Float(n.as_f64().unwrap_or(0.0)),
    }
}

/// client-go JSONPath's text of one result: `fmt.Sprint` of a scalar (`<no value>` for null,
/// as Go templates print a nil interface), `json.Marshal` of an object or array.
pub(crate) fn print_text(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => "<no value>".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match go_number(n) {
            GoNumber::Int(i) => i.to_string(),
            GoNumber::Float(f) => format_float(f),
        },
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => return marshal(v),
    })
}

/// `encoding/json.Marshal` of a decoded value: compact, object keys sorted, `<`, `>`, `&`,
/// U+2028 and U+2029 escaped. `None` past [`MAX_DEPTH`].
fn marshal(v: &Value) -> Option<String> {
    let mut out = String::new();
    write_value(&mut out, v, 0)?;
    Some(out)
}

fn write_value(out: &mut String, v: &Value, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match go_number(n) {
            GoNumber::Int(i) => out.push_str(&i.to_string()),
            GoNumber::Float(f) => out.push_str(&json_float(f)),
        },
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item, depth + 1)?;
            }
            out.push('}');
        }
    }
    Some(())
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
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
    fn floats_print_like_go() {
        for (f, want) in [
            (1.5, "1.5"),
            (100000.0, "100000"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (1e100, "1e+100"),
            (0.1 + 0.2, "0.30000000000000004"),
            (0.0, "0"),
        ] {
            assert_eq!(format_float(f), want, "{f}");
        }
    }

    #[test]
    fn json_marshals_like_go() {
        let v = json!({"b": [1, 2.5, 1e-7, 1e21, 3e20, null, true], "a": "<&>\u{2028}\"\\\n\u{1}", "é": {}});
        assert_eq!(
            marshal(&v).unwrap(),
            r#"{"a":"\u003c\u0026\u003e\u2028\"\\\n\u0001","b":[1,2.5,1e-7,1e+21,300000000000000000000,null,true],"é":{}}"#
        );
    }

    #[test]
    fn deep_values_are_refused() {
        let mut v = json!(1);
        for _ in 0..300 {
            v = json!([v]);
        }
        assert_eq!(print_text(&v), None);
    }
}
