//! Field lists of the converted Kubernetes types, one module per API group version.
//!
//! Written from k8s-pb's prost structs: field names from the upstream OpenAPI documents,
//! `#[always]` on Go pointers and fields without `omitempty`, `#[inline]` on embedded structs
//! (see [`crate::json`] for the rules).

mod apps_v1;
mod authentication_v1;
mod authorization_v1;
mod autoscaling_v1;
mod autoscaling_v2;
mod batch_v1;
mod certificates_v1;
mod coordination_v1;
mod core_v1;
mod meta_v1;
mod networking_v1;
mod policy_v1;
mod rbac_v1;
mod scheduling_v1;
