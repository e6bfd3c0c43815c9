//! Concord's back end.
//!
//! - [`cluster`]: one cluster reached with the user's own identity: which resource serves a
//!   kind (from discovery), reading and patching objects, refusals kept as the API server gave
//!   them.
//! - [`edit`]: the conflict-safe edit protocol: a patch from the user's `base` to `mine` with
//!   preconditions on `base`'s version, a three-way merge with the live object when someone else
//!   wrote first, conflicts reported per field, nothing ever written over a change the user did
//!   not see unless they chose so for that field.
//!
//! - [`objects`]: create and delete in the same style (no silent replacement, deletes with
//!   preconditions on the version the user saw).
//! - [`kubeconfig`]: the clusters of a kubeconfig, one per context, each with its user.
//! - [`demo`]: the demo data `concord serve` loads into its own sandbox.
//! - [`http`]: the JSON API over them (`POST /api/v1/edit`, `/api/v1/create`,
//!   `/api/v1/delete`, `GET /api/v1/clusters`), with CSRF protection on every mutating request.
//!
//! The merge itself is [`concord_patch::merge3`]; this crate adds the round trips.

pub mod cluster;
pub mod demo;
pub mod edit;
pub mod http;
pub mod kubeconfig;
pub mod objects;

pub use cluster::{Cluster, ClusterError, Kind};
pub use concord_patch::merge3::{Conflict, GoneReason, Side};
pub use edit::{EditError, EditOutcome, EditRequest, Resolution, edit};
