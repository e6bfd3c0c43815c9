//! Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into the
//! JSON that kube-apiserver would see from a JSON client. It does no I/O.
//!
//! kubectl's typed clients (`kubectl create namespace|secret|deployment|...`, `kubectl auth
//! can-i`, `kubectl create token`) send their request bodies as protobuf: the magic `k8s\0`, then
//! a `runtime.Unknown` envelope holding the apiVersion, the kind and the object's own protobuf
//! bytes. [`decode`] unwraps the envelope, decodes the object with the k8s-pb types and writes it
//! the way Go's JSON encoder writes the same object: camelCase names, empty `omitempty` fields
//! left out, set pointers kept even when zero, quantities and times as strings, bytes as base64.
//!
//! ```
//! use k8s_pb::api::core::v1::Namespace;
//! use k8s_pb::apimachinery::pkg::apis::meta::v1::ObjectMeta;
//! use k8s_pb::apimachinery::pkg::runtime::{TypeMeta, Unknown};
//! use prost::Message as _;
//!
//! let namespace = Namespace {
//!     metadata: Some(ObjectMeta { name: Some("demo".into()), ..Default::default() }),
//!     ..Default::default()
//! };
//! let envelope = Unknown {
//!     type_meta: Some(TypeMeta { api_version: Some("v1".into()), kind: Some("Namespace".into()) }),
//!     raw: Some(namespace.encode_to_vec()),
//!     ..Default::default()
//! };
//! let mut body = b"k8s\0".to_vec();
//! body.extend(envelope.encode_to_vec());
//!
//! let object = concord_protobuf::decode(&body)?;
//! assert_eq!(object, serde_json::json!({
//!     "kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "demo"},
//! }));
//! # Ok::<(), concord_protobuf::ProtobufError>(())
//! ```
//!
//! # Coverage and differences from kube-apiserver
//!
//! Every field of the converted kinds is converted (the field lists are checked against the
//! upstream OpenAPI document by the tests); other kinds are [`ProtobufError::UnsupportedKind`],
//! a client can resend them as JSON. Where the result can differ from Go's:
//!
//! - A zero value field that has no `omitempty` in Go but is not `required` upstream is left
//!   out where Go writes its zero; the ones kubectl's generators produce are handled.
//! - The types are k8s-pb 0.9's (Kubernetes 1.35): fields new in 1.36 cannot be carried, and
//!   `PodSpec.workloadRef`, gone in 1.36, is dropped as a 1.36 server drops its unknown tag.
//! - Strings that are not UTF-8 are decode errors (Go keeps them and writes U+FFFD in JSON), and
//!   so are times outside the years 0 to 9999 and `IntOrString` types other than 0 and 1.
//! - Quantities are passed on as their strings, for the JSON decoder to parse.

mod json;
mod types;

#[cfg(test)]
#[path = "../tests/common/openapi.rs"]
mod openapi;

use k8s_pb::api::{
    apps, authentication, authorization, autoscaling, batch, certificates, coordination, core, networking,
    policy, rbac, scheduling,
};
use k8s_pb::apimachinery::pkg::apis::meta;
use k8s_pb::apimachinery::pkg::runtime::{TypeMeta, Unknown};
use prost::Message as _;
use serde_json::{Map, Value};

use crate::json::Message;

/// The protobuf content type.
pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The magic prefix of every enveloped protobuf body.
const MAGIC: &[u8] = b"k8s\0";

/// Why a protobuf body could not be decoded. The messages follow kube-apiserver's where it has
/// one and are meant for the `message` of a 400 (or, for [`ProtobufError::UnsupportedKind`],
/// 415) Status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtobufError {
    /// The body does not start with `k8s\0`.
    #[error("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")]
    NoMagic,
    /// The body is empty, or the `runtime.Unknown` envelope is broken or lacks its kind or
    /// apiVersion.
    #[error("{0}")]
    Envelope(String),
    /// The envelope names a kind this crate does not convert.
    #[error("the protobuf encoding of {kind} in {api_version} is not supported, send it as application/json")]
    UnsupportedKind {
        /// The envelope's apiVersion.
        api_version: String,
        /// The envelope's kind.
        kind: String,
    },
    /// The object's protobuf is broken, or holds a value JSON cannot carry.
    #[error("unable to decode {kind} from protobuf: {message}")]
    Decode {
        /// The envelope's kind.
        kind: String,
        /// What is wrong, with the field path where known.
        message: String,
    },
}

/// Decodes an enveloped protobuf body into the object's JSON form (with apiVersion and kind from
/// the envelope).
///
/// The envelope's `contentEncoding` and `contentType` are ignored, as kube-apiserver ignores
/// them. `DeleteOptions` is accepted under any apiVersion, since every group version registers
/// it.
pub fn decode(body: &[u8]) -> Result<Value, ProtobufError> {
    let raw_envelope = match body.strip_prefix(MAGIC) {
        _ if body.is_empty() => return Err(ProtobufError::Envelope("empty data".to_owned())),
        None => return Err(ProtobufError::NoMagic),
        Some([]) => return Err(ProtobufError::Envelope("empty body".to_owned())),
        Some(rest) => rest,
    };
    let envelope = Unknown::decode(raw_envelope)
        .map_err(|e| ProtobufError::Envelope(format!("invalid protobuf envelope: {e}")))?;
    let type_meta = envelope.type_meta.unwrap_or_default();
    let api_version = type_meta.api_version.clone().unwrap_or_default();
    let kind = type_meta.kind.clone().unwrap_or_default();
    if kind.is_empty() {
        return Err(missing("Kind", &type_meta));
    }
    if api_version.is_empty() {
        return Err(missing("apiVersion", &type_meta));
    }
    let raw = envelope.raw.unwrap_or_default();
    let mut object = Map::new();
    object.insert("kind".to_owned(), Value::String(kind.clone()));
    object.insert("apiVersion".to_owned(), Value::String(api_version.clone()));
    let converted = if kind == "DeleteOptions" {
        Some(write::<meta::v1::DeleteOptions>(&raw, &mut object))
    } else {
        write_kind(&api_version, &kind, &raw, &mut object)
    };
    match converted {
        Some(Ok(())) => Ok(Value::Object(object)),
        Some(Err(message)) => Err(ProtobufError::Decode { kind, message }),
        None => Err(ProtobufError::UnsupportedKind { api_version, kind }),
    }
}

/// kube-apiserver's `runtime.NewMissingKindErr`/`NewMissingVersionErr` text.
fn missing(field: &str, type_meta: &TypeMeta) -> ProtobufError {
    ProtobufError::Envelope(format!(
        "Object '{field}' is missing in 'runtime.TypeMeta{{APIVersion:{:?}, Kind:{:?}}}'",
        type_meta.api_version.as_deref().unwrap_or_default(),
        type_meta.kind.as_deref().unwrap_or_default(),
    ))
}

/// Decodes `raw` as `T` and writes its fields after the envelope's kind and apiVersion.
fn write<T: prost::Message + Default + Message>(
    raw: &[u8],
    object: &mut Map<String, Value>,
) -> Result<(), String> {
    let message = T::decode(raw).map_err(|e| e.to_string())?;
    message.write_fields(object).map_err(|e| e.to_string())
}

/// The kinds [`decode`] converts, by apiVersion and kind.
macro_rules! kinds {
    ($($api_version:literal $kind:literal => $ty:ty,)*) => {
        /// Converts a known kind; `None` for the others.
        fn write_kind(
            api_version: &str,
            kind: &str,
            raw: &[u8],
            object: &mut Map<String, Value>,
        ) -> Option<Result<(), String>> {
            match (api_version, kind) {
                $( ($api_version, $kind) => Some(write::<$ty>(raw, object)), )*
                _ => None,
            }
        }

        /// Every converted kind with the encoding of a sample that sets every field.
        #[cfg(test)]
        const KINDS: &[(&str, &str, fn() -> Vec<u8>)] = &[
            $( ($api_version, $kind, || {
                <$ty as json::tests::Sample>::sample().encode_to_vec()
            }), )*
        ];
    };
}

kinds! {
    "v1" "Namespace" => core::v1::Namespace,
    "v1" "ConfigMap" => core::v1::ConfigMap,
    "v1" "Secret" => core::v1::Secret,
    "v1" "ServiceAccount" => core::v1::ServiceAccount,
    "v1" "Service" => core::v1::Service,
    "v1" "Pod" => core::v1::Pod,
    "v1" "PodTemplate" => core::v1::PodTemplate,
    "v1" "ReplicationController" => core::v1::ReplicationController,
    "v1" "Endpoints" => core::v1::Endpoints,
    "v1" "Event" => core::v1::Event,
    "v1" "Node" => core::v1::Node,
    "v1" "PersistentVolumeClaim" => core::v1::PersistentVolumeClaim,
    "v1" "ResourceQuota" => core::v1::ResourceQuota,
    "v1" "LimitRange" => core::v1::LimitRange,
    "apps/v1" "Deployment" => apps::v1::Deployment,
    "apps/v1" "ReplicaSet" => apps::v1::ReplicaSet,
    "apps/v1" "StatefulSet" => apps::v1::StatefulSet,
    "apps/v1" "DaemonSet" => apps::v1::DaemonSet,
    "batch/v1" "Job" => batch::v1::Job,
    "batch/v1" "CronJob" => batch::v1::CronJob,
    "networking.k8s.io/v1" "Ingress" => networking::v1::Ingress,
    "networking.k8s.io/v1" "IngressClass" => networking::v1::IngressClass,
    "networking.k8s.io/v1" "NetworkPolicy" => networking::v1::NetworkPolicy,
    "rbac.authorization.k8s.io/v1" "Role" => rbac::v1::Role,
    "rbac.authorization.k8s.io/v1" "RoleBinding" => rbac::v1::RoleBinding,
    "rbac.authorization.k8s.io/v1" "ClusterRole" => rbac::v1::ClusterRole,
    "rbac.authorization.k8s.io/v1" "ClusterRoleBinding" => rbac::v1::ClusterRoleBinding,
    "coordination.k8s.io/v1" "Lease" => coordination::v1::Lease,
    "authorization.k8s.io/v1" "SelfSubjectAccessReview" =>
        authorization::v1::SelfSubjectAccessReview,
    "authorization.k8s.io/v1" "SelfSubjectRulesReview" => authorization::v1::SelfSubjectRulesReview,
    "authorization.k8s.io/v1" "SubjectAccessReview" => authorization::v1::SubjectAccessReview,
    "authorization.k8s.io/v1" "LocalSubjectAccessReview" =>
        authorization::v1::LocalSubjectAccessReview,
    "authentication.k8s.io/v1" "TokenRequest" => authentication::v1::TokenRequest,
    "authentication.k8s.io/v1" "TokenReview" => authentication::v1::TokenReview,
    "authentication.k8s.io/v1" "SelfSubjectReview" => authentication::v1::SelfSubjectReview,
    "autoscaling/v1" "Scale" => autoscaling::v1::Scale,
    "autoscaling/v1" "HorizontalPodAutoscaler" => autoscaling::v1::HorizontalPodAutoscaler,
    "autoscaling/v2" "HorizontalPodAutoscaler" => autoscaling::v2::HorizontalPodAutoscaler,
    "policy/v1" "PodDisruptionBudget" => policy::v1::PodDisruptionBudget,
    "policy/v1" "Eviction" => policy::v1::Eviction,
    "scheduling.k8s.io/v1" "PriorityClass" => scheduling::v1::PriorityClass,
    "certificates.k8s.io/v1" "CertificateSigningRequest" =>
        certificates::v1::CertificateSigningRequest,
}

#[cfg(test)]
mod tests {
    //! Every converted kind, with every field set, against the upstream OpenAPI document.

    use std::collections::BTreeSet;

    use super::*;

    use crate::openapi;

    fn envelope(api_version: &str, kind: &str, raw: Vec<u8>) -> Vec<u8> {
        let unknown = Unknown {
            type_meta: Some(TypeMeta {
                api_version: Some(api_version.to_owned()),
                kind: Some(kind.to_owned()),
            }),
            raw: Some(raw),
            content_encoding: None,
            content_type: None,
        };
        [MAGIC, &unknown.encode_to_vec()].concat()
    }

    /// Fields of the upstream 1.36 document that k8s-pb 0.9 (Kubernetes 1.35) cannot carry.
    const NEWER_THAN_K8S_PB: &[&str] = &[
        "io.k8s.api.core.v1.PodSpec.schedulingGroup",
        "io.k8s.api.core.v1.PodStatus.nodeAllocatableResourceClaimStatuses",
        "io.k8s.api.core.v1.ResourceHealth.message",
        "io.k8s.api.core.v1.VolumeMountStatus.volumeStatus",
    ];

    #[test]
    fn every_field_of_every_kind_has_its_upstream_name() {
        let swagger = openapi::Swagger::load();
        let mut walk = openapi::Walk::default();
        for (api_version, kind, sample) in KINDS {
            let object = decode(&envelope(api_version, kind, sample()))
                .unwrap_or_else(|e| panic!("{api_version} {kind}: {e}"));
            assert_eq!(object["kind"], *kind);
            swagger.check_object(&object, &mut walk);
        }
        assert_eq!(walk.problems, Vec::<String>::new());
        let reached: BTreeSet<&str> = walk.covered.iter().map(|(def, _)| def.as_str()).collect();
        let missing: Vec<String> = reached
            .iter()
            .flat_map(|def| {
                swagger
                    .properties(def)
                    .into_iter()
                    .filter(|prop| {
                        prop != "apiVersion"
                            && prop != "kind"
                            && !walk.covered.contains(&(def.to_string(), prop.clone()))
                    })
                    .map(move |prop| format!("{def}.{prop}"))
            })
            .collect();
        assert_eq!(missing, NEWER_THAN_K8S_PB);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode(&body);
            let _ = decode(&[MAGIC, &body].concat());
        }

        #[test]
        fn arbitrary_objects_of_every_kind_never_panic(
            index in 0..KINDS.len(),
            raw in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
        ) {
            let (api_version, kind, _) = KINDS[index];
            if let Ok(object) = decode(&envelope(api_version, kind, raw)) {
                proptest::prop_assert_eq!(&object["kind"], kind);
            }
        }

        /// Corrupted copies of full samples reach far deeper than random bytes do.
        #[test]
        fn corrupted_samples_never_panic(
            index in 0..KINDS.len(),
            flips in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::u8::ANY), 1..8),
            cut in proptest::num::usize::ANY,
        ) {
            let (api_version, kind, sample) = KINDS[index];
            let mut raw = sample();
            for (at, byte) in flips {
                let len = raw.len();
                if let Some(slot) = raw.get_mut(at % len.max(1)) {
                    *slot ^= byte;
                }
            }
            let _ = decode(&envelope(api_version, kind, raw.clone()));
            raw.truncate(cut % (raw.len() + 1));
            let _ = decode(&envelope(api_version, kind, raw));
        }
    }
}
