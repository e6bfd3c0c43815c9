//! The server's state: the clusters it offers, how it learns who a request is from, each
//! caller's view of each cluster, and the shared watches.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Auth, AuthError, Caller};
use crate::cluster::{Access, Cluster, ClusterError, Credentials};
use crate::live::Hub;

/// How long an idle caller's clients (and what they learned from discovery) are kept.
const IDLE: Duration = Duration::from_secs(600);

/// How long the cluster's answer to "may this caller list these?" is trusted, and how often a
/// live follower's permission is asked again, unless told otherwise.
pub const RECHECK: Duration = Duration::from_secs(30);

/// A cluster as one identity reaches it, and that identity's user name.
pub struct ClusterEntry {
    /// The cluster, reached with that identity's credentials.
    pub cluster: Arc<Cluster>,
    /// The user's name there: writes carry the field manager `concord:<user>`.
    pub user: String,
}

impl ClusterEntry {
    /// The field manager of the user's writes: `concord:<user>`.
    pub fn manager(&self) -> String {
        format!("concord:{}", self.user)
    }
}

/// Why a request cannot be carried out by the server before reaching a cluster.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// No cluster of that name.
    #[error("no cluster {name:?}; known: {known:?}")]
    UnknownCluster {
        /// The name asked for.
        name: String,
        /// The names there are.
        known: Vec<String>,
    },
    /// The caller is not identified.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The cluster refused or failed, e.g. did not accept a token.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
}

/// The server's state.
pub struct Server {
    clusters: BTreeMap<String, Arc<ClusterEntry>>,
    default: String,
    auth: Auth,
    acting: mini_moka::sync::Cache<(String, Caller), Arc<ClusterEntry>>,
    access: mini_moka::sync::Cache<(String, Caller, Access), bool>,
    recheck: Duration,
    pub(crate) live: Arc<Hub>,
}

impl Server {
    /// A server offering `clusters` (each reached with the server's own identity there: the
    /// kubeconfig context's user, or the pod's service account), `default` being the one
    /// requests without a cluster use, identifying callers by `auth`.
    pub fn new(clusters: BTreeMap<String, ClusterEntry>, default: String, auth: Auth) -> Server {
        Server {
            clusters: clusters.into_iter().map(|(name, entry)| (name, Arc::new(entry))).collect(),
            default,
            auth,
            acting: mini_moka::sync::Cache::builder().max_capacity(10_000).time_to_idle(IDLE).build(),
            access: access_cache(RECHECK),
            recheck: RECHECK,
            live: Arc::new(Hub::default()),
        }
    }

    /// The same server trusting the cluster's answers on permissions for `recheck` (and asking
    /// again that often for live followers) instead of [`RECHECK`].
    pub fn with_recheck(mut self, recheck: Duration) -> Server {
        self.access = access_cache(recheck);
        self.recheck = recheck;
        self
    }

    /// How often a live follower's permission is asked again.
    pub fn recheck(&self) -> Duration {
        self.recheck
    }

    /// How callers are identified.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The clusters by name, with the server's own identity there.
    pub fn clusters(&self) -> impl Iterator<Item = (&str, &ClusterEntry)> {
        self.clusters.iter().map(|(name, entry)| (name.as_str(), &**entry))
    }

    /// How many shared watches are running.
    pub fn shared_watches(&self) -> usize {
        self.live.watches()
    }

    /// The default cluster's name.
    pub fn default_cluster(&self) -> &str {
        &self.default
    }

    /// The cluster `name` (the default one when `None`) with the server's own identity, and
    /// its name.
    pub fn own(&self, name: Option<&str>) -> Result<(&str, &Arc<ClusterEntry>), ServerError> {
        let name = name.unwrap_or(&self.default);
        self.clusters.get_key_value(name).map(|(n, e)| (n.as_str(), e)).ok_or_else(|| {
            ServerError::UnknownCluster {
                name: name.to_owned(),
                known: self.clusters.keys().cloned().collect(),
            }
        })
    }

    /// The cluster `name` (the default one when `None`) as `caller` reaches it: with the
    /// caller's token, or impersonating the caller, or — in kubeconfig mode — as the
    /// context's user. Never the server's own identity for anyone else.
    pub async fn acting(
        &self,
        caller: &Caller,
        name: Option<&str>,
    ) -> Result<Arc<ClusterEntry>, ServerError> {
        let (name, own) = self.own(name)?;
        let credentials = match caller {
            Caller::Kubeconfig => return Ok(own.clone()),
            Caller::Token { token, .. } => Credentials::Token(token.clone()),
            Caller::Impersonated { user, groups } => {
                Credentials::Impersonate { user: user.clone(), groups: groups.clone() }
            }
        };
        let key = (name.to_owned(), caller.clone());
        if let Some(found) = self.acting.get(&key) {
            return Ok(found);
        }
        let cluster = own.cluster.acting_as(&credentials)?;
        let user = match caller {
            Caller::Token { user: Some(user), .. } | Caller::Impersonated { user, .. } => user.clone(),
            // A bare bearer token: the cluster says whose it is (and whether it is any good).
            _ => cluster.whoami().await?.username,
        };
        let entry = Arc::new(ClusterEntry { cluster: Arc::new(cluster), user });
        self.acting.insert(key, entry.clone());
        Ok(entry)
    }

    /// Whether `caller` may do every one of `questions` on cluster `name`, as the cluster
    /// answers them for the caller's own identity (remembered for a short while).
    pub async fn may(&self, caller: &Caller, name: &str, questions: &[Access]) -> Result<bool, ServerError> {
        let acting = self.acting(caller, Some(name)).await?;
        for question in questions {
            let key = (name.to_owned(), caller.clone(), question.clone());
            let allowed = match self.access.get(&key) {
                Some(allowed) => allowed,
                None => {
                    let allowed = acting.cluster.may(question).await?;
                    self.access.insert(key, allowed);
                    allowed
                }
            };
            if !allowed {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn access_cache(ttl: Duration) -> mini_moka::sync::Cache<(String, Caller, Access), bool> {
    mini_moka::sync::Cache::builder().max_capacity(100_000).time_to_live(ttl).build()
}
