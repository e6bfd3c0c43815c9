//! Kubernetes API-machinery rules as kube-apiserver v1.32 applies them, without I/O, for
//! Concord's Kubernetes-compatible sandbox. Every message a client can see is kube-apiserver's.
//!
//! - [`civil`]: calendar arithmetic for `metav1.Time`.
//! - [`labels`]: label selectors, from the query string or a `metav1.LabelSelector` object.
//! - [`fields`]: field selectors and the field labels each resource supports.
//! - [`names`]: object names, namespaces, labels and annotations (`ValidateObjectMeta`), and
//!   `generateName`.
//! - [`field`]: field-level validation errors and the 422 `Invalid` message built from them.
//! - [`rbac`]: the RBAC authorizer, its bootstrap policy, impersonation, and the 403 texts.
//! - [`tokens`]: the static token file (`--token-auth-file`).

mod gofmt;

pub mod civil;
pub mod field;
pub mod fields;
pub mod labels;
pub mod names;
pub mod rbac;
pub mod tokens;
