//! Inputs the `merge3` fuzzer once failed on (`fuzz-regressions/`, each three JSON documents:
//! base, theirs, mine). Under every metadata the fuzzer uses, a merged outcome's patch must turn
//! theirs into exactly the merged object.

use std::path::PathBuf;

use concord_patch::merge3::{Merge3, Outcome};
use concord_patch::{Gvk, PatchFormat, Schema, TypeInfo};
use serde_json::Value;

#[test]
fn merge3_patches_reproduce_their_merge_on_past_fuzz_findings() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions directory") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        let docs: Vec<Value> =
            serde_json::Deserializer::from_str(&text).into_iter().collect::<Result<_, _>>().expect("JSON");
        let [base, theirs, mine] = docs.as_slice() else { panic!("{}: three documents", path.display()) };
        let builtin = Schema::builtin();
        for info in [
            builtin.for_object(base),
            builtin.for_kind(&Gvk::from_api_version("v1", "Pod")),
            builtin.for_kind(&Gvk::from_api_version("apps/v1", "Deployment")),
            TypeInfo::untyped(PatchFormat::Merge),
        ] {
            if let Ok(Outcome::Merged { object, patch, patch_type }) =
                Merge3::new(&info).run(base, Some(theirs), mine)
            {
                let written = patch_type.apply(theirs, &patch, &info);
                assert_eq!(written.as_ref(), Ok(&object), "{}: {patch_type} patch {patch}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 3, "expected merged outcomes to check, got {checked}");
}
