//! The engine against kubectl's own strategic merge patch (`kubectl patch --local`, the
//! apimachinery code kube-apiserver runs) on generated objects: kubectl applies the engine's
//! two-way patches to exactly the modified object, and both apply the engine's three-way patches
//! to a concurrently changed object identically — element order included.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::generators::edits;
use concord_patch::{Schema, strategic};
use proptest::prelude::*;
use serde_json::Value;

const KUBECTL: &str = "/usr/bin/kubectl";

/// A scratch directory for kubectl's input files, unique per process.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("concord-kubectl-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    // An empty kubeconfig: `--local` needs no cluster, and none must be contacted.
    std::fs::write(dir.join("kubeconfig"), "").expect("kubeconfig");
    dir
}

fn kubectl_patch(dir: &Path, object: &Value, patch: &Value) -> Value {
    static N: AtomicUsize = AtomicUsize::new(0);
    let file = dir.join(format!("object-{}.json", N.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&file, object.to_string()).expect("object file");
    let out = Command::new(KUBECTL)
        .env("KUBECONFIG", dir.join("kubeconfig"))
        .args(["patch", "--local", "--type", "strategic", "-o", "json", "-f"])
        .arg(&file)
        .arg("-p")
        .arg(patch.to_string())
        .output()
        .unwrap_or_else(|e| panic!("{KUBECTL} must be installed (it is on every machine): {e}"));
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "kubectl failed on patch {patch}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("kubectl prints JSON")
}

/// kubectl's raw result, as the engine means it. apimachinery takes a list element that is new
/// to the object verbatim, so `kubectl patch --local` can print leftovers the engine processes:
/// - `null` members: kube-apiserver decodes the result into the typed object, where they are
///   absent; the engine drops them.
/// - directives inside such an element (`$setElementOrder/…` keys, `{name: B, $patch: delete}`
///   elements of a nested list): apimachinery leaves them, and kube-apiserver would even decode
///   that delete directive as an env var `B`; the engine applies them (a deliberate deviation
///   from that quirk). They are dropped here, so everything else must agree.
fn as_meant(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, v)| !v.is_null() && !k.starts_with('$'))
                .map(|(k, v)| (k, as_meant(v)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().filter(|e| e.get("$patch").is_none()).map(as_meant).collect())
        }
        other => other,
    }
}

proptest! {
    // Each case runs kubectl twice (about a tenth of a second each).
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn kubectl_agrees_with_the_engine((last, current, wanted) in edits()) {
        let dir = scratch();
        let info = Schema::builtin().for_object(&last);

        let two_way = strategic::create_two_way(&last, &wanted, &info).unwrap();
        prop_assert_eq!(as_meant(kubectl_patch(&dir, &last, &two_way)), wanted.clone(), "two-way patch {}", two_way);

        let three_way = strategic::create_three_way(&last, &wanted, &current, &info, true).unwrap();
        let ours = strategic::apply(&current, &three_way, &info).unwrap();
        prop_assert_eq!(as_meant(kubectl_patch(&dir, &current, &three_way)), ours, "three-way patch {}", three_way);
    }
}
