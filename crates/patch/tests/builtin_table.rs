//! Checks the crate's built-in patch metadata table against the Kubernetes OpenAPI documents it
//! was written from (`shared/k8s-openapi/` beside the project: `swagger.json` and `v3/`).
//!
//! Both directions are checked: everything the table says must be what upstream says, and
//! everything upstream annotates under a covered kind must be in the table. Every mismatch is
//! reported at once, one per line, so that a Kubernetes upgrade reads as a to-do list.

// A test fails by panicking, so unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::path::PathBuf;

use concord_patch::schema::{Gvk, ListType, Meta, Schema, Shape};

/// The group-versions the table covers, `(group, version)`; the core group is empty.
const COVERED: &[(&str, &str)] = &[
    ("", "v1"),
    ("apps", "v1"),
    ("batch", "v1"),
    ("networking.k8s.io", "v1"),
    ("rbac.authorization.k8s.io", "v1"),
    ("coordination.k8s.io", "v1"),
    ("events.k8s.io", "v1"),
    ("apiextensions.k8s.io", "v1"),
    ("autoscaling", "v2"),
    ("discovery.k8s.io", "v1"),
    ("policy", "v1"),
    ("storage.k8s.io", "v1"),
];

/// API machinery types (`DeleteOptions`, `WatchEvent`, `Status`) carry a kind in every group, but
/// they are request and response envelopes, not objects anyone edits or patches.
const ENVELOPE_PACKAGE: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.";

fn upstream_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/k8s-openapi");
    assert!(
        dir.join("swagger.json").is_file(),
        "the upstream Kubernetes OpenAPI documents are missing: expected {}/swagger.json and \
         {}/v3/ (this test checks the built-in table against them and must not pass without them)",
        dir.display(),
        dir.display(),
    );
    dir
}

fn load(path: PathBuf) -> Schema {
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let document: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()));
    Schema::from_openapi(&document).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn v2() -> Schema {
    load(upstream_dir().join("swagger.json"))
}

/// The v3 document of one group-version, as kube-apiserver names them on disk.
fn v3(group: &str, version: &str) -> Schema {
    let file = if group.is_empty() {
        format!("api__{version}_openapi.json")
    } else {
        format!("apis__{group}__{version}_openapi.json")
    };
    load(upstream_dir().join("v3").join(file))
}

/// All covered v3 documents as one schema (they repeat shared types such as ObjectMeta).
fn v3_all() -> Schema {
    let mut all = Schema::default();
    for (group, version) in COVERED {
        all.extend(v3(group, version));
    }
    all
}

fn is_covered(gvk: &Gvk) -> bool {
    COVERED.iter().any(|(g, v)| gvk.group == *g && gvk.version == *v)
}

fn gvk_name(gvk: &Gvk) -> String {
    if gvk.group.is_empty() {
        format!("{}/{}", gvk.version, gvk.kind)
    } else {
        format!("{}/{}/{}", gvk.group, gvk.version, gvk.kind)
    }
}

/// A one-line rendering of a value's metadata in the table's own notation, so that a mismatch
/// can be compared (and fixed) at a glance. Annotations of list elements or map values, which
/// only nested lists have, are shown in parentheses.
fn describe(meta: &Meta) -> String {
    let inner = |meta: &Meta| {
        let text = describe(meta);
        if text.contains(' ') { format!("({text})") } else { text }
    };
    let mut out = match &meta.shape {
        Shape::Unknown => "any".to_owned(),
        Shape::Scalar => "scalar".to_owned(),
        Shape::Object(name) => name.clone(),
        Shape::List(items) => format!("[]{}", inner(items)),
        Shape::Map(values) => format!("{{}}{}", inner(values)),
    };
    match (meta.merge, &meta.merge_key) {
        (true, Some(key)) => out.push_str(&format!(" merge({key})")),
        (true, None) => out.push_str(" merge"),
        (false, Some(key)) => out.push_str(&format!(" merge-key-without-merge({key})")),
        (false, None) => {}
    }
    if meta.retain_keys {
        out.push_str(" retainKeys");
    }
    if meta.replace {
        out.push_str(" replace");
    }
    let keys = meta.list_map_keys.join(",");
    match meta.list_type {
        Some(ListType::Atomic) => out.push_str(" atomic"),
        Some(ListType::Set) => out.push_str(" set"),
        Some(ListType::Map) => out.push_str(&format!(" map({keys})")),
        None if !keys.is_empty() => out.push_str(&format!(" map-keys-without-map({keys})")),
        None => {}
    }
    out
}

/// Whether a value carries any patch annotation, itself or in its elements.
fn annotated(meta: &Meta) -> bool {
    meta.merge
        || meta.retain_keys
        || meta.replace
        || meta.merge_key.is_some()
        || meta.list_type.is_some()
        || !meta.list_map_keys.is_empty()
        || match &meta.shape {
            Shape::List(inner) | Shape::Map(inner) => annotated(inner),
            _ => false,
        }
}

/// The object types a value's shape refers to, through lists and maps.
fn objects(meta: &Meta) -> Option<&str> {
    match &meta.shape {
        Shape::Object(name) => Some(name),
        Shape::List(inner) | Shape::Map(inner) => objects(inner),
        _ => None,
    }
}

/// The upstream types that carry an annotation somewhere below them: the ones the table must
/// list. Computed as a fixpoint, since types refer to each other (and to themselves).
fn relevant_types(upstream: &Schema) -> HashSet<&str> {
    let mut relevant = HashSet::new();
    loop {
        let before = relevant.len();
        for (name, object) in &upstream.types {
            if !relevant.contains(name.as_str())
                && object
                    .fields
                    .values()
                    .any(|m| annotated(m) || objects(m).is_some_and(|o| relevant.contains(o)))
            {
                relevant.insert(name.as_str());
            }
        }
        if relevant.len() == before {
            return relevant;
        }
    }
}

/// Every way the table and one upstream schema disagree, one line each.
fn compare(table: &Schema, upstream: &Schema) -> Vec<String> {
    let mut problems = BTreeSet::new();

    // (a) Kinds: the same root types, and no covered kind missing.
    for (gvk, root) in &table.kinds {
        match upstream.kinds.get(gvk) {
            Some(theirs) if theirs == root => {}
            Some(theirs) => {
                problems.insert(format!("kind {}: table root {root}, upstream {theirs}", gvk_name(gvk)));
            }
            None => {
                problems.insert(format!("kind {}: in the table, not upstream", gvk_name(gvk)));
            }
        }
    }
    for (gvk, root) in &upstream.kinds {
        if is_covered(gvk) && !root.starts_with(ENVELOPE_PACKAGE) && !table.kinds.contains_key(gvk) {
            problems.insert(format!("kind {}: upstream ({root}), missing from the table", gvk_name(gvk)));
        }
    }

    // (b) Every field the table lists has exactly the upstream metadata.
    for (type_name, object) in &table.types {
        let Some(theirs) = upstream.types.get(type_name) else {
            problems.insert(format!("type {type_name}: in the table, not upstream"));
            continue;
        };
        for (field, meta) in &object.fields {
            match theirs.fields.get(field) {
                Some(upstream_meta) if upstream_meta == meta => {}
                Some(upstream_meta) => {
                    problems.insert(format!(
                        "field {type_name}.{field}: table `{}`, upstream `{}`",
                        describe(meta),
                        describe(upstream_meta)
                    ));
                }
                None => {
                    problems.insert(format!("field {type_name}.{field}: in the table, not upstream"));
                }
            }
        }
    }

    // (c) Walking upstream from each covered kind, every annotated field and every field leading
    // to one is in the table.
    let relevant = relevant_types(upstream);
    let mut queue: VecDeque<&str> = table
        .kinds
        .values()
        .chain(upstream.kinds.iter().filter(|(gvk, _)| is_covered(gvk)).map(|(_, root)| root))
        .map(String::as_str)
        .filter(|root| !root.starts_with(ENVELOPE_PACKAGE))
        .collect();
    let mut seen: HashSet<&str> = queue.iter().copied().collect();
    while let Some(type_name) = queue.pop_front() {
        let Some(object) = upstream.types.get(type_name) else {
            continue;
        };
        for (field, meta) in &object.fields {
            let leads_on = objects(meta).filter(|o| relevant.contains(o));
            if !annotated(meta) && leads_on.is_none() {
                continue;
            }
            let listed = table.types.get(type_name).is_some_and(|t| t.fields.contains_key(field));
            if !listed {
                problems.insert(format!(
                    "field {type_name}.{field}: upstream `{}`, missing from the table",
                    describe(meta)
                ));
            }
            if let Some(next) = leads_on
                && seen.insert(next)
            {
                queue.push_back(next);
            }
        }
    }

    // Table types no kind reaches are dead weight, probably a misspelt reference.
    let mut reached: HashSet<&str> = table.kinds.values().map(String::as_str).collect();
    let mut queue: Vec<&str> = reached.iter().copied().collect();
    while let Some(type_name) = queue.pop() {
        for meta in table.types.get(type_name).into_iter().flat_map(|t| t.fields.values()) {
            if let Some(next) = objects(meta)
                && reached.insert(next)
            {
                queue.push(next);
            }
        }
    }
    for type_name in table.types.keys() {
        if !reached.contains(type_name.as_str()) {
            problems.insert(format!("type {type_name}: in the table, but no kind reaches it"));
        }
    }

    problems.into_iter().collect()
}

fn report(what: &str, problems: &[String]) {
    assert!(problems.is_empty(), "{what}: {} mismatches\n  {}", problems.len(), problems.join("\n  "));
}

#[test]
fn table_covers_exactly_the_listed_group_versions() {
    let table = Schema::builtin();
    let listed: BTreeSet<(&str, &str)> =
        table.kinds.keys().map(|g| (g.group.as_str(), g.version.as_str())).collect();
    let covered: BTreeSet<(&str, &str)> = COVERED.iter().copied().collect();
    assert_eq!(listed, covered);
}

#[test]
fn table_matches_upstream_v2() {
    report("built-in table vs swagger.json", &compare(Schema::builtin(), &v2()));
}

#[test]
fn table_matches_upstream_v3() {
    report("built-in table vs v3 documents", &compare(Schema::builtin(), &v3_all()));
}

#[test]
fn v2_and_v3_documents_agree_on_covered_types() {
    let v2 = v2();
    let mut problems = Vec::new();
    for (group, version) in COVERED {
        let v3 = v3(group, version);
        let gv = if group.is_empty() { (*version).to_owned() } else { format!("{group}/{version}") };
        for (gvk, root) in &v3.kinds {
            if v2.kinds.get(gvk) != Some(root) {
                problems.push(format!("{gv}: kind {} → {root} differs in v2", gvk_name(gvk)));
            }
        }
        for (type_name, object) in &v3.types {
            let Some(theirs) = v2.types.get(type_name) else {
                problems.push(format!("{gv}: type {type_name} is not in v2"));
                continue;
            };
            let names: BTreeSet<&String> = object.fields.keys().chain(theirs.fields.keys()).collect();
            for field in names {
                let (a, b) = (object.fields.get(field), theirs.fields.get(field));
                if a != b {
                    let show = |m: Option<&Meta>| m.map_or("absent".to_owned(), describe);
                    problems.push(format!("{gv}: {type_name}.{field}: v3 `{}`, v2 `{}`", show(a), show(b)));
                }
            }
        }
        assert!(!v3.types.is_empty(), "{gv}: no types read from the v3 document");
    }
    problems.sort();
    problems.dedup();
    report("v3 vs v2", &problems);
}

/// The walk in `compare` must see annotations the table lacks; prove it on a damaged table.
#[test]
fn comparison_catches_omissions_and_errors() {
    let upstream = v2();
    let mut table = Schema::builtin().clone();
    let pod_spec = "io.k8s.api.core.v1.PodSpec";
    let fields = &mut table.types.get_mut(pod_spec).unwrap().fields;
    fields.remove("volumes");
    fields.get_mut("containers").unwrap().merge_key = Some("image".into());
    table.kinds.insert(Gvk::from_api_version("v1", "Pod"), "io.k8s.api.core.v1.PodSpec".into());
    let problems = compare(&table, &upstream);
    let has = |text: &str| problems.iter().any(|p| p.contains(text));
    assert!(has("field io.k8s.api.core.v1.PodSpec.volumes: upstream"), "{problems:#?}");
    assert!(has("field io.k8s.api.core.v1.PodSpec.containers: table"), "{problems:#?}");
    assert!(has("kind v1/Pod: table root io.k8s.api.core.v1.PodSpec"), "{problems:#?}");
}

/// The reader copes with everything kube-apiserver publishes, not only the covered groups.
#[test]
fn every_upstream_document_reads() {
    let dir = upstream_dir().join("v3");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            load(path);
            read += 1;
        }
    }
    assert!(read > 12, "only {read} documents in {}", dir.display());
}
