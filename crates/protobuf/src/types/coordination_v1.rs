use k8s_pb::api::coordination::v1::*;

use crate::json::messages;

messages! {
    Lease { metadata, spec }
    LeaseSpec {
        #[always] holder_identity, #[always] lease_duration_seconds, acquire_time, renew_time,
        #[always] lease_transitions, #[always] strategy, #[always] preferred_holder
    }
}
