use k8s_pb::api::scheduling::v1::*;

use crate::json::messages;

messages! {
    PriorityClass { metadata, value, global_default, description, #[always] preemption_policy }
}
