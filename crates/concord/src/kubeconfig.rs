//! Which kubeconfig a command uses.

use std::path::{Path, PathBuf};

/// The kubeconfig to use: `explicit` (`--kubeconfig`), else the first file of `$KUBECONFIG`,
/// else `~/.kube/config` if it exists; None when there is none.
pub fn path(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_owned());
    }
    if let Some(paths) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        return std::env::split_paths(&paths).next();
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?.join(".kube/config");
    home.is_file().then_some(home)
}
