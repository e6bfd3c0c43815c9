//! `--tls`: a CA and a serving certificate generated at start, for 127.0.0.1, localhost and the
//! listen address. The CA goes into the kubeconfig, so clients verify the server normally.

use std::net::SocketAddr;
use std::sync::Arc;

/// The generated certificate chain.
pub struct Certificate {
    /// The CA certificate (PEM) clients trust.
    pub ca_pem: String,
    cert_der: rustls_pki_types::CertificateDer<'static>,
    ca_der: rustls_pki_types::CertificateDer<'static>,
    key_der: Vec<u8>,
}

impl Certificate {
    /// Generates a CA and a serving certificate signed by it.
    pub fn generate(addr: SocketAddr) -> Result<Certificate, String> {
        let err = |e: rcgen::Error| e.to_string();
        let ca_key = rcgen::KeyPair::generate().map_err(err)?;
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "concord-sandbox-ca");
        ca_params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
        let ca = ca_params.self_signed(&ca_key).map_err(err)?;
        let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);

        let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
        let ip = addr.ip().to_string();
        if !names.contains(&ip) {
            names.push(ip);
        }
        let key = rcgen::KeyPair::generate().map_err(err)?;
        let mut params = rcgen::CertificateParams::new(names).map_err(err)?;
        params.distinguished_name.push(rcgen::DnType::CommonName, "concord-sandbox");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &issuer).map_err(err)?;
        Ok(Certificate {
            ca_pem: ca.pem(),
            cert_der: cert.der().clone(),
            ca_der: ca.der().clone(),
            key_der: key.serialize_der(),
        })
    }

    /// The rustls configuration that serves the certificate (and its CA, as the chain).
    pub fn server_config(&self) -> Result<axum_server::tls_rustls::RustlsConfig, String> {
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(self.key_der.clone().into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(vec![self.cert_der.clone(), self.ca_der.clone()], key)
            .map_err(|e| e.to_string())?;
        let mut config = config;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(config)))
    }
}
