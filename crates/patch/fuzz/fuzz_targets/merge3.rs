//! Fuzzes the editor merge: the input is a stream of three JSON documents (whitespace-separated),
//! `base`, `theirs` and `mine`. The merge runs with the metadata `base` names, with the built-in
//! Pod and Deployment metadata and untyped (JSON merge patch); conflicts are then resolved all to
//! one side and all to the other. Errors are fine; a panic is a bug.
//!
//! With `CONCORD_FUZZ_INVARIANTS=1` in the environment it also checks what the engine promises:
//! a merge's patch turns `theirs` into the merged object, and resolving every conflict to one
//! side leaves no conflict. (Resolving may still fail with an error: e.g. a keyed-list element
//! that `x-kubernetes-list-map-keys` identifies but that lacks the strategic merge key conflicts
//! first and only fails when the patch is created.)

#![no_main]

use std::sync::OnceLock;

use concord_patch::merge3::{Merge3, Outcome, Side};
use concord_patch::schema::Gvk;
use concord_patch::{PatchFormat, Schema, TypeInfo};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn invariants() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("CONCORD_FUZZ_INVARIANTS").is_some_and(|v| v == "1"))
}

fn check(outcome: &Outcome, theirs: &Value, info: &TypeInfo<'_>) {
    let Outcome::Merged { object, patch, patch_type } = outcome else { return };
    if !invariants() {
        return;
    }
    // merge3 verifies its patch before answering; this checks the verification.
    match patch_type.apply(theirs, patch, info) {
        Ok(written) => assert_eq!(&written, object, "merge3's patch does not turn theirs into its object"),
        Err(e) => panic!("merge3's patch does not apply to theirs: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut docs = serde_json::Deserializer::from_slice(data).into_iter::<Value>();
    let (Some(Ok(base)), Some(Ok(theirs)), Some(Ok(mine))) = (docs.next(), docs.next(), docs.next()) else {
        return;
    };

    let builtin = Schema::builtin();
    let infos: [TypeInfo<'_>; 4] = [
        builtin.for_object(&base),
        builtin.for_kind(&Gvk::from_api_version("v1", "Pod")),
        builtin.for_kind(&Gvk::from_api_version("apps/v1", "Deployment")),
        TypeInfo::untyped(PatchFormat::Merge),
    ];
    for info in &infos {
        let merge = Merge3::new(info);
        let _ = merge.run(&base, None, &mine);
        let Ok(outcome) = merge.run(&base, Some(&theirs), &mine) else { continue };
        check(&outcome, &theirs, info);
        if let Outcome::Conflicts(conflicts) = outcome {
            for side in [Side::Theirs, Side::Mine] {
                let resolved =
                    conflicts.iter().fold(Merge3::new(info), |m, c| m.resolve(c.path.clone(), side));
                match resolved.run(&base, Some(&theirs), &mine) {
                    Ok(outcome @ Outcome::Merged { .. }) => check(&outcome, &theirs, info),
                    Ok(other) if invariants() => {
                        panic!("resolving every conflict to {side:?} left {other:?}")
                    }
                    _ => {}
                }
            }
        }
    }
});
