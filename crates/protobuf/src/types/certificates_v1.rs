use k8s_pb::api::certificates::v1::*;

use crate::json::{messages, string_list};

messages! {
    CertificateSigningRequest { metadata, spec, status }
    CertificateSigningRequestSpec {
        #[always] request, #[always] signer_name, #[always] expiration_seconds, usages, username,
        uid, groups, extra
    }
    CertificateSigningRequestStatus { conditions, certificate }
    CertificateSigningRequestCondition {
        #[always] r#type, #[always] status, reason, message, last_update_time, last_transition_time
    }
}

string_list!(ExtraValue);
