//! Fuzzes patch application: the input is a stream of JSON documents (whitespace-separated), the
//! first the object, the second the patch, an optional third a second user's copy. Every patch
//! format is applied with the metadata the object names and with the built-in Pod and
//! Deployment metadata. Errors are fine; a panic, an abort or a stack overflow is a bug.

#![no_main]

use concord_patch::merge3::merge3;
use concord_patch::schema::Gvk;
use concord_patch::{Schema, TypeInfo, json_patch, merge_patch, strategic};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let mut docs = serde_json::Deserializer::from_slice(data).into_iter::<Value>();
    let (Some(Ok(object)), Some(Ok(patch))) = (docs.next(), docs.next()) else { return };
    let third = docs.next().and_then(Result::ok);

    let builtin = Schema::builtin();
    let infos: [TypeInfo<'_>; 3] = [
        builtin.for_object(&object),
        builtin.for_kind(&Gvk::from_api_version("v1", "Pod")),
        builtin.for_kind(&Gvk::from_api_version("apps/v1", "Deployment")),
    ];
    for info in &infos {
        if let Ok(applied) = strategic::apply(&object, &patch, info) {
            // A patch that applied must be re-creatable from the two objects, and the editor
            // merge of the object, the patched object and the user's copy must not panic.
            let _ = strategic::create_two_way(&object, &applied, info);
            let _ = merge3(&object, &applied, third.as_ref().unwrap_or(&patch), info);
        }
        let _ = merge3(&object, &patch, third.as_ref().unwrap_or(&object), info);
        if let Some(third) = &third {
            let _ = strategic::create_three_way(&object, &patch, third, info, false);
        }
    }

    if let Ok(merged) = merge_patch::apply(&object, &patch) {
        let _ = merge_patch::create(&object, &merged);
    }
    if let Ok(ops) = json_patch::parse(&patch) {
        let _ = json_patch::apply(&object, &ops);
    }
});
