//! The sandbox's OpenAPI documents and the schema checks kube-apiserver applies to written objects.
//!
//! kubectl reads `/openapi/v3` (and falls back to `/openapi/v2`) for `explain`, for the patch
//! metadata of client-side `apply`, and to learn whether the server takes the `fieldValidation`
//! query parameter. [`Documents`] builds those documents for a set of served [`Resource`]s and
//! CustomResourceDefinitions. The schemas of built-in kinds are generated from the `k8s-openapi`
//! crate's `schemars` implementations (Kubernetes 1.36, with kube's descriptions), with the
//! `x-kubernetes-*` extensions kube-apiserver publishes added from `concord-patch`'s table and
//! this crate's own (`x-kubernetes-map-type`, `x-kubernetes-unions`).
//!
//! [`Validator`] checks an object against a definition the way kube-apiserver decodes and
//! validates it: built-in kinds as Go's JSON decoder does (wrong types, unknown fields per the
//! `fieldValidation` mode), custom resources as the apiextensions server does (pruning,
//! defaulting, OpenAPI v3 validation keywords), with kube's messages.
//!
//! Everything expensive is built on first use and cached: the built-in definitions once per
//! process, documents per set of resources and CRDs.

mod builtin;
mod crd;
mod documents;
mod extensions;
mod paths;
mod validate;

pub use documents::Documents;
pub use validate::{Checked, FieldIssue, FieldValidation, IssueKind, Validator};

/// A served resource, as the API server's registry knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// API group; empty for the core group.
    pub group: String,
    /// API version within the group.
    pub version: String,
    /// Kind of the objects, e.g. `Deployment`.
    pub kind: String,
    /// Kind of the lists, e.g. `DeploymentList`.
    pub list_kind: String,
    /// Plural resource name used in URLs, e.g. `deployments`.
    pub plural: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Supported verbs among `get list watch create update patch delete deletecollection`.
    pub verbs: Vec<String>,
    /// Subresources served under `.../{name}/<subresource>`.
    pub subresources: Vec<Subresource>,
    /// OpenAPI definition name of the kind's root schema, e.g. `io.k8s.api.apps.v1.Deployment`.
    pub definition: String,
}

/// A subresource of a [`Resource`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subresource {
    /// `status` or `scale`.
    pub name: String,
    /// Definition of the subresource's body: the parent's own definition for `status`,
    /// `io.k8s.api.autoscaling.v1.Scale` for `scale`.
    pub kind_definition: String,
    /// Supported verbs among `get update patch`.
    pub verbs: Vec<String>,
}

/// Why documents or a validator could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenApiError {
    /// A resource names a definition this crate does not know.
    #[error("resource {resource} refers to unknown OpenAPI definition {definition}")]
    UnknownDefinition {
        /// `plural.group` of the resource.
        resource: String,
        /// The definition name it gave.
        definition: String,
    },
    /// A CustomResourceDefinition lacks something needed to publish or validate it.
    #[error("CustomResourceDefinition {name}: {problem}")]
    InvalidCrd {
        /// `metadata.name` of the CRD, or `<unnamed>`.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// The CRD does not serve the requested version.
    #[error("CustomResourceDefinition {name} has no version {version}")]
    UnknownVersion {
        /// `metadata.name` of the CRD.
        name: String,
        /// The version asked for.
        version: String,
    },
}
