use k8s_pb::api::authorization::v1::*;

use crate::json::{messages, string_list};

messages! {
    SelfSubjectAccessReview { metadata, spec, status }
    SelfSubjectRulesReview { metadata, spec, status }
    SubjectAccessReview { metadata, spec, status }
    LocalSubjectAccessReview { metadata, spec, status }
    SelfSubjectAccessReviewSpec { resource_attributes, non_resource_attributes }
    SubjectAccessReviewStatus { #[always] allowed, denied, reason, evaluation_error }
    SelfSubjectRulesReviewSpec { namespace }
    SubjectRulesReviewStatus {
        #[always] resource_rules, #[always] non_resource_rules, #[always] incomplete, evaluation_error
    }
    SubjectAccessReviewSpec {
        resource_attributes, non_resource_attributes, user, groups, extra, uid
    }
    ResourceAttributes {
        namespace, verb, group, version, resource, subresource, name, field_selector, label_selector
    }
    NonResourceAttributes { path, verb }
    ResourceRule { #[always] verbs, api_groups, resources, resource_names }
    NonResourceRule { #[always] verbs, non_resource_ur_ls = "nonResourceURLs" }
    FieldSelectorAttributes { raw_selector, requirements }
    LabelSelectorAttributes { raw_selector, requirements }
}

string_list!(ExtraValue);
