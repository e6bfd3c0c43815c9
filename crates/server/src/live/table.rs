//! The live cache's objects as `meta.k8s.io/v1` Table rows — the columns `kubectl get` prints —
//! so a browser can show a list of 100,000 objects without receiving them whole. Rows are
//! printed with kube-apiserver's own printers (`concord-printers`): a built-in kind's, a custom
//! resource version's `additionalPrinterColumns` read from its CRD, or the default columns.

use std::time::SystemTime;

use concord_printers::Printer;
use serde_json::{Value, json};

use crate::cluster::ResourceType;

/// How one resource type's objects print.
pub enum RowPrinter {
    /// kube's printer for a built-in kind, or its default one.
    Builtin(&'static dyn Printer),
    /// A custom resource version's columns.
    Custom(Box<dyn Printer>),
}

impl RowPrinter {
    fn printer(&self) -> &dyn Printer {
        match self {
            RowPrinter::Builtin(printer) => *printer,
            RowPrinter::Custom(printer) => printer.as_ref(),
        }
    }

    /// The printer kube-apiserver would use for `kind` of `resource`: a built-in printer, else
    /// the CRD's columns for that version (asked of `client`), else the default columns.
    pub async fn resolve(client: &kube::Client, resource: &ResourceType, kind: &str) -> RowPrinter {
        if let Some(printer) = concord_printers::for_kind(&resource.group, kind) {
            return RowPrinter::Builtin(printer);
        }
        match crd_columns(client, resource).await {
            Some(columns) => crd_printer(&columns),
            None => RowPrinter::Builtin(concord_printers::default_printer()),
        }
    }

    /// The column definitions, as a Table's `columnDefinitions`.
    pub fn columns(&self) -> Value {
        Value::Array(self.printer().columns().iter().map(concord_printers::Column::to_json).collect())
    }

    /// `object`'s row as JSON: its cells printed at `now`, its row conditions, and its metadata
    /// as the `PartialObjectMetadata` kube sends with `includeObject=Metadata`.
    pub fn row(&self, object: &str, now: SystemTime) -> String {
        let Ok(value) = serde_json::from_str::<Value>(object) else {
            // The cache only holds JSON it wrote itself.
            return "null".to_owned();
        };
        let printer = self.printer();
        let cells = printer.cells(&value, now);
        let conditions = printer.conditions(&value);
        let metadata = value.get("metadata").cloned().unwrap_or_else(|| json!({}));
        let mut row = json!({
            "cells": cells,
            "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": metadata},
        });
        if !conditions.is_empty() {
            row["conditions"] = Value::Array(conditions);
        }
        row.to_string()
    }
}

/// The printer of a CRD version's columns; like kube-apiserver, a column whose JSONPath does
/// not parse drops it and the columns after it.
fn crd_printer(columns: &[Value]) -> RowPrinter {
    let mut usable = columns.len();
    loop {
        match concord_printers::for_crd_columns(&columns[..usable]) {
            Ok(printer) => return RowPrinter::Custom(printer),
            Err(concord_printers::PrinterError::InvalidJsonPath { index, .. }) if index < usable => {
                tracing::warn!(
                    index,
                    "a CRD's printer column does not parse; printing the columns before it"
                );
                usable = index;
            }
            Err(error) => {
                // The API server validates columns on write, so this is a CRD it never accepted.
                tracing::warn!(%error, "a CRD's printer columns are unusable; printing the default ones");
                return RowPrinter::Builtin(concord_printers::default_printer());
            }
        }
    }
}

/// The `additionalPrinterColumns` of `resource`'s version in its CRD; `None` when no CRD
/// defines it (an aggregated API or a built-in kind without a printer).
async fn crd_columns(client: &kube::Client, resource: &ResourceType) -> Option<Vec<Value>> {
    if resource.group.is_empty() {
        return None;
    }
    let url = format!(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{}.{}",
        resource.resource, resource.group
    );
    let request = http::Request::get(url).body(Vec::new()).ok()?;
    let crd: Value = client.request(request).await.ok()?;
    let versions = crd.pointer("/spec/versions")?.as_array()?;
    let version =
        versions.iter().find(|v| v.get("name").and_then(Value::as_str) == Some(&resource.version))?;
    Some(version.get("additionalPrinterColumns").and_then(Value::as_array).cloned().unwrap_or_default())
}
