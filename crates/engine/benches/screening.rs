//! Criterion benchmarks of the engine's two hot paths on a synthetic world: one document check
//! and one traveller screening. `portwatch bench engine` runs the same at any scale, with
//! memory, recall and the full-scan baseline; these are for tracking regressions.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use portwatch_engine::{DocumentQuery, Engine, Policy, TravellerRequest};
use portwatch_model::RecordBody;
use portwatch_sim::{Subject, World, WorldConfig};

fn world() -> (World, Engine) {
    let world = World::new(WorldConfig {
        seed: 11,
        persons: 20_000,
        documents: 200_000,
        vehicles: 20_000,
    });
    let engine = Engine::new(Policy::new(&world.agencies()));
    engine.bulk_load(world.records());
    (world, engine)
}

fn screening(c: &mut Criterion) {
    let (world, engine) = world();
    let today = portwatch_sim::world_today();
    let documents: Vec<DocumentQuery> = (0..1_000)
        .filter_map(|i| match world.document(i * 97).content.body {
            RecordBody::Document(d) => Some(DocumentQuery {
                number: d.number.as_str().to_string(),
                issuing_state: d.issuing_state,
            }),
            _ => None,
        })
        .collect();
    let mut i = 0;
    c.bench_function("document check (stolen)", |b| {
        b.iter(|| {
            i = (i + 1) % documents.len();
            black_box(engine.match_document(&documents[i], today))
        })
    });
    let travellers: Vec<_> = world
        .planted_queries(400)
        .chain(world.clean_queries(400))
        .filter_map(|q| match q.subject {
            Subject::Traveller(t) => TravellerRequest {
                names: t.names,
                birth_date: t.birth_date,
                sex: t.sex,
                nationality: t.nationality,
                ..TravellerRequest::default()
            }
            .check()
            .ok(),
            _ => None,
        })
        .collect();
    let mut j = 0;
    c.bench_function("traveller screening (20k persons)", |b| {
        b.iter(|| {
            j = (j + 1) % travellers.len();
            black_box(engine.match_traveller(&travellers[j], today))
        })
    });
}

criterion_group!(benches, screening);
criterion_main!(benches);
