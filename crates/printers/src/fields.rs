//! Reading fields of user-supplied objects the way Go decodes them into typed structs: a missing
//! field, `null` or a value of the wrong JSON type reads as the Go zero value (`""`, `0`, empty
//! list, nil pointer), so no input can make a printer fail.

use serde_json::{Map, Value};

use crate::time::Instant;

/// A view of one JSON value with typed, never-failing accessors.
#[derive(Clone, Copy)]
pub(crate) struct Obj<'a>(pub(crate) Option<&'a Value>);

static EMPTY: Vec<Value> = Vec::new();

impl<'a> Obj<'a> {
    pub(crate) fn new(v: &'a Value) -> Obj<'a> {
        Obj(Some(v))
    }

    /// The value at a dotted path of object keys.
    pub(crate) fn at(self, path: &str) -> Obj<'a> {
        path.split('.').fold(self, |cur, key| cur.get(key))
    }

    /// The value under one key (keys may contain dots, like label names).
    pub(crate) fn get(self, key: &str) -> Obj<'a> {
        Obj(self.0.and_then(Value::as_object).and_then(|m| m.get(key)))
    }

    /// A Go pointer field: set unless missing or `null` (a wrong type counts as set, since kube
    /// would have refused to store it; printers only look inside with the other accessors).
    pub(crate) fn is_set(self) -> bool {
        self.0.is_some_and(|v| !v.is_null())
    }

    pub(crate) fn str(self) -> &'a str {
        self.0.and_then(Value::as_str).unwrap_or("")
    }

    /// A string that is present (Go's `*string` non-nil).
    pub(crate) fn opt_str(self) -> Option<&'a str> {
        self.0.and_then(Value::as_str)
    }

    /// An integer; fractions and out-of-range numbers read as 0, like a failed decode.
    pub(crate) fn int(self) -> i64 {
        self.opt_int().unwrap_or(0)
    }

    /// An integer that is present (Go's `*int32` non-nil).
    pub(crate) fn opt_int(self) -> Option<i64> {
        let n = self.0?.as_number()?;
        n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
    }

    pub(crate) fn bool(self) -> bool {
        self.opt_bool().unwrap_or(false)
    }

    pub(crate) fn opt_bool(self) -> Option<bool> {
        self.0.and_then(Value::as_bool)
    }

    pub(crate) fn items(self) -> impl DoubleEndedIterator<Item = Obj<'a>> + ExactSizeIterator {
        self.0.and_then(Value::as_array).unwrap_or(&EMPTY).iter().map(Obj::new)
    }

    pub(crate) fn len(self) -> usize {
        self.items().len()
    }

    /// Key/value pairs of an object (a Go map), in document order.
    pub(crate) fn entries(self) -> impl Iterator<Item = (&'a str, Obj<'a>)> {
        self.0
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(Map::iter)
            .map(|(k, v)| (k.as_str(), Obj::new(v)))
    }

    pub(crate) fn map_len(self) -> usize {
        self.0.and_then(Value::as_object).map_or(0, Map::len)
    }

    /// A `metav1.Time`: zero when missing, `null` or not a valid timestamp.
    pub(crate) fn time(self) -> Instant {
        self.opt_time().unwrap_or(Instant::ZERO)
    }

    /// A `*metav1.Time`: `None` when missing, `null` or not a valid timestamp.
    pub(crate) fn opt_time(self) -> Option<Instant> {
        self.opt_str().and_then(Instant::parse_rfc3339)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_types_read_as_zero_values() {
        let v = json!({"a": {"b": 3, "s": "x", "f": 2.0, "g": 2.5, "n": null, "l": [1, 2]}});
        let o = Obj::new(&v);
        assert_eq!(o.at("a.b").int(), 3);
        assert_eq!(o.at("a.f").int(), 2);
        assert_eq!(o.at("a.g").int(), 0);
        assert_eq!(o.at("a.s").int(), 0);
        assert_eq!(o.at("a.b").str(), "");
        assert_eq!(o.at("a.s").str(), "x");
        assert_eq!(o.at("a.l").len(), 2);
        assert_eq!(o.at("a.s").len(), 0);
        assert_eq!(o.at("a.s.deeper.still").str(), "");
        assert!(!o.at("a.n").is_set());
        assert!(!o.at("a.missing").is_set());
        assert!(o.at("a.l").is_set());
        assert_eq!(o.at("a").map_len(), 6);
        assert_eq!(o.at("a.l").map_len(), 0);
    }
}
