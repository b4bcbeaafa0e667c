//! `portwatch bench engine`: the screening engine against a synthetic world, each figure beside
//! a baseline measured in the same run.
//!
//! * **Build**: the indexes built from the simulator's record stream (generation included,
//!   and measured alone on a sample so it can be told apart).
//! * **Memory**: resident size from `/proc/self/status` before and after, the index's own
//!   count of heap bytes per database, and their extrapolation to INTERPOL's scale.
//! * **Document checks** on one core, beside a `HashMap<String, u32>` of the same keys (the
//!   obvious implementation, built on a sample because it would not fit at scale).
//! * **Traveller screening** latency (p50, p99) over planted and clean travellers, beside a
//!   full scan by the same scorer on a sample of the same queries, and (with `--rapidfuzz`)
//!   beside what a user would script instead: `scripts/bench_rapidfuzz.py`, a Python
//!   `rapidfuzz.process.extract` scan over every name of every person, run in a venv.
//! * **Quality**: recall on the planted variants, false-positive rate on clean queries at the
//!   default threshold, and candidate generation's recall against the full scan.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use portwatch_engine::{Engine, Match, Policy, Subject, Traveller, TravellerRequest};
use portwatch_model::{Database, Id, RecordBody};
use portwatch_sim::{Query, Variation, World, WorldConfig};

/// Arguments of `portwatch bench engine`.
#[derive(clap::Args)]
pub struct EngineBench {
    /// Persons with notices in the world.
    #[arg(long, default_value_t = 100_000)]
    persons: u64,
    /// Stolen and lost documents.
    #[arg(long, default_value_t = 1_000_000)]
    documents: u64,
    /// Stolen vehicles.
    #[arg(long, default_value_t = 100_000)]
    vehicles: u64,
    /// Seed of the world.
    #[arg(long, default_value_t = 2019)]
    seed: u64,
    /// Planted queries (cycling through the eight variations).
    #[arg(long, default_value_t = 4_000)]
    planted: u64,
    /// Clean queries.
    #[arg(long, default_value_t = 4_000)]
    clean: u64,
    /// Travellers also screened by a full scan (the latency baseline, and the measure of what
    /// candidate generation loses).
    #[arg(long, default_value_t = 20)]
    scan_sample: usize,
    /// Print each person the full scan accepts but candidate generation missed, with why the
    /// scorer accepted them.
    #[arg(long)]
    show_lost: bool,
    /// Document checks timed.
    #[arg(long, default_value_t = 2_000_000)]
    document_checks: usize,
    /// Also time a Python `rapidfuzz.process.extract` scan over the same names (needs
    /// python3 with venv and PyPI access; the other figures are printed if it cannot run).
    #[arg(long)]
    rapidfuzz: bool,
    /// Travellers screened by the rapidfuzz scan (each scans every person name).
    #[arg(long, default_value_t = 30)]
    rapidfuzz_sample: usize,
    /// Write every match of every traveller (names, record, kind, score, reason) to FILE, one a
    /// line, so that the answers of two builds can be compared with `diff`.
    #[arg(long, value_name = "FILE")]
    matches: Option<PathBuf>,
}

/// The script of the `--rapidfuzz` baseline, carried in the binary so the bench runs from any
/// directory.
const RAPIDFUZZ_SCRIPT: &str = include_str!("../../../../scripts/bench_rapidfuzz.py");
/// The rapidfuzz release installed in the venv, pinned so runs compare alike.
const RAPIDFUZZ_VERSION: &str = "3.14.6";

/// The indexed screening latency the baselines are compared with.
struct Latency {
    p50: Duration,
    mean: Duration,
}

pub fn run(args: EngineBench) -> anyhow::Result<()> {
    let world = World::new(WorldConfig {
        seed: args.seed,
        persons: args.persons,
        documents: args.documents,
        vehicles: args.vehicles,
    });
    let today = portwatch_sim::world_today();
    println!(
        "world: {} persons, {} documents, {} vehicles (seed {})",
        args.persons, args.documents, args.vehicles, args.seed
    );

    let rss_before = resident_bytes();
    let engine = Engine::new(Policy::new(&world.agencies()));
    let started = Instant::now();
    engine.bulk_load(world.records());
    let build = started.elapsed();
    let generation = generation_estimate(&world);
    let rss_after = resident_bytes();
    let stats = engine.stats();
    println!(
        "build: {:.1} s from the generator stream; generating alone takes ~{:.1} s \
         (measured on a sample) -> indexing ~{:.1} s",
        build.as_secs_f64(),
        generation.as_secs_f64(),
        (build.saturating_sub(generation)).as_secs_f64()
    );
    report_memory(&args, &stats, rss_before, rss_after);

    bench_documents(&engine, &world, &args, today);
    let (planted, clean): (Vec<Query>, Vec<Query>) = (
        world.planted_queries(args.planted).collect(),
        world.clean_queries(args.clean).collect(),
    );
    let latency = bench_travellers(&engine, &planted, &clean, &args, today);
    if let Some(file) = &args.matches {
        write_matches(&engine, planted.iter().chain(&clean), file, today)?;
    }
    if let (true, Some(latency)) = (args.rapidfuzz, &latency) {
        bench_rapidfuzz(&world, &planted, &clean, &args, latency);
    }
    report_quality(&engine, &planted, &clean, today);
    Ok(())
}

/// `--matches`: every traveller's matches, one a line.
fn write_matches<'q>(
    engine: &Engine,
    queries: impl Iterator<Item = &'q Query>,
    file: &Path,
    today: time::Date,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    for traveller in queries.filter_map(traveller_of) {
        for m in engine.match_traveller(&traveller, today) {
            writeln!(
                out,
                "{:?} {} {:?} {:.4} {}",
                traveller.names,
                m.record_id,
                m.match_kind,
                m.score,
                serde_json::to_string(&m.reason)?
            )?;
        }
    }
    out.flush()?;
    println!("matches of every traveller written to {}", file.display());
    Ok(())
}

fn report_memory(
    args: &EngineBench,
    stats: &portwatch_engine::EngineStats,
    rss_before: Option<u64>,
    rss_after: Option<u64>,
) {
    let per = |bytes: usize, n: u64| bytes as f64 / n.max(1) as f64;
    let doc = per(stats.document_bytes, args.documents);
    let person = per(stats.person_bytes, args.persons);
    let vehicle = per(stats.vehicle_bytes, args.vehicles);
    match (rss_before, rss_after) {
        (Some(b), Some(a)) => println!(
            "memory: resident {} after build ({} before; {} for the indexes)",
            gib(a),
            gib(b),
            gib(a.saturating_sub(b))
        ),
        _ => println!("memory: resident size unavailable (no /proc/self/status)"),
    }
    println!(
        "index heap: documents {} ({doc:.1} B each), persons {} ({person:.0} B each), \
         vehicles {} ({vehicle:.1} B each)",
        gib(stats.document_bytes as u64),
        gib(stats.person_bytes as u64),
        gib(stats.vehicle_bytes as u64)
    );
    let at_scale = doc * 128e6 + person * 1e6 + vehicle * 10e6;
    let rss_per_index_byte = match (rss_before, rss_after) {
        (Some(b), Some(a)) if stats.heap_bytes() > 0 => {
            a.saturating_sub(b) as f64 / stats.heap_bytes() as f64
        }
        _ => 1.0,
    };
    println!(
        "extrapolated to 128M documents + 1M persons + 10M vehicles: {} of index heap, \
         ~{} resident (x{rss_per_index_byte:.2} resident per heap byte measured here); \
         target <= 12 GiB",
        gib(at_scale as u64),
        gib((at_scale * rss_per_index_byte.max(1.0)) as u64)
    );
}

fn bench_documents(engine: &Engine, world: &World, args: &EngineBench, today: time::Date) {
    if args.documents == 0 {
        return;
    }
    // Half the checks hit a stolen document, half are clean documents.
    let sample = 100_000.min(args.documents) as usize;
    let mut queries = Vec::with_capacity(sample * 2);
    let step = (args.documents / sample as u64).max(1);
    for i in 0..sample as u64 {
        let record = world.document(i * step);
        if let RecordBody::Document(d) = &record.content.body {
            queries.push((d.number.as_str().to_string(), d.issuing_state));
            queries.push((format!("C{:08}", i * 7919 % 100_000_000), d.issuing_state));
        }
    }
    let queries: Vec<portwatch_engine::DocumentQuery> = queries
        .into_iter()
        .map(|(number, issuing_state)| portwatch_engine::DocumentQuery {
            number,
            issuing_state,
        })
        .collect();
    let started = Instant::now();
    let mut hits = 0usize;
    for i in 0..args.document_checks {
        hits += engine
            .match_document(&queries[i % queries.len()], today)
            .len();
    }
    let ours = args.document_checks as f64 / started.elapsed().as_secs_f64();

    // Baseline: the obvious HashMap of "STATE:NUMBER" strings, over the same sampled keys.
    let baseline: HashMap<String, u32> = (0..args.documents.min(1_000_000))
        .filter_map(|i| match world.document(i).content.body {
            RecordBody::Document(d) => Some((
                format!("{}:{}", d.issuing_state, d.number.as_str()),
                i as u32,
            )),
            _ => None,
        })
        .collect();
    let started = Instant::now();
    let mut base_hits = 0usize;
    for i in 0..args.document_checks {
        let q = &queries[i % queries.len()];
        let canonical = portwatch_ident::document_number::canonical(&q.number);
        base_hits +=
            usize::from(baseline.contains_key(&format!("{}:{}", q.issuing_state, canonical)));
    }
    let base = args.document_checks as f64 / started.elapsed().as_secs_f64();
    println!(
        "document checks (one core): {:.2} M/s with exact + OCR-tolerant look-up (target >= 2 M/s); \
         baseline HashMap<String> exact only on {} keys: {:.2} M/s; ratio {:.2} \
         ({hits} / {base_hits} hits)",
        ours / 1e6,
        baseline.len(),
        base / 1e6,
        ours / base
    );
}

/// The query's traveller as the engine takes it (`None` for other subjects or a traveller
/// the engine would refuse).
fn traveller_of(query: &Query) -> Option<Traveller> {
    match subject_of(query) {
        Subject::Traveller(t) => t.check().ok(),
        _ => None,
    }
}

fn subject_of(query: &Query) -> Subject {
    match &query.subject {
        portwatch_sim::Subject::Traveller(t) => Subject::Traveller(TravellerRequest {
            names: t.names.clone(),
            birth_date: t.birth_date.clone(),
            sex: t.sex.clone(),
            nationality: t.nationality.clone(),
            document_number: t.document_number.clone(),
            issuing_state: t.issuing_state.clone(),
            ..TravellerRequest::default()
        }),
        portwatch_sim::Subject::Document(d) => {
            Subject::Document(portwatch_engine::DocumentRequest {
                number: d.number.clone(),
                issuing_state: d.issuing_state.clone(),
            })
        }
        portwatch_sim::Subject::Vehicle(v) => Subject::Vehicle(portwatch_engine::VehicleRequest {
            vin: v.vin.clone(),
            plate: v.plate.clone(),
            plate_country: v.plate_country.clone(),
        }),
    }
}

fn bench_travellers(
    engine: &Engine,
    planted: &[Query],
    clean: &[Query],
    args: &EngineBench,
    today: time::Date,
) -> Option<Latency> {
    let travellers: Vec<Traveller> = planted
        .iter()
        .chain(clean)
        .filter_map(traveller_of)
        .collect();
    if travellers.is_empty() || args.persons == 0 {
        return None;
    }
    let mut latencies: Vec<Duration> = travellers
        .iter()
        .map(|t| {
            let started = Instant::now();
            std::hint::black_box(engine.match_traveller(t, today));
            started.elapsed()
        })
        .collect();
    let mut candidates: Vec<usize> = travellers
        .iter()
        .map(|t| engine.traveller_candidates(t))
        .collect();
    candidates.sort_unstable();
    println!(
        "candidates handed to the scorer per traveller: p50 {} p99 {} max {}",
        candidates[candidates.len() / 2],
        candidates[(candidates.len() - 1) * 99 / 100],
        candidates[candidates.len() - 1]
    );
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    let mean_indexed = latencies.iter().sum::<Duration>().as_secs_f64() / latencies.len() as f64;

    let sample = spread_sample(&travellers, args.scan_sample);
    let (mut lost, mut scan_found) = (0usize, 0usize);
    let started = Instant::now();
    let mut scan_results = Vec::new();
    for t in &sample {
        scan_results.push(engine.match_traveller_full_scan(t, today));
    }
    let mean_scan = started.elapsed().as_secs_f64() / sample.len().max(1) as f64;
    for (t, scanned) in sample.iter().zip(&scan_results) {
        let indexed = engine.match_traveller(t, today);
        for m in scanned {
            scan_found += 1;
            if !indexed.iter().any(|i| i.record_id == m.record_id) {
                lost += 1;
                if args.show_lost {
                    eprintln!(
                        "  lost by candidate generation: {:?} -> {}",
                        t.names,
                        serde_json::to_string(&m.reason).unwrap_or_default()
                    );
                }
            }
        }
    }
    println!(
        "traveller screening against {} persons ({} travellers): p50 {} p99 {} max {} \
         (targets p50 <= 100 us, p99 <= 1 ms); mean {}",
        args.persons,
        latencies.len(),
        micros(pct(0.5)),
        micros(pct(0.99)),
        micros(latencies[latencies.len() - 1]),
        micros(Duration::from_secs_f64(mean_indexed)),
    );
    println!(
        "baseline full scan by the same scorer ({} travellers): mean {}; speed-up x{:.0}; \
         candidate generation kept {} of the {} persons the full scan accepted",
        sample.len(),
        micros(Duration::from_secs_f64(mean_scan)),
        mean_scan / mean_indexed,
        scan_found - lost,
        scan_found
    );
    Some(Latency {
        p50: pct(0.5),
        mean: Duration::from_secs_f64(mean_indexed),
    })
}

/// Up to `n` travellers spread evenly over planted and clean ones.
fn spread_sample(travellers: &[Traveller], n: usize) -> Vec<&Traveller> {
    travellers
        .iter()
        .step_by((travellers.len() / n.max(1)).max(1))
        .take(n)
        .collect()
}

/// Prints the rapidfuzz row, or why it could not be measured; never fails the bench.
fn bench_rapidfuzz(
    world: &World,
    planted: &[Query],
    clean: &[Query],
    args: &EngineBench,
    engine: &Latency,
) {
    let travellers: Vec<Traveller> = planted
        .iter()
        .chain(clean)
        .filter_map(traveller_of)
        .collect();
    let sample = spread_sample(&travellers, args.rapidfuzz_sample);
    match run_rapidfuzz(world, &sample) {
        Ok(r) => println!(
            "baseline rapidfuzz {RAPIDFUZZ_VERSION} process.extract scan ({}, cutoff {}, \
             limit {}) over the {} names of the {} persons ({} travellers, every name of \
             each): p50 {} mean {}; speed-up x{:.0} at p50 (engine {}), x{:.0} at the mean \
             (engine {}); {:.1} names returned per traveller",
            r.scorer,
            r.cutoff,
            r.limit,
            r.names,
            args.persons,
            r.travellers,
            micros(r.p50),
            micros(r.mean),
            r.p50.as_secs_f64() / engine.p50.as_secs_f64(),
            micros(engine.p50),
            r.mean.as_secs_f64() / engine.mean.as_secs_f64(),
            micros(engine.mean),
            r.mean_returned
        ),
        Err(e) => println!("baseline rapidfuzz: not measured: {e:#}"),
    }
}

/// What `scripts/bench_rapidfuzz.py` reports.
struct RapidfuzzTimes {
    names: u64,
    travellers: u64,
    scorer: String,
    cutoff: f64,
    limit: u64,
    p50: Duration,
    mean: Duration,
    mean_returned: f64,
}

/// Writes every person name and the sampled travellers to a temporary folder and runs the
/// script on them with the venv's Python.
fn run_rapidfuzz(world: &World, sample: &[&Traveller]) -> anyhow::Result<RapidfuzzTimes> {
    use anyhow::Context;
    let python = rapidfuzz_python()?;
    let dir = tempfile::Builder::new()
        .prefix("portwatch-bench-rapidfuzz-")
        .tempdir()
        .context("rapidfuzz: creating the temporary folder")?;
    let (names, queries, script) = (
        dir.path().join("names.txt"),
        dir.path().join("queries.tsv"),
        dir.path().join("bench_rapidfuzz.py"),
    );
    write_person_names(world, &names)?;
    let lines: Vec<String> = sample
        .iter()
        .map(|t| {
            t.names
                .iter()
                .map(|n| one_line(n))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    std::fs::write(&queries, lines.join("\n") + "\n")
        .with_context(|| format!("rapidfuzz: writing {}", queries.display()))?;
    std::fs::write(&script, RAPIDFUZZ_SCRIPT)
        .with_context(|| format!("rapidfuzz: writing {}", script.display()))?;
    let out = run_command(Command::new(&python).arg(&script).arg(&names).arg(&queries))?;
    let line = out.lines().last().unwrap_or_default();
    parse_rapidfuzz(line).with_context(|| format!("rapidfuzz: unexpected output {line:?}"))
}

fn parse_rapidfuzz(line: &str) -> anyhow::Result<RapidfuzzTimes> {
    let v: serde_json::Value = serde_json::from_str(line)?;
    let num = |field: &str| {
        v[field]
            .as_f64()
            .ok_or_else(|| anyhow::anyhow!("field {field} is not a number"))
    };
    Ok(RapidfuzzTimes {
        names: num("names")? as u64,
        travellers: num("travellers")? as u64,
        scorer: v["scorer"].as_str().unwrap_or("?").to_string(),
        cutoff: num("cutoff")?,
        limit: num("limit")? as u64,
        p50: Duration::from_secs_f64(num("p50_s")?.max(0.0)),
        mean: Duration::from_secs_f64(num("mean_s")?.max(0.0)),
        mean_returned: num("mean_returned")?,
    })
}

/// Every name and alias of every person, one per line: the choices a user's script would scan.
fn write_person_names(world: &World, path: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    let context = || format!("rapidfuzz: writing {}", path.display());
    let file = std::fs::File::create(path).with_context(context)?;
    let mut out = std::io::BufWriter::new(file);
    for i in 0..world.config.persons {
        if let RecordBody::Person(p) = world.person(i).content.body {
            for name in &p.names {
                writeln!(out, "{}", one_line(&name.full)).with_context(context)?;
            }
        }
    }
    out.flush().with_context(context)
}

/// A name made safe for a line-and-tab file.
fn one_line(name: &str) -> String {
    name.replace(['\n', '\r', '\t'], " ")
}

/// The Python of a venv in the system temp folder holding the pinned rapidfuzz, created (or
/// repaired) on first use and reused by later runs.
fn rapidfuzz_python() -> anyhow::Result<PathBuf> {
    let venv = std::env::temp_dir().join("portwatch-bench-rapidfuzz-venv");
    let python = venv.join("bin").join("python");
    let check =
        format!("import sys, rapidfuzz; sys.exit(rapidfuzz.__version__ != '{RAPIDFUZZ_VERSION}')");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", &check])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return Ok(python);
    }
    run_command(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run_command(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        &format!("rapidfuzz=={RAPIDFUZZ_VERSION}"),
    ]))?;
    anyhow::ensure!(
        ready(&python),
        "rapidfuzz {RAPIDFUZZ_VERSION} is not importable in {} after pip install",
        venv.display()
    );
    Ok(python)
}

/// Runs a command, returning its standard output, or an error naming the command and the end
/// of its standard error.
fn run_command(command: &mut Command) -> anyhow::Result<String> {
    let shown = format!("{command:?}");
    let out = command
        .output()
        .map_err(|e| anyhow::anyhow!("{shown} could not start: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        anyhow::bail!(
            "{shown} failed ({}): {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn matches_of(engine: &Engine, query: &Query, today: time::Date) -> Vec<Match> {
    match subject_of(query) {
        Subject::Traveller(t) => t
            .check()
            .map(|t| engine.match_traveller(&t, today))
            .unwrap_or_default(),
        Subject::Document(d) => d
            .check()
            .map(|d| engine.match_document(&d, today))
            .unwrap_or_default(),
        Subject::Vehicle(v) => v
            .check()
            .map(|v| engine.match_vehicle(&v, today))
            .unwrap_or_default(),
    }
}

fn report_quality(engine: &Engine, planted: &[Query], clean: &[Query], today: time::Date) {
    let mut by_variation: BTreeMap<Variation, (usize, usize)> = BTreeMap::new();
    for query in planted {
        let Some((database, id)) = query.expected else {
            continue;
        };
        let found = matches_of(engine, query, today)
            .iter()
            .any(|m| found_record(m, database, id));
        let entry = by_variation.entry(query.variation).or_default();
        entry.0 += usize::from(found);
        entry.1 += 1;
    }
    let (found, total) = by_variation
        .values()
        .fold((0, 0), |acc, v| (acc.0 + v.0, acc.1 + v.1));
    let detail: Vec<String> = by_variation
        .iter()
        .map(|(v, (f, t))| format!("{v:?} {}/{}", f, t))
        .collect();
    println!(
        "recall on planted variants: {:.2}% ({found}/{total}): {}",
        100.0 * found as f64 / total.max(1) as f64,
        detail.join(", ")
    );
    let mut false_hits = 0;
    let mut by_birth_date: BTreeMap<String, usize> = BTreeMap::new();
    for q in clean {
        let found = matches_of(engine, q, today);
        if let Some(first) = found.first() {
            let key = match &first.reason {
                portwatch_engine::Reason::Person(r) => format!("{:?}", r.birth_date),
                other => format!("{other:?}").chars().take(20).collect(),
            };
            *by_birth_date.entry(key).or_default() += 1;
            if false_hits < 3 {
                println!(
                    "  clean query that hit: {} -> {}",
                    serde_json::to_string(&q.subject).unwrap_or_default(),
                    serde_json::to_string(&first.reason).unwrap_or_default()
                );
            }
            false_hits += 1;
        }
    }
    println!(
        "false positives on clean queries at the default threshold: {:.2}% ({false_hits}/{}); \
         by date of birth of the first hit: {by_birth_date:?}",
        100.0 * false_hits as f64 / clean.len().max(1) as f64,
        clean.len()
    );
}

fn found_record(m: &Match, database: Database, id: Id) -> bool {
    m.database == database && m.record_id == id
}

/// Time to generate the world's records alone, measured on up to 1/20 of each database.
fn generation_estimate(world: &World) -> Duration {
    let c = world.config;
    let mut total = Duration::ZERO;
    for (n, make) in [
        (
            c.persons,
            World::person as fn(&World, u64) -> portwatch_model::Record,
        ),
        (c.documents, World::document),
        (c.vehicles, World::vehicle),
    ] {
        let sample = (n / 20).max(n.min(1_000));
        if sample == 0 {
            continue;
        }
        let started = Instant::now();
        for i in 0..sample {
            std::hint::black_box(make(world, i));
        }
        total += started.elapsed().mul_f64(n as f64 / sample as f64);
    }
    total
}

/// Resident set size of this process (`VmRSS` in `/proc/self/status`), on Linux.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn gib(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    }
}

fn micros(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 10_000.0 {
        format!("{:.1} ms", us / 1000.0)
    } else {
        format!("{us:.1} us")
    }
}
