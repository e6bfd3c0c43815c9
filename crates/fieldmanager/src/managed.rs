//! `metadata.managedFields`, decoded into one field set per manager and encoded back, as
//! kube-apiserver's `managedfields` package does: entries keyed by manager, operation,
//! apiVersion (for updates only) and subresource; sorted by operation, time, manager,
//! apiVersion and subresource; update entries capped at ten by folding the oldest into
//! `ancient-changes`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::set::Set;
use crate::time;
use crate::value;

/// `Apply` (server-side apply) or `Update` (every other write).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    /// A server-side apply.
    Apply,
    /// A create, update or non-apply patch.
    Update,
}

impl Operation {
    /// The name in `managedFields`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        }
    }
}

/// Who a field set belongs to. An applier keeps one identity across apiVersions; an updater has
/// one per apiVersion.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ManagerId {
    pub(crate) manager: String,
    pub(crate) operation: Operation,
    /// Empty for appliers.
    pub(crate) api_version: String,
    pub(crate) subresource: String,
}

impl ManagerId {
    pub(crate) fn new(
        manager: &str,
        operation: Operation,
        api_version: &str,
        subresource: &str,
    ) -> ManagerId {
        ManagerId {
            manager: if manager.is_empty() { "unknown".to_owned() } else { manager.to_owned() },
            operation,
            api_version: if operation == Operation::Apply { String::new() } else { api_version.to_owned() },
            subresource: subresource.to_owned(),
        }
    }

    /// The identifier kube-apiserver sorts managers by: the entry's identifying fields as Go
    /// marshals them (`{"manager":"x","operation":"Update","apiVersion":"v1"}`).
    pub(crate) fn key(&self) -> String {
        let mut out = String::from("{");
        let mut field = |name: &str, text: &str| {
            if text.is_empty() {
                return;
            }
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&format!("\"{name}\":{}", value::go_json(&Value::String(text.to_owned()))));
        };
        field("manager", &self.manager);
        field("operation", self.operation.as_str());
        field("apiVersion", &self.api_version);
        field("subresource", &self.subresource);
        out.push('}');
        out
    }

    /// How conflict messages name the manager: `"kubectl"`, `"x" using apps/v1`,
    /// `"x" with subresource "status" using v1`.
    pub(crate) fn describe(&self) -> String {
        let mut out = value::to_display(&Value::String(self.manager.clone()));
        if !self.subresource.is_empty() {
            out.push_str(" with subresource ");
            out.push_str(&value::to_display(&Value::String(self.subresource.clone())));
        }
        if self.operation == Operation::Update {
            out.push_str(" using ");
            out.push_str(&self.api_version);
        }
        out
    }
}

/// One manager's fields and the apiVersion they are expressed in.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Owned {
    pub(crate) set: Set,
    pub(crate) api_version: String,
}

/// Every manager's fields, with the time of each entry (Unix seconds).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Managed {
    pub(crate) fields: BTreeMap<ManagerId, Owned>,
    pub(crate) times: BTreeMap<ManagerId, i64>,
}

/// One entry as written, before validation.
pub(crate) struct RawEntry<'v> {
    manager: String,
    operation: String,
    api_version: String,
    time: Option<i64>,
    fields_type: String,
    fields_v1: Option<&'v Value>,
    subresource: String,
}

/// The entries of a `managedFields` value: `None` when absent or unreadable (kube-apiserver's
/// object accessor then reports none), `Some` of a possibly empty list otherwise.
pub(crate) fn read(value: Option<&Value>) -> Option<Vec<RawEntry<'_>>> {
    value?.as_array()?.iter().map(read_entry).collect()
}

fn read_entry(item: &Value) -> Option<RawEntry<'_>> {
    let object = item.as_object()?;
    let string = |name: &str| -> Option<String> {
        match object.get(name) {
            None | Some(Value::Null) => Some(String::new()),
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => None,
        }
    };
    let time = match object.get("time") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(time::parse_rfc3339(s)?),
        Some(_) => return None,
    };
    let fields_v1 = match object.get("fieldsV1") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v),
        Some(_) => return None,
    };
    Some(RawEntry {
        manager: string("manager")?,
        operation: string("operation")?,
        api_version: string("apiVersion")?,
        time,
        fields_type: string("fieldsType")?,
        fields_v1,
        subresource: string("subresource")?,
    })
}

/// Whether a request's `managedFields` asks to reset tracking: an empty list, or a list of one
/// empty entry.
pub(crate) fn is_reset(entries: Option<&[RawEntry<'_>]>) -> bool {
    match entries {
        Some([]) => true,
        Some([e]) => {
            e.manager.is_empty()
                && e.operation.is_empty()
                && e.api_version.is_empty()
                && e.time.is_none()
                && e.fields_type.is_empty()
                && e.fields_v1.is_none()
                && e.subresource.is_empty()
        }
        _ => false,
    }
}

/// Validates and decodes entries (kube-apiserver's `DecodeManagedFields`).
pub(crate) fn decode(entries: &[RawEntry<'_>]) -> Result<Managed, String> {
    let mut managed = Managed::default();
    for (i, entry) in entries.iter().enumerate() {
        let operation = match entry.operation.as_str() {
            "Apply" => Operation::Apply,
            "Update" => Operation::Update,
            _ => return Err("operation must be `Apply` or `Update`".to_owned()),
        };
        if entry.api_version.is_empty() {
            return Err("apiVersion must not be empty".to_owned());
        }
        match entry.fields_type.as_str() {
            "FieldsV1" => {}
            "" => return Err(format!("missing fieldsType in managed fields entry {i}")),
            other => return Err(format!("invalid fieldsType \"{other}\" in managed fields entry {i}")),
        }
        let set = match entry.fields_v1 {
            Some(fields) => Set::from_fields_v1(fields).map_err(|e| format!("error decoding set: {e}"))?,
            None => Set::new(),
        };
        let id = ManagerId {
            manager: entry.manager.clone(),
            operation,
            api_version: if operation == Operation::Apply {
                String::new()
            } else {
                entry.api_version.clone()
            },
            subresource: entry.subresource.clone(),
        };
        match entry.time {
            Some(t) => managed.times.insert(id.clone(), t),
            None => managed.times.remove(&id),
        };
        managed.fields.insert(id, Owned { set, api_version: entry.api_version.clone() });
    }
    Ok(managed)
}

/// The `managedFields` list, sorted as kube-apiserver sorts it; `None` when nobody manages
/// anything (the field is then left out).
pub(crate) fn encode(managed: &Managed) -> Option<Value> {
    if managed.fields.is_empty() {
        return None;
    }
    let mut entries: Vec<(&ManagerId, &Owned, Option<i64>)> =
        managed.fields.iter().map(|(id, owned)| (id, owned, managed.times.get(id).copied())).collect();
    entries.sort_by(|(a, a_owned, a_time), (b, b_owned, b_time)| {
        a.operation
            .cmp(&b.operation)
            .then(a_time.unwrap_or(0).cmp(&b_time.unwrap_or(0)))
            .then_with(|| a.manager.cmp(&b.manager))
            .then_with(|| a_owned.api_version.cmp(&b_owned.api_version))
            .then_with(|| a.subresource.cmp(&b.subresource))
    });
    let list = entries
        .into_iter()
        .map(|(id, owned, t)| {
            let mut entry = Map::new();
            entry.insert("manager".into(), Value::String(id.manager.clone()));
            entry.insert("operation".into(), Value::String(id.operation.as_str().into()));
            entry.insert("apiVersion".into(), Value::String(owned.api_version.clone()));
            if let Some(t) = t {
                entry.insert("time".into(), Value::String(time::format_rfc3339(t)));
            }
            entry.insert("fieldsType".into(), Value::String("FieldsV1".into()));
            entry.insert("fieldsV1".into(), owned.set.to_fields_v1());
            if !id.subresource.is_empty() {
                entry.insert("subresource".into(), Value::String(id.subresource.clone()));
            }
            Value::Object(entry)
        })
        .collect();
    Some(Value::Array(list))
}

/// At most this many `Update` entries are kept.
pub(crate) const MAX_UPDATE_MANAGERS: usize = 10;

/// Folds the oldest update entries into one `ancient-changes` entry per apiVersion until at
/// most [`MAX_UPDATE_MANAGERS`] remain (kube-apiserver's `capManagersManager`).
pub(crate) fn cap_updaters(managed: &mut Managed) {
    let mut updaters: Vec<ManagerId> =
        managed.fields.keys().filter(|id| id.operation == Operation::Update).cloned().collect();
    if updaters.len() <= MAX_UPDATE_MANAGERS {
        return;
    }
    updaters.sort_by_cached_key(|id| (managed.times.get(id).copied().unwrap_or(0), id.key()));
    let mut first_of_version: BTreeMap<String, ManagerId> = BTreeMap::new();
    let mut length = updaters.len();
    for id in updaters {
        if length <= MAX_UPDATE_MANAGERS {
            break;
        }
        let Some(owned) = managed.fields.get(&id).cloned() else { continue };
        let version = owned.api_version.clone();
        let bucket = ManagerId::new("ancient-changes", Operation::Update, &version, "");
        match first_of_version.get(&version) {
            Some(first) => {
                if !managed.fields.contains_key(&bucket)
                    && let Some(moved) = managed.fields.remove(first)
                {
                    managed.fields.insert(bucket.clone(), moved);
                }
                let merged = match managed.fields.get(&bucket) {
                    Some(existing) => owned.set.union(&existing.set),
                    None => owned.set,
                };
                managed.fields.insert(bucket.clone(), Owned { set: merged, api_version: version });
                managed.fields.remove(&id);
                length -= 1;
                match managed.times.get(&id).copied() {
                    Some(t) => managed.times.insert(bucket, t),
                    None => managed.times.remove(&bucket),
                };
            }
            None => {
                first_of_version.insert(version, id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode_value(value: &Value) -> Result<Managed, String> {
        decode(&read(Some(value)).unwrap())
    }

    #[test]
    fn decodes_and_encodes_in_kube_order() {
        let entries = json!([
            {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
             "time": "2019-03-30T16:00:00.000Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:key": {}}}},
            {"manager": "kubectl", "operation": "Apply", "apiVersion": "v1", "time": "2019-03-30T15:00:00Z",
             "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {"f:test-label": {}}}}},
            {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": "2019-03-30T15:00:00Z",
             "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:phase": {}}}, "subresource": "status"}
        ]);
        let managed = decode_value(&entries).unwrap();
        assert_eq!(
            encode(&managed).unwrap(),
            json!([
                {"manager": "kubectl", "operation": "Apply", "apiVersion": "v1", "time": "2019-03-30T15:00:00Z",
                 "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {"f:test-label": {}}}}},
                {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": "2019-03-30T15:00:00Z",
                 "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:phase": {}}}, "subresource": "status"},
                {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
                 "time": "2019-03-30T16:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:key": {}}}}
            ])
        );
        let text = serde_json::to_string(&encode(&managed).unwrap()[0]).unwrap();
        assert!(
            text.starts_with(r#"{"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"#),
            "{text}"
        );
    }

    #[test]
    fn invalid_entries_are_refused_with_kube_messages() {
        let entry = |patch: Value| {
            let mut e =
                json!({"manager": "m", "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1"});
            if let (Some(e), Some(p)) = (e.as_object_mut(), patch.as_object()) {
                e.extend(p.clone());
            }
            json!([e])
        };
        assert_eq!(
            decode_value(&entry(json!({"operation": "Patch"}))).unwrap_err(),
            "operation must be `Apply` or `Update`"
        );
        assert_eq!(
            decode_value(&entry(json!({"apiVersion": ""}))).unwrap_err(),
            "apiVersion must not be empty"
        );
        assert_eq!(
            decode_value(&entry(json!({"fieldsType": ""}))).unwrap_err(),
            "missing fieldsType in managed fields entry 0"
        );
        assert_eq!(
            decode_value(&entry(json!({"fieldsType": "FieldsV2"}))).unwrap_err(),
            "invalid fieldsType \"FieldsV2\" in managed fields entry 0"
        );
        assert!(decode_value(&entry(json!({"fieldsV1": {"x": {}}}))).is_err());
        assert!(read(Some(&json!([{"manager": 1}]))).is_none());
        assert!(read(Some(&json!([{"time": "yesterday"}]))).is_none());
        assert!(read(Some(&json!("nope"))).is_none());
    }

    #[test]
    fn reset_is_an_empty_list_or_one_empty_entry() {
        assert!(is_reset(read(Some(&json!([]))).as_deref()));
        assert!(is_reset(read(Some(&json!([{}]))).as_deref()));
        assert!(is_reset(read(Some(&json!([{"manager": "", "fieldsV1": null}]))).as_deref()));
        assert!(!is_reset(read(Some(&json!([{"manager": "x"}]))).as_deref()));
        assert!(!is_reset(read(None).as_deref()));
    }

    #[test]
    fn describe_and_key() {
        let update = ManagerId::new("kubectl-client-side-apply", Operation::Update, "apps/v1", "");
        assert_eq!(update.describe(), "\"kubectl-client-side-apply\" using apps/v1");
        assert_eq!(
            update.key(),
            r#"{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1"}"#
        );
        let apply = ManagerId::new("kubectl", Operation::Apply, "apps/v1", "");
        assert_eq!(apply.describe(), "\"kubectl\"");
        let status = ManagerId::new("kubelet", Operation::Update, "v1", "status");
        assert_eq!(status.describe(), "\"kubelet\" with subresource \"status\" using v1");
        assert_eq!(ManagerId::new("", Operation::Update, "v1", "").manager, "unknown");
    }

    #[test]
    fn more_than_ten_updaters_fold_the_oldest_into_ancient_changes() {
        let mut managed = Managed::default();
        for i in 0..12 {
            let id = ManagerId::new(&format!("m{i:02}"), Operation::Update, "v1", "");
            let mut set = Set::new();
            set.insert(&[crate::path::PathElement::Field(format!("f{i}"))]);
            managed.fields.insert(id.clone(), Owned { set, api_version: "v1".into() });
            managed.times.insert(id, 1000 + i);
        }
        cap_updaters(&mut managed);
        assert_eq!(managed.fields.len(), 10);
        let bucket = ManagerId::new("ancient-changes", Operation::Update, "v1", "");
        let owned = &managed.fields[&bucket];
        assert_eq!(owned.set.to_fields_v1(), json!({"f:f0": {}, "f:f1": {}, "f:f2": {}}));
        assert_eq!(managed.times[&bucket], 1002);
        assert!(!managed.fields.contains_key(&ManagerId::new("m00", Operation::Update, "v1", "")));
        assert!(managed.fields.contains_key(&ManagerId::new("m03", Operation::Update, "v1", "")));
    }
}
