//! `portwatch ca …`: the network's certificate authority, the agencies it admits and the API
//! keys people use.
//!
//! The CA lives in `<data>/ca/` (see `portwatch_server::pki`); agencies are registered in the
//! store; API keys in `<data>/server/api-keys.json`. A running server sees revocations, new
//! agencies and new or revoked keys at its next connection or request, without a restart.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use portwatch_model::{Agency, AgencyId, AgencyKind, CountryCode, Role};
use portwatch_server::apikeys::ApiKeys;
use portwatch_server::pki::{
    parse_role, role_name, write_private, write_public, CertificateAuthority, IssuedPair, PkiError,
};

use super::UsageError;

/// What to do with the certificate authority.
#[derive(Subcommand)]
pub enum CaCommand {
    /// Create the network's certificate authority in `<data>/ca/` (key file mode 0600).
    Init {
        /// How long the CA certificate is valid, in days.
        #[arg(long, default_value_t = 3650)]
        days: i64,
    },
    /// Issue a client certificate for an agency: writes DIR/ID.crt, DIR/ID.key and DIR/ca.crt.
    ///
    /// The certificate names the agency in its common name and in a URI SAN
    /// (urn:portwatch:agency:ID), and each role as a URI SAN (urn:portwatch:role:NAME). Without
    /// --role it carries every role the agency's kind allows except admin and auditor, which
    /// are given only when asked for.
    Issue {
        #[arg(long)]
        agency: String,
        /// A role to carry (admin, records_editor, screener, analyst, auditor); repeatable.
        #[arg(long = "role")]
        roles: Vec<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 397)]
        days: i64,
    },
    /// Issue the server's certificate: writes DIR/server.crt, DIR/server.key and DIR/ca.crt.
    Server {
        /// A DNS name the server answers to; repeatable.
        #[arg(long = "name")]
        names: Vec<String>,
        /// An IP address the server answers on; repeatable.
        #[arg(long = "ip")]
        ips: Vec<IpAddr>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 397)]
        days: i64,
    },
    /// Revoke an agency's certificates (all of them) or one certificate by serial; a running
    /// server refuses them from its next connection on.
    Revoke {
        #[arg(long, conflicts_with = "serial", required_unless_present = "serial")]
        agency: Option<String>,
        #[arg(long)]
        serial: Option<String>,
    },
    /// List every certificate issued, with its serial and whether it is revoked.
    List,
    /// Register (or replace) an agency in the store.
    Agency(AgencyArgs),
    /// Manage API keys.
    Key {
        #[command(subcommand)]
        what: KeyCommand,
    },
}

/// The fields of an agency.
#[derive(Args)]
pub struct AgencyArgs {
    #[arg(long)]
    id: String,
    #[arg(long)]
    name: String,
    /// general_secretariat, ncb, border_post or partner.
    #[arg(long)]
    kind: String,
    /// ISO 3166-1 alpha-3 code (NCBs and border posts).
    #[arg(long)]
    country: Option<String>,
    /// The NCB a border post reports to.
    #[arg(long)]
    parent: Option<String>,
}

/// What to do with API keys.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// Create a key bound to an agency and roles; the key is printed this once.
    Create {
        #[arg(long)]
        agency: String,
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Who or what uses it ("console: duty officer Algeciras").
        #[arg(long)]
        name: String,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key by its id.
    Revoke { id: String },
}

pub fn run(what: CaCommand, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    run_command(what, data, store).map_err(|err| match err.downcast::<PkiError>() {
        // A bad argument found by the CA (an unknown serial, bad --days): exit code 2.
        Ok(PkiError::Usage(message)) => usage(message),
        Ok(other) => other.into(),
        Err(err) => err,
    })
}

fn run_command(what: CaCommand, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    match what {
        CaCommand::Init { days } => {
            let ca = CertificateAuthority::init(data, days)?;
            println!("created the network CA in {}", data.join("ca").display());
            let _ = ca;
            Ok(())
        }
        CaCommand::Issue {
            agency,
            roles,
            out,
            days,
        } => issue(data, store, &agency, &roles, &out, days),
        CaCommand::Server {
            names,
            ips,
            out,
            days,
        } => {
            let ca = CertificateAuthority::open(data)?;
            let pair = ca.issue_server(&names, &ips, days)?;
            write_pair(&ca, &pair, &out, "server")?;
            Ok(())
        }
        CaCommand::Revoke { agency, serial } => revoke(data, agency, serial),
        CaCommand::List => list(data),
        CaCommand::Agency(args) => register_agency(data, store, args),
        CaCommand::Key { what } => key(data, store, what),
    }
}

fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

fn agency_id(raw: &str) -> anyhow::Result<AgencyId> {
    AgencyId::parse(raw).map_err(|e| usage(format!("--agency: {}", e.rule)))
}

fn roles(raw: &[String]) -> anyhow::Result<Vec<Role>> {
    raw.iter()
        .map(|r| {
            parse_role(r).ok_or_else(|| {
                usage(format!(
                    "--role {r:?}: must be admin, records_editor, screener, analyst or auditor"
                ))
            })
        })
        .collect()
}

/// The kind as written on the command line and in JSON (`border_post`).
fn kind_name(kind: AgencyKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn issue(
    data: &Path,
    store: Option<&str>,
    agency: &str,
    raw_roles: &[String],
    out: &Path,
    days: i64,
) -> anyhow::Result<()> {
    let id = agency_id(agency)?;
    let registered = super::open_store(data, store)?.agency(&id)?.ok_or_else(|| {
        usage(format!(
            "agency {id} is not registered: run `portwatch ca agency --id {id} --name … --kind …` first"
        ))
    })?;
    let allowed = registered.kind.allowed_roles();
    let wanted = if raw_roles.is_empty() {
        allowed
            .iter()
            .copied()
            .filter(|r| !matches!(r, Role::Admin | Role::Auditor))
            .collect()
    } else {
        roles(raw_roles)?
    };
    if let Some(refused) = wanted.iter().find(|r| !allowed.contains(r)) {
        return Err(usage(format!(
            "agency {id} is of kind {}, which cannot hold the {} role",
            kind_name(registered.kind),
            role_name(*refused)
        )));
    }
    let ca = CertificateAuthority::open(data)?;
    let pair = ca.issue_agency(&id, &wanted, days)?;
    write_pair(&ca, &pair, out, id.as_str())?;
    let names: Vec<&str> = wanted.iter().map(|r| role_name(*r)).collect();
    println!("roles: {}", names.join(", "));
    Ok(())
}

fn write_pair(
    ca: &CertificateAuthority,
    pair: &IssuedPair,
    out: &Path,
    stem: &str,
) -> anyhow::Result<()> {
    let cert = out.join(format!("{stem}.crt"));
    let key = out.join(format!("{stem}.key"));
    write_public(&cert, pair.cert_pem.as_bytes())?;
    write_private(&key, pair.key_pem.as_bytes())?;
    write_public(&out.join("ca.crt"), ca.cert_pem().as_bytes())?;
    println!(
        "issued {} (serial {}, valid until {}):\n  {}\n  {} (mode 0600)\n  {}",
        pair.record.subject,
        pair.record.serial,
        pair.record.not_after.date(),
        cert.display(),
        key.display(),
        out.join("ca.crt").display()
    );
    Ok(())
}

fn revoke(data: &Path, agency: Option<String>, serial: Option<String>) -> anyhow::Result<()> {
    let ca = CertificateAuthority::open(data)?;
    let newly = match (agency, serial) {
        (Some(agency), None) => ca.revoke_agency(&agency_id(&agency)?)?,
        (None, Some(serial)) => ca.revoke_serial(&serial)?,
        _ => return Err(usage("give exactly one of --agency or --serial")),
    };
    if newly.is_empty() {
        println!("already revoked; nothing changed");
    }
    for serial in newly {
        println!("revoked {serial}");
    }
    Ok(())
}

fn list(data: &Path) -> anyhow::Result<()> {
    let ca = CertificateAuthority::open(data)?;
    let revoked =
        portwatch_server::pki::RevocationList::load(&portwatch_server::pki::revocation_path(data))?;
    for cert in ca.issued()? {
        println!(
            "{}  {:<6}  {:<24}  until {}{}",
            cert.serial,
            format!("{:?}", cert.kind).to_lowercase(),
            cert.subject,
            cert.not_after.date(),
            if revoked.contains(&cert.serial) {
                "  REVOKED"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn register_agency(data: &Path, store: Option<&str>, args: AgencyArgs) -> anyhow::Result<()> {
    let kind: AgencyKind = serde_json::from_value(serde_json::Value::String(args.kind.clone()))
        .map_err(|_| {
            usage(format!(
                "--kind {:?}: must be general_secretariat, ncb, border_post or partner",
                args.kind
            ))
        })?;
    let country = args
        .country
        .as_deref()
        .map(|c| CountryCode::parse(c).map_err(|e| usage(format!("--country: {}", e.rule))))
        .transpose()?;
    let parent = args.parent.as_deref().map(agency_id).transpose()?;
    let json = serde_json::json!({
        "id": agency_id(&args.id)?, "name": args.name, "kind": kind,
        "country": country, "parent": parent,
    });
    let agency: Agency = serde_json::from_value(json).map_err(|e| usage(e.to_string()))?;
    let store = super::open_store(data, store)?;
    if let Some(parent) = &agency.parent {
        let ncb = store.agency(parent)?;
        if !ncb.is_some_and(|p| p.kind == AgencyKind::Ncb) {
            return Err(usage(format!("--parent {parent} is not a registered NCB")));
        }
    }
    store.put_agency(&agency)?;
    println!(
        "registered agency {} ({})",
        agency.id,
        kind_name(agency.kind)
    );
    Ok(())
}

fn key(data: &Path, store: Option<&str>, what: KeyCommand) -> anyhow::Result<()> {
    let keys = ApiKeys::open(data);
    match what {
        KeyCommand::Create {
            agency,
            roles: raw_roles,
            name,
        } => {
            let id = agency_id(&agency)?;
            let registered = super::open_store(data, store)?
                .agency(&id)?
                .ok_or_else(|| usage(format!("agency {id} is not registered")))?;
            let wanted = roles(&raw_roles)?;
            if let Some(refused) = wanted
                .iter()
                .find(|r| !registered.kind.allowed_roles().contains(r))
            {
                return Err(usage(format!(
                    "agency {id} is of kind {}, which cannot hold the {} role",
                    kind_name(registered.kind),
                    role_name(*refused)
                )));
            }
            let created = keys
                .create(&name, id, wanted)
                .context("creating the API key")?;
            println!(
                "API key {} for {} — shown this once, keep it secret:",
                created.info.id, created.info.agency
            );
            println!("{}", created.key);
        }
        KeyCommand::List => {
            for k in keys.list()? {
                let roles: Vec<&str> = k.roles.iter().map(|r| role_name(*r)).collect();
                println!(
                    "{}  {:<20}  {:<30}  {}{}",
                    k.id,
                    k.agency,
                    k.name,
                    roles.join(","),
                    if k.revoked_at.is_some() {
                        "  REVOKED"
                    } else {
                        ""
                    }
                );
            }
        }
        KeyCommand::Revoke { id } => {
            let revoked = keys.revoke(&id)?;
            println!("revoked API key {} of {}", revoked.id, revoked.agency);
        }
    }
    Ok(())
}
