//! One cluster reached with one identity: which resource serves a kind, reading and writing
//! objects, with the API server's refusals kept as it gave them.
//!
//! A [`Cluster`] keeps the configuration it was made from, so the server can reach the same
//! cluster as each signed-in user ([`Cluster::acting_as`]) with nothing but that user's own
//! credentials.

mod read;
mod review;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use concord_patch::{Gvk, PatchFormat, PatchType, Schema, TypeInfo};
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams,
    Preconditions,
};
use kube::config::AuthInfo;
use kube::discovery::{self, Scope};
use serde_json::Value;

pub use read::{ListQuery, Listing, LogQuery, ResourceType, ServedKind};
pub use review::{Access, UserInfo};

/// How long one request to the cluster may take unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// How long what discovery said about a kind is trusted: a CRD's schema or scope may change.
const KIND_TTL: Duration = Duration::from_secs(300);

/// Why the cluster did not do what was asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClusterError {
    /// The API server refused, with this `Status`.
    #[error("{message}")]
    Refused {
        /// HTTP status code.
        code: u16,
        /// The `Status` reason (`Conflict`, `Forbidden`, `Invalid`, ...).
        reason: String,
        /// The API server's message, for the user.
        message: String,
    },
    /// The API server could not be reached, or answered with something that is not an answer.
    #[error("the cluster could not be reached: {0}")]
    Unreachable(String),
    /// The API server did not answer in time.
    #[error("the cluster did not answer within {} seconds", .0.as_secs())]
    Timeout(Duration),
}

impl ClusterError {
    /// The HTTP status code of a refusal.
    pub fn code(&self) -> Option<u16> {
        match self {
            ClusterError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }

    fn from_kube(error: kube::Error) -> ClusterError {
        match error {
            kube::Error::Api(status) => ClusterError::Refused {
                code: status.code,
                reason: status.reason.clone(),
                message: status.message.clone(),
            },
            other => ClusterError::Unreachable(other.to_string()),
        }
    }
}

/// A kind as the cluster serves it, and what the patch engine knows of its type.
#[derive(Clone)]
pub struct Kind {
    resource: ApiResource,
    namespaced: bool,
    /// The CRD's types added to the built-in schema, for a custom resource whose CRD could be
    /// read; `None` for everything the built-in schema serves as it is.
    custom: Option<Arc<Schema>>,
    gvk: Gvk,
}

impl Kind {
    /// Whether objects of the kind live in namespaces.
    pub fn namespaced(&self) -> bool {
        self.namespaced
    }

    /// The type of its objects, for the patch engine.
    pub fn type_info(&self) -> TypeInfo<'_> {
        self.custom.as_deref().unwrap_or_else(|| Schema::builtin()).for_kind(&self.gvk)
    }

    /// The patch type the API server takes for it: strategic merge patch for built-in kinds,
    /// JSON merge patch for custom resources.
    pub fn patch_type(&self) -> PatchType {
        match self.type_info().format {
            PatchFormat::Strategic => PatchType::Strategic,
            PatchFormat::Merge => PatchType::Merge,
        }
    }
}

/// Whose credentials a [`Cluster`] made by [`Cluster::acting_as`] uses.
#[derive(Clone)]
pub enum Credentials {
    /// A bearer token, and nothing else of the server's own configuration.
    Token(String),
    /// The server's own credentials, impersonating this user (as an authenticating proxy
    /// named them): the API server authorizes every request as the user.
    Impersonate {
        /// The user name.
        user: String,
        /// The user's groups.
        groups: Vec<String>,
    },
}

impl std::fmt::Debug for Credentials {
    /// Never shows a token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Token(_) => f.write_str("Token(<redacted>)"),
            Credentials::Impersonate { user, groups } => {
                f.debug_struct("Impersonate").field("user", user).field("groups", groups).finish()
            }
        }
    }
}

/// A cluster and the identity its client acts as.
pub struct Cluster {
    client: kube::Client,
    config: kube::Config,
    timeout: Duration,
    kinds: Mutex<HashMap<(String, String), (Kind, Instant)>>,
}

impl Cluster {
    /// The cluster `config` points at, reached with `config`'s credentials.
    pub fn new(config: kube::Config) -> Result<Cluster, ClusterError> {
        let client = kube::Client::try_from(config.clone())
            .map_err(|e| ClusterError::Unreachable(format!("cannot make a client: {e}")))?;
        Ok(Cluster { client, config, timeout: DEFAULT_TIMEOUT, kinds: Mutex::new(HashMap::new()) })
    }

    /// The same cluster with requests bounded by `timeout` instead of [`DEFAULT_TIMEOUT`].
    pub fn with_timeout(mut self, timeout: Duration) -> Cluster {
        self.timeout = timeout;
        self
    }

    /// How long one request may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The same cluster, reached with `credentials` instead of this one's.
    pub fn acting_as(&self, credentials: &Credentials) -> Result<Cluster, ClusterError> {
        let mut config = self.config.clone();
        match credentials {
            Credentials::Token(token) => {
                config.auth_info = AuthInfo { token: Some(token.clone().into()), ..AuthInfo::default() };
            }
            Credentials::Impersonate { user, groups } => {
                config.auth_info.impersonate = Some(user.clone());
                config.auth_info.impersonate_groups = Some(groups.clone());
                config.auth_info.impersonate_uid = None;
                config.auth_info.impersonate_user_extra = None;
            }
        }
        Ok(Cluster::new(config)?.with_timeout(self.timeout))
    }

    /// The client, for requests this module does not wrap (watches).
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// The resource serving `kind` of `api_version`, from discovery (remembered), with the type
    /// information of a custom resource's CRD when the user may read it.
    pub async fn kind(&self, api_version: &str, kind: &str) -> Result<Kind, ClusterError> {
        let key = (api_version.to_owned(), kind.to_owned());
        if let Some((found, at)) = self.kinds.lock().unwrap_or_else(|p| p.into_inner()).get(&key)
            && at.elapsed() < KIND_TTL
        {
            return Ok(found.clone());
        }
        let gvk = Gvk::from_api_version(api_version, kind);
        let wanted = GroupVersionKind::gvk(&gvk.group, &gvk.version, &gvk.kind);
        let unknown = || ClusterError::Refused {
            code: 404,
            reason: "NotFound".into(),
            message: format!("the cluster serves no kind {kind} in {api_version}"),
        };
        let (resource, capabilities) =
            match tokio::time::timeout(self.timeout, discovery::pinned_kind(&self.client, &wanted)).await {
                Err(_) => return Err(ClusterError::Timeout(self.timeout)),
                Ok(Ok(found)) => found,
                Ok(Err(kube::Error::Discovery(_))) => return Err(unknown()),
                Ok(Err(kube::Error::Api(status))) if status.code == 404 => return Err(unknown()),
                Ok(Err(other)) => return Err(ClusterError::from_kube(other)),
            };
        let custom = if matches!(Schema::builtin().for_kind(&gvk).format, PatchFormat::Strategic) {
            None
        } else {
            self.crd_schema(&resource).await.map(Arc::new)
        };
        let found = Kind { resource, namespaced: capabilities.scope == Scope::Namespaced, custom, gvk };
        self.kinds.lock().unwrap_or_else(|p| p.into_inner()).insert(key, (found.clone(), Instant::now()));
        Ok(found)
    }

    /// The built-in schema plus the CRD's types when the CRD can be read; without it (None), a
    /// custom resource's lists merge as wholes.
    async fn crd_schema(&self, resource: &ApiResource) -> Option<Schema> {
        let crds = ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
            "customresourcedefinitions",
        );
        let api: Api<DynamicObject> = Api::all_with(self.client.clone(), &crds);
        let name = format!("{}.{}", resource.plural, resource.group);
        let crd = serde_json::to_value(self.timed(api.get_opt(&name)).await.ok()??).ok()?;
        let mut schema = Schema::builtin().clone();
        schema.extend(Schema::from_crd(&crd).ok()?);
        Some(schema)
    }

    fn api(&self, kind: &Kind, namespace: Option<&str>) -> Api<DynamicObject> {
        match namespace.filter(|_| kind.namespaced) {
            Some(namespace) => Api::namespaced_with(self.client.clone(), namespace, &kind.resource),
            None => Api::all_with(self.client.clone(), &kind.resource),
        }
    }

    /// The live object, or None if there is none.
    pub async fn get(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, ClusterError> {
        let object = self.timed(self.api(kind, namespace).get_opt(name)).await?;
        object
            .map(|o| serde_json::to_value(o).map_err(|e| ClusterError::Unreachable(e.to_string())))
            .transpose()
    }

    /// Creates `object` as field manager `manager`; the object as stored, or None if one of that
    /// name exists already.
    pub async fn create(
        &self,
        kind: &Kind,
        object: &Value,
        manager: &str,
    ) -> Result<Option<Value>, ClusterError> {
        let namespace = object.pointer("/metadata/namespace").and_then(Value::as_str);
        let object: DynamicObject = serde_json::from_value(object.clone()).map_err(|e| {
            ClusterError::Refused { code: 400, reason: "BadRequest".into(), message: e.to_string() }
        })?;
        let params = PostParams { field_manager: Some(manager.to_owned()), ..PostParams::default() };
        match self.timed(self.api(kind, namespace).create(&params, &object)).await {
            Ok(created) => {
                serde_json::to_value(created).map(Some).map_err(|e| ClusterError::Unreachable(e.to_string()))
            }
            Err(ClusterError::Refused { code: 409, reason, .. }) if reason == "AlreadyExists" => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Deletes the object if it still has this `uid` and `resource_version` (the API server
    /// refuses with 409 otherwise); what the API server answered (the object, marked for
    /// deletion or as it was, or a `Status`).
    pub async fn delete(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
        uid: &str,
        resource_version: &str,
    ) -> Result<Value, ClusterError> {
        let preconditions =
            Preconditions { uid: Some(uid.to_owned()), resource_version: Some(resource_version.to_owned()) };
        let params = DeleteParams { preconditions: Some(preconditions), ..DeleteParams::default() };
        let answer = self.timed(self.api(kind, namespace).delete(name, &params)).await?;
        let answer = match answer {
            either::Either::Left(object) => serde_json::to_value(object),
            either::Either::Right(status) => serde_json::to_value(status),
        };
        answer.map_err(|e| ClusterError::Unreachable(e.to_string()))
    }

    /// Sends `patch`, of the kind's patch type ([`Kind::patch_type`]), as field manager
    /// `manager`; the object as the cluster stored it.
    pub async fn patch(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
        patch: &Value,
        manager: &str,
    ) -> Result<Value, ClusterError> {
        let params = PatchParams { field_manager: Some(manager.to_owned()), ..PatchParams::default() };
        let patch = match kind.patch_type() {
            PatchType::Strategic => Patch::Strategic(patch),
            _ => Patch::Merge(patch),
        };
        let object = self.timed(self.api(kind, namespace).patch(name, &params, &patch)).await?;
        serde_json::to_value(object).map_err(|e| ClusterError::Unreachable(e.to_string()))
    }

    /// A request to the cluster, bounded by the cluster's timeout.
    async fn timed<T>(
        &self,
        request: impl Future<Output = Result<T, kube::Error>>,
    ) -> Result<T, ClusterError> {
        match tokio::time::timeout(self.timeout, request).await {
            Ok(result) => result.map_err(ClusterError::from_kube),
            Err(_) => Err(ClusterError::Timeout(self.timeout)),
        }
    }
}
