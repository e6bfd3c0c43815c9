//! The kubeconfig the sandbox writes for kubectl and kube-rs.

use std::io::Write;
use std::path::Path;

use base64::Engine;

/// A kubeconfig with one cluster, user and context named `concord-sandbox`.
pub fn kubeconfig_yaml(server: &str, ca_pem: Option<&str>, token: Option<&str>) -> String {
    let cluster = match ca_pem {
        Some(pem) => format!(
            "    server: {server}\n    certificate-authority-data: {}\n",
            base64::engine::general_purpose::STANDARD.encode(pem)
        ),
        None => format!("    server: {server}\n"),
    };
    // Without a token file the sandbox serves loopback clients without credentials, but kubectl
    // prompts for a password when an https server's user has none: give it a token the
    // sandbox ignores in that mode.
    let token = token.unwrap_or("concord-sandbox-loopback");
    let user = format!("  user:\n    token: {token}\n");
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: concord-sandbox\n  cluster:\n{cluster}users:\n- name: concord-sandbox\n{user}contexts:\n- name: concord-sandbox\n  context:\n    cluster: concord-sandbox\n    user: concord-sandbox\n    namespace: default\ncurrent-context: concord-sandbox\npreferences: {{}}\n"
    )
}

/// Writes `contents` to `path` with mode 0600 (it may hold a token), creating parent directories.
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}
