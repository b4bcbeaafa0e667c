//! Traveller screening alone, for profiling (perf, callgrind) and for checking that a change to
//! the hot path keeps the engine's answers: builds a synthetic world of `PERSONS` persons (no
//! documents or vehicles), screens its planted and clean travellers `ROUNDS` times, prints the
//! time per traveller and the candidate counts, and writes every match (record, kind, score,
//! reason) of the first round to `OUT` when set, so two builds can be diffed.
//!
//! `PERSONS=200000 ROUNDS=3 OUT=/tmp/a.txt cargo run --release -p portwatch-engine --example screen_profile`

use std::io::Write;
use std::time::Instant;

use portwatch_engine::{Engine, Policy, Traveller, TravellerRequest};
use portwatch_sim::{Subject, World, WorldConfig};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let persons = env("PERSONS", 200_000);
    let rounds = env("ROUNDS", 3);
    let world = World::new(WorldConfig {
        seed: 2019,
        persons,
        documents: 0,
        vehicles: 0,
    });
    let engine = Engine::new(Policy::new(&world.agencies()));
    let started = Instant::now();
    engine.bulk_load(world.records());
    eprintln!(
        "built {persons} persons in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let travellers: Vec<Traveller> = world
        .planted_queries(4_000)
        .chain(world.clean_queries(4_000))
        .filter_map(|q| match q.subject {
            Subject::Traveller(t) => TravellerRequest {
                names: t.names,
                birth_date: t.birth_date,
                sex: t.sex,
                nationality: t.nationality,
                document_number: t.document_number,
                issuing_state: t.issuing_state,
                ..TravellerRequest::default()
            }
            .check()
            .ok(),
            _ => None,
        })
        .collect();
    let today = portwatch_sim::world_today();
    let mut candidates: Vec<usize> = travellers
        .iter()
        .map(|t| engine.traveller_candidates(t))
        .collect();
    candidates.sort_unstable();
    eprintln!(
        "candidates: mean {:.0} p50 {} p99 {}",
        candidates.iter().sum::<usize>() as f64 / candidates.len() as f64,
        candidates[candidates.len() / 2],
        candidates[candidates.len() * 99 / 100]
    );
    if let Ok(path) = std::env::var("OUT") {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("OUT file"));
        for t in &travellers {
            for m in engine.match_traveller(t, today) {
                writeln!(
                    out,
                    "{:?} {} {:?} {:.4} {}",
                    t.names,
                    m.record_id,
                    m.match_kind,
                    m.score,
                    serde_json::to_string(&m.reason).unwrap_or_default()
                )
                .expect("write");
            }
        }
    }
    for round in 0..rounds {
        let mut latencies: Vec<f64> = travellers
            .iter()
            .map(|t| {
                let started = Instant::now();
                std::hint::black_box(engine.match_traveller(t, today));
                started.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        latencies.sort_unstable_by(f64::total_cmp);
        let mean = latencies.iter().sum::<f64>() / latencies.len() as f64;
        eprintln!(
            "round {round}: {} travellers, mean {mean:.1} us p50 {:.1} us p99 {:.1} us",
            latencies.len(),
            latencies[latencies.len() / 2],
            latencies[latencies.len() * 99 / 100]
        );
    }
}
