//! Field paths: how structured-merge-diff names one field, list element or set value of an
//! object, in its three spellings: the `fieldsV1` key (`f:name`, `k:{"name":"nginx"}`, `v:"a"`,
//! `i:0`), the human form of conflict messages (`.spec.containers[name="nginx"].image`), and
//! the order in which `fieldsV1` lists them.

use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;

use crate::value;

/// One step into a value.
#[derive(Clone, Debug)]
pub enum PathElement {
    /// A field of a struct or a key of a map (`f:<name>`, `.name`).
    Field(String),
    /// The element of a keyed list whose key fields have these values, sorted by field name
    /// (`k:{"containerPort":80,"protocol":"TCP"}`, `[containerPort=80,protocol="TCP"]`).
    Key(Vec<(String, Value)>),
    /// The element of a set with this value (`v:"a"`, `[="a"]`).
    Value(Value),
    /// The element of a list at this position (`i:0`, `[0]`).
    Index(usize),
}

impl PathElement {
    fn rank(&self) -> u8 {
        match self {
            PathElement::Field(_) => 0,
            PathElement::Key(_) => 1,
            PathElement::Value(_) => 2,
            PathElement::Index(_) => 3,
        }
    }

    /// The `fieldsV1` key of this element.
    pub fn to_fields_key(&self) -> String {
        match self {
            PathElement::Field(name) => format!("f:{name}"),
            PathElement::Key(fields) => {
                let mut out = String::from("k:{");
                for (i, (name, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&value::go_json(&Value::String(name.clone())));
                    out.push(':');
                    out.push_str(&value::go_json(v));
                }
                out.push('}');
                out
            }
            PathElement::Value(v) => format!("v:{}", value::go_json(v)),
            PathElement::Index(i) => format!("i:{i}"),
        }
    }

    /// Parses a `fieldsV1` key. `Ok(None)` for a key of a kind this version does not know
    /// (structured-merge-diff drops those rather than fail).
    pub fn from_fields_key(key: &str) -> Result<Option<PathElement>, String> {
        let (kind, rest) = match (key.get(..1), key.get(1..2), key.get(2..)) {
            (Some(kind), Some(":"), Some(rest)) => (kind, rest),
            _ if key.len() < 2 => return Err(format!("key must be 2 characters long: {key}")),
            _ => return Err(format!("missing colon: {key}")),
        };
        let element = match kind {
            "f" => PathElement::Field(rest.to_owned()),
            "v" => PathElement::Value(
                serde_json::from_str(rest).map_err(|e| format!("parsing key as path element: {e}"))?,
            ),
            "k" => {
                let object: serde_json::Map<String, Value> =
                    serde_json::from_str(rest).map_err(|e| format!("parsing key as path element: {e}"))?;
                let mut fields: Vec<(String, Value)> = object.into_iter().collect();
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                PathElement::Key(fields)
            }
            "i" => PathElement::Index(rest.parse().map_err(|e| format!("parsing key as path element: {e}"))?),
            _ => return Ok(None),
        };
        Ok(Some(element))
    }
}

impl Ord for PathElement {
    /// Fields, then keys, then set values, then indices; within a kind by name, key fields,
    /// value or position (structured-merge-diff's `PathElement.Compare`).
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PathElement::Field(a), PathElement::Field(b)) => a.cmp(b),
            (PathElement::Key(a), PathElement::Key(b)) => {
                for ((an, av), (bn, bv)) in a.iter().zip(b) {
                    let c = an.cmp(bn).then_with(|| value::cmp(av, bv));
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                a.len().cmp(&b.len())
            }
            (PathElement::Value(a), PathElement::Value(b)) => value::cmp(a, b),
            (PathElement::Index(a), PathElement::Index(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for PathElement {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PathElement {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PathElement {}

impl fmt::Display for PathElement {
    /// The form of conflict messages: `.name`, `[name="nginx"]`, `[="a"]`, `[0]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Field(name) => write!(f, ".{name}"),
            PathElement::Key(fields) => {
                f.write_str("[")?;
                for (i, (name, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{name}={}", value::to_display(v))?;
                }
                f.write_str("]")
            }
            PathElement::Value(v) => write!(f, "[={}]", value::to_display(v)),
            PathElement::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path from the object's root, e.g. `.spec.template.spec.containers[name="nginx"].image`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Path(pub Vec<PathElement>);

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|element| write!(f, "{element}"))
    }
}

impl Path {
    /// The path of dotted struct field names, e.g. `metadata.labels`.
    pub fn fields(dotted: &str) -> Path {
        Path(dotted.split('.').filter(|s| !s.is_empty()).map(|s| PathElement::Field(s.to_owned())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(fields: &[(&str, Value)]) -> PathElement {
        PathElement::Key(fields.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect())
    }

    #[test]
    fn fields_keys_round_trip() {
        let elements = [
            PathElement::Field("kubectl.kubernetes.io/last-applied-configuration".into()),
            key(&[("containerPort", json!(80)), ("protocol", json!("TCP"))]),
            PathElement::Value(json!("a<b")),
            PathElement::Value(json!(3)),
            PathElement::Index(4),
        ];
        let keys: Vec<String> = elements.iter().map(PathElement::to_fields_key).collect();
        assert_eq!(
            keys,
            [
                "f:kubectl.kubernetes.io/last-applied-configuration",
                r#"k:{"containerPort":80,"protocol":"TCP"}"#,
                r#"v:"a\u003cb""#,
                "v:3",
                "i:4"
            ]
        );
        for (element, key) in elements.iter().zip(&keys) {
            assert_eq!(PathElement::from_fields_key(key).unwrap().as_ref(), Some(element));
        }
    }

    #[test]
    fn key_fields_are_sorted_when_parsed() {
        let parsed = PathElement::from_fields_key(r#"k:{"protocol":"TCP","port":443}"#).unwrap();
        assert_eq!(parsed, Some(key(&[("port", json!(443)), ("protocol", json!("TCP"))])));
    }

    #[test]
    fn unknown_and_malformed_keys() {
        assert_eq!(PathElement::from_fields_key("r:x").unwrap(), None);
        assert!(PathElement::from_fields_key("f").is_err());
        assert!(PathElement::from_fields_key("fx").is_err());
        assert!(PathElement::from_fields_key("k:{oops").is_err());
        assert!(PathElement::from_fields_key("i:-1").is_err());
    }

    #[test]
    fn order_is_fields_keys_values_indices() {
        let mut elements = [
            PathElement::Index(1),
            PathElement::Value(json!(true)),
            PathElement::Value(json!(1)),
            key(&[("name", json!("second"))]),
            key(&[("name", json!("first"))]),
            PathElement::Field("b".into()),
            PathElement::Field("a".into()),
        ];
        elements.sort();
        let keys: Vec<String> = elements.iter().map(PathElement::to_fields_key).collect();
        assert_eq!(
            keys,
            ["f:a", "f:b", r#"k:{"name":"first"}"#, r#"k:{"name":"second"}"#, "v:1", "v:true", "i:1"]
        );
    }

    #[test]
    fn display_is_kube_path_form() {
        let path = Path(vec![
            PathElement::Field("spec".into()),
            PathElement::Field("containers".into()),
            key(&[("name", json!("nginx"))]),
            PathElement::Field("image".into()),
        ]);
        assert_eq!(path.to_string(), r#".spec.containers[name="nginx"].image"#);
        assert_eq!(
            Path(vec![PathElement::Field("finalizers".into()), PathElement::Value(json!("a"))]).to_string(),
            r#".finalizers[="a"]"#
        );
        assert_eq!(Path::fields("metadata.labels").to_string(), ".metadata.labels");
    }
}
