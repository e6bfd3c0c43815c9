//! The common write that moves no ownership: a manager changes fields it already owns and
//! nobody else does (a controller's next status update, a user's next edit of the same field).
//! Then the stored `managedFields` stay as they are but for the writer's time, and are worked on
//! as stored instead of being decoded into sets and encoded back.

use serde_json::{Map, Value};

use crate::managed::Operation;
use crate::path::Path;
use crate::time;
use crate::updater::{Write, strip_set};
use crate::{managed_fields, set_managed_fields};

/// Records an update from `old` to `new` by `manager` in `new`'s `managedFields` when it moves
/// no ownership: the stored `entries` of `old` (as encoded by this crate) already give the
/// writer every field it gains and no other manager any field the write changes or removes.
/// `new` then gets the stored entries with only the writer's time moved. False, leaving `new`
/// alone, when ownership moves (the caller then takes the general path).
pub(crate) fn update(
    write: &Write<'_, '_>,
    old: &Value,
    new: &mut Value,
    stored: &Value,
    manager: &str,
) -> bool {
    let Some(retime) = settle(write, old, new, stored, manager) else { return false };
    if !managed_fields(new).is_some_and(|sent| concord_patch::json::equal(sent, stored)) {
        set_managed_fields(new, Some(stored.clone()));
    }
    let Some(writer) = retime else { return true };
    let Some(entries) = new.pointer_mut("/metadata/managedFields").and_then(Value::as_array_mut) else {
        return false;
    };
    if let Some(time) = entries[writer].get_mut("time") {
        *time = Value::String(time::format_rfc3339(write.now));
    }
    // As `managed::encode` sorts: the writer's new time may move its entry.
    entries.sort_by_cached_key(|entry| {
        let text = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
        let operation =
            if text("operation") == Operation::Apply.as_str() { Operation::Apply } else { Operation::Update };
        let time = time::parse_rfc3339(&text("time")).unwrap_or(0);
        (operation, time, text("manager"), text("apiVersion"), text("subresource"))
    });
    true
}

/// Whether the write moves no ownership (`None` if it does), and then the position of the
/// writer's entry if its time must move (it gained fields).
fn settle(
    write: &Write<'_, '_>,
    old: &Value,
    new: &Value,
    stored: &Value,
    manager: &str,
) -> Option<Option<usize>> {
    let entries = stored.as_array()?;
    let comparison = write.compare(old, new);
    let gained = comparison
        .changed()
        .difference(&comparison.removed)
        .recursive_difference(write.ignored)
        .difference(&strip_set());
    let touched: Vec<Path> =
        comparison.changed().paths().into_iter().chain(comparison.removed.paths()).collect();
    let gained_paths = gained.paths();
    let manager = if manager.is_empty() { "unknown" } else { manager };
    let mut writer = None;
    for (i, entry) in entries.iter().enumerate() {
        let entry = entry.as_object()?;
        let fields = entry.get("fieldsV1")?.as_object()?;
        if is_writer(entry, manager, write) {
            // The general path takes what the write touches from every manager, the writer
            // too, then gives the writer what it gained: unchanged only if that is all of it.
            let kept = touched.iter().all(|path| !owns(fields, path) || gained.has(&path.0));
            // An entry without a time would get one at the end, out of the encoded field order.
            if !kept || !gained_paths.iter().all(|path| owns(fields, path)) || !entry.contains_key("time") {
                return None;
            }
            writer = Some(i);
        } else if touched.iter().any(|path| owns(fields, path)) {
            return None;
        }
    }
    if gained.is_empty() {
        return Some(None);
    }
    writer.map(Some)
}

/// Whether a stored entry is the writer's `Update` entry.
fn is_writer(entry: &Map<String, Value>, manager: &str, write: &Write<'_, '_>) -> bool {
    let text = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or_default();
    text("manager") == manager
        && text("operation") == Operation::Update.as_str()
        && text("apiVersion") == write.api_version
        && text("subresource") == write.subresource
}

/// Whether a stored `fieldsV1` has `path` as a member: its node is `{}` or holds `"."`.
fn owns(fields: &Map<String, Value>, path: &Path) -> bool {
    let Some((last, prefix)) = path.0.split_last() else { return false };
    let mut node = fields;
    for element in prefix {
        match node.get(&element.to_fields_key()).and_then(Value::as_object) {
            Some(child) => node = child,
            None => return false,
        }
    }
    match node.get(&last.to_fields_key()).and_then(Value::as_object) {
        Some(member) => member.is_empty() || member.contains_key("."),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use concord_patch::Schema;
    use serde_json::json;

    use super::*;
    use crate::Manager;
    use crate::set::Set;
    use crate::types::Typer;

    fn at<'a>(name: &'a str, time: &'a str) -> Manager<'a> {
        Manager { name, api_version: "v1", time, ..Manager::default() }
    }

    #[test]
    fn only_writes_that_move_no_ownership_are_settled() {
        let mut live = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "labels": {"a": "1"}}, "data": {"k": "v"}});
        let info = Schema::builtin().for_object(&live);
        crate::update(&info, None, &mut live, &at("a", "2026-11-24T10:00:00Z")).unwrap();
        let mut by_b = live.clone();
        by_b["data"]["b"] = json!("x");
        crate::update(&info, Some(&live.clone()), &mut by_b, &at("b", "2026-11-24T10:01:00Z")).unwrap();
        let live = by_b;
        let stored = managed_fields(&live).unwrap();

        let typer = Typer::new(&info);
        let ignored = Set::new();
        let now = time::parse_rfc3339("2026-11-24T10:02:00Z").unwrap();
        let write = Write {
            typer: &typer,
            root: Typer::root(&info),
            api_version: "v1",
            subresource: "",
            ignored: &ignored,
            now,
        };
        let with = |change: &dyn Fn(&mut Value)| {
            let mut new = live.clone();
            change(&mut new);
            new
        };

        let settled = |new: &Value, manager: &str| {
            let mut new = new.clone();
            update(&write, &live, &mut new, stored, manager).then(|| managed_fields(&new).unwrap().clone())
        };

        // "a" changes a field it owns: only its time moves, and its entry now sorts last.
        let new = with(&|o| o["metadata"]["labels"]["a"] = json!("2"));
        let entries = settled(&new, "a").unwrap();
        assert_eq!(entries[1]["manager"], "a");
        assert_eq!(entries[1]["time"], "2026-11-24T10:02:00Z");
        assert_eq!(entries[1]["fieldsV1"], stored[0]["fieldsV1"]);
        assert_eq!(entries[0], stored[1]);
        // The general path agrees (it runs when the write sends no managedFields).
        let mut general = new.clone();
        general["metadata"].as_object_mut().unwrap().remove("managedFields");
        crate::update(&info, Some(&live), &mut general, &at("a", "2026-11-24T10:02:00Z")).unwrap();
        assert_eq!(managed_fields(&general).unwrap(), &entries);
        // Entries the write sends that differ (a subresource write's) give way to the stored ones.
        let mut sent_other = new.clone();
        sent_other["metadata"]["managedFields"] = json!([]);
        assert_eq!(settled(&sent_other, "a").unwrap(), entries);

        // Nothing changes: nothing moves, not even a time.
        assert_eq!(&settled(&live, "a").unwrap(), stored);
        // Ownership moves: another manager's field, a new field, a removed field, a new manager.
        assert!(settled(&with(&|o| o["data"]["b"] = json!("y")), "a").is_none());
        assert!(settled(&with(&|o| o["data"]["new"] = json!("y")), "a").is_none());
        let removed = with(&|o| {
            o["metadata"]["labels"].as_object_mut().unwrap().remove("a");
        });
        assert!(settled(&removed, "b").is_none());
        assert!(settled(&with(&|o| o["metadata"]["labels"]["a"] = json!("3")), "c").is_none());
    }
}
