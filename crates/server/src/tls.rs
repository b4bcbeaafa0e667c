//! TLS for the server and its clients: rustls with the *ring* provider, TLS 1.3 and 1.2 with
//! forward-secret AEAD suites only, and mutual TLS whose client certificates are checked
//! against the network CA **and** the revocation list on every new connection.
//!
//! The revocation check is a [`ClientCertVerifier`] that wraps rustls' own
//! `WebPkiClientVerifier`: the chain, validity dates and signatures are verified by webpki,
//! then the end-entity serial is looked up in `revoked.json`. The list is re-read whenever the
//! file changes (its modification time and length are checked on each handshake), so
//! `portwatch ca revoke` takes effect for the next connection without a restart.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{ring, CryptoProvider};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{DigitallySignedStruct, DistinguishedName, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};

use crate::pki::{RevocationList, AGENCY_URI_PREFIX, ROLE_URI_PREFIX};

/// What can go wrong while setting TLS up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("TLS configuration: {0}")]
    Config(String),
}

type Result<T, E = TlsError> = std::result::Result<T, E>;

/// The only suites portwatch speaks: AEAD ciphers with ephemeral key exchange.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    use ring::cipher_suite::*;
    Arc::new(CryptoProvider {
        cipher_suites: vec![
            TLS13_AES_256_GCM_SHA384,
            TLS13_AES_128_GCM_SHA256,
            TLS13_CHACHA20_POLY1305_SHA256,
            TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ],
        ..ring::default_provider()
    })
}

const VERSIONS: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

/// Reads every certificate of a PEM file.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let read_err = |reason: String| TlsError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = fs::read(path).map_err(|e| read_err(e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| read_err(format!("not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(read_err("holds no PEM certificate".into()));
    }
    Ok(certs)
}

/// Reads a PEM private key (PKCS#8, SEC1 or PKCS#1).
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    let bytes = fs::read(path).map_err(|e| TlsError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| TlsError::Read {
        path: path.to_path_buf(),
        reason: format!("not a PEM private key: {e}"),
    })
}

/// Builds a root store holding the certificates of a PEM file.
pub fn root_store(ca_path: &Path) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    for cert in load_certs(ca_path)? {
        roots
            .add(cert)
            .map_err(|e| TlsError::Config(format!("{}: {e}", ca_path.display())))?;
    }
    Ok(roots)
}

/// The files a mutual-TLS server needs.
#[derive(Debug, Clone)]
pub struct ServerTlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// The CA whose certificates clients must present.
    pub client_ca: PathBuf,
    /// The revocation list checked on every handshake.
    pub revocation_list: PathBuf,
}

/// The rustls configuration of the server: mutual TLS, mandatory client certificates.
pub fn server_config(files: &ServerTlsFiles) -> Result<Arc<rustls::ServerConfig>> {
    let provider = crypto_provider();
    let roots = Arc::new(root_store(&files.client_ca)?);
    let inner = WebPkiClientVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|e| TlsError::Config(e.to_string()))?;
    let verifier = Arc::new(RevocationCheckingVerifier::new(
        inner,
        files.revocation_list.clone(),
    ));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(VERSIONS)
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(load_certs(&files.cert)?, load_key(&files.key)?)
        .map_err(|e| TlsError::Config(format!("server certificate and key: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A client configuration presenting `cert`/`key` and trusting `ca` (for tests, the bench and
/// scripts written in Rust).
pub fn client_config(ca: &Path, cert: &Path, key: &Path) -> Result<Arc<rustls::ClientConfig>> {
    let config = rustls::ClientConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(VERSIONS)
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_root_certificates(root_store(ca)?)
        .with_client_auth_cert(load_certs(cert)?, load_key(key)?)
        .map_err(|e| TlsError::Config(format!("client certificate and key: {e}")))?;
    Ok(Arc::new(config))
}

/// A client configuration that presents no certificate (to show the server refuses it).
pub fn anonymous_client_config(ca: &Path) -> Result<Arc<rustls::ClientConfig>> {
    let config = rustls::ClientConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(VERSIONS)
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_root_certificates(root_store(ca)?)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The revocation list as last read, with what identified the file version.
#[derive(Debug, Default)]
struct CachedList {
    stamp: Option<(SystemTime, u64)>,
    list: RevocationList,
}

/// Verifies client certificates with webpki, then refuses revoked serials.
#[derive(Debug)]
pub struct RevocationCheckingVerifier {
    inner: Arc<dyn ClientCertVerifier>,
    path: PathBuf,
    cache: Mutex<CachedList>,
}

impl RevocationCheckingVerifier {
    pub fn new(inner: Arc<dyn ClientCertVerifier>, path: PathBuf) -> Self {
        RevocationCheckingVerifier {
            inner,
            path,
            cache: Mutex::new(CachedList::default()),
        }
    }

    /// Whether `serial_hex` is revoked, reloading the list if its file changed. A list that
    /// cannot be read refuses every certificate: failing open would undo revocations.
    fn is_revoked(&self, serial_hex: &str) -> std::result::Result<bool, String> {
        let stamp = match fs::metadata(&self.path) {
            Ok(meta) => Some((
                meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                meta.len(),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("revocation list unreadable: {e}")),
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.stamp != stamp {
            cache.list = RevocationList::load(&self.path).map_err(|e| e.to_string())?;
            cache.stamp = stamp;
        }
        Ok(cache.list.contains(serial_hex))
    }
}

impl ClientCertVerifier for RevocationCheckingVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> std::result::Result<ClientCertVerified, rustls::Error> {
        let verified = self
            .inner
            .verify_client_cert(end_entity, intermediates, now)?;
        let serial = certificate_serial(end_entity).ok_or(rustls::Error::InvalidCertificate(
            rustls::CertificateError::BadEncoding,
        ))?;
        match self.is_revoked(&serial) {
            Ok(false) => Ok(verified),
            Ok(true) => {
                tracing::warn!(serial = %serial, "refused a revoked client certificate");
                Err(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::Revoked,
                ))
            }
            Err(reason) => {
                tracing::error!(%reason, "refusing client certificates until the revocation list can be read");
                Err(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::UnknownRevocationStatus,
                ))
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Lower-case hex of a certificate's serial number, as `revoked.json` stores it.
pub fn certificate_serial(der: &CertificateDer<'_>) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    Some(hex::encode(cert.raw_serial()))
}

/// Who a verified client certificate names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCertificate {
    /// The agency of the subject common name (and URI SAN, which must agree when present).
    pub agency: String,
    /// The roles written as `urn:portwatch:role:` URI SANs.
    pub roles: Vec<String>,
    pub serial: String,
}

/// Reads the agency, roles and serial of an (already verified) client certificate.
pub fn peer_certificate(der: &CertificateDer<'_>) -> Option<PeerCertificate> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let subject = cert.subject();
    let agency = subject
        .iter_common_name()
        .next()?
        .as_str()
        .ok()?
        .to_string();
    let mut roles = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            let x509_parser::extensions::GeneralName::URI(uri) = name else {
                continue;
            };
            if let Some(named) = uri.strip_prefix(AGENCY_URI_PREFIX) {
                // Two names for one certificate: refuse rather than guess.
                if named != agency {
                    return None;
                }
            } else if let Some(role) = uri.strip_prefix(ROLE_URI_PREFIX) {
                roles.push(role.to_string());
            }
        }
    }
    Some(PeerCertificate {
        agency,
        roles,
        serial: hex::encode(cert.raw_serial()),
    })
}
