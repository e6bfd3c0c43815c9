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
//! - [`auth`]: who a request acts as (`--auth kubeconfig|token|proxy`), session cookies.
//! - [`server`]: the clusters offered, each caller's view of them, access answers.
//! - [`live`]: one shared upstream watch per cluster and resource type, fanned out to
//!   followers, each filtered and permission-checked.
//! - [`kubeconfig`]: the clusters of a kubeconfig, one per context, each with its user.
//! - [`demo`]: the demo data `concord serve` loads into its own sandbox.
//! - [`http`]: the JSON API over them (reading, live updates as server-sent events, sessions,
//!   `POST /api/v1/edit`, `/api/v1/create`, `/api/v1/delete`), with CSRF protection on every
//!   mutating request.
//!
//! The merge itself is [`concord_patch::merge3`]; this crate adds the round trips.

pub mod auth;
pub mod cluster;
pub mod demo;
pub mod edit;
pub mod http;
pub mod kubeconfig;
pub mod live;
pub mod objects;
pub mod server;

pub use cluster::{Cluster, ClusterError, Kind};
pub use concord_patch::merge3::{Conflict, GoneReason, Side};
pub use edit::{EditError, EditOutcome, EditRequest, Resolution, edit};
pub use server::{ClusterEntry, Server};
