//! The Table form (`application/json;as=Table;g=meta.k8s.io;v=v1`): the columns kubectl shows
//! for a kind, one row per object, written straight from the stored bytes.

use std::time::SystemTime;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{Api, ListResult, TableOptions};
use crate::registry::Resource;

/// From this many rows on, a Table is printed by several threads.
const PARALLEL_ROWS: usize = 512;

/// Rows per piece of a Table: enough to share among threads, few enough that a Table of every
/// pod of a large cluster is never in memory whole.
const PIECE_ROWS: usize = 2048;

impl Api {
    /// The Table form of a list page, as JSON handed to `send` piece by piece, in order, until
    /// it returns false (the client went away). Large pages are printed by one thread per core.
    /// CPU-heavy for large pages: call it off the async runtime.
    pub fn table(&self, page: &ListResult, include: TableOptions, send: impl FnMut(Vec<u8>) -> bool) {
        render(&page.resource, page.metadata(), &page.items, include, send);
    }

    /// The Table form of single objects as stored (a GET, a watch event), as JSON bytes.
    pub fn table_of(&self, resource: &Resource, objects: &[&[u8]], include: TableOptions) -> Vec<u8> {
        let mut out = Vec::new();
        render(resource, Value::Object(Map::new()), objects, include, |piece| {
            out.extend_from_slice(&piece);
            true
        });
        out
    }
}

/// A Table of `items` (stored JSON objects) with list metadata `metadata`, handed to `send` in
/// pieces of at most [`PIECE_ROWS`] rows. Objects that do not parse are left out. Rows are
/// printed one object at a time, from [`PARALLEL_ROWS`] rows on by one thread per core, each
/// into its own piece, so rows are never copied into one buffer.
fn render<B: AsRef<[u8]> + Sync>(
    resource: &Resource,
    metadata: Value,
    items: &[B],
    include: TableOptions,
    mut send: impl FnMut(Vec<u8>) -> bool,
) {
    let printer = printer_of(resource);
    let mut head = Map::new();
    head.insert("kind".into(), "Table".into());
    head.insert("apiVersion".into(), "meta.k8s.io/v1".into());
    head.insert("metadata".into(), metadata);
    head.insert("columnDefinitions".into(), printer.columns().iter().map(|c| c.to_json()).collect());
    let mut head = serde_json::to_vec(&head).unwrap_or_default();
    head.pop(); // the closing brace: rows follow
    head.extend_from_slice(b",\"rows\":[");
    if !send(head) {
        return;
    }
    let rows =
        Rows { printer, include, whole: include == TableOptions::Object || prints_managed_fields(resource) };
    let now = SystemTime::now();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut first = true;
    for piece in items.chunks(PIECE_ROWS) {
        let threads = if piece.len() < PARALLEL_ROWS { 1 } else { cores };
        let parts: Vec<Vec<u8>> = if threads <= 1 {
            vec![rows.write(piece, now)]
        } else {
            std::thread::scope(|scope| {
                let workers: Vec<_> = piece
                    .chunks(piece.len().div_ceil(threads))
                    .map(|chunk| scope.spawn(|| rows.write(chunk, now)))
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                    .collect()
            })
        };
        for part in parts.into_iter().filter(|part| !part.is_empty()) {
            if !first && !send(b",".to_vec()) {
                return;
            }
            first = false;
            if !send(part) {
                return;
            }
        }
    }
    send(b"]}".to_vec());
}

/// How to print the rows of one Table.
struct Rows<'p> {
    printer: &'p dyn concord_printers::Printer,
    include: TableOptions,
    /// Parse whole objects: the rows embed them, or a printer column reads managedFields.
    whole: bool,
}

impl Rows<'_> {
    /// The rows of `items`, separated by commas.
    fn write<B: AsRef<[u8]>>(&self, items: &[B], now: SystemTime) -> Vec<u8> {
        // Room for the rows up front: growing a buffer of tens of megabytes copies it over and
        // over.
        let stored: usize = items.iter().map(|bytes| bytes.as_ref().len()).sum();
        let mut out = Vec::with_capacity(match self.include {
            TableOptions::None => items.len() * 256,
            TableOptions::Metadata => stored * 3 / 4,
            TableOptions::Object => stored + items.len() * 256,
        });
        for bytes in items {
            let mark = out.len();
            if mark > 0 {
                out.push(b',');
            }
            if !self.write_row(&mut out, bytes.as_ref(), now) {
                out.truncate(mark);
            }
        }
        out
    }

    /// Appends one row (`{"cells":[…],"conditions":[…],"object":{…}}`); false if the object
    /// does not parse.
    fn write_row(&self, out: &mut Vec<u8>, bytes: &[u8], now: SystemTime) -> bool {
        let (object, managed_fields) = if self.whole {
            match serde_json::from_slice::<Value>(bytes) {
                Ok(object) => (object, None),
                Err(_) => return false,
            }
        } else {
            match serde_json::from_slice::<Printable<'_>>(bytes) {
                Ok(printable) => (printable.object, printable.managed_fields),
                Err(_) => return false,
            }
        };
        let mut row = Map::new();
        row.insert("cells".into(), Value::Array(self.printer.cells(&object, now)));
        let conditions = self.printer.conditions(&object);
        if !conditions.is_empty() {
            row.insert("conditions".into(), Value::Array(conditions));
        }
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &row);
        if self.include == TableOptions::None {
            return true;
        }
        out.pop(); // the row's closing brace: the object follows
        out.extend_from_slice(b",\"object\":");
        match self.include {
            TableOptions::Object => {
                let _ = serde_json::to_writer(&mut *out, &object);
            }
            _ => {
                out.extend_from_slice(
                    b"{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":",
                );
                let empty = Map::new();
                let metadata = object.get("metadata").and_then(Value::as_object).unwrap_or(&empty);
                write_metadata(out, metadata, managed_fields);
                out.push(b'}');
            }
        }
        out.push(b'}');
        true
    }
}

/// The printer kube-apiserver uses for a resource's Table form.
fn printer_of(resource: &Resource) -> &dyn concord_printers::Printer {
    match &resource.custom {
        Some(custom) => custom.printer.as_ref(),
        None => concord_printers::for_kind(&resource.group, &resource.kind)
            .unwrap_or_else(concord_printers::default_printer),
    }
}

/// Whether a custom resource's printer columns read `metadata.managedFields` (built-in
/// printers never do).
fn prints_managed_fields(resource: &Resource) -> bool {
    let Some(custom) = &resource.custom else { return false };
    let versions = custom.crd.pointer("/spec/versions").and_then(Value::as_array);
    versions.into_iter().flatten().any(|version| {
        let columns = version.get("additionalPrinterColumns").and_then(Value::as_array);
        columns.into_iter().flatten().any(|column| {
            column.get("jsonPath").and_then(Value::as_str).is_some_and(|path| path.contains("managedFields"))
        })
    })
}

/// Writes `metadata` with the stored `managedFields` put back where they were.
fn write_metadata(
    out: &mut Vec<u8>,
    metadata: &Map<String, Value>,
    managed_fields: Option<ManagedFields<'_>>,
) {
    fn separate(out: &mut Vec<u8>) {
        if out.last() != Some(&b'{') {
            out.push(b',');
        }
    }
    fn write_managed(out: &mut Vec<u8>, managed: ManagedFields<'_>) {
        separate(out);
        out.extend_from_slice(b"\"managedFields\":");
        out.extend_from_slice(managed.raw.get().as_bytes());
    }
    out.push(b'{');
    let mut managed_fields = managed_fields;
    for (i, (key, value)) in metadata.iter().enumerate() {
        if let Some(managed) = managed_fields.take_if(|m| m.position == i) {
            write_managed(out, managed);
        }
        separate(out);
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, key);
        out.push(b':');
        let _ = serde_json::to_writer(&mut *out, value);
    }
    if let Some(managed) = managed_fields {
        write_managed(out, managed);
    }
    out.push(b'}');
}

/// `metadata.managedFields` as stored, and its position among the metadata's fields.
#[derive(Clone, Copy)]
struct ManagedFields<'a> {
    position: usize,
    raw: &'a RawValue,
}

/// A stored object parsed for printing: everything but `metadata.managedFields`, which no
/// printer reads and which is the largest and slowest part of an object to parse (maps of
/// maps), kept unparsed for rows that embed the metadata.
struct Printable<'a> {
    object: Value,
    managed_fields: Option<ManagedFields<'a>>,
}

impl<'de> Deserialize<'de> for Printable<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Printable<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Printable<'de>, A::Error> {
                let mut object = Map::new();
                let mut managed_fields = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "metadata" {
                        let metadata: Metadata<'de> = map.next_value()?;
                        object.insert(key, Value::Object(metadata.rest));
                        managed_fields = metadata.managed_fields;
                    } else {
                        object.insert(key, map.next_value()?);
                    }
                }
                Ok(Printable { object: Value::Object(object), managed_fields })
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// An object's `metadata`: `managedFields` unparsed, the rest parsed.
struct Metadata<'a> {
    rest: Map<String, Value>,
    managed_fields: Option<ManagedFields<'a>>,
}

impl<'de> Deserialize<'de> for Metadata<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MetadataVisitor;
        impl<'de> Visitor<'de> for MetadataVisitor {
            type Value = Metadata<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("object metadata")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Metadata<'de>, A::Error> {
                let mut rest = Map::new();
                let mut managed_fields = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "managedFields" {
                        managed_fields = Some(ManagedFields { position: rest.len(), raw: map.next_value()? });
                    } else {
                        rest.insert(key, map.next_value()?);
                    }
                }
                Ok(Metadata { rest, managed_fields })
            }
        }
        deserializer.deserialize_map(MetadataVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_tables_stream_in_pieces_with_every_row_in_order() {
        let registry = crate::registry::Registry::new(Vec::new());
        let resource = registry.by_kind("", "v1", "ConfigMap").unwrap();
        let count = PIECE_ROWS * 2 + 10;
        let items: Vec<Vec<u8>> = (0..count)
            .map(|i| {
                let object = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": format!("cm-{i:05}"), "managedFields": [{"manager": "m"}]}});
                serde_json::to_vec(&object).unwrap()
            })
            .collect();
        let mut pieces = Vec::new();
        render(
            resource,
            serde_json::json!({"resourceVersion": "7"}),
            &items,
            TableOptions::Metadata,
            |piece| {
                pieces.push(piece);
                true
            },
        );
        assert!(pieces.len() > 3, "{} pieces", pieces.len());
        assert!(pieces.iter().all(|piece| piece.len() < 1 << 20));
        let table: Value = serde_json::from_slice(&pieces.concat()).unwrap();
        let rows = table["rows"].as_array().unwrap();
        assert_eq!(rows.len(), count);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row["cells"][0], format!("cm-{i:05}"));
            assert_eq!(row["object"]["metadata"]["managedFields"][0]["manager"], "m");
        }

        // A client that goes away stops the printing.
        let mut sent = 0;
        render(resource, serde_json::json!({}), &items, TableOptions::None, |_| {
            sent += 1;
            sent < 2
        });
        assert_eq!(sent, 2);
    }

    #[test]
    fn printable_skips_only_managed_fields_and_writes_them_back_in_place() {
        let text = r#"{"kind":"Pod","metadata":{"name":"a","managedFields":[{"manager":"x","fieldsV1":{"f:spec":{}}}],"labels":{"k":"v"}},"spec":{"nodeName":"n"}}"#;
        let printable: Printable<'_> = serde_json::from_str(text).unwrap();
        assert_eq!(
            printable.object,
            serde_json::json!({"kind": "Pod", "metadata": {"name": "a", "labels": {"k": "v"}}, "spec": {"nodeName": "n"}})
        );
        let mut out = Vec::new();
        write_metadata(&mut out, printable.object["metadata"].as_object().unwrap(), printable.managed_fields);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"name":"a","managedFields":[{"manager":"x","fieldsV1":{"f:spec":{}}}],"labels":{"k":"v"}}"#
        );
        for (text, metadata) in [
            (r#"{"metadata":{"managedFields":[]}}"#, r#"{"managedFields":[]}"#),
            (r#"{"metadata":{"name":"a","managedFields":[]}}"#, r#"{"name":"a","managedFields":[]}"#),
            (r#"{"metadata":{"managedFields":[],"name":"a"}}"#, r#"{"managedFields":[],"name":"a"}"#),
            (r#"{"metadata":{"name":"a"}}"#, r#"{"name":"a"}"#),
        ] {
            let printable: Printable<'_> = serde_json::from_str(text).unwrap();
            let mut out = Vec::new();
            write_metadata(
                &mut out,
                printable.object["metadata"].as_object().unwrap(),
                printable.managed_fields,
            );
            assert_eq!(String::from_utf8(out).unwrap(), metadata, "{text}");
        }
        assert!(serde_json::from_str::<Printable<'_>>("[1]").is_err());
        assert!(serde_json::from_str::<Printable<'_>>(r#"{"metadata":[]}"#).is_err());
    }
}
