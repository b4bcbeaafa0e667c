//! The planted subjects: records of the world of each kind, found by a deterministic scan,
//! presented at a checkpoint the way the world's planted queries are, and placed among the
//! crossings across ports and days.

use std::collections::HashSet;

use portwatch_model::{
    Database, DocumentStatus, DocumentType, NoticeKind, PersonFlag, Record, RecordBody, Visibility,
};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::crossing::reference;
use super::{mix, rng_for, Planted, PlantedKind, Traffic, NEPTUNE_PORTS, PLANT_TAG};
use crate::queries::{ocr_error, Query, Subject, Variation};
use crate::World;

/// Planted subjects of each kind (in [`PlantedKind::ALL`] order) at Neptune II's 1.2 million
/// searches: more than a dozen suspected foreign terrorist fighters, about forty in all.
const AT_NEPTUNE_SCALE: [u64; 6] = [13, 11, 5, 6, 3, 5];
const NEPTUNE_SEARCHES: u64 = 1_200_000;

/// How many subjects of each kind to plant: in proportion to the searches, never fewer than
/// one of each from 50 searches; below that, one of each of the first kinds, one per eight
/// searches.
fn counts(searches: u64) -> [u64; 6] {
    if searches >= 50 {
        AT_NEPTUNE_SCALE.map(|base| {
            ((u128::from(base) * u128::from(searches) + u128::from(NEPTUNE_SEARCHES / 2))
                / u128::from(NEPTUNE_SEARCHES))
            .max(1) as u64
        })
    } else {
        let mut out = [0; 6];
        for slot in out.iter_mut().take((searches / 8) as usize) {
            *slot = 1;
        }
        out
    }
}

/// Finds the records, places each on a crossing and records the query it presents.
pub(super) fn plant(traffic: &mut Traffic<'_>) {
    let seed = traffic.config.seed;
    let mut rng = rng_for(seed, PLANT_TAG, 0, 0);
    let mut subjects = find_records(traffic.world, seed, counts(traffic.config.searches));
    // Mixed kinds over time, and the ports taken in turn, so every port sees planted subjects.
    subjects.shuffle(&mut rng);
    let mut ports: Vec<usize> = (0..NEPTUNE_PORTS.len()).collect();
    ports.shuffle(&mut rng);
    let total = subjects.len();
    let mut used = HashSet::new();
    for (j, (kind, index, ordinal)) in subjects.into_iter().enumerate() {
        let along = (j as f64 + rng.random::<f64>()) / total as f64;
        let Some((s, k)) = place(
            traffic,
            ports[j % ports.len()],
            along,
            kind,
            &used,
            &mut rng,
        ) else {
            continue;
        };
        let port = traffic.sailings[s].port;
        let mut presenting = rng_for(seed, PLANT_TAG, index, kind as u32 + 1);
        let Some(query) = present(
            traffic.world,
            kind,
            index,
            ordinal,
            reference(s, k, port),
            &mut presenting,
        ) else {
            continue;
        };
        used.insert((s, k));
        let Some((database, id)) = query.expected else {
            continue;
        };
        traffic.planted.push(Planted {
            kind,
            record: (database, id),
            index,
            crossing_index: traffic.global_index(s, k),
            sailing: s,
            at: traffic.time_of(s, k),
        });
        traffic.plants.insert((s, k), (kind, query));
    }
    traffic.planted.sort_by_key(|p| p.crossing_index);
}

/// A crossing for a subject of `kind`: on the ferry into `port` found `along` (0–1) its
/// season, or the next one with a free slot of the right type (vehicle or traveller), at that
/// port and then anywhere.
fn place(
    traffic: &Traffic<'_>,
    port: usize,
    along: f64,
    kind: PlantedKind,
    used: &HashSet<(usize, u32)>,
    rng: &mut ChaCha8Rng,
) -> Option<(usize, u32)> {
    let at_port: Vec<usize> = (0..traffic.sailings.len())
        .filter(|&s| traffic.sailings[s].port == port)
        .collect();
    let all: Vec<usize> = (0..traffic.sailings.len()).collect();
    for list in [&at_port, &all] {
        if list.is_empty() {
            continue;
        }
        let first = ((along * list.len() as f64) as usize).min(list.len() - 1);
        for step in 0..list.len() {
            let s = list[(first + step) % list.len()];
            if let Some(k) = free_slot(traffic, s, kind.is_vehicle(), used, rng) {
                return Some((s, k));
            }
        }
    }
    None
}

fn free_slot(
    traffic: &Traffic<'_>,
    s: usize,
    vehicle: bool,
    used: &HashSet<(usize, u32)>,
    rng: &mut ChaCha8Rng,
) -> Option<u32> {
    let n = traffic.sailings[s].crossings();
    if n == 0 {
        return None;
    }
    let start = rng.random_range(0..n);
    (0..n)
        .map(|step| (start + step) % n)
        .find(|&k| traffic.is_vehicle_slot(s, k) == vehicle && !used.contains(&(s, k)))
}

/// Records of each kind, scanning each database from a seed-chosen index: persons flagged
/// foreign terrorist fighters, with a red notice, with a yellow notice; stolen and lost
/// passports; stolen vehicles. Only records every agency may see are taken, so the border
/// post sees the hit in full. Each comes with its ordinal among its kind (it picks the
/// variation). A world too small to hold a kind yields fewer.
fn find_records(world: &World, seed: u64, counts: [u64; 6]) -> Vec<(PlantedKind, u64, u64)> {
    let mut found: Vec<Vec<u64>> = vec![Vec::new(); 6];
    let wanted = |kind: PlantedKind, found: &[Vec<u64>]| {
        (found[kind as usize].len() as u64) < counts[kind as usize]
    };
    let c = &world.config;
    for i in scan(seed, 1, c.persons) {
        if [0, 1, 2]
            .iter()
            .all(|&k| found[k].len() as u64 >= counts[k])
        {
            break;
        }
        if let Some(kind) = person_kind(&world.person(i)) {
            if wanted(kind, &found) {
                found[kind as usize].push(i);
            }
        }
    }
    for i in scan(seed, 2, c.documents) {
        if [3, 4].iter().all(|&k| found[k].len() as u64 >= counts[k]) {
            break;
        }
        if let Some(kind) = document_kind(&world.document(i)) {
            if wanted(kind, &found) {
                found[kind as usize].push(i);
            }
        }
    }
    for i in scan(seed, 3, c.vehicles) {
        if !wanted(PlantedKind::StolenVehicle, &found) {
            break;
        }
        if world.vehicle(i).content.visibility == Visibility::All {
            found[PlantedKind::StolenVehicle as usize].push(i);
        }
    }
    PlantedKind::ALL
        .iter()
        .flat_map(|&kind| {
            found[kind as usize]
                .iter()
                .enumerate()
                .map(move |(n, &i)| (kind, i, n as u64))
        })
        .collect()
}

/// Every index of a database of `len` records once, from a seed-chosen start.
fn scan(seed: u64, database: u64, len: u64) -> impl Iterator<Item = u64> {
    let start = if len == 0 {
        0
    } else {
        mix(seed, PLANT_TAG, database, 0) % len
    };
    (0..len).map(move |j| (start + j) % len)
}

fn person_kind(record: &Record) -> Option<PlantedKind> {
    let RecordBody::Person(p) = &record.content.body else {
        return None;
    };
    if record.content.visibility != Visibility::All {
        return None;
    }
    if p.flags.contains(&PersonFlag::ForeignTerroristFighter) {
        return Some(PlantedKind::ForeignTerroristFighter);
    }
    match p.notices.first().map(|n| n.kind) {
        Some(NoticeKind::Red) => Some(PlantedKind::RedNoticeFugitive),
        Some(NoticeKind::Yellow) => Some(PlantedKind::MissingPerson),
        _ => None,
    }
}

fn document_kind(record: &Record) -> Option<PlantedKind> {
    let RecordBody::Document(d) = &record.content.body else {
        return None;
    };
    if record.content.visibility != Visibility::All || d.doc_type != DocumentType::Passport {
        return None;
    }
    match d.status {
        DocumentStatus::StolenIssued | DocumentStatus::StolenBlank => {
            Some(PlantedKind::StolenDocument)
        }
        DocumentStatus::Lost => Some(PlantedKind::LostDocument),
        _ => None,
    }
}

/// The variation a subject is presented under: foreign terrorist fighters travel under
/// another romanisation of the name; the others cycle through the variations the world's
/// planted queries use (the engine finds 98–100 % of them).
fn variation(kind: PlantedKind, ordinal: u64) -> Variation {
    let cycle: &[Variation] = match kind {
        PlantedKind::ForeignTerroristFighter => &[Variation::SpellingVariant],
        PlantedKind::RedNoticeFugitive => &[
            Variation::SwappedNames,
            Variation::SpellingVariant,
            Variation::MissingMiddleName,
            Variation::Typo,
            Variation::BirthDateSlip,
        ],
        PlantedKind::MissingPerson => &[
            Variation::SpellingVariant,
            Variation::MissingMiddleName,
            Variation::Typo,
        ],
        PlantedKind::StolenDocument | PlantedKind::LostDocument => {
            &[Variation::Exact, Variation::DocumentOcrError]
        }
        PlantedKind::StolenVehicle => &[Variation::PlateRespaced, Variation::VinOcrError],
    };
    cycle[(ordinal % cycle.len() as u64) as usize]
}

/// The query subject `index` of `kind` presents at the booth.
fn present(
    world: &World,
    kind: PlantedKind,
    index: u64,
    ordinal: u64,
    reference: String,
    rng: &mut ChaCha8Rng,
) -> Option<Query> {
    let variation = variation(kind, ordinal);
    match kind.database() {
        Database::Persons => Some(world.person_variant(index, variation, rng, reference)),
        Database::Vehicles => world.vehicle_variant(index, variation, rng, reference),
        Database::Documents => document_bearer(world, index, variation, rng, reference),
    }
}

/// A traveller presenting passport `index` of the world: an impostor, or a forger's
/// identity in a stolen blank, with a passport of the record's issuer whose MRZ carries the
/// record's number, exactly or with one look-alike character.
fn document_bearer(
    world: &World,
    index: u64,
    variation: Variation,
    rng: &mut ChaCha8Rng,
    reference: String,
) -> Option<Query> {
    let record = world.document(index);
    let RecordBody::Document(d) = &record.content.body else {
        return None;
    };
    let issuer = d.issuing_state.as_str();
    let number = match variation {
        Variation::DocumentOcrError => ocr_error(d.number.as_str(), rng),
        _ => d.number.as_str().to_string(),
    };
    let bearer = world.person_sketch(rng);
    let (fields, mrz) = world.traveller_with_document(
        bearer.record_name(),
        bearer.birth_date(),
        issuer,
        bearer.sex_str(),
        number,
        issuer,
    );
    Some(Query {
        reference,
        subject: Subject::Traveller(fields),
        variation,
        expected: Some((Database::Documents, record.id)),
        mrz,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neptune_scale_plants_about_forty_with_a_dozen_fighters() {
        let c = counts(1_200_000);
        assert_eq!(c[0], 13);
        assert!((35..=45).contains(&c.iter().sum::<u64>()));
        assert!(counts(50).iter().all(|&n| n == 1));
        assert_eq!(counts(1), [0; 6]);
        assert_eq!(counts(17).iter().sum::<u64>(), 2);
    }
}
