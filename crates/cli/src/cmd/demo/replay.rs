//! The replay: the server in this process on a replay clock, the border posts' traffic over
//! mutual TLS, the owner NCBs' desk answering hits, then the report.
//!
//! Three kinds of task run at once:
//!
//! * a **producer** (a blocking thread) walks the crossings in time order and hands them out;
//! * **booths** (`--concurrency` async tasks) each take the next crossing, move the replay clock
//!   to its time and screen it as the port's border post, over a kept-alive mutual-TLS
//!   connection; every hit goes to the desk;
//! * the **desk** holds each hit until the owner NCB would answer it (the simulator says after
//!   how long and what), then answers through the API as that NCB; a confirmed hit on a planted
//!   subject makes the checkpoint record what it did and the owner open a lead.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::Context;
use bytes::Bytes;
use hyper::{Method, StatusCode};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use time::{Duration, OffsetDateTime};
use tokio::sync::{mpsc, Mutex};

use portwatch_model::{Action, Database, Hit, Id, Operation};
use portwatch_report::grouped;
use portwatch_server::client::Connection;
use portwatch_server::{Clock, Limits, RunningServer, ServerConfig, ServerTlsFiles};
use portwatch_sim::traffic::{
    Crossing, Decision, PlantedKind, Traffic, TrafficConfig, NEPTUNE_PORTS,
};
use portwatch_sim::{Subject, World};
use portwatch_store::{SqliteStore, Store};

use super::network::{self, DemoState, SECRETARIAT};
use super::{DemoArgs, Paths, OPERATION};

pub async fn run(args: DemoArgs, data: PathBuf) -> anyhow::Result<()> {
    let paths = Paths::new(&data);
    let started = Instant::now();
    let seed = if args.reuse {
        DemoState::load(&data)?.seed
    } else {
        args.seed
    };
    // The world lives as long as the process: the traffic and every task borrow it.
    let world: &'static World = Box::leak(Box::new(World::new(args.scale.world(seed))));
    let mut demo = if args.reuse {
        println!("portwatch demo: reusing {}", data.display());
        DemoState::load(&data)?
    } else {
        println!(
            "portwatch demo: building a {:?} world in {}",
            args.scale,
            data.display()
        );
        network::build(&args, &paths, world)?
    };
    let traffic_config = TrafficConfig::neptune_ii(seed, demo.searches);
    let (start, end) = traffic_config.window();
    let clock = if demo.replayed {
        Clock::replay(end - Duration::hours(6))
    } else {
        Clock::replay(start)
    };
    let server = start_server(&args, &paths, clock.clone()).await?;
    println!(
        "  server ready after {:.1} s: API https://{} (mutual TLS), console http://{}",
        started.elapsed().as_secs_f64(),
        server.local_addr,
        server.console_addr.unwrap_or(args.console)
    );
    print_console_keys(&demo, server.console_addr.unwrap_or(args.console));
    let mut tally = Tally::default();
    if !demo.replayed {
        let operation = plan_operation(&paths, server.local_addr, &traffic_config).await?;
        println!(
            "  operation {} planned: {} to {}, {} sites in {} countries",
            operation.code,
            operation.starts_on,
            operation.ends_on,
            operation.sites.len(),
            operation.countries.len()
        );
        let traffic = Arc::new(Traffic::new(world, traffic_config));
        tally = replay(&args, &paths, &server, clock.clone(), traffic, end).await?;
        demo.replayed = true;
        demo.save(&data)?;
    }
    let report = report(&server, &clock, &data).await?;
    if !tally.searches_sent.is_zero() {
        check(&tally, &report)?;
    }
    if let Some(path) = &args.summary {
        let summary = serde_json::json!({ "replay": tally.snapshot(), "report": report });
        std::fs::write(path, serde_json::to_vec_pretty(&summary)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.exit_when_done {
        server.shutdown().await;
        return Ok(());
    }
    println!("\nServing until Ctrl-C.");
    tokio::signal::ctrl_c().await?;
    println!("portwatch demo: stopping");
    server.shutdown().await;
    Ok(())
}

async fn start_server(
    args: &DemoArgs,
    paths: &Paths,
    clock: Clock,
) -> anyhow::Result<RunningServer> {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&paths.data)?);
    let limits = Limits {
        // Seven ports' worth of booths share a handful of agencies: the demo measures the
        // screening, not the per-agency rate limit.
        rate_per_second: 1e9,
        rate_burst: 1e9,
        ..Limits::default()
    };
    let config = ServerConfig {
        listen: args.listen,
        tls: Some(ServerTlsFiles {
            cert: paths.certs.join("server.crt"),
            key: paths.certs.join("server.key"),
            client_ca: paths.certs.join("ca.crt"),
            revocation_list: portwatch_server::pki::revocation_path(&paths.data),
        }),
        limits,
        data: paths.data.clone(),
        clock,
        console_listen: Some(args.console),
    };
    let server = portwatch_server::start(store, config)
        .await
        .context("starting the demo's server (is another demo or server using the ports? pass --listen and --console)")?;
    while !server.state.is_ready() {
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    Ok(server)
}

fn print_console_keys(demo: &DemoState, console: SocketAddr) {
    println!("\n  Sign in to the console at http://{console} with one of these API keys:");
    for key in &demo.console_keys {
        println!("    {:<38} {:<16} {}", key.who, key.agency, key.token);
    }
    println!();
}

/// The General Secretariat plans Neptune II through the API.
async fn plan_operation(
    paths: &Paths,
    addr: SocketAddr,
    config: &TrafficConfig,
) -> anyhow::Result<Operation> {
    let (start, end) = config.window();
    let mut countries: Vec<&str> = NEPTUNE_PORTS.iter().map(|p| p.country).collect();
    countries.sort_unstable();
    countries.dedup();
    let sites: Vec<serde_json::Value> = NEPTUNE_PORTS
        .iter()
        .map(|p| {
            serde_json::json!({
                "locode": p.locode, "name": p.name, "country": p.country, "agency": p.agency
            })
        })
        .collect();
    let body = serde_json::json!({
        "code": OPERATION,
        "name": "Neptune II",
        "starts_on": start.date(),
        "ends_on": (end - Duration::seconds(1)).date(),
        "countries": countries,
        "sites": sites,
        "partners": [
            {"agency": "frontex", "access": "hits"},
            {"agency": "wco", "access": "statistics"}
        ],
        "focus": ["terrorism", "human_trafficking", "migrant_smuggling", "firearms",
                  "narcotics", "stolen_vehicles", "document_fraud"],
        "coordinator": SECRETARIAT,
    });
    let mut gs = Connection::open(addr, "localhost", paths.client(SECRETARIAT)?).await?;
    let (status, answer) = gs
        .send(
            Method::POST,
            "/v1/operations",
            Some((Bytes::from(body.to_string()), "application/json")),
        )
        .await?;
    if status != StatusCode::CREATED {
        anyhow::bail!(
            "planning the operation failed with {status}: {}",
            String::from_utf8_lossy(&answer)
        );
    }
    Ok(serde_json::from_slice(&answer)?)
}

/// What the replay itself counted, to check the report against.
#[derive(Default)]
struct Tally {
    searches_sent: Counter,
    searches_failed: Counter,
    hits_seen: Counter,
    confirmed: Counter,
    rejected: Counter,
    unanswered: Counter,
    actions_recorded: Counter,
    leads_opened: Counter,
    /// Planted crossing index → (kind, detected).
    planted: std::sync::Mutex<Vec<PlantedOutcome>>,
}

#[derive(Default)]
struct Counter(AtomicU64);

impl Counter {
    fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
    fn is_zero(&self) -> bool {
        self.get() == 0
    }
}

#[derive(Debug, Clone, Serialize)]
struct PlantedOutcome {
    kind: PlantedKind,
    record: Id,
    database: Database,
    port: &'static str,
    at: String,
    /// What the booth presented (names, document, plate …), to see why a subject was missed.
    presented: serde_json::Value,
    detected: bool,
}

impl Tally {
    fn snapshot(&self) -> serde_json::Value {
        let planted = self.planted.lock().map(|p| p.clone()).unwrap_or_default();
        serde_json::json!({
            "searches_sent": self.searches_sent.get(),
            "searches_failed": self.searches_failed.get(),
            "hits_seen": self.hits_seen.get(),
            "confirmed": self.confirmed.get(),
            "rejected": self.rejected.get(),
            "unanswered": self.unanswered.get(),
            "actions_recorded": self.actions_recorded.get(),
            "leads_opened": self.leads_opened.get(),
            "planted": planted,
        })
    }
}

/// A hit on its way to the owner's desk.
struct HitToAnswer {
    hit_id: Id,
    /// Keys the simulator's choices about this hit (the owner's answer, the lead): made of the
    /// crossing's position and the hit's place in the answer, so a seed replays the same.
    key: u64,
    /// The port's border post that made it.
    booth: &'static str,
    /// The planted subject the crossing was, with its index in the tally.
    planted: Option<(PlantedKind, (Database, Id), usize)>,
}

async fn replay(
    args: &DemoArgs,
    paths: &Paths,
    server: &RunningServer,
    clock: Clock,
    traffic: Arc<Traffic<'static>>,
    end: OffsetDateTime,
) -> anyhow::Result<Tally> {
    let total = traffic.config().searches;
    println!(
        "  replaying {} searches at {} ports over {} days ({} ferries, {} planted subjects)",
        grouped(total),
        NEPTUNE_PORTS.len(),
        traffic.config().days,
        grouped(traffic.sailings().len() as u64),
        traffic.planted().len()
    );
    let tally = Arc::new(Tally::default());
    let store_ids = store_ids(server.state.store.as_ref(), &traffic)?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "  searches {bar:40} {human_pos}/{human_len} {per_sec} eta {eta} {msg}",
        )?
        .progress_chars("=> "),
    );
    let (crossings_tx, crossings_rx) = mpsc::channel::<(u64, Crossing)>(args.concurrency * 8);
    let producer = {
        let traffic = traffic.clone();
        tokio::task::spawn_blocking(move || {
            for (i, crossing) in traffic.crossings().enumerate() {
                if crossings_tx.blocking_send((i as u64, crossing)).is_err() {
                    break;
                }
            }
        })
    };
    let (hits_tx, hits_rx) = mpsc::unbounded_channel::<(OffsetDateTime, HitToAnswer)>();
    let desk = tokio::spawn(desk(
        paths.clone(),
        server.local_addr,
        server.state.store.clone(),
        clock.clone(),
        traffic.clone(),
        tally.clone(),
        hits_rx,
    ));
    let line = Arc::new(Line {
        paths: paths.clone(),
        addr: server.local_addr,
        clock: clock.clone(),
        crossings: Mutex::new(crossings_rx),
        hits: hits_tx,
        tally: tally.clone(),
        store_ids,
        bar: bar.clone(),
    });
    let mut booths = Vec::new();
    for _ in 0..args.concurrency {
        booths.push(tokio::spawn(booth(line.clone())));
    }
    // The desk stops once every booth is done: the last sender of hits goes with the line.
    drop(line);
    for booth in booths {
        booth.await??;
    }
    producer.await?;
    bar.finish_and_clear();
    // The desk answers what is still due before the operation ends, then stops.
    clock.advance_to(end - Duration::minutes(30));
    desk.await??;
    let failed = tally.searches_failed.get();
    println!(
        "  replayed {} searches in {:.0} s{}",
        grouped(tally.searches_sent.get()),
        bar.elapsed().as_secs_f64(),
        if failed > 0 {
            format!(" ({failed} failed: see the log above)")
        } else {
            String::new()
        }
    );
    Arc::try_unwrap(tally).map_err(|_| anyhow::anyhow!("the replay's tasks are still running"))
}

/// One booth: screens crossings one after the other over kept-alive connections, one per
/// border post it screens for.
/// What the booths share: the queue of travellers and vehicles coming off the ferries.
struct Line {
    paths: Paths,
    addr: SocketAddr,
    clock: Clock,
    crossings: Mutex<mpsc::Receiver<(u64, Crossing)>>,
    hits: mpsc::UnboundedSender<(OffsetDateTime, HitToAnswer)>,
    tally: Arc<Tally>,
    /// The store's id of each planted record, by the world's id ([`store_ids`]).
    store_ids: HashMap<Id, Id>,
    bar: ProgressBar,
}

async fn booth(line: Arc<Line>) -> anyhow::Result<()> {
    let Line {
        paths,
        addr,
        clock,
        crossings,
        hits,
        tally,
        store_ids,
        bar,
    } = &*line;
    let addr = *addr;
    let mut connections = Connections::new(paths.clone(), addr);
    loop {
        let next = crossings.lock().await.recv().await;
        let Some((index, crossing)) = next else {
            return Ok(());
        };
        let port = &NEPTUNE_PORTS[crossing.port];
        let (path, body) = request_of(&crossing);
        clock.advance_to(crossing.at);
        let (status, answer) = connections.post(port.agency, path, &body).await?;
        bar.inc(1);
        if status != StatusCode::OK {
            if tally.searches_failed.get() < 5 {
                bar.suspend(|| {
                    eprintln!(
                        "  search {index} at {} failed with {status}: {}",
                        port.locode,
                        String::from_utf8_lossy(&answer)
                    )
                });
            }
            tally.searches_failed.add(1);
            continue;
        }
        tally.searches_sent.add(1);
        let planted = planted_outcome(tally, &crossing);
        let expected = crossing
            .query
            .expected
            .map(|(database, id)| (database, store_ids.get(&id).copied().unwrap_or(id)));
        for (position, hit_id) in hit_ids(&answer)?.into_iter().enumerate() {
            tally.hits_seen.add(1);
            let planted = crossing
                .planted
                .zip(expected)
                .zip(planted)
                .map(|((kind, expected), slot)| (kind, expected, slot));
            let _ = hits.send((
                clock.now(),
                HitToAnswer {
                    hit_id,
                    key: index.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ position as u64,
                    booth: port.agency,
                    planted,
                },
            ));
        }
    }
}

/// The store's id of each planted subject's record, by the world's id for it (the store gives
/// every record its own id; the natural key links the two).
fn store_ids(store: &dyn Store, traffic: &Traffic<'static>) -> anyhow::Result<HashMap<Id, Id>> {
    let world = traffic.world();
    let mut ids = HashMap::new();
    for planted in traffic.planted() {
        let record = match planted.kind.database() {
            Database::Persons => world.person(planted.index),
            Database::Documents => world.document(planted.index),
            Database::Vehicles => world.vehicle(planted.index),
        };
        let key = record.content.natural_key();
        let stored = store.record_by_natural_key(&key)?.ok_or_else(|| {
            anyhow::anyhow!("the planted record {key} is not in the store: was the world imported?")
        })?;
        ids.insert(planted.record.1, stored.id);
    }
    Ok(ids)
}

/// Registers a planted crossing in the tally; returns its slot.
fn planted_outcome(tally: &Tally, crossing: &Crossing) -> Option<usize> {
    let kind = crossing.planted?;
    let (database, record) = crossing.query.expected?;
    let mut planted = tally.planted.lock().ok()?;
    planted.push(PlantedOutcome {
        kind,
        record,
        database,
        port: NEPTUNE_PORTS[crossing.port].locode,
        at: crossing.at.date().to_string(),
        presented: request_of(crossing).1,
        detected: false,
    });
    Some(planted.len() - 1)
}

/// The API path and JSON body a booth sends for a crossing.
fn request_of(crossing: &Crossing) -> (&'static str, serde_json::Value) {
    match &crossing.query.subject {
        Subject::Traveller(t) => {
            let mut body = serde_json::to_value(t).unwrap_or_default();
            if let Some(mrz) = &crossing.query.mrz {
                body["mrz"] = serde_json::Value::String(mrz.join("\n"));
            }
            ("/v1/screen/traveller", body)
        }
        Subject::Document(d) => (
            "/v1/screen/document",
            serde_json::json!({"number": d.number, "issuing_state": d.issuing_state}),
        ),
        Subject::Vehicle(v) => (
            "/v1/screen/vehicle",
            serde_json::to_value(v).unwrap_or_default(),
        ),
    }
}

/// The hit ids of a search's answer.
fn hit_ids(answer: &[u8]) -> anyhow::Result<Vec<Id>> {
    #[derive(serde::Deserialize)]
    struct Answer {
        hits: Vec<Shown>,
    }
    #[derive(serde::Deserialize)]
    struct Shown {
        hit_id: Id,
    }
    let answer: Answer = serde_json::from_slice(answer).context("reading a search's answer")?;
    Ok(answer.hits.into_iter().map(|h| h.hit_id).collect())
}

/// A hit waiting for its owner's answer, ordered by when the answer comes.
struct Pending {
    due: OffsetDateTime,
    hit: Hit,
    decision: Decision,
    instructions: String,
    planted: Option<(PlantedKind, (Database, Id), usize)>,
    booth: &'static str,
    /// See [`HitToAnswer::key`].
    key: u64,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.due == other.due && self.hit.id == other.hit.id
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due, self.hit.id).cmp(&(other.due, other.hit.id))
    }
}

/// The owner NCBs' desk (see the module documentation). Ends when the booths are done and
/// every answer due before the replay clock's final time has been given.
async fn desk(
    paths: Paths,
    addr: SocketAddr,
    store: Arc<dyn Store>,
    clock: Clock,
    traffic: Arc<Traffic<'static>>,
    tally: Arc<Tally>,
    mut incoming: mpsc::UnboundedReceiver<(OffsetDateTime, HitToAnswer)>,
) -> anyhow::Result<()> {
    let mut queue: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
    let mut connections = Connections::new(paths.clone(), addr);
    let mut open = true;
    loop {
        while let Ok((at, hit)) = incoming.try_recv() {
            if let Some(p) = schedule(&store, &traffic, &tally, at, hit).await? {
                queue.push(Reverse(p));
            }
        }
        let now = clock.now();
        while queue.peek().is_some_and(|p| p.0.due <= now) {
            let Reverse(pending) = queue.pop().expect("peeked");
            answer(&mut connections, &traffic, &tally, pending).await?;
        }
        if !open && incoming.is_empty() {
            tally.unanswered.add(queue.len() as u64);
            return Ok(());
        }
        match tokio::time::timeout(StdDuration::from_millis(20), incoming.recv()).await {
            Ok(Some((at, hit))) => {
                if let Some(p) = schedule(&store, &traffic, &tally, at, hit).await? {
                    queue.push(Reverse(p));
                }
            }
            Ok(None) => open = false,
            Err(_) => {}
        }
    }
}

/// Looks the hit up (as its owner would see it) and asks the simulator what the owner does.
async fn schedule(
    store: &Arc<dyn Store>,
    traffic: &Traffic<'static>,
    tally: &Tally,
    at: OffsetDateTime,
    incoming: HitToAnswer,
) -> anyhow::Result<Option<Pending>> {
    let store = store.clone();
    let id = incoming.hit_id;
    let Some(hit) = tokio::task::spawn_blocking(move || store.hit(id)).await?? else {
        return Ok(None);
    };
    let true_match = incoming
        .planted
        .is_some_and(|(_, expected, _)| expected == (hit.database, hit.record_id));
    if let (true, Some((_, _, slot))) = (true_match, incoming.planted) {
        if let Ok(mut planted) = tally.planted.lock() {
            planted[slot].detected = true;
        }
    }
    let key = incoming.key;
    let facts = portwatch_sim::traffic::HitFacts {
        true_match,
        urgent: hit.action == Action::DetainAndContactOwner,
        kind: incoming.planted.map(|(kind, _, _)| kind),
        action: Some(hit.action),
        owner: Some(hit.owner.as_str()),
    };
    let response = traffic.owner_response_to(key, &facts);
    if response.decision == Decision::NoAnswer {
        tally.unanswered.add(1);
        return Ok(None);
    }
    Ok(Some(Pending {
        due: at + response.after,
        hit,
        decision: response.decision,
        instructions: response.instructions,
        planted: incoming.planted.filter(|_| true_match),
        booth: incoming.booth,
        key,
    }))
}

/// Kept-alive mutual-TLS connections, one per agency, opened on first use and opened again
/// once when the server has closed one (an NCB desk may stay idle longer than the server keeps
/// an idle connection).
struct Connections {
    paths: Paths,
    addr: SocketAddr,
    open: HashMap<String, Connection>,
}

impl Connections {
    fn new(paths: Paths, addr: SocketAddr) -> Connections {
        Connections {
            paths,
            addr,
            open: HashMap::new(),
        }
    }

    async fn connection(&mut self, agency: &str) -> anyhow::Result<&mut Connection> {
        if !self.open.contains_key(agency) {
            let config = self.paths.client(agency)?;
            let conn = Connection::open(self.addr, "localhost", config).await?;
            self.open.insert(agency.to_string(), conn);
        }
        Ok(self.open.get_mut(agency).expect("opened just above"))
    }

    /// POSTs `body` as `agency`; the answer's status and body.
    async fn post(
        &mut self,
        agency: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let bytes = Bytes::from(body.to_string());
        let first = self
            .connection(agency)
            .await?
            .send(
                Method::POST,
                path,
                Some((bytes.clone(), "application/json")),
            )
            .await;
        match first {
            Ok(answer) => Ok(answer),
            Err(_) => {
                self.open.remove(agency);
                self.connection(agency)
                    .await?
                    .send(Method::POST, path, Some((bytes, "application/json")))
                    .await
            }
        }
    }

    /// POSTs `body` as `agency` and reads the JSON answer; anything but a 2xx is an error.
    async fn post_ok(
        &mut self,
        agency: &str,
        path: &str,
        body: serde_json::Value,
    ) -> anyhow::Result<serde_json::Value> {
        let (status, answer) = self.post(agency, path, &body).await?;
        if !status.is_success() {
            anyhow::bail!(
                "POST {path} as {agency} failed with {status}: {}",
                String::from_utf8_lossy(&answer)
            );
        }
        Ok(serde_json::from_slice(&answer)?)
    }
}

/// The owner answers; on a confirmed planted subject the checkpoint acts and a lead opens.
async fn answer(
    connections: &mut Connections,
    traffic: &Traffic<'static>,
    tally: &Tally,
    pending: Pending,
) -> anyhow::Result<()> {
    let owner = pending.hit.owner.to_string();
    let hit_id = pending.hit.id;
    let decision = match pending.decision {
        Decision::Confirm => "confirmed",
        _ => "rejected",
    };
    connections
        .post_ok(
            &owner,
            &format!("/v1/hits/{hit_id}/follow-up"),
            serde_json::json!({"decision": decision, "instructions": pending.instructions}),
        )
        .await?;
    if pending.decision != Decision::Confirm {
        tally.rejected.add(1);
        return Ok(());
    }
    tally.confirmed.add(1);
    let Some((kind, _, _)) = pending.planted else {
        return Ok(());
    };
    connections
        .post_ok(
            pending.booth,
            &format!("/v1/hits/{hit_id}/action-taken"),
            serde_json::json!({"action_taken": action_taken(pending.hit.action)}),
        )
        .await?;
    tally.actions_recorded.add(1);
    let plan = traffic.lead_for(kind, pending.key);
    connections
        .post_ok(
            &owner,
            "/v1/investigations",
            serde_json::json!({
                "operation": OPERATION,
                "category": plan.category,
                "title": plan.title,
                "hits": [hit_id],
                "outcomes": plan.outcomes,
                "notes": [pending.instructions],
            }),
        )
        .await?;
    tally.leads_opened.add(1);
    Ok(())
}

/// What a checkpoint does on a confirmed hit calling for `action`.
fn action_taken(action: Action) -> &'static str {
    match action {
        Action::DetainAndContactOwner => "detained",
        Action::DiscreetCheck => "discreet_check",
        Action::ProtectMissingPerson => "refused_entry",
        Action::SeizeDocument => "document_seized",
        Action::SeizeVehicle => "vehicle_seized",
        Action::ContactOwner => "released",
    }
}

/// Computes the operation's figures from the store, prints them, saves the HTML report.
async fn report(
    server: &RunningServer,
    clock: &Clock,
    data: &std::path::Path,
) -> anyhow::Result<portwatch_report::Figures> {
    let store = server.state.store.clone();
    let as_of = clock.now();
    let figures = tokio::task::spawn_blocking(move || {
        let operation = store
            .operation_by_code(OPERATION)?
            .ok_or_else(|| anyhow::anyhow!("the demo's store holds no operation {OPERATION}"))?;
        Ok::<_, anyhow::Error>(portwatch_server::figures::figures_from_store(
            store.as_ref(),
            &operation,
            as_of,
        )?)
    })
    .await??;
    println!("\n{}", "=".repeat(78));
    for line in figures.headlines() {
        println!("{line}");
    }
    println!("{}", "=".repeat(78));
    let path = data.join("demo").join(format!("{OPERATION}-report.html"));
    std::fs::write(&path, figures.to_html())?;
    println!(
        "The whole report: {} (also `portwatch report --operation {OPERATION} --data {}`)",
        path.display(),
        data.display()
    );
    Ok(figures)
}

/// The report must agree with what the replay sent and planted.
fn check(tally: &Tally, figures: &portwatch_report::Figures) -> anyhow::Result<()> {
    let sent = tally.searches_sent.get();
    let planted = tally.planted.lock().map(|p| p.clone()).unwrap_or_default();
    let detected = planted.iter().filter(|p| p.detected).count();
    println!(
        "Check: searches sent {} = searches in the report {}; planted subjects detected {detected}/{}",
        grouped(sent),
        grouped(figures.searches),
        planted.len()
    );
    if figures.searches != sent {
        anyhow::bail!(
            "the report counts {} searches but the replay sent {sent}",
            figures.searches
        );
    }
    Ok(())
}
