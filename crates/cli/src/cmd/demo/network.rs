//! The demo's world and network: records imported into the store, agencies registered, the
//! CA and every agency's certificate, and API keys for the console.

use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use portwatch_model::{Agency, AgencyId, AgencyKind, Role};
use portwatch_report::grouped;
use portwatch_server::apikeys::ApiKeys;
use portwatch_server::pki::{write_private, write_public, CertificateAuthority};
use portwatch_sim::{World, NEPTUNE_PORTS};
use portwatch_store::{SqliteStore, Store};

use super::{DemoArgs, Paths};

/// The General Secretariat's agency id.
pub const SECRETARIAT: &str = "gs-lyon";

/// What a demo data directory remembers about itself (`<data>/demo/demo.json`, mode 0600: it
/// holds the console's API keys).
#[derive(Debug, Serialize, Deserialize)]
pub struct DemoState {
    pub seed: u64,
    pub scale: String,
    pub searches: u64,
    pub replayed: bool,
    /// One console key per kind of user, shown to whoever runs the demo.
    pub console_keys: Vec<ConsoleKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsoleKey {
    pub who: String,
    pub agency: String,
    pub token: String,
}

pub fn demo_file(data: &Path) -> PathBuf {
    data.join("demo").join("demo.json")
}

impl DemoState {
    pub fn load(data: &Path) -> anyhow::Result<DemoState> {
        let path = demo_file(data);
        let text = std::fs::read_to_string(&path)?;
        serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{} is not a demo state file: {e}", path.display()))
    }

    pub fn save(&self, data: &Path) -> anyhow::Result<()> {
        write_private(&demo_file(data), &serde_json::to_vec_pretty(self)?)?;
        Ok(())
    }
}

/// Every agency of the demo: the world's NCBs, border posts and Frontex, plus the General
/// Secretariat and the World Customs Organization.
pub fn agencies(world: &World) -> anyhow::Result<Vec<Agency>> {
    let mut all = world.agencies();
    for (id, name, kind) in [
        (
            SECRETARIAT,
            "INTERPOL General Secretariat",
            AgencyKind::GeneralSecretariat,
        ),
        ("wco", "World Customs Organization", AgencyKind::Partner),
    ] {
        all.push(serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "kind": kind,
        }))?);
    }
    Ok(all)
}

/// The roles each kind of agency gets on its certificate (its kind allows no more).
fn roles_of(kind: AgencyKind) -> Vec<Role> {
    match kind {
        AgencyKind::GeneralSecretariat => vec![
            Role::Admin,
            Role::RecordsEditor,
            Role::Screener,
            Role::Analyst,
            Role::Auditor,
        ],
        AgencyKind::Ncb => vec![Role::RecordsEditor, Role::Screener, Role::Analyst],
        AgencyKind::BorderPost => vec![Role::Screener],
        AgencyKind::Partner => vec![Role::Analyst],
    }
}

/// Builds the demo in an empty data directory: store, world, agencies, CA, certificates, keys.
pub fn build(args: &DemoArgs, paths: &Paths, world: &World) -> anyhow::Result<DemoState> {
    std::fs::create_dir_all(&paths.data)?;
    let store = SqliteStore::create(&paths.data)?;
    let agencies = agencies(world)?;
    for agency in &agencies {
        store.put_agency(agency)?;
    }
    import_world(&store, world)?;
    issue_certificates(paths, &agencies)?;
    let state = DemoState {
        seed: args.seed,
        scale: format!("{:?}", args.scale).to_lowercase(),
        searches: args.searches,
        replayed: false,
        console_keys: console_keys(&paths.data)?,
    };
    state.save(&paths.data)?;
    Ok(state)
}

/// Streams the world into the store in batches, with a progress bar.
fn import_world(store: &SqliteStore, world: &World) -> anyhow::Result<()> {
    let c = world.config;
    let total = c.persons + c.documents + c.vehicles;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "  records  {bar:40} {human_pos}/{human_len} {per_sec} eta {eta}",
        )?
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let at = OffsetDateTime::now_utc();
    let mut batch = Vec::with_capacity(BATCH);
    for record in world.records() {
        batch.push(record.content);
        if batch.len() == BATCH {
            store.put_records(&batch, at)?;
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    store.put_records(&batch, at)?;
    bar.finish_and_clear();
    println!(
        "  {} records imported in {:.1} s ({} persons with notices, {} stolen or lost documents, {} stolen vehicles)",
        grouped(total),
        started.elapsed().as_secs_f64(),
        grouped(c.persons),
        grouped(c.documents),
        grouped(c.vehicles),
    );
    Ok(())
}

const BATCH: usize = 20_000;

/// The network CA, the server's certificate and one client certificate per agency.
fn issue_certificates(paths: &Paths, agencies: &[Agency]) -> anyhow::Result<()> {
    let ca = CertificateAuthority::init(&paths.data, 365)?;
    write_public(&paths.certs.join("ca.crt"), ca.cert_pem().as_bytes())?;
    let server = ca.issue_server(
        &["localhost".to_string()],
        &["127.0.0.1".parse()?, "::1".parse()?],
        365,
    )?;
    write_public(&paths.certs.join("server.crt"), server.cert_pem.as_bytes())?;
    write_private(&paths.certs.join("server.key"), server.key_pem.as_bytes())?;
    for agency in agencies {
        let pair = ca.issue_agency(&agency.id, &roles_of(agency.kind), 365)?;
        let (cert, key) = paths.cert(agency.id.as_str());
        write_public(&cert, pair.cert_pem.as_bytes())?;
        write_private(&key, pair.key_pem.as_bytes())?;
    }
    Ok(())
}

/// API keys for the console: the General Secretariat's command centre, the NCB of Morocco's
/// inbox, and a checkpoint officer at Tanger Med.
fn console_keys(data: &Path) -> anyhow::Result<Vec<ConsoleKey>> {
    let keys = ApiKeys::open(data);
    let port = &NEPTUNE_PORTS[0];
    let people = [
        (
            "command centre (General Secretariat)",
            SECRETARIAT.to_string(),
            roles_of(AgencyKind::GeneralSecretariat),
        ),
        (
            "NCB duty officer",
            format!("ncb-{}", port.country.to_ascii_lowercase()),
            vec![Role::RecordsEditor, Role::Analyst],
        ),
        (
            "checkpoint officer",
            port.agency.to_string(),
            vec![Role::Screener],
        ),
    ];
    let mut out = Vec::new();
    for (who, agency, roles) in people {
        let key = keys.create(&format!("demo {who}"), AgencyId::parse(&agency)?, roles)?;
        out.push(ConsoleKey {
            who: who.to_string(),
            agency,
            token: key.key,
        });
    }
    Ok(out)
}
