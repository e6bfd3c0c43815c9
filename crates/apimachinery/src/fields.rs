//! Field selectors (`?fieldSelector=metadata.name=x,status.phase!=Running`): parsing, escaping
//! and matching as `k8s.io/apimachinery/pkg/fields`, and the field labels kube-apiserver
//! accepts per resource, with its 400 messages for the others.
//!
//! A list request runs in three steps, as kube-apiserver's: [`FieldSelector::parse`] the query
//! parameter, [`FieldLabels::convert`] it for the resource (unsupported labels fail, aliases
//! become their canonical label), then keep the objects [`FieldLabels::matches`] accepts.
//!
//! ```
//! use concord_apimachinery::fields::{FieldLabels, FieldSelector};
//! use serde_json::json;
//!
//! let pods = FieldLabels::builtin("", "pods");
//! let selector = pods.convert(&FieldSelector::parse("spec.host=node-1,status.phase!=Failed")?)?;
//! let pod = json!({"metadata": {"name": "web", "namespace": "default"},
//!                  "spec": {"nodeName": "node-1"}, "status": {"phase": "Running"}});
//! assert!(pods.matches(&selector, &pod));
//! assert_eq!(selector.to_string(), "spec.nodeName=node-1,status.phase!=Failed");
//!
//! let err = FieldLabels::builtin("", "configmaps").convert(&FieldSelector::parse("data.x=1")?);
//! assert_eq!(err.unwrap_err().to_string(),
//!     r#""data.x" is not a known field selector: only "metadata.name", "metadata.namespace""#);
//! # Ok::<(), concord_apimachinery::fields::FieldSelectorError>(())
//! ```

use crate::gofmt;
use serde_json::Value;
use std::fmt;

/// A field selector that could not be parsed, or names a field the resource does not support;
/// the message is kube-apiserver's, which answers it as a 400 BadRequest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldSelectorError {
    /// A term without an operator.
    #[error("invalid selector: '{selector}'; can't understand '{term}'")]
    Syntax {
        /// The whole selector.
        selector: String,
        /// The term without an operator.
        term: String,
    },
    /// A backslash followed by anything but `\`, `,` or `=`, or a trailing backslash.
    #[error("invalid field selector: invalid escape sequence: {0}")]
    InvalidEscape(String),
    /// An unescaped `,` or `=` in a value; kube prints the character's code point.
    #[error("invalid field selector: unescaped character in value: {}", *.0 as u32)]
    UnescapedRune(char),
    /// A field label the resource does not support; the text varies by resource as in kube.
    #[error("{0}")]
    UnsupportedLabel(String),
}

/// How a [`FieldRequirement`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldOperator {
    /// `=` or `==`.
    Equals,
    /// `!=`.
    NotEquals,
}

/// One term of a field selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRequirement {
    /// The field label, e.g. `metadata.name`.
    pub field: String,
    /// The comparison.
    pub operator: FieldOperator,
    /// The value, unescaped.
    pub value: String,
}

/// A field selector: terms that must all hold, in kube's order (sorted by their text).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSelector {
    requirements: Vec<FieldRequirement>,
}

/// Escapes a literal value for a field selector (`\` `,` `=` get a backslash).
pub fn escape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Undoes [`escape_value`], refusing unknown escapes and unescaped `,` or `=`.
pub fn unescape_value(s: &str) -> Result<String, FieldSelectorError> {
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(FieldSelectorError::InvalidEscape(format!("\\{c}")));
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => return Err(FieldSelectorError::UnescapedRune(c)),
            c => out.push(c),
        }
    }
    if in_slash {
        return Err(FieldSelectorError::InvalidEscape("\\".to_owned()));
    }
    Ok(out)
}

/// The comma-separated terms, escaped commas kept inside their term.
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// The first operator in the term splits it; the left side has no escaping.
fn split_term(term: &str) -> Option<(&str, FieldOperator, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (op, operator) in
            [("!=", FieldOperator::NotEquals), ("==", FieldOperator::Equals), ("=", FieldOperator::Equals)]
        {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], operator, value));
            }
        }
    }
    None
}

impl FieldSelector {
    /// Parses the query-string form.
    pub fn parse(selector: &str) -> Result<FieldSelector, FieldSelectorError> {
        let mut terms = split_terms(selector);
        terms.sort_unstable();
        let mut requirements = Vec::new();
        for term in terms.into_iter().filter(|t| !t.is_empty()) {
            let (field, operator, value) = split_term(term).ok_or_else(|| FieldSelectorError::Syntax {
                selector: selector.to_owned(),
                term: term.to_owned(),
            })?;
            requirements.push(FieldRequirement {
                field: field.to_owned(),
                operator,
                value: unescape_value(value)?,
            });
        }
        Ok(FieldSelector { requirements })
    }

    /// Whether the selector restricts nothing.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The terms.
    pub fn requirements(&self) -> &[FieldRequirement] {
        &self.requirements
    }

    /// The value `field` must equal, when a term requires it (as kube reads a list's object name
    /// from `metadata.name=...` for authorization).
    pub fn requires_exact_match(&self, field: &str) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.field == field && r.operator == FieldOperator::Equals)
            .map(|r| r.value.as_str())
    }

    /// Whether an object, given by the lookup of its field values, satisfies every term; a
    /// missing field reads as the empty string, as in kube.
    pub fn matches(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        self.requirements.iter().all(|r| {
            let value = get(&r.field).unwrap_or_default();
            (value == r.value) == (r.operator == FieldOperator::Equals)
        })
    }
}

impl fmt::Display for FieldSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let op = if r.operator == FieldOperator::Equals { "=" } else { "!=" };
            write!(f, "{}{op}{}", r.field, escape_value(&r.value))?;
        }
        Ok(())
    }
}

/// How a selectable field's value is read from the object as served.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A string at a dotted path; absent reads as "".
    Str(&'static str),
    /// A boolean at a dotted path; absent reads as "false".
    Bool(&'static str),
    /// An integer at a dotted path; absent reads as "0".
    Int(&'static str),
    /// The first string of the paths that is present and not empty.
    FirstStr(&'static [&'static str]),
    /// Accepted by kube but never set for matching, so always "".
    Unset,
}

/// The field labels of one built-in resource: what kube's conversion function accepts (and
/// renames), where each canonical label's value lives, and its rejection text.
struct Table {
    labels: &'static [&'static str],
    aliases: &'static [(&'static str, &'static str)],
    values: &'static [(&'static str, Source)],
    reject: Reject,
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.labels).finish()
    }
}

#[derive(Clone, Copy)]
enum Reject {
    /// `field label not supported: x`
    NotSupported,
    /// `field label "x" not supported for batchv1.Job`
    Job,
    /// `"x" is not a known field selector: only "metadata.name", "metadata.namespace"`: kinds
    /// without a conversion function.
    Default,
}

const META: &[(&str, Source)] = &[
    ("metadata.name", Source::Str("metadata.name")),
    ("metadata.namespace", Source::Str("metadata.namespace")),
];

static PODS: Table = Table {
    labels: &[
        "metadata.name",
        "metadata.namespace",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.podIPs",
        "status.nominatedNodeName",
        "spec.host",
    ],
    aliases: &[("spec.host", "spec.nodeName")],
    values: &[
        ("spec.nodeName", Source::Str("spec.nodeName")),
        ("spec.restartPolicy", Source::Str("spec.restartPolicy")),
        ("spec.schedulerName", Source::Str("spec.schedulerName")),
        ("spec.serviceAccountName", Source::Str("spec.serviceAccountName")),
        ("spec.hostNetwork", Source::Bool("spec.hostNetwork")),
        ("status.phase", Source::Str("status.phase")),
        ("status.podIP", Source::FirstStr(&["status.podIPs.0.ip", "status.podIP"])),
        ("status.podIPs", Source::Unset),
        ("status.nominatedNodeName", Source::Str("status.nominatedNodeName")),
    ],
    reject: Reject::NotSupported,
};

static NODES: Table = Table {
    labels: &["metadata.name", "spec.unschedulable"],
    aliases: &[],
    values: &[("spec.unschedulable", Source::Bool("spec.unschedulable"))],
    reject: Reject::NotSupported,
};

static REPLICATION_CONTROLLERS: Table = Table {
    labels: &["metadata.name", "metadata.namespace", "status.replicas"],
    aliases: &[],
    values: &[("status.replicas", Source::Int("status.replicas"))],
    reject: Reject::NotSupported,
};

static EVENTS: Table = Table {
    labels: &[
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
        "metadata.namespace",
        "metadata.name",
    ],
    aliases: &[],
    values: &[
        ("involvedObject.kind", Source::Str("involvedObject.kind")),
        ("involvedObject.namespace", Source::Str("involvedObject.namespace")),
        ("involvedObject.name", Source::Str("involvedObject.name")),
        ("involvedObject.uid", Source::Str("involvedObject.uid")),
        ("involvedObject.apiVersion", Source::Str("involvedObject.apiVersion")),
        ("involvedObject.resourceVersion", Source::Str("involvedObject.resourceVersion")),
        ("involvedObject.fieldPath", Source::Str("involvedObject.fieldPath")),
        ("reason", Source::Str("reason")),
        ("reportingComponent", Source::Str("reportingComponent")),
        ("source", Source::FirstStr(&["source.component", "reportingComponent"])),
        ("type", Source::Str("type")),
    ],
    reject: Reject::NotSupported,
};

/// events.k8s.io shares the core Event storage: its labels are renamed to the core ones, and the
/// values are read from the events.k8s.io shape of the object.
static EVENTS_K8S_IO: Table = Table {
    labels: &[
        "reason",
        "regarding.kind",
        "regarding.namespace",
        "regarding.name",
        "regarding.uid",
        "regarding.apiVersion",
        "regarding.resourceVersion",
        "regarding.fieldPath",
        "reportingController",
        "source",
        "type",
        "metadata.namespace",
        "metadata.name",
    ],
    aliases: &[
        ("regarding.kind", "involvedObject.kind"),
        ("regarding.namespace", "involvedObject.namespace"),
        ("regarding.name", "involvedObject.name"),
        ("regarding.uid", "involvedObject.uid"),
        ("regarding.apiVersion", "involvedObject.apiVersion"),
        ("regarding.resourceVersion", "involvedObject.resourceVersion"),
        ("regarding.fieldPath", "involvedObject.fieldPath"),
        ("reportingController", "reportingComponent"),
    ],
    values: &[
        ("involvedObject.kind", Source::Str("regarding.kind")),
        ("involvedObject.namespace", Source::Str("regarding.namespace")),
        ("involvedObject.name", Source::Str("regarding.name")),
        ("involvedObject.uid", Source::Str("regarding.uid")),
        ("involvedObject.apiVersion", Source::Str("regarding.apiVersion")),
        ("involvedObject.resourceVersion", Source::Str("regarding.resourceVersion")),
        ("involvedObject.fieldPath", Source::Str("regarding.fieldPath")),
        ("reason", Source::Str("reason")),
        ("reportingComponent", Source::Str("reportingController")),
        ("source", Source::FirstStr(&["deprecatedSource.component", "reportingController"])),
        ("type", Source::Str("type")),
    ],
    reject: Reject::NotSupported,
};

static NAMESPACES: Table = Table {
    labels: &["status.phase", "metadata.name"],
    aliases: &[],
    values: &[("status.phase", Source::Str("status.phase"))],
    reject: Reject::NotSupported,
};

static SECRETS: Table = Table {
    labels: &["type", "metadata.namespace", "metadata.name"],
    aliases: &[],
    values: &[("type", Source::Str("type"))],
    reject: Reject::NotSupported,
};

static SERVICES: Table = Table {
    labels: &["metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"],
    aliases: &[],
    values: &[("spec.clusterIP", Source::Str("spec.clusterIP")), ("spec.type", Source::Str("spec.type"))],
    reject: Reject::NotSupported,
};

static JOBS: Table = Table {
    labels: &["metadata.name", "metadata.namespace", "status.successful"],
    aliases: &[],
    values: &[("status.successful", Source::Int("status.succeeded"))],
    reject: Reject::Job,
};

static SIGNER_NAMED: Table = Table {
    labels: &["metadata.name", "spec.signerName"],
    aliases: &[],
    values: &[("spec.signerName", Source::Str("spec.signerName"))],
    reject: Reject::NotSupported,
};

static METADATA_ONLY: Table = Table {
    labels: &["metadata.name", "metadata.namespace"],
    aliases: &[],
    values: &[],
    reject: Reject::Default,
};

fn table(group: &str, resource: &str) -> &'static Table {
    match (group, resource) {
        ("", "pods") => &PODS,
        ("", "nodes") => &NODES,
        ("", "replicationcontrollers") => &REPLICATION_CONTROLLERS,
        ("", "events") => &EVENTS,
        ("events.k8s.io", "events") => &EVENTS_K8S_IO,
        ("", "namespaces") => &NAMESPACES,
        ("", "secrets") => &SECRETS,
        ("", "services") => &SERVICES,
        ("batch", "jobs") => &JOBS,
        ("certificates.k8s.io", "certificatesigningrequests" | "clustertrustbundles") => &SIGNER_NAMED,
        _ => &METADATA_ONLY,
    }
}

/// The field labels kube-apiserver accepts in a field selector for a built-in resource (by API
/// group, `""` for core, and plural resource name), aliases included. Kinds without their own
/// list (everything in `apps`, for instance) accept `metadata.name` and `metadata.namespace`.
pub fn supported_fields(group: &str, resource: &str) -> &'static [&'static str] {
    table(group, resource).labels
}

/// The value a built-in resource's object has for a supported field label, as kube computes it
/// for matching (booleans `true`/`false`, integers in decimal, absent strings empty); `None`
/// when the resource does not support the label. The object is in the shape the group serves.
pub fn field_value(group: &str, resource: &str, object: &Value, field: &str) -> Option<String> {
    let labels = FieldLabels::builtin(group, resource);
    labels.canonical(field).ok().and_then(|canonical| labels.value(object, &canonical))
}

/// The field labels of one resource: a built-in one, or a custom resource with its CRD's
/// `selectableFields`.
#[derive(Debug, Clone)]
pub struct FieldLabels {
    kind: LabelsKind,
}

#[derive(Debug, Clone)]
enum LabelsKind {
    Builtin(&'static Table),
    Custom { cluster_scoped: bool, selectable: Vec<String> },
}

fn lookup<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = object;
    for segment in path.split('.') {
        current = match current {
            Value::Object(map) => map.get(segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl FieldLabels {
    /// The labels of a built-in resource (API group, `""` for core, and plural name).
    pub fn builtin(group: &str, resource: &str) -> FieldLabels {
        FieldLabels { kind: LabelsKind::Builtin(table(group, resource)) }
    }

    /// The labels of a custom resource: `metadata.name`, `metadata.namespace` unless
    /// `cluster_scoped`, and the CRD version's `selectableFields` JSON paths (e.g. `.spec.color`,
    /// selected as `spec.color`).
    pub fn custom_resource<I, S>(cluster_scoped: bool, selectable_json_paths: I) -> FieldLabels
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let selectable = selectable_json_paths
            .into_iter()
            .map(|p| p.as_ref().strip_prefix('.').unwrap_or(p.as_ref()).to_owned())
            .collect();
        FieldLabels { kind: LabelsKind::Custom { cluster_scoped, selectable } }
    }

    /// The canonical label for `label`, or kube's rejection.
    fn canonical(&self, label: &str) -> Result<String, FieldSelectorError> {
        match &self.kind {
            LabelsKind::Builtin(t) => {
                if !t.labels.contains(&label) {
                    let quoted = gofmt::quote(label);
                    return Err(FieldSelectorError::UnsupportedLabel(match t.reject {
                        Reject::NotSupported => format!("field label not supported: {label}"),
                        Reject::Job => format!("field label {quoted} not supported for batchv1.Job"),
                        Reject::Default => format!(
                            "{quoted} is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                        ),
                    }));
                }
                Ok(t.aliases.iter().find(|(from, _)| *from == label).map_or(label, |(_, to)| to).to_owned())
            }
            LabelsKind::Custom { cluster_scoped, selectable } => {
                let accepted = label == "metadata.name"
                    || (!cluster_scoped && label == "metadata.namespace")
                    || selectable.iter().any(|s| s == label);
                if accepted {
                    Ok(label.to_owned())
                } else {
                    Err(FieldSelectorError::UnsupportedLabel(format!("field label not supported: {label}")))
                }
            }
        }
    }

    /// The labels a field selector may use.
    pub fn supported(&self) -> Vec<String> {
        match &self.kind {
            LabelsKind::Builtin(t) => t.labels.iter().map(|l| (*l).to_owned()).collect(),
            LabelsKind::Custom { cluster_scoped, selectable } => {
                let mut labels = vec!["metadata.name".to_owned()];
                if !cluster_scoped {
                    labels.push("metadata.namespace".to_owned());
                }
                labels.extend(selectable.iter().cloned());
                labels
            }
        }
    }

    /// Checks every term of `selector` against the resource, as kube-apiserver does before
    /// listing, and renames aliases to their canonical label (`spec.host` to `spec.nodeName`).
    pub fn convert(&self, selector: &FieldSelector) -> Result<FieldSelector, FieldSelectorError> {
        let requirements = selector
            .requirements
            .iter()
            .map(|r| Ok(FieldRequirement { field: self.canonical(&r.field)?, ..r.clone() }))
            .collect::<Result<Vec<_>, FieldSelectorError>>()?;
        Ok(FieldSelector { requirements })
    }

    /// The value of a canonical label for `object` (see [`field_value`]); `None` for a label the
    /// resource does not select on.
    pub fn value(&self, object: &Value, canonical: &str) -> Option<String> {
        let source = match &self.kind {
            LabelsKind::Builtin(t) => META.iter().chain(t.values).find(|(label, _)| *label == canonical)?.1,
            LabelsKind::Custom { selectable, .. } => {
                if let Some((_, source)) = META.iter().find(|(label, _)| *label == canonical) {
                    *source
                } else if selectable.iter().any(|s| s == canonical) {
                    return Some(lookup(object, canonical).and_then(scalar_text).unwrap_or_default());
                } else {
                    return None;
                }
            }
        };
        Some(match source {
            Source::Str(path) => {
                lookup(object, path).and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            }
            Source::Bool(path) => lookup(object, path).and_then(|v| v.as_bool()).unwrap_or(false).to_string(),
            Source::Int(path) => lookup(object, path).and_then(|v| v.as_i64()).unwrap_or(0).to_string(),
            Source::FirstStr(paths) => paths
                .iter()
                .filter_map(|p| lookup(object, p).and_then(|v| v.as_str().map(str::to_owned)))
                .find(|s| !s.is_empty())
                .unwrap_or_default(),
            Source::Unset => String::new(),
        })
    }

    /// Whether `object` satisfies a selector already [converted](FieldLabels::convert) for this
    /// resource.
    pub fn matches(&self, selector: &FieldSelector, object: &Value) -> bool {
        selector.matches(|field| self.value(object, field))
    }
}
