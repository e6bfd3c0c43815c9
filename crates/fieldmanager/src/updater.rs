//! The core of field management (structured-merge-diff's `merge.Updater` with kube-apiserver's
//! managers around it): who owns what after a write, and what an apply produces.

use serde_json::{Map, Value};

use crate::managed::{self, Managed, ManagerId, Operation, Owned};
use crate::path::Path;
use crate::set::Set;
use crate::types::{Ty, Typer};
use crate::walk::{self, Comparison};

/// Everything one write needs to know besides the objects.
pub(crate) struct Write<'t, 's> {
    pub(crate) typer: &'t Typer<'s>,
    pub(crate) root: Ty<'t>,
    pub(crate) api_version: &'t str,
    pub(crate) subresource: &'t str,
    /// Fields the write's strategy resets: never owned through this write.
    pub(crate) ignored: &'t Set,
    /// Unix seconds.
    pub(crate) now: i64,
}

/// A field another manager owns that an apply would change.
pub(crate) struct FoundConflict {
    pub(crate) manager: ManagerId,
    pub(crate) api_version: String,
    pub(crate) path: Path,
}

/// Fields that are never anybody's (kube-apiserver's `stripMetaManager`): type and identity
/// metadata the server sets, and `managedFields` itself.
pub(crate) fn strip_set() -> Set {
    fields_set(&[
        "apiVersion",
        "kind",
        "metadata",
        "metadata.name",
        "metadata.namespace",
        "metadata.creationTimestamp",
        "metadata.selfLink",
        "metadata.uid",
        "metadata.clusterName",
        "metadata.generation",
        "metadata.managedFields",
        "metadata.resourceVersion",
    ])
}

impl Write<'_, '_> {
    pub(crate) fn compare(&self, old: &Value, new: &Value) -> Comparison {
        walk::compare(self.typer, self.root, old, new)
    }

    fn field_set(&self, value: &Value) -> Set {
        walk::field_set(self.typer, self.root, value)
    }

    fn with_named_fields(&self, set: &Set) -> Set {
        walk::with_named_fields(self.typer, self.root, set)
    }

    /// Takes from every manager but `writer` the fields the write changes (or, without
    /// `force`, reports them as conflicts) and the fields it removes; drops emptied managers.
    fn take_over(
        &self,
        old: &Value,
        new: &Value,
        managed: &mut Managed,
        writer: &ManagerId,
        force: bool,
    ) -> Result<Comparison, Vec<FoundConflict>> {
        let comparison = self.compare(old, new);
        let relevant = comparison.exclude(self.ignored);
        let changed = relevant.changed();
        let mut conflicts = Vec::new();
        for (id, owned) in managed.fields.iter_mut() {
            if id == writer {
                continue;
            }
            if !force {
                let taken = owned.set.intersection(&changed);
                conflicts.extend(taken.paths().into_iter().map(|path| FoundConflict {
                    manager: id.clone(),
                    api_version: owned.api_version.clone(),
                    path,
                }));
            }
            // In place: a write usually changes a few paths of large sets.
            owned.set.remove_all(&changed);
            owned.set.remove_all(&relevant.removed);
        }
        if !conflicts.is_empty() {
            return Err(conflicts);
        }
        managed.fields.retain(|_, owned| !owned.set.is_empty());
        Ok(comparison)
    }

    /// Records a non-apply write from `old` to `new` by `manager` (kube-apiserver's update
    /// path below `skipNonAppliedManager`): the manager gains what changed, others lose it,
    /// the entry's time moves only if the manager gained something; at most ten updaters stay.
    pub(crate) fn update(&self, old: &Value, new: &Value, managed: &mut Managed, manager: &str) {
        let id = ManagerId::new(manager, Operation::Update, self.api_version, self.subresource);
        let current = ManagerId::new("current-operation", Operation::Update, "", "");
        let Ok(comparison) = self.take_over(old, new, managed, &current, true) else {
            return;
        };
        let gained = comparison
            .changed()
            .difference(&comparison.removed)
            .recursive_difference(self.ignored)
            .difference(&strip_set());
        if !gained.is_empty() {
            match managed.fields.get_mut(&id) {
                Some(previous) => previous.set.union_with(&gained),
                None => {
                    let owned = Owned { set: gained, api_version: self.api_version.to_owned() };
                    managed.fields.insert(id.clone(), owned);
                }
            }
            managed.times.insert(id, self.now);
        }
        managed::cap_updaters(managed);
    }

    /// Server-side apply of `config` over `live` by `manager` (structured-merge-diff's
    /// `Updater.Apply` and kube-apiserver's managers around it). Returns the new object, or
    /// the conflicts.
    pub(crate) fn apply(
        &self,
        live: &Value,
        config: &Value,
        managed: &mut Managed,
        manager: &str,
        force: bool,
    ) -> Result<Value, Vec<FoundConflict>> {
        if managed.fields.is_empty() {
            // An object nobody tracked yet: what it has belongs to a stand-in updater, so that
            // an apply cannot silently take it over.
            let empty = type_meta_of(config);
            self.update(&empty, live, managed, "before-first-apply");
        }
        let id = ManagerId::new(manager, Operation::Apply, self.api_version, self.subresource);
        let merged = walk::merge(self.typer, self.root, live, config);
        let last = managed.fields.get(&id).map(|owned| owned.set.clone());
        let set = self.field_set(config).recursive_difference(self.ignored);
        managed.fields.insert(id.clone(), Owned { set, api_version: self.api_version.to_owned() });
        let pruned = match last {
            Some(last) if !last.is_empty() => self.prune(&merged, managed, &last),
            _ => merged,
        };
        self.take_over(live, &pruned, managed, &id, force)?;
        if let Some(owned) = managed.fields.get_mut(&id) {
            owned.set.remove_all(&strip_set());
        }
        managed.fields.retain(|_, owned| !owned.set.is_empty());
        if crate::value::eq(live, &pruned) {
            return Ok(live.clone());
        }
        managed.times.insert(id, self.now);
        Ok(pruned)
    }

    /// Removes what the applier applied last time and no longer does, unless some manager
    /// (applier or updater, including the applier's new configuration) owns it; never removes
    /// what the applier did not own (structured-merge-diff's `prune`, `addBackOwnedItems` and
    /// `addBackDanglingItems`).
    fn prune(&self, merged: &Value, managed: &Managed, last: &Set) -> Value {
        let remove = |set: &Set| walk::remove(self.typer, self.root, merged, set);
        let last = self.with_named_fields(last);
        let first_pass = remove(&last);
        let mut owned = Set::new();
        for entry in managed.fields.values() {
            owned.union_with(&entry.set);
        }
        let merged_set = self.with_named_fields(&self.field_set(merged));
        let kept =
            self.with_named_fields(&self.field_set(&first_pass)).union(&self.with_named_fields(&owned));
        let owned_back = remove(&merged_set.difference(&kept));
        let still_there = self.with_named_fields(&self.field_set(&owned_back));
        remove(&merged_set.difference(&still_there).intersection(&last))
    }
}

/// `{"apiVersion": …, "kind": …}` of an object: the empty object of its type.
pub(crate) fn type_meta_of(object: &Value) -> Value {
    let mut out = Map::new();
    for key in ["apiVersion", "kind"] {
        if let Some(v) = object.get(key) {
            out.insert(key.to_owned(), v.clone());
        }
    }
    Value::Object(out)
}

/// The paths of dotted field names as a set.
pub(crate) fn fields_set(paths: &[&str]) -> Set {
    let mut set = Set::new();
    for path in paths {
        set.insert(&Path::fields(path).0);
    }
    set
}
