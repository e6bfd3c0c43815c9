//! Every concurrent-edit case of `shared/scenarios/` through `merge3`, pure (no server): the
//! merged object, or `theirs` when nothing may be written, must satisfy the case's `expect`.

mod common;

use std::path::PathBuf;

use common::yaml;
use concord_patch::merge3::{Merge3, Outcome};
use concord_patch::{PatchFormat, PatchType, Schema};
use serde_json::Value;

fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios")
}

/// Runs one scenario and returns what went wrong, if anything.
fn check(name: &str, case: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut schema = Schema::builtin().clone();
    if let Some(crd) = case.get("crd") {
        schema.extend(Schema::from_crd(crd).expect("scenario CRD reads"));
    }
    let base = &case["base"];
    let theirs = match &case["theirs"] {
        Value::String(s) if s == "DELETE" => None,
        other => Some(other),
    };
    let mine = &case["mine"];
    let info = schema.for_object(base);
    let outcome =
        Merge3::new(&info).run(base, theirs, mine).unwrap_or_else(|e| panic!("{name}: merge3 failed: {e}"));

    let (label, live, reported) = match &outcome {
        Outcome::Merged { object, patch, patch_type } => {
            let theirs = theirs.expect("merged implies a live object");
            // The patch must do exactly what the merge says, on the live object, in the format
            // the kind takes.
            let expected_type = match info.format {
                PatchFormat::Strategic => PatchType::Strategic,
                PatchFormat::Merge => PatchType::Merge,
            };
            if *patch_type != expected_type {
                problems.push(format!("patch type {patch_type}, expected {expected_type}"));
            }
            let patched = patch_type.apply(theirs, patch, &info).expect("merge patch applies");
            if &patched != object {
                problems.push(format!(
                    "patch {patch} applied to theirs gives {patched}, not the merged {object}"
                ));
            }
            (if object == theirs { "unchanged" } else { "merged" }, Some(object.clone()), Vec::new())
        }
        Outcome::Conflicts(conflicts) => {
            ("conflict", theirs.cloned(), conflicts.iter().map(|c| c.path.clone()).collect())
        }
        Outcome::Gone(_) => ("gone", None, Vec::new()),
    };

    let expect = &case["expect"];
    let allowed: Vec<&str> = match &expect["outcome"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        other => panic!("{name}: bad outcome {other}"),
    };
    if !allowed.contains(&label) {
        problems.push(format!("outcome {label}, expected one of {allowed:?} ({outcome:?})"));
    }
    for path in expect["conflicts"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if !reported.iter().any(|r| r == path) {
            problems.push(format!("conflict {path} not reported (reported: {reported:?})"));
        }
    }
    for (pointer, value) in expect["holds"].as_object().into_iter().flatten() {
        let actual = live.as_ref().and_then(|l| l.pointer(pointer));
        if actual != Some(value) {
            problems.push(format!("{pointer} is {actual:?}, expected {value}"));
        }
    }
    for pointer in expect["absent"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        let exists = live.as_ref().is_some_and(|l| l.pointer(pointer).is_some());
        if exists {
            problems.push(format!("{pointer} should be absent"));
        }
    }
    for (pointer, elements) in expect["contains"].as_object().into_iter().flatten() {
        let actual = live.as_ref().and_then(|l| l.pointer(pointer)).and_then(Value::as_array);
        let expected = elements.as_array().expect("contains lists elements");
        let same =
            actual.is_some_and(|a| a.len() == expected.len() && expected.iter().all(|e| a.contains(e)));
        if !same {
            problems.push(format!("{pointer} is {actual:?}, expected exactly {expected:?} in any order"));
        }
    }
    problems
}

#[test]
fn every_shared_scenario_holds() {
    let dir = scenarios_dir();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the shared scenarios must be at {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 9, "expected the shared scenarios, found {}", entries.len());
    let mut failures = Vec::new();
    for path in &entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).expect("scenario reads");
        for problem in check(&name, &yaml(&text)) {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "scenario failures:\n{}", failures.join("\n"));
}
