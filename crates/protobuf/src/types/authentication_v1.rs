use k8s_pb::api::authentication::v1::*;

use crate::json::{messages, string_list};

messages! {
    TokenRequest { metadata, spec, status }
    SelfSubjectReview { metadata, status }
    TokenReview { metadata, spec, status }
    TokenRequestSpec { #[always] audiences, #[always] expiration_seconds, bound_object_ref }
    TokenRequestStatus { #[always] token, expiration_timestamp }
    SelfSubjectReviewStatus { user_info }
    TokenReviewSpec { #[always] token, audiences }
    TokenReviewStatus { authenticated, user, audiences, error }
    BoundObjectReference { kind, api_version, name, u_id = "uid" }
    UserInfo { username, uid, groups, extra }
}

string_list!(ExtraValue);
