//! Server-side printing: the `meta.k8s.io/v1` Table rows kube-apiserver sends for
//! `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`, which `kubectl get` displays.
//! It does no I/O.
//!
//! - [`for_kind`]: the printer kube-apiserver uses for a built-in kind (columns, descriptions,
//!   priorities and cells as in kube's `pkg/printers/internalversion`).
//! - [`default_printer`]: NAME and CREATED AT, for kinds without a printer.
//! - [`for_crd_columns`]: the printer of a custom resource version, from its
//!   `additionalPrinterColumns`, with client-go's JSONPath.
//! - [`human_duration`]: kube's AGE format.
//!
//! kube-apiserver always prints the wide form (kubectl hides columns whose priority is above 0
//! unless `-o wide`), so [`Printer::cells`] returns one cell for every column. Objects come
//! from users: a missing field or a value of the wrong type reads as Go's zero value, and fields
//! kube-apiserver always defaults on write (a Deployment's `spec.replicas`, a Service's
//! `spec.type`, ...) read as their default, so no object makes a printer fail.
//!
//! ```
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//! use serde_json::json;
//!
//! let printer = concord_printers::for_kind("apps", "Deployment").expect("kube has one");
//! let names: Vec<_> = printer.columns().iter().map(|c| c.name.as_ref()).collect();
//! assert_eq!(names, ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]);
//!
//! let deployment = json!({
//!     "metadata": {"name": "web", "creationTimestamp": "2025-01-01T00:00:00Z"},
//!     "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
//!              "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}},
//!     "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
//! });
//! let now = UNIX_EPOCH + Duration::from_secs(1_735_689_600 + 300);
//! assert_eq!(
//!     printer.cells(&deployment, now),
//!     [json!("web"), json!("2/3"), json!(3), json!(2), json!("5m"),
//!      json!("nginx"), json!("nginx:1.27"), json!("app=web")]
//! );
//! ```

mod builtin;
mod crd;
mod descriptions;
mod fields;
mod gofmt;
mod jsonpath;
mod labels;
mod time;

use std::borrow::Cow;
use std::time::SystemTime;

use serde_json::{Value, json};

pub use crd::for_crd_columns;

/// One column definition, as in `meta.k8s.io/v1` `TableColumnDefinition`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column's name as kube spells it (`Name`, `Ready`, `Port(s)`; kubectl upper-cases it).
    pub name: Cow<'static, str>,
    /// The OpenAPI type of the cells: `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: Cow<'static, str>,
    /// An OpenAPI format; `name` marks the column holding the object's name.
    pub format: Cow<'static, str>,
    /// What the column shows, for humans.
    pub description: Cow<'static, str>,
    /// 0 for columns `kubectl get` shows, more for those only `-o wide` shows.
    pub priority: i32,
}

impl Column {
    /// The column as a `TableColumnDefinition` JSON object (every field present, as kube
    /// sends it).
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.type_,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

/// A printer for one kind: its columns and the cells of one object's row.
pub trait Printer: Send + Sync {
    /// The column definitions, wide ones included.
    fn columns(&self) -> &[Column];

    /// The cells of `object`'s row, one per column (strings, numbers, booleans or null), with
    /// ages measured at `now`.
    fn cells(&self, object: &Value, now: SystemTime) -> Vec<Value>;

    /// The row's `conditions` (`TableRowCondition` objects): kube marks succeeded and failed
    /// Pods `Completed`; other rows have none.
    fn conditions(&self, object: &Value) -> Vec<Value> {
        let _ = object;
        Vec::new()
    }
}

/// The printer kube-apiserver uses for a built-in kind, by API group (`""` for the core group)
/// and kind, e.g. `("apps", "Deployment")`. `None` when kube has none (Role, ClusterRole,
/// CustomResourceDefinition and other kinds print with [`default_printer`]).
pub fn for_kind(group: &str, kind: &str) -> Option<&'static dyn Printer> {
    builtin::for_kind(group, kind)
}

/// kube's default table for kinds without a printer (`rest.NewDefaultTableConvertor`): `Name`,
/// and `Created At` (type `date`) as an RFC 3339 UTC timestamp.
pub fn default_printer() -> &'static dyn Printer {
    &builtin::DEFAULT
}

/// kube's `duration.HumanDuration` of a number of seconds, as AGE cells show it: `"45s"`,
/// `"3m10s"`, `"70m"`, `"3h4m"`, `"47h"`, `"2d1h"`, `"367d"`, `"2y1d"`, `"10y"`; `"<invalid>"`
/// below -1.
pub fn human_duration(seconds: i64) -> String {
    time::human_duration_nanos(i128::from(seconds) * 1_000_000_000)
}

/// Why [`for_crd_columns`] refused a column list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrinterError {
    /// A column's `jsonPath` does not parse. kube-apiserver then logs the error and prints
    /// with the columns before the bad one: `for_crd_columns(&columns[..index])`.
    #[error("unrecognized column definition {path:?}: {reason}")]
    InvalidJsonPath {
        /// The column's index in the list.
        index: usize,
        /// The column's `jsonPath`.
        path: String,
        /// What the parser found wrong.
        reason: String,
    },
    /// A column definition is not an object with a string `name`, `type` and `jsonPath`.
    #[error("column {index} is not a valid additionalPrinterColumns entry: {reason}")]
    InvalidColumn {
        /// The column's index in the list.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
}
