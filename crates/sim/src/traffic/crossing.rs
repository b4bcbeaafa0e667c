//! The crossings: each ferry's travellers and vehicles generated lazily and merged across
//! ports in time order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::OffsetDateTime;

use super::{rng_for, Crossing, Traffic, CROSSING_TAG, NEPTUNE_PORTS};
use crate::ids;
use crate::queries::{Query, Subject, Variation, VehicleFields};

/// The crossings of a [`Traffic`] in time order (then sailing, then position in the sailing).
/// Holds one pending crossing per ferry, never the crossings themselves.
#[derive(Debug)]
pub struct Crossings<'t, 'w> {
    traffic: &'t Traffic<'w>,
    /// The next crossing of every ferry not yet cleared: (time, sailing, position).
    next: BinaryHeap<Reverse<(OffsetDateTime, usize, u32)>>,
    remaining: u64,
}

impl<'t, 'w> Crossings<'t, 'w> {
    pub(super) fn new(traffic: &'t Traffic<'w>) -> Self {
        let next = traffic
            .sailings
            .iter()
            .enumerate()
            .filter(|(_, s)| s.crossings() > 0)
            .map(|(s, _)| Reverse((traffic.time_of(s, 0), s, 0)))
            .collect();
        let remaining = traffic
            .sailings
            .iter()
            .map(|s| u64::from(s.crossings()))
            .sum();
        Crossings {
            traffic,
            next,
            remaining,
        }
    }
}

impl Iterator for Crossings<'_, '_> {
    type Item = Crossing;

    fn next(&mut self) -> Option<Crossing> {
        let Reverse((at, s, k)) = self.next.pop()?;
        if k + 1 < self.traffic.sailings[s].crossings() {
            self.next
                .push(Reverse((self.traffic.time_of(s, k + 1), s, k + 1)));
        }
        self.remaining -= 1;
        Some(self.traffic.crossing(s, k, at))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.remaining).unwrap_or(usize::MAX);
        (n, Some(n))
    }
}

impl Traffic<'_> {
    /// Crossing `k` of sailing `s`: the planted subject placed there, or a clean traveller or
    /// vehicle drawn from the seed, the sailing and the position alone.
    fn crossing(&self, s: usize, k: u32, at: OffsetDateTime) -> Crossing {
        let port = self.sailings[s].port;
        let (query, planted) = match self.plants.get(&(s, k)) {
            Some((kind, query)) => (query.clone(), Some(*kind)),
            None => {
                let reference = reference(s, k, port);
                let mut rng = rng_for(self.config.seed, CROSSING_TAG, s as u64, k);
                let query = if self.is_vehicle_slot(s, k) {
                    clean_vehicle(&mut rng, port, reference)
                } else {
                    self.world.clean_traveller(&mut rng, reference)
                };
                (query, None)
            }
        };
        Crossing {
            at,
            port,
            sailing: s,
            query,
            planted,
        }
    }
}

/// The reference of a crossing: port, sailing and position, e.g. `MAPTM-S00042-0137`.
pub(super) fn reference(s: usize, k: u32, port: usize) -> String {
    format!("{}-S{s:05}-{k:04}", NEPTUNE_PORTS[port].locode)
}

/// Where the vehicles coming off a ferry into each port are registered, with weights: mostly
/// the diaspora's cars, registered where they live, and the port country's own.
const REGISTRATIONS: [&[(&str, u32)]; 7] = [
    &[
        ("FRA", 30),
        ("ESP", 20),
        ("MAR", 25),
        ("BEL", 10),
        ("NLD", 8),
        ("ITA", 7),
    ],
    &[
        ("MAR", 35),
        ("FRA", 25),
        ("ESP", 20),
        ("BEL", 10),
        ("NLD", 10),
    ],
    &[
        ("MAR", 35),
        ("ESP", 25),
        ("FRA", 20),
        ("DZA", 10),
        ("BEL", 10),
    ],
    &[("DZA", 40), ("TUN", 25), ("FRA", 35)],
    &[("TUN", 40), ("MAR", 20), ("ITA", 25), ("FRA", 15)],
    &[("TUN", 45), ("FRA", 30), ("ITA", 15), ("DEU", 10)],
    &[("DZA", 55), ("FRA", 35), ("ESP", 10)],
];

/// A vehicle that is not stolen: a valid VIN (random serials never drawn for the world's
/// vehicles in practice) and, for the countries below, a plate in a format the world's stolen
/// vehicles never carry, so it cannot collide with one even once look-alike characters are
/// folded: France's former département format (`1234 AB 13`), Spain's former provincial one
/// (`MA-1234-BC`), Morocco's temporary `WW` plates and Tunisia's `RS` plates of residents
/// abroad. Other vehicles show only their VIN.
fn clean_vehicle(rng: &mut ChaCha8Rng, port: usize, reference: String) -> Query {
    let country = weighted(rng, REGISTRATIONS[port]);
    let (wmi, _, _) = ids::MAKES[rng.random_range(0..ids::MAKES.len())];
    let year = rng.random_range(2005..=2025);
    let vin = ids::vin(rng, wmi, year);
    let plate = clean_plate(rng, country);
    // A plate is usually read; the VIN is checked on one vehicle in four that shows one.
    let vin = (plate.is_none() || rng.random_bool(0.25)).then_some(vin);
    Query {
        reference,
        subject: Subject::Vehicle(VehicleFields {
            vin,
            plate_country: plate.as_ref().map(|_| country.to_string()),
            plate,
        }),
        variation: Variation::Clean,
        expected: None,
        mrz: None,
    }
}

fn clean_plate(rng: &mut ChaCha8Rng, country: &str) -> Option<String> {
    let digits = |rng: &mut ChaCha8Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect()
    };
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTVWXYZ";
    let letters = |rng: &mut ChaCha8Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(LETTERS[rng.random_range(0..LETTERS.len())]))
            .collect()
    };
    Some(match country {
        "FRA" => format!(
            "{} {} {:02}",
            digits(rng, 4),
            letters(rng, 2),
            rng.random_range(1..=95)
        ),
        "ESP" => {
            const PROVINCES: [&str; 8] = ["MA", "AL", "CA", "GR", "SE", "MU", "BA", "VA"];
            let province = PROVINCES[rng.random_range(0..PROVINCES.len())];
            format!("{province}-{}-{}", digits(rng, 4), letters(rng, 2))
        }
        "MAR" => format!("WW {}", digits(rng, 6)),
        "TUN" => format!("RS {}", digits(rng, 6)),
        _ => return None,
    })
}

fn weighted(rng: &mut ChaCha8Rng, table: &[(&'static str, u32)]) -> &'static str {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for &(item, w) in table {
        if pick < w {
            return item;
        }
        pick -= w;
    }
    table[0].0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The world's stolen vehicles carry plates in these lengths and shapes; a clean plate
    /// must differ from every one of them once look-alikes are folded.
    #[test]
    fn clean_plates_never_take_the_shape_of_a_stolen_vehicles_plate() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for country in ["FRA", "ESP", "MAR", "TUN"] {
            for _ in 0..200 {
                let clean = clean_plate(&mut rng, country).unwrap();
                let clean = portwatch_ident::plate::skeleton(&clean);
                for _ in 0..50 {
                    let stolen = portwatch_ident::plate::skeleton(&ids::plate(&mut rng, country));
                    assert_ne!(clean, stolen);
                    let shape = |s: &str| s.len();
                    if country != "MAR" && country != "TUN" {
                        assert_ne!(shape(&clean), shape(&stolen), "{country} {clean} {stolen}");
                    }
                }
                match country {
                    "MAR" => assert!(clean.starts_with("WW")),
                    "TUN" => assert!(!clean.contains('T')),
                    _ => {}
                }
            }
        }
    }
}
