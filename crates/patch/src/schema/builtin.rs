//! The crate's own patch metadata for the built-in kinds, so that the sandbox and a cluster whose
//! OpenAPI document is unavailable still get strategic merge patch and the editor merge right.
//!
//! The data is a hand-maintained text table, `builtin.table` (its header describes the format),
//! compiled into the binary and parsed once. `tests/builtin_table.rs` checks it against the
//! upstream Kubernetes OpenAPI documents in both directions, so a Kubernetes upgrade that adds or
//! changes an annotation shows up as a failing test listing exactly what to edit.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::{Gvk, ListType, Meta, ObjectType, Schema, Shape};

/// The table, as written.
const TABLE: &str = include_str!("builtin.table");

/// The built-in schema. The table is part of the source and a unit test parses it, so failing
/// here is a bug in this crate, not something input can cause.
pub(super) fn schema() -> Schema {
    parse(TABLE).unwrap_or_else(|err| panic!("schema/builtin.table is invalid: {err}"))
}

/// A mistake in the table, with its line number.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {problem}")]
pub(super) struct TableError {
    line: usize,
    problem: String,
}

/// Parses a table in the format described at the top of `builtin.table`.
fn parse(text: &str) -> Result<Schema, TableError> {
    let mut parser = Parser::default();
    for (index, raw) in text.lines().enumerate() {
        parser.line(raw).map_err(|problem| TableError { line: index + 1, problem })?;
    }
    Ok(parser.schema)
}

#[derive(Default)]
struct Parser {
    schema: Schema,
    aliases: HashMap<String, String>,
    /// The type whose fields the indented lines below belong to.
    current: Option<String>,
}

impl Parser {
    fn line(&mut self, raw: &str) -> Result<(), String> {
        let content = raw.split_once('#').map_or(raw, |(before, _)| before);
        let mut words = content.split_whitespace();
        let Some(first) = words.next() else {
            return Ok(());
        };
        let rest: Vec<&str> = words.collect();
        if content.starts_with(char::is_whitespace) {
            return self.field(first, &rest);
        }
        // Any directive ends the previous type's field list.
        self.current = None;
        match (first, rest.as_slice()) {
            ("alias", [short, package]) => {
                if self.aliases.insert((*short).to_owned(), (*package).to_owned()).is_some() {
                    return Err(format!("alias `{short}` is declared twice"));
                }
                Ok(())
            }
            ("kind", [api_version, kind, root, flags @ ..]) => {
                let root = self.qualified(root)?;
                let list = match flags {
                    [] => false,
                    ["+list"] => true,
                    _ => {
                        return Err(format!("unexpected `{}` after the root type", flags.join(" ")));
                    }
                };
                if list {
                    let list_type = format!("{root}List");
                    let items =
                        Meta { shape: Shape::List(Box::new(Meta::object(root.clone()))), ..Meta::default() };
                    let fields = HashMap::from([("items".to_owned(), items)]);
                    self.add_type(&list_type, ObjectType { fields })?;
                    self.add_kind(Gvk::from_api_version(api_version, &format!("{kind}List")), list_type)?;
                }
                self.add_kind(Gvk::from_api_version(api_version, kind), root)
            }
            ("type", [name]) => {
                let name = self.qualified(name)?;
                self.add_type(&name, ObjectType::default())?;
                self.current = Some(name);
                Ok(())
            }
            _ => Err(format!("not a directive: `{}`", content.trim())),
        }
    }

    fn field(&mut self, name: &str, rest: &[&str]) -> Result<(), String> {
        let type_name = self.current.clone().ok_or("a field outside a `type` block")?;
        let (shape, annotations) =
            rest.split_first().ok_or_else(|| format!("field `{name}` has no shape"))?;
        let mut meta = Meta { shape: self.shape(shape, &type_name)?, ..Meta::default() };
        for annotation in annotations {
            annotate(&mut meta, annotation)?;
        }
        let object = self.schema.types.entry(type_name.clone()).or_default();
        match object.fields.entry(name.to_owned()) {
            Entry::Occupied(_) => Err(format!("field `{name}` of `{type_name}` is listed twice")),
            Entry::Vacant(entry) => {
                entry.insert(meta);
                Ok(())
            }
        }
    }

    fn shape(&self, word: &str, enclosing: &str) -> Result<Shape, String> {
        if let Some(items) = word.strip_prefix("[]") {
            return Ok(Shape::List(Box::new(Meta {
                shape: self.shape(items, enclosing)?,
                ..Meta::default()
            })));
        }
        if let Some(values) = word.strip_prefix("{}") {
            return Ok(Shape::Map(Box::new(Meta {
                shape: self.shape(values, enclosing)?,
                ..Meta::default()
            })));
        }
        match word {
            "scalar" => Ok(Shape::Scalar),
            "any" => Ok(Shape::Unknown),
            "" => Err("an empty shape".to_owned()),
            _ if word.contains('.') => Ok(Shape::Object(self.qualified(word)?)),
            _ => {
                // A bare name lives in the enclosing type's package.
                let package = enclosing.rsplit_once('.').map_or("", |(package, _)| package);
                Ok(Shape::Object(format!("{package}.{word}")))
            }
        }
    }

    /// Expands `short.Name` to the full definition name.
    fn qualified(&self, word: &str) -> Result<String, String> {
        let (short, name) =
            word.split_once('.').ok_or_else(|| format!("`{word}` is not of the form alias.Name"))?;
        let package = self.aliases.get(short).ok_or_else(|| format!("unknown alias `{short}`"))?;
        Ok(format!("{package}.{name}"))
    }

    fn add_type(&mut self, name: &str, object: ObjectType) -> Result<(), String> {
        match self.schema.types.entry(name.to_owned()) {
            Entry::Occupied(_) => Err(format!("type `{name}` is declared twice")),
            Entry::Vacant(entry) => {
                entry.insert(object);
                Ok(())
            }
        }
    }

    fn add_kind(&mut self, gvk: Gvk, root: String) -> Result<(), String> {
        match self.schema.kinds.entry(gvk) {
            Entry::Occupied(entry) => Err(format!("kind {:?} is declared twice", entry.key())),
            Entry::Vacant(entry) => {
                entry.insert(root);
                Ok(())
            }
        }
    }
}

/// Applies one annotation word (`merge(key)`, `retainKeys`, `map(a,b)`, ...) to a field.
fn annotate(meta: &mut Meta, word: &str) -> Result<(), String> {
    let (name, argument) = match word.split_once('(') {
        Some((name, rest)) => {
            let argument = rest
                .strip_suffix(')')
                .filter(|a| !a.is_empty())
                .ok_or_else(|| format!("malformed annotation `{word}`"))?;
            (name, Some(argument))
        }
        None => (word, None),
    };
    let list_type = |meta: &mut Meta, list_type| {
        if meta.list_type.replace(list_type).is_some() {
            return Err(format!("a second list type `{word}`"));
        }
        Ok(())
    };
    match (name, argument) {
        ("merge", key) => {
            meta.merge = true;
            meta.merge_key = key.map(str::to_owned);
        }
        ("retainKeys", None) => meta.retain_keys = true,
        ("replace", None) => meta.replace = true,
        ("atomic", None) => list_type(meta, ListType::Atomic)?,
        ("set", None) => list_type(meta, ListType::Set)?,
        ("map", Some(keys)) => {
            list_type(meta, ListType::Map)?;
            meta.list_map_keys = keys.split(',').map(str::to_owned).collect();
        }
        _ => return Err(format!("unknown annotation `{word}`")),
    }
    Ok(())
}

// Tests unwrap freely: a panic is exactly how they should fail.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        let schema = parse(TABLE).unwrap();
        assert!(schema.types.len() > 200, "{} types", schema.types.len());
        assert!(schema.kinds.len() > 80, "{} kinds", schema.kinds.len());
        // Every kind's root is a type the table lists.
        for (gvk, root) in &schema.kinds {
            assert!(schema.types.contains_key(root), "{gvk:?} → {root}");
        }
    }

    #[test]
    fn table_entries_mean_what_they_say() {
        let schema = Schema::builtin();
        let deployment = schema.for_kind(&Gvk::from_api_version("apps/v1", "Deployment"));
        assert_eq!(deployment.root, Meta::object("io.k8s.api.apps.v1.Deployment"));
        let spec = schema.field(&deployment.root, "spec");
        assert!(schema.field(spec, "strategy").retain_keys);
        let pod_spec = schema.field(schema.field(spec, "template"), "spec");
        let containers = schema.field(pod_spec, "containers");
        assert_eq!(
            containers,
            &Meta {
                shape: Shape::List(Box::new(Meta::object("io.k8s.api.core.v1.Container"))),
                merge: true,
                merge_key: Some("name".into()),
                list_type: Some(ListType::Map),
                list_map_keys: vec!["name".into()],
                ..Meta::default()
            }
        );
        let ports = schema.field(schema.item(containers), "ports");
        assert_eq!(ports.list_map_keys, ["containerPort", "protocol"]);
        let volumes = schema.field(pod_spec, "volumes");
        assert!(volumes.merge && volumes.retain_keys);

        let pods = schema.for_kind(&Gvk::from_api_version("v1", "PodList"));
        let items = schema.field(&pods.root, "items");
        assert_eq!(schema.item(items), &Meta::object("io.k8s.api.core.v1.Pod"));

        let props = Meta::object("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps");
        assert_eq!(schema.field(schema.field(&props, "properties"), "anything"), &props);
    }

    #[test]
    fn mistakes_are_reported_with_their_line() {
        let cases = [
            ("type x.A", "unknown alias `x`"),
            ("alias a p\ntype a.A\n  f []B merge(k", "malformed annotation"),
            ("alias a p\ntype a.A\n  f B bogus", "unknown annotation"),
            ("alias a p\ntype a.A\n  f []B atomic set", "second list type"),
            ("alias a p\ntype a.A\n  f B\n  f B", "listed twice"),
            ("alias a p\ntype a.A\ntype a.A", "declared twice"),
            ("  f B", "outside a `type` block"),
            ("alias a p\nkind v1 A a.A +lots", "unexpected"),
            ("alias a p\nkind v1 A a.A\nkind v1 A a.B", "declared twice"),
            ("frobnicate", "not a directive"),
        ];
        for (text, expected) in cases {
            let err = parse(text).expect_err(text).to_string();
            assert!(err.contains(expected) && err.starts_with("line "), "{text:?}: {err}");
        }
    }
}
