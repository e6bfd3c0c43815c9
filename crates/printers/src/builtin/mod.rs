//! The printers of built-in kinds, after kube's `pkg/printers/internalversion`.

mod apps;
mod core;
mod other;
mod pod;

use std::borrow::Cow;
use std::time::SystemTime;

use serde_json::Value;

use crate::descriptions as d;
use crate::fields::Obj;
use crate::time::{Instant, age};
use crate::{Column, Printer};

/// A printer of a built-in kind: fixed columns and a function of the object.
pub(crate) struct Builtin {
    pub(crate) columns: &'static [Column],
    pub(crate) cells: fn(Obj<'_>, Instant) -> Vec<Value>,
    pub(crate) conditions: fn(Obj<'_>) -> Vec<Value>,
}

impl Printer for Builtin {
    fn columns(&self) -> &[Column] {
        self.columns
    }

    fn cells(&self, object: &Value, now: SystemTime) -> Vec<Value> {
        (self.cells)(Obj::new(object), Instant::from_system_time(now))
    }

    fn conditions(&self, object: &Value) -> Vec<Value> {
        (self.conditions)(Obj::new(object))
    }
}

pub(crate) fn no_conditions(_: Obj<'_>) -> Vec<Value> {
    Vec::new()
}

/// A `static` [`Builtin`] without row conditions, from its columns and cell function.
macro_rules! printer {
    ($vis:vis $name:ident, $columns:expr, $cells:expr $(,)?) => {
        $vis static $name: $crate::builtin::Builtin = $crate::builtin::Builtin {
            columns: {
                static COLUMNS: &[$crate::Column] = &$columns;
                COLUMNS
            },
            cells: $cells,
            conditions: $crate::builtin::no_conditions,
        };
    };
}
use printer;

const fn column(
    name: &'static str,
    type_: &'static str,
    format: &'static str,
    description: &'static str,
    priority: i32,
) -> Column {
    Column {
        name: Cow::Borrowed(name),
        type_: Cow::Borrowed(type_),
        format: Cow::Borrowed(format),
        description: Cow::Borrowed(description),
        priority,
    }
}

/// A column of type `type_` that `kubectl get` shows.
const fn col(name: &'static str, type_: &'static str, description: &'static str) -> Column {
    column(name, type_, "", description, 0)
}

/// A `string` column that `kubectl get` shows.
const fn text(name: &'static str, description: &'static str) -> Column {
    col(name, "string", description)
}

/// A `string` column that only `kubectl get -o wide` shows.
const fn wide(name: &'static str, description: &'static str) -> Column {
    column(name, "string", "", description, 1)
}

/// The `Name` column (format `name`) printers start with.
const NAME: Column = column("Name", "string", "name", d::OBJECT_META_NAME, 0);

/// The `Age` column (a string: kube sends the age already formatted).
const AGE: Column = text("Age", d::OBJECT_META_CREATION_TIMESTAMP);

const CONTAINERS: Column = wide("Containers", d::CONTAINERS);
const IMAGES: Column = wide("Images", d::IMAGES);

printer!(
    pub(crate) DEFAULT,
    [
        NAME,
        col("Created At", "date", d::OBJECT_META_CREATION_TIMESTAMP),
    ],
    |o, _| {
        vec![
            name(o),
            str_cell(o.at("metadata.creationTimestamp").time().format_rfc3339()),
        ]
    },
);

pub(crate) fn for_kind(group: &str, kind: &str) -> Option<&'static dyn Printer> {
    let printer: &'static Builtin = match (group, kind) {
        ("", "Pod") => &pod::POD,
        ("", "Namespace") => &core::NAMESPACE,
        ("", "Service") => &core::SERVICE,
        ("", "Endpoints") => &core::ENDPOINTS,
        ("", "ConfigMap") => &core::CONFIG_MAP,
        ("", "Secret") => &core::SECRET,
        ("", "ServiceAccount") => &core::SERVICE_ACCOUNT,
        ("", "Node") => &core::NODE,
        ("", "PersistentVolume") => &core::PERSISTENT_VOLUME,
        ("", "PersistentVolumeClaim") => &core::PERSISTENT_VOLUME_CLAIM,
        ("", "Event") => &other::EVENT,
        ("events.k8s.io", "Event") => &other::EVENTS_V1_EVENT,
        ("apps", "Deployment") => &apps::DEPLOYMENT,
        ("apps", "ReplicaSet") => &apps::REPLICA_SET,
        ("apps", "StatefulSet") => &apps::STATEFUL_SET,
        ("apps", "DaemonSet") => &apps::DAEMON_SET,
        ("batch", "Job") => &apps::JOB,
        ("batch", "CronJob") => &apps::CRON_JOB,
        ("networking.k8s.io", "Ingress") => &other::INGRESS,
        ("rbac.authorization.k8s.io", "RoleBinding") => &other::ROLE_BINDING,
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => &other::CLUSTER_ROLE_BINDING,
        ("coordination.k8s.io", "Lease") => &other::LEASE,
        _ => return None,
    };
    Some(printer)
}

fn str_cell(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

fn int_cell(i: i64) -> Value {
    Value::from(i)
}

/// `s`, or `placeholder` when it is empty.
fn or(s: &str, placeholder: &str) -> Value {
    str_cell(if s.is_empty() { placeholder } else { s })
}

fn name(o: Obj<'_>) -> Value {
    str_cell(o.at("metadata.name").str())
}

fn age_cell(o: Obj<'_>, now: Instant) -> Value {
    str_cell(age(o.at("metadata.creationTimestamp").time(), now))
}

fn is_deleting(o: Obj<'_>) -> bool {
    o.at("metadata.deletionTimestamp").is_set()
}

/// `layoutContainerCells`: container names and images, comma-separated.
fn containers(spec: Obj<'_>) -> [Value; 2] {
    let (names, images): (Vec<_>, Vec<_>) =
        spec.get("containers").items().map(|c| (c.get("name").str(), c.get("image").str())).unzip();
    [str_cell(names.join(",")), str_cell(images.join(","))]
}

/// The status of the first condition of `type_` is `True` (Go's `hasJobCondition`,
/// `hasPodReadyCondition` and friends).
fn condition_true(conditions: Obj<'_>, type_: &str) -> bool {
    conditions.items().find(|c| c.get("type").str() == type_).is_some_and(|c| c.get("status").str() == "True")
}
