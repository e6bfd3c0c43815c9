//! The REST paths kube-apiserver publishes for a served resource, and their rendering as
//! OpenAPI v2 and v3 path items.
//!
//! Paths, operation IDs, `x-kubernetes-action`, `x-kubernetes-group-version-kind` and the
//! parameters of each operation follow kube-apiserver's endpoint installer. kubectl relies on
//! some of it: `apply` looks for a PATCH operation carrying the kind's GVK and, among that
//! operation's own parameters, `fieldValidation`, to decide whether the server validates fields.

use serde_json::{Map, Value, json};

use crate::builtin::{META, V2_REF_PREFIX};

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Location {
    Path,
    Query,
}

/// An operation parameter (never the body, which is [`Operation::body`]).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Param {
    name: &'static str,
    location: Location,
    /// JSON type: `string`, `integer` or `boolean`.
    kind: &'static str,
    description: String,
}

impl Param {
    fn query(name: &'static str) -> Param {
        let (kind, description) = query_param(name);
        Param { name, location: Location::Query, kind, description: description.to_owned() }
    }
}

/// Type and description of a query parameter. The descriptions are this crate's own summaries
/// of kube's `ListOptions`, `CreateOptions`, `PatchOptions` and `DeleteOptions`.
fn query_param(name: &str) -> (&'static str, &'static str) {
    match name {
        "allowWatchBookmarks" => {
            ("boolean", "Request BOOKMARK watch events; servers may ignore it. Ignored unless watch is true.")
        }
        "continue" => (
            "string",
            "The continue token of a previous list call with the same query, to fetch the next chunk of results.",
        ),
        "dryRun" => (
            "string",
            "When present, modifications are not persisted. Valid values: All (every dry run stage is processed).",
        ),
        "fieldManager" => (
            "string",
            "Name of the actor making the change, recorded in managedFields. Required for apply patches; at most 128 printable characters.",
        ),
        "fieldSelector" => {
            ("string", "A selector restricting the returned objects by their fields. Defaults to everything.")
        }
        "fieldValidation" => (
            "string",
            "How the server treats unknown and duplicate fields in the request body: Ignore (drop them silently), Warn (drop them with a warning, the default) or Strict (fail the request).",
        ),
        "force" => (
            "boolean",
            "Force an apply request: take ownership of fields conflicting with other managers. Must be unset for other patch types.",
        ),
        "gracePeriodSeconds" => (
            "integer",
            "Seconds before the object is deleted; zero deletes immediately. Unset uses the kind's default.",
        ),
        "ignoreStoreReadErrorWithClusterBreakingPotential" => (
            "boolean",
            "Delete an object that cannot be read from storage, bypassing the normal deletion flow. Unsafe.",
        ),
        "labelSelector" => {
            ("string", "A selector restricting the returned objects by their labels. Defaults to everything.")
        }
        "limit" => (
            "integer",
            "Maximum number of objects to return; the list metadata carries a continue token when more exist.",
        ),
        "orphanDependents" => {
            ("boolean", "Deprecated in favour of propagationPolicy: whether dependents are orphaned.")
        }
        "pretty" => ("string", "If 'true', the output is pretty printed."),
        "propagationPolicy" => {
            ("string", "Whether and how dependents are garbage collected: Orphan, Background or Foreground.")
        }
        "resourceVersion" => (
            "string",
            "Constrains which resource versions the request may be served from. Defaults to unset.",
        ),
        "resourceVersionMatch" => (
            "string",
            "How resourceVersion applies to a list call: Exact or NotOlderThan. Defaults to unset.",
        ),
        "sendInitialEvents" => (
            "boolean",
            "With watch=true, start the stream with synthetic events for the current objects, then a bookmark.",
        ),
        "shardSelector" => (
            "string",
            "Restricts the returned objects to hash ranges of a shard, as shardRange() expressions joined by ||.",
        ),
        "timeoutSeconds" => ("integer", "Timeout for the list or watch call, regardless of activity."),
        "watch" => {
            ("boolean", "Watch for changes to the described resources and return them as a stream of events.")
        }
        _ => ("string", ""),
    }
}

const LIST_PARAMS: &[&str] = &[
    "allowWatchBookmarks",
    "continue",
    "fieldSelector",
    "labelSelector",
    "limit",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "shardSelector",
    "timeoutSeconds",
    "watch",
];
const WRITE_PARAMS: &[&str] = &["dryRun", "fieldManager", "fieldValidation"];
const PATCH_PARAMS: &[&str] = &["dryRun", "fieldManager", "fieldValidation", "force"];
const DELETE_PARAMS: &[&str] = &[
    "dryRun",
    "gracePeriodSeconds",
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "orphanDependents",
    "propagationPolicy",
];
const DELETE_COLLECTION_PARAMS: &[&str] = &[
    "continue",
    "dryRun",
    "fieldSelector",
    "gracePeriodSeconds",
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "labelSelector",
    "limit",
    "orphanDependents",
    "propagationPolicy",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "shardSelector",
    "timeoutSeconds",
];

/// The patch formats kube-apiserver accepts for built-in kinds.
const BUILTIN_PATCH_TYPES: &[&str] = &[
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
    "application/apply-patch+cbor",
];
/// Custom resources take every patch format but strategic merge patch.
const CUSTOM_PATCH_TYPES: &[&str] = &[
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
    "application/apply-patch+cbor",
];

/// Kinds whose DELETE answers with the deleted object rather than a Status (their registries
/// set `ReturnDeletedObject`).
const RETURNS_DELETED_OBJECT: &[&str] = &[
    "io.k8s.api.core.v1.PersistentVolume",
    "io.k8s.api.core.v1.PersistentVolumeClaim",
    "io.k8s.api.core.v1.Pod",
    "io.k8s.api.core.v1.PodTemplate",
    "io.k8s.api.core.v1.ResourceQuota",
    "io.k8s.api.core.v1.Service",
    "io.k8s.api.core.v1.ServiceAccount",
    "io.k8s.api.storage.v1.CSIDriver",
    "io.k8s.api.storage.v1.CSINode",
    "io.k8s.api.storage.v1.StorageClass",
    "io.k8s.api.storage.v1.VolumeAttachment",
    "io.k8s.api.storage.v1.VolumeAttributesClass",
];

/// A group-version-kind as the `x-kubernetes-group-version-kind` of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    fn to_json(&self) -> Value {
        json!({"group": self.group, "kind": self.kind, "version": self.version})
    }
}

/// The request body of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Body {
    definition: String,
    required: bool,
    content_types: Vec<&'static str>,
}

/// One operation on a path.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Operation {
    /// Lower-case HTTP method.
    method: &'static str,
    id: String,
    description: String,
    tag: String,
    /// `x-kubernetes-action`.
    action: Option<&'static str>,
    gvk: Option<Gvk>,
    params: Vec<Param>,
    body: Option<Body>,
    /// Status code, description and the definition of the response body, if any.
    responses: Vec<(&'static str, &'static str, Option<String>)>,
    produces: Vec<&'static str>,
}

/// A path with its operations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PathItem {
    pub path: String,
    operations: Vec<Operation>,
}

/// What [`resource_paths`] needs to know about a resource, built-in or custom.
pub(crate) struct Served<'a> {
    pub gvk: Gvk,
    pub plural: &'a str,
    pub namespaced: bool,
    pub verbs: &'a [String],
    pub definition: &'a str,
    pub list_definition: String,
    /// Subresource name, body definition, its GVK and verbs.
    pub subresources: Vec<(&'a str, &'a str, Gvk, &'a [String])>,
    /// Custom resources: no protobuf, no strategic merge patch.
    pub custom: bool,
}

/// `/api/v1` or `/apis/<group>/<version>`.
pub(crate) fn group_version_prefix(group: &str, version: &str) -> String {
    if group.is_empty() { format!("/api/{version}") } else { format!("/apis/{group}/{version}") }
}

/// kube's name for a group in operation IDs and tags: `rbac.authorization.k8s.io` →
/// `RbacAuthorization`, the core group → `Core`, `stable.example.com` → `StableExampleCom`.
fn group_id(group: &str) -> String {
    if group.is_empty() {
        return "Core".to_owned();
    }
    let trimmed = group.strip_suffix(".k8s.io").unwrap_or(group);
    trimmed.split(['.', '-']).map(capitalize).collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The operation tag of a group-version: `apps_v1`, `rbacAuthorization_v1`, `core_v1`.
pub(crate) fn tag(group: &str, version: &str) -> String {
    let id = group_id(group);
    let mut chars = id.chars();
    let lowered: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("{lowered}_{version}")
}

/// `a` or `an` before a kind in descriptions, and nothing before plural-looking kinds
/// (`create Endpoints`), as kube-apiserver writes them.
fn article(kind: &str) -> &'static str {
    if kind.ends_with('s') && !kind.ends_with("ss") {
        ""
    } else if kind.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an "
    } else {
        "a "
    }
}

fn produces(custom: bool, streaming: bool) -> Vec<&'static str> {
    let mut types = vec!["application/json", "application/yaml"];
    if !custom {
        types.push("application/vnd.kubernetes.protobuf");
    }
    types.push("application/cbor");
    if streaming {
        types.push("application/json;stream=watch");
        if !custom {
            types.push("application/vnd.kubernetes.protobuf;stream=watch");
        }
        types.push("application/cbor-seq");
    }
    types
}

/// A discovery path (`/api/`, `/apis/`, `/apis/<group>/`, `/apis/<group>/<version>/`,
/// `/version/`): one GET returning the given definition.
pub(crate) fn discovery(
    path: String,
    id: String,
    description: &str,
    tag: String,
    definition: String,
    json_only: bool,
) -> PathItem {
    let operation = Operation {
        method: "get",
        id,
        description: description.to_owned(),
        tag,
        action: None,
        gvk: None,
        params: Vec::new(),
        body: None,
        responses: vec![("200", "OK", Some(definition)), ("401", "Unauthorized", None)],
        produces: if json_only {
            vec!["application/json"]
        } else {
            vec!["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
        },
    };
    PathItem { path, operations: vec![operation] }
}

/// The `GET <prefix>/` operation returning the group-version's `APIResourceList`.
pub(crate) fn group_version_root(group: &str, version: &str) -> PathItem {
    let mut item = discovery(
        format!("{}/", group_version_prefix(group, version)),
        format!("get{}{}APIResources", group_id(group), capitalize(version)),
        "get available resources",
        tag(group, version),
        format!("{META}APIResourceList"),
        false,
    );
    for operation in &mut item.operations {
        operation.produces = produces(false, false);
    }
    item
}

/// The `GET /apis/<group>/` operation returning the group's `APIGroup`.
pub(crate) fn group_root(group: &str) -> PathItem {
    let id = group_id(group);
    let mut chars = id.chars();
    let tag: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    discovery(
        format!("/apis/{group}/"),
        format!("get{id}APIGroup"),
        "get information of a group",
        tag,
        format!("{META}APIGroup"),
        false,
    )
}

/// Every path kube-apiserver serves for a resource, in path order.
pub(crate) fn resource_paths(served: &Served<'_>) -> Vec<PathItem> {
    let has = |verb: &str| served.verbs.iter().any(|v| v == verb);
    let gvk = &served.gvk;
    let kind = gvk.kind.as_str();
    let prefix = group_version_prefix(&gvk.group, &gvk.version);
    let gv_id = format!("{}{}", group_id(&gvk.group), capitalize(&gvk.version));
    let scope = if served.namespaced { "Namespaced" } else { "" };
    let collection = if served.namespaced {
        format!("{prefix}/namespaces/{{namespace}}/{}", served.plural)
    } else {
        format!("{prefix}/{}", served.plural)
    };
    let item_path = format!("{collection}/{{name}}");
    let tag = tag(&gvk.group, &gvk.version);
    let status = format!("{META}Status");
    let watch_event = format!("{META}WatchEvent");

    // Path parameters and `pretty`, which every operation of a resource takes.
    let mut common = Vec::new();
    if served.namespaced {
        common.push(Param {
            name: "namespace",
            location: Location::Path,
            kind: "string",
            description: "object name and auth scope, such as for teams and projects".to_owned(),
        });
    }
    common.push(Param::query("pretty"));
    let name_param = Param {
        name: "name",
        location: Location::Path,
        kind: "string",
        description: format!("name of the {kind}"),
    };
    let with = |extra: &[&'static str], item: bool| -> Vec<Param> {
        let mut params = common.clone();
        if item {
            params.push(name_param.clone());
        }
        params.extend(extra.iter().map(|name| Param::query(name)));
        params
    };
    let operation = |method: &'static str,
                     id: String,
                     description: String,
                     action: &'static str,
                     gvk: &Gvk,
                     params: Vec<Param>,
                     body: Option<Body>,
                     responses: Vec<(&'static str, &'static str, Option<String>)>,
                     streaming: bool| Operation {
        method,
        id,
        description,
        tag: tag.clone(),
        action: Some(action),
        gvk: Some(gvk.clone()),
        params,
        body,
        responses: responses.into_iter().chain([("401", "Unauthorized", None)]).collect(),
        produces: produces(served.custom, streaming),
    };
    let write_body = |definition: &str| Body {
        definition: definition.to_owned(),
        required: true,
        content_types: vec!["*/*"],
    };
    let patch_body = || Body {
        definition: format!("{META}Patch"),
        required: true,
        content_types: if served.custom { CUSTOM_PATCH_TYPES.to_vec() } else { BUILTIN_PATCH_TYPES.to_vec() },
    };
    let delete_body =
        || Body { definition: format!("{META}DeleteOptions"), required: false, content_types: vec!["*/*"] };
    let object = |definition: &str| Some(definition.to_owned());

    let mut items = Vec::new();
    // The collection.
    let mut ops = Vec::new();
    if has("list") {
        ops.push(operation(
            "get",
            format!("list{gv_id}{scope}{kind}"),
            format!("list or watch objects of kind {kind}"),
            "list",
            gvk,
            with(LIST_PARAMS, false),
            None,
            vec![("200", "OK", object(&served.list_definition))],
            true,
        ));
    }
    if has("create") {
        ops.push(operation(
            "post",
            format!("create{gv_id}{scope}{kind}"),
            format!("create {}{kind}", article(kind)),
            "post",
            gvk,
            with(WRITE_PARAMS, false),
            Some(write_body(served.definition)),
            vec![
                ("200", "OK", object(served.definition)),
                ("201", "Created", object(served.definition)),
                ("202", "Accepted", object(served.definition)),
            ],
            false,
        ));
    }
    if has("deletecollection") {
        ops.push(operation(
            "delete",
            format!("delete{gv_id}Collection{scope}{kind}"),
            format!("delete collection of {kind}"),
            "deletecollection",
            gvk,
            with(DELETE_COLLECTION_PARAMS, false),
            Some(delete_body()),
            vec![("200", "OK", Some(status.clone()))],
            false,
        ));
    }
    items.push(PathItem { path: collection.clone(), operations: ops });

    // The object.
    let mut ops = Vec::new();
    if has("get") {
        ops.push(operation(
            "get",
            format!("read{gv_id}{scope}{kind}"),
            format!("read the specified {kind}"),
            "get",
            gvk,
            with(&[], true),
            None,
            vec![("200", "OK", object(served.definition))],
            false,
        ));
    }
    if has("update") {
        ops.push(operation(
            "put",
            format!("replace{gv_id}{scope}{kind}"),
            format!("replace the specified {kind}"),
            "put",
            gvk,
            with(WRITE_PARAMS, true),
            Some(write_body(served.definition)),
            vec![("200", "OK", object(served.definition)), ("201", "Created", object(served.definition))],
            false,
        ));
    }
    if has("patch") {
        ops.push(operation(
            "patch",
            format!("patch{gv_id}{scope}{kind}"),
            format!("partially update the specified {kind}"),
            "patch",
            gvk,
            with(PATCH_PARAMS, true),
            Some(patch_body()),
            vec![("200", "OK", object(served.definition)), ("201", "Created", object(served.definition))],
            false,
        ));
    }
    if has("delete") {
        let deleted = if RETURNS_DELETED_OBJECT.contains(&served.definition) {
            served.definition.to_owned()
        } else {
            status.clone()
        };
        ops.push(operation(
            "delete",
            format!("delete{gv_id}{scope}{kind}"),
            format!("delete {}{kind}", article(kind)),
            "delete",
            gvk,
            with(DELETE_PARAMS, true),
            Some(delete_body()),
            vec![("200", "OK", Some(deleted.clone())), ("202", "Accepted", Some(deleted))],
            false,
        ));
    }
    items.push(PathItem { path: item_path.clone(), operations: ops });

    // Subresources.
    for (name, definition, sub_gvk, verbs) in &served.subresources {
        let has_sub = |verb: &str| verbs.iter().any(|v| v == verb);
        let suffix = capitalize(name);
        let mut ops = Vec::new();
        if has_sub("get") {
            ops.push(operation(
                "get",
                format!("read{gv_id}{scope}{kind}{suffix}"),
                format!("read {name} of the specified {kind}"),
                "get",
                sub_gvk,
                with(&[], true),
                None,
                vec![("200", "OK", object(definition))],
                false,
            ));
        }
        if has_sub("update") {
            ops.push(operation(
                "put",
                format!("replace{gv_id}{scope}{kind}{suffix}"),
                format!("replace {name} of the specified {kind}"),
                "put",
                sub_gvk,
                with(WRITE_PARAMS, true),
                Some(write_body(definition)),
                vec![("200", "OK", object(definition)), ("201", "Created", object(definition))],
                false,
            ));
        }
        if has_sub("patch") {
            ops.push(operation(
                "patch",
                format!("patch{gv_id}{scope}{kind}{suffix}"),
                format!("partially update {name} of the specified {kind}"),
                "patch",
                sub_gvk,
                with(PATCH_PARAMS, true),
                Some(patch_body()),
                vec![("200", "OK", object(definition)), ("201", "Created", object(definition))],
                false,
            ));
        }
        items.push(PathItem { path: format!("{item_path}/{name}"), operations: ops });
    }

    // Across namespaces, and the deprecated watch paths.
    let watch_prefix = format!("{prefix}/watch");
    if served.namespaced && has("list") {
        let mut params = vec![Param::query("pretty")];
        params.extend(LIST_PARAMS.iter().map(|name| Param::query(name)));
        items.push(PathItem {
            path: format!("{prefix}/{}", served.plural),
            operations: vec![operation(
                "get",
                format!("list{gv_id}{kind}ForAllNamespaces"),
                format!("list or watch objects of kind {kind}"),
                "list",
                gvk,
                params,
                None,
                vec![("200", "OK", object(&served.list_definition))],
                true,
            )],
        });
    }
    if has("watch") {
        let namespaced_watch = if served.namespaced {
            format!("{watch_prefix}/namespaces/{{namespace}}/{}", served.plural)
        } else {
            format!("{watch_prefix}/{}", served.plural)
        };
        if has("list") {
            items.push(PathItem {
                path: namespaced_watch.clone(),
                operations: vec![operation(
                    "get",
                    format!("watch{gv_id}{scope}{kind}List"),
                    format!("watch individual changes to a list of {kind}. deprecated: use the 'watch' parameter with a list operation instead."),
                    "watchlist",
                    gvk,
                    with(LIST_PARAMS, false),
                    None,
                    vec![("200", "OK", Some(watch_event.clone()))],
                    true,
                )],
            });
        }
        if has("get") {
            items.push(PathItem {
                path: format!("{namespaced_watch}/{{name}}"),
                operations: vec![operation(
                    "get",
                    format!("watch{gv_id}{scope}{kind}"),
                    format!("watch changes to an object of kind {kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter."),
                    "watch",
                    gvk,
                    with(LIST_PARAMS, true),
                    None,
                    vec![("200", "OK", Some(watch_event.clone()))],
                    true,
                )],
            });
        }
        if served.namespaced && has("list") {
            let mut params = vec![Param::query("pretty")];
            params.extend(LIST_PARAMS.iter().map(|name| Param::query(name)));
            items.push(PathItem {
                path: format!("{watch_prefix}/{}", served.plural),
                operations: vec![operation(
                    "get",
                    format!("watch{gv_id}{kind}ListForAllNamespaces"),
                    format!("watch individual changes to a list of {kind}. deprecated: use the 'watch' parameter with a list operation instead."),
                    "watchlist",
                    gvk,
                    params,
                    None,
                    vec![("200", "OK", Some(watch_event))],
                    true,
                )],
            });
        }
    }
    items.retain(|item| !item.operations.is_empty());
    items
}

/// Splits the parameters every operation of a path shares off to the path level, as kube's
/// OpenAPI builder does; the rest stay on their operations, sorted by name.
fn hoist(item: &PathItem) -> (Vec<Param>, Vec<Vec<Param>>) {
    let Some((first, rest)) = item.operations.split_first() else { return (Vec::new(), Vec::new()) };
    let mut shared: Vec<Param> =
        first.params.iter().filter(|p| rest.iter().all(|op| op.params.contains(p))).cloned().collect();
    shared.sort_by(|a, b| a.name.cmp(b.name));
    let own = item
        .operations
        .iter()
        .map(|op| {
            let mut params: Vec<Param> = op.params.iter().filter(|p| !shared.contains(p)).cloned().collect();
            params.sort_by(|a, b| a.name.cmp(b.name));
            params
        })
        .collect();
    (shared, own)
}

fn v2_param(param: &Param) -> Value {
    let mut object = json!({
        "description": param.description,
        "in": if param.location == Location::Path { "path" } else { "query" },
        "name": param.name,
        "type": param.kind,
        "uniqueItems": true,
    });
    if param.location == Location::Path {
        object["required"] = Value::Bool(true);
    }
    object
}

fn v3_param(param: &Param) -> Value {
    let mut object = json!({
        "description": param.description,
        "in": if param.location == Location::Path { "path" } else { "query" },
        "name": param.name,
        "schema": {"type": param.kind, "uniqueItems": true},
    });
    if param.location == Location::Path {
        object["required"] = Value::Bool(true);
    }
    object
}

impl PathItem {
    /// Definitions this path refers to.
    pub(crate) fn definitions(&self) -> impl Iterator<Item = &str> {
        self.operations.iter().flat_map(|op| {
            op.body
                .iter()
                .map(|b| b.definition.as_str())
                .chain(op.responses.iter().filter_map(|(_, _, d)| d.as_deref()))
        })
    }

    /// The swagger 2.0 path item.
    pub(crate) fn v2(&self) -> Value {
        let (shared, own) = hoist(self);
        let mut item = Map::new();
        for (op, params) in self.operations.iter().zip(own) {
            let mut object = Map::new();
            let consumes = match &op.body {
                Some(body) if body.content_types != ["*/*"] => {
                    body.content_types.iter().map(|c| Value::from(*c)).collect()
                }
                Some(_) => vec![Value::from("*/*")],
                None if op.gvk.is_some() => vec![Value::from("*/*")],
                None => op.produces.iter().take(4).map(|c| Value::from(*c)).collect(),
            };
            object.insert("consumes".to_owned(), Value::Array(consumes));
            object.insert("description".to_owned(), Value::from(op.description.as_str()));
            object.insert("operationId".to_owned(), Value::from(op.id.as_str()));
            let mut parameters: Vec<Value> = Vec::new();
            if let Some(body) = &op.body {
                let mut body_param = json!({
                    "in": "body",
                    "name": "body",
                    "schema": {"$ref": format!("{V2_REF_PREFIX}{}", body.definition)},
                });
                if body.required {
                    body_param["required"] = Value::Bool(true);
                }
                parameters.push(body_param);
            }
            parameters.extend(params.iter().map(v2_param));
            if !parameters.is_empty() {
                object.insert("parameters".to_owned(), Value::Array(parameters));
            }
            object.insert("produces".to_owned(), op.produces.iter().map(|c| Value::from(*c)).collect());
            let mut responses = Map::new();
            for (code, description, definition) in &op.responses {
                let mut response = json!({"description": description});
                if let Some(definition) = definition {
                    response["schema"] = json!({"$ref": format!("{V2_REF_PREFIX}{definition}")});
                }
                responses.insert((*code).to_owned(), response);
            }
            object.insert("responses".to_owned(), Value::Object(responses));
            object.insert("schemes".to_owned(), json!(["https"]));
            object.insert("tags".to_owned(), json!([op.tag]));
            if let Some(action) = op.action {
                object.insert("x-kubernetes-action".to_owned(), Value::from(action));
            }
            if let Some(gvk) = &op.gvk {
                object.insert("x-kubernetes-group-version-kind".to_owned(), gvk.to_json());
            }
            item.insert(op.method.to_owned(), Value::Object(object));
        }
        if !shared.is_empty() {
            item.insert("parameters".to_owned(), shared.iter().map(v2_param).collect());
        }
        Value::Object(item)
    }

    /// The OpenAPI 3.0 path item.
    pub(crate) fn v3(&self) -> Value {
        let (shared, own) = hoist(self);
        let reference = |definition: &str| json!({"$ref": format!("#/components/schemas/{definition}")});
        let mut item = Map::new();
        for (op, params) in self.operations.iter().zip(own) {
            let mut object = Map::new();
            object.insert("description".to_owned(), Value::from(op.description.as_str()));
            object.insert("operationId".to_owned(), Value::from(op.id.as_str()));
            if !params.is_empty() {
                object.insert("parameters".to_owned(), params.iter().map(v3_param).collect());
            }
            if let Some(body) = &op.body {
                let content: Map<String, Value> = body
                    .content_types
                    .iter()
                    .map(|c| ((*c).to_owned(), json!({"schema": reference(&body.definition)})))
                    .collect();
                let mut request = json!({"content": content});
                if body.required {
                    request["required"] = Value::Bool(true);
                }
                object.insert("requestBody".to_owned(), request);
            }
            let mut responses = Map::new();
            for (code, description, definition) in &op.responses {
                let mut response = json!({"description": description});
                if let Some(definition) = definition {
                    let content: Map<String, Value> = op
                        .produces
                        .iter()
                        .map(|c| ((*c).to_owned(), json!({"schema": reference(definition)})))
                        .collect();
                    response["content"] = Value::Object(content);
                }
                responses.insert((*code).to_owned(), response);
            }
            object.insert("responses".to_owned(), Value::Object(responses));
            object.insert("tags".to_owned(), json!([op.tag]));
            if let Some(action) = op.action {
                object.insert("x-kubernetes-action".to_owned(), Value::from(action));
            }
            if let Some(gvk) = &op.gvk {
                object.insert("x-kubernetes-group-version-kind".to_owned(), gvk.to_json());
            }
            item.insert(op.method.to_owned(), Value::Object(object));
        }
        if !shared.is_empty() {
            item.insert("parameters".to_owned(), shared.iter().map(v3_param).collect());
        }
        Value::Object(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_kube() {
        assert_eq!(group_id(""), "Core");
        assert_eq!(group_id("rbac.authorization.k8s.io"), "RbacAuthorization");
        assert_eq!(group_id("stable.example.com"), "StableExampleCom");
        assert_eq!(tag("rbac.authorization.k8s.io", "v1"), "rbacAuthorization_v1");
        assert_eq!(tag("", "v1"), "core_v1");
        assert_eq!(article("Endpoints"), "");
        assert_eq!(article("Ingress"), "an ");
        assert_eq!(article("Pod"), "a ");
    }
}
