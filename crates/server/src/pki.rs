//! The network's certificate authority: one CA per portwatch network, kept in `<data>/ca/`.
//!
//! The CA signs a certificate for every agency that connects (mutual TLS) and the server's own
//! certificate, so every party trusts exactly one root. What lives in `<data>/ca/`:
//!
//! | file            | what                                                              |
//! |-----------------|-------------------------------------------------------------------|
//! | `ca.crt`        | the CA certificate (PEM), handed to every client and server      |
//! | `ca.key`        | the CA private key (PEM, mode 0600): whoever holds it issues     |
//! | `issued.json`   | every certificate issued: serial, agency, kind, expiry           |
//! | `revoked.json`  | the revocation list: serials the server refuses on every handshake |
//!
//! An agency certificate names the agency twice so any tool can read it: in the subject common
//! name (`CN=ncb-rabat`) and in a URI subject alternative name
//! (`urn:portwatch:agency:ncb-rabat`); each role it carries is one more URI SAN
//! (`urn:portwatch:role:screener`). The server grants a certificate only the roles both written in it and
//! allowed for the agency's kind ([`portwatch_model::AgencyKind::allowed_roles`]).

use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use portwatch_model::{AgencyId, Role};

/// The organisation written in every certificate of the network.
pub const ORGANISATION: &str = "portwatch";
/// The common name of the network's CA.
const CA_COMMON_NAME: &str = "portwatch network CA";
/// The prefix of the URI subject alternative name that names an agency.
pub const AGENCY_URI_PREFIX: &str = "urn:portwatch:agency:";
/// The prefix of the URI subject alternative names that carry roles.
pub const ROLE_URI_PREFIX: &str = "urn:portwatch:role:";

/// What can go wrong with the certificate authority.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("{} already holds a certificate authority; refusing to overwrite it", dir.display())]
    AlreadyExists { dir: PathBuf },
    #[error("no certificate authority in {}: run `portwatch ca init` first", dir.display())]
    NoCa { dir: PathBuf },
    #[error("cannot use {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not valid: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error("certificate generation failed: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("{0}")]
    Usage(String),
}

type Result<T, E = PkiError> = std::result::Result<T, E>;

/// What a certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertKind {
    /// An agency's client certificate.
    Agency,
    /// A server certificate.
    Server,
}

/// One certificate the CA issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCert {
    /// Lower-case hex of the serial number.
    pub serial: String,
    pub kind: CertKind,
    /// The agency (for agency certificates) or the server's name.
    pub subject: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
}

/// A certificate and its private key, both PEM.
#[derive(Debug, Clone)]
pub struct IssuedPair {
    pub cert_pem: String,
    pub key_pem: String,
    pub record: IssuedCert,
}

/// The revocation list: serial numbers the server refuses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationList {
    /// Lower-case hex serials, sorted, without duplicates.
    pub serials: Vec<String>,
}

impl RevocationList {
    /// Reads the list at `path`; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<RevocationList> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| PkiError::Invalid {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RevocationList::default()),
            Err(source) => Err(PkiError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn contains(&self, serial_hex: &str) -> bool {
        self.serials
            .binary_search_by(|s| s.as_str().cmp(serial_hex))
            .is_ok()
    }

    /// Adds serials; returns how many were new.
    fn add(&mut self, serials: impl IntoIterator<Item = String>) -> usize {
        let before = self.serials.len();
        self.serials.extend(serials);
        self.serials.sort();
        self.serials.dedup();
        self.serials.len() - before
    }
}

/// The network's certificate authority on disk.
pub struct CertificateAuthority {
    dir: PathBuf,
    key: KeyPair,
    cert_pem: String,
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("CertificateAuthority")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// The directory of the CA inside a data directory.
pub fn ca_dir(data: &Path) -> PathBuf {
    data.join("ca")
}

/// Where the revocation list of a data directory lives.
pub fn revocation_path(data: &Path) -> PathBuf {
    ca_dir(data).join("revoked.json")
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, ORGANISATION);
    dn.push(DnType::CommonName, CA_COMMON_NAME);
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

impl CertificateAuthority {
    /// Creates a new CA in `<data>/ca/`, valid for `days`; refuses to replace an existing one.
    pub fn init(data: &Path, days: i64) -> Result<CertificateAuthority> {
        let dir = ca_dir(data);
        if dir.join("ca.key").exists() {
            return Err(PkiError::AlreadyExists { dir });
        }
        create_dir(&dir)?;
        let key = KeyPair::generate()?;
        let mut params = ca_params();
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::minutes(5);
        params.not_after = now + Duration::days(days);
        params.serial_number = Some(random_serial());
        let cert = params.self_signed(&key)?;
        let cert_pem = cert.pem();
        write_private(&dir.join("ca.key"), key.serialize_pem().as_bytes())?;
        write_public(&dir.join("ca.crt"), cert_pem.as_bytes())?;
        Ok(CertificateAuthority { dir, key, cert_pem })
    }

    /// Opens the CA of a data directory.
    pub fn open(data: &Path) -> Result<CertificateAuthority> {
        let dir = ca_dir(data);
        let key_path = dir.join("ca.key");
        if !key_path.exists() {
            return Err(PkiError::NoCa { dir });
        }
        let key_pem = read_text(&key_path)?;
        let key = KeyPair::from_pem(&key_pem).map_err(|e| PkiError::Invalid {
            path: key_path,
            reason: e.to_string(),
        })?;
        let cert_pem = read_text(&dir.join("ca.crt"))?;
        Ok(CertificateAuthority { dir, key, cert_pem })
    }

    /// The CA certificate (PEM).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Issues a client certificate naming `agency` and carrying `roles`.
    pub fn issue_agency(&self, agency: &AgencyId, roles: &[Role], days: i64) -> Result<IssuedPair> {
        if roles.is_empty() {
            return Err(PkiError::Usage(
                "an agency certificate must carry at least one role".into(),
            ));
        }
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, ORGANISATION);
        dn.push(DnType::CommonName, agency.as_str());
        params.distinguished_name = dn;
        let mut uris = vec![format!("{AGENCY_URI_PREFIX}{agency}")];
        uris.extend(
            roles
                .iter()
                .map(|r| format!("{ROLE_URI_PREFIX}{}", role_name(*r))),
        );
        params.subject_alt_names = uris
            .into_iter()
            .map(|uri| uri.try_into().map(SanType::URI))
            .collect::<Result<_, _>>()?;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.sign(params, CertKind::Agency, agency.as_str(), days)
    }

    /// Issues the server's certificate for DNS `names` and `ips`.
    pub fn issue_server(&self, names: &[String], ips: &[IpAddr], days: i64) -> Result<IssuedPair> {
        let Some(first) = names
            .first()
            .cloned()
            .or_else(|| ips.first().map(|ip| ip.to_string()))
        else {
            return Err(PkiError::Usage(
                "a server certificate needs at least one --name or --ip".into(),
            ));
        };
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, ORGANISATION);
        dn.push(DnType::CommonName, first.as_str());
        params.distinguished_name = dn;
        let mut sans = Vec::new();
        for name in names {
            let dns = name
                .clone()
                .try_into()
                .map_err(|_| PkiError::Usage(format!("--name {name:?} is not a valid DNS name")))?;
            sans.push(SanType::DnsName(dns));
        }
        sans.extend(ips.iter().map(|ip| SanType::IpAddress(*ip)));
        params.subject_alt_names = sans;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.sign(params, CertKind::Server, &first, days)
    }

    fn sign(
        &self,
        mut params: CertificateParams,
        kind: CertKind,
        subject: &str,
        days: i64,
    ) -> Result<IssuedPair> {
        if !(1..=3650).contains(&days) {
            return Err(PkiError::Usage(format!(
                "--days must be 1-3650, got {days}"
            )));
        }
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::minutes(5);
        params.not_after = now + Duration::days(days);
        let serial = random_serial();
        let serial_hex = hex::encode(serial.to_bytes());
        params.serial_number = Some(serial);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate()?;
        let issuer = Issuer::new(ca_params(), &self.key);
        let cert = params.signed_by(&key, &issuer)?;
        let record = IssuedCert {
            serial: serial_hex,
            kind,
            subject: subject.to_string(),
            not_after: params.not_after,
        };
        self.remember(&record)?;
        Ok(IssuedPair {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            record,
        })
    }

    /// Every certificate issued so far.
    pub fn issued(&self) -> Result<Vec<IssuedCert>> {
        let path = self.dir.join("issued.json");
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| PkiError::Invalid {
                path,
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(PkiError::Io { path, source }),
        }
    }

    fn remember(&self, record: &IssuedCert) -> Result<()> {
        let mut all = self.issued()?;
        all.push(record.clone());
        let json = serde_json::to_vec_pretty(&all).expect("issued certificates serialise");
        write_public(&self.dir.join("issued.json"), &json)
    }

    /// Revokes every agency certificate issued to `agency`; returns the serials newly revoked.
    pub fn revoke_agency(&self, agency: &AgencyId) -> Result<Vec<String>> {
        let serials: Vec<String> = self
            .issued()?
            .into_iter()
            .filter(|c| c.kind == CertKind::Agency && c.subject == agency.as_str())
            .map(|c| c.serial)
            .collect();
        if serials.is_empty() {
            return Err(PkiError::Usage(format!(
                "no certificate was ever issued to agency {agency}"
            )));
        }
        self.revoke(serials)
    }

    /// Revokes one certificate by serial (hex, any case, `:` separators allowed).
    pub fn revoke_serial(&self, serial: &str) -> Result<Vec<String>> {
        let wanted = normalise_serial(serial)?;
        let known = self.issued()?.into_iter().any(|c| c.serial == wanted);
        if !known {
            return Err(PkiError::Usage(format!(
                "serial {wanted} was not issued by this CA (see {})",
                self.dir.join("issued.json").display()
            )));
        }
        self.revoke(vec![wanted])
    }

    fn revoke(&self, serials: Vec<String>) -> Result<Vec<String>> {
        let path = self.dir.join("revoked.json");
        let mut list = RevocationList::load(&path)?;
        let newly: Vec<String> = serials
            .iter()
            .filter(|s| !list.contains(s))
            .cloned()
            .collect();
        list.add(serials);
        let json = serde_json::to_vec_pretty(&list).expect("revocation list serialises");
        // Written then renamed, so a server reading it mid-write sees the old or new list.
        write_public(&path, &json)?;
        Ok(newly)
    }
}

/// Canonical form of a serial typed by a person: lower-case hex, no separators.
pub fn normalise_serial(raw: &str) -> Result<String> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    if s.is_empty() || s.len() > 40 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(PkiError::Usage(format!(
            "--serial must be the certificate's serial in hex (up to 20 bytes), got {raw:?}"
        )));
    }
    Ok(s)
}

/// The name of a role as written in certificates, API keys and the API (`records_editor`).
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::RecordsEditor => "records_editor",
        Role::Screener => "screener",
        Role::Analyst => "analyst",
        Role::Auditor => "auditor",
    }
}

/// Parses a role name (`records_editor` or `records-editor`).
pub fn parse_role(raw: &str) -> Option<Role> {
    match raw.trim().replace('-', "_").as_str() {
        "admin" => Some(Role::Admin),
        "records_editor" => Some(Role::RecordsEditor),
        "screener" => Some(Role::Screener),
        "analyst" => Some(Role::Analyst),
        "auditor" => Some(Role::Auditor),
        _ => None,
    }
}

/// A positive 16-byte random serial (the top bit cleared so DER keeps it positive and short).
fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    SerialNumber::from_slice(&bytes)
}

fn create_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|source| PkiError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|source| PkiError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a file readable by its owner only (mode 0600), atomically.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, bytes, 0o600)
}

/// Writes a file that may be shared (mode 0644), atomically.
pub fn write_public(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, bytes, 0o644)
}

fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let io = |source| PkiError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() {
            fs::create_dir_all(parent).map_err(io)?;
        }
    }
    let tmp = path.with_extension("tmp~");
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(&tmp).map_err(io)?;
    // The mode given to open() only applies to new files: set it on reused ones too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_normalised_and_checked() {
        assert_eq!(normalise_serial("0A:bC").unwrap(), "0abc");
        assert!(normalise_serial("xyz").is_err());
        assert!(normalise_serial("").is_err());
    }

    #[test]
    fn role_names_round_trip() {
        for role in [
            Role::Admin,
            Role::RecordsEditor,
            Role::Screener,
            Role::Analyst,
            Role::Auditor,
        ] {
            assert_eq!(parse_role(role_name(role)), Some(role));
        }
        assert_eq!(parse_role("records-editor"), Some(Role::RecordsEditor));
        assert_eq!(parse_role("root"), None);
    }

    #[test]
    fn the_ca_refuses_to_overwrite_itself_and_keeps_its_key_private() {
        let dir = tempfile::tempdir().unwrap();
        CertificateAuthority::init(dir.path(), 30).unwrap();
        let again = CertificateAuthority::init(dir.path(), 30).unwrap_err();
        assert!(matches!(again, PkiError::AlreadyExists { .. }));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(ca_dir(dir.path()).join("ca.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn revoking_an_agency_lists_its_serials() {
        let dir = tempfile::tempdir().unwrap();
        let ca = CertificateAuthority::init(dir.path(), 30).unwrap();
        let agency = AgencyId::parse("ncb-rabat").unwrap();
        let pair = ca.issue_agency(&agency, &[Role::Screener], 30).unwrap();
        let revoked = ca.revoke_agency(&agency).unwrap();
        assert_eq!(revoked, vec![pair.record.serial.clone()]);
        let list = RevocationList::load(&revocation_path(dir.path())).unwrap();
        assert!(list.contains(&pair.record.serial));
        let unknown = AgencyId::parse("ncb-nowhere").unwrap();
        assert!(ca.revoke_agency(&unknown).is_err());
    }
}
