//! The clusters of a kubeconfig: one per context, reached with that context's credentials (the
//! way `kubectl` and `kubectl proxy` use them), named after the context.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};

use crate::cluster::Cluster;
use crate::server::ClusterEntry;

/// Why no cluster could be set up from a kubeconfig.
#[derive(Debug, thiserror::Error)]
pub enum KubeconfigError {
    /// The file could not be read or parsed.
    #[error("cannot read the kubeconfig: {0}")]
    Read(String),
    /// The requested context is not in the file.
    #[error("the kubeconfig has no context {0:?}")]
    NoContext(String),
    /// No context could be turned into a client.
    #[error("no usable context in the kubeconfig: {0}")]
    NoneUsable(String),
}

/// The clusters of `kubeconfig` by context name (requests to them bounded by `timeout`), and
/// the default one: `context` if given, else the file's current context. A context whose
/// credentials cannot be loaded is left out (and logged), unless it is the default.
pub async fn clusters(
    kubeconfig: &Kubeconfig,
    context: Option<&str>,
    timeout: Duration,
) -> Result<(BTreeMap<String, ClusterEntry>, String), KubeconfigError> {
    let names: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
    let default = match context {
        Some(name) if names.iter().any(|n| n == name) => name.to_owned(),
        Some(name) => return Err(KubeconfigError::NoContext(name.to_owned())),
        None => kubeconfig
            .current_context
            .clone()
            .or_else(|| names.first().cloned())
            .ok_or_else(|| KubeconfigError::NoneUsable("it has no contexts".into()))?,
    };
    let mut clusters = BTreeMap::new();
    for named in &kubeconfig.contexts {
        let options = KubeConfigOptions { context: Some(named.name.clone()), ..KubeConfigOptions::default() };
        let cluster = match kube::Config::from_custom_kubeconfig(kubeconfig.clone(), &options).await {
            Ok(config) => Cluster::new(config).map(|c| c.with_timeout(timeout)).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match cluster {
            Ok(cluster) => {
                let user =
                    named.context.as_ref().and_then(|c| c.user.clone()).unwrap_or_else(|| named.name.clone());
                clusters.insert(named.name.clone(), ClusterEntry { cluster: Arc::new(cluster), user });
            }
            Err(e) if named.name == default => {
                return Err(KubeconfigError::NoneUsable(format!("{}: {e}", named.name)));
            }
            Err(e) => tracing::warn!(context = %named.name, error = %e, "leaving out a context"),
        }
    }
    Ok((clusters, default))
}
