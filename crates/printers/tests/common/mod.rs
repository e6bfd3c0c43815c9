//! Shared by the integration tests: a fixed clock and row helpers.

#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use concord_printers::{Printer, for_kind};
use serde_json::Value;

/// The tests' "now": 2025-06-01T12:00:00Z.
pub const NOW_UNIX: u64 = 1_748_779_200;

pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

pub fn printer(group: &str, kind: &str) -> &'static dyn Printer {
    for_kind(group, kind).unwrap_or_else(|| panic!("no printer for {group}/{kind}"))
}

/// The row of `object` as kube-apiserver prints it for `group`/`kind` at [`now`].
pub fn row(group: &str, kind: &str, object: &Value) -> Vec<Value> {
    let printer = printer(group, kind);
    let cells = printer.cells(object, now());
    assert_eq!(cells.len(), printer.columns().len(), "one cell per column");
    cells
}
