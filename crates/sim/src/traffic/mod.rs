//! The traffic of a seaport screening operation like INTERPOL's Neptune II: the ferries that
//! berth at seven ports in six countries over the peak season, and every traveller and vehicle
//! screened as they come off.
//!
//! The model, in the order it is built ([`Traffic::new`]):
//!
//! 1. **Timetable** ([`Traffic::sailings`]). Each day, each port receives ferries from its real
//!    routes (Algeciras–Tanger Med, Genoa–Tunis, Marseille–Algiers …). How many depends on the
//!    port's share of the traffic ([`Port::weight`]: Tanger Med and Algeciras busiest), the
//!    weekday (Friday to Sunday busier) and the season (rising towards August). Ferries berth in
//!    a morning and an evening burst (port local time, stored in UTC); a big one carries up to
//!    ~1,500 passengers and ~400 vehicles and is cleared in about 45 minutes.
//! 2. **Scaling**. The timetable is drawn at the season's real volume (about 1.2 million
//!    screenings in 47 days), then fitted to the number of searches asked for: ferry loads
//!    shrink in proportion (a small run still sees every port and most days), and below a few
//!    screenings a ferry the timetable is thinned evenly per port; above the real volume more
//!    ferries sail. The loads are rounded so that they total exactly the searches asked for.
//! 3. **Crossings** ([`Traffic::crossings`]). A ferry's passengers and vehicles come through the
//!    booths one after the other inside its clearing window (a burst); about a fifth of the
//!    crossings are vehicles, spread evenly among the passengers. Crossings are generated
//!    lazily, one ferry's worth at a time, and merged across ports in time order: memory holds
//!    the sailings, never the crossings. Travellers are clean people of the world's
//!    distributions holding clean passports with valid MRZs; vehicles carry VINs and plates no
//!    stolen vehicle has.
//! 4. **Planted subjects** ([`Traffic::planted`]). Suspected foreign terrorist fighters, red
//!    notice fugitives, missing persons, stolen and lost passports and stolen vehicles, taken
//!    from the world by a deterministic scan and presented the way the world's planted queries
//!    are (another romanisation of the name, a misread number, a respaced plate), each replacing
//!    one crossing, spread across ports and days.
//! 5. **Follow-up** ([`Traffic::owner_response`], [`Traffic::lead_for`]). What the owner NCB
//!    answers and after how long, and the investigative lead a confirmed planted hit opens.
//!
//! Everything is a pure function of the world, the seed and the configuration.

mod crossing;
mod plant;
mod response;
mod timetable;

use std::collections::HashMap;

use portwatch_model::{Category, Database, Id, Outcome};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

use crate::{Query, World};

pub use crossing::Crossings;
pub use response::HitFacts;

/// A port of the operation and the border post that screens there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Port {
    /// UN/LOCODE of the port.
    pub locode: &'static str,
    pub name: &'static str,
    /// ISO 3166 alpha-3 code of the port's country.
    pub country: &'static str,
    /// The border post that screens there (an agency of [`World::agencies`]).
    pub agency: &'static str,
    /// Share of the operation's traffic, in percent.
    pub weight: u32,
}

/// Neptune II's seven ports in six countries.
pub const NEPTUNE_PORTS: [Port; 7] = [
    Port {
        locode: "MAPTM",
        name: "Tanger Med",
        country: "MAR",
        agency: "bp-tanger-med",
        weight: 30,
    },
    Port {
        locode: "ESALG",
        name: "Algeciras",
        country: "ESP",
        agency: "bp-algeciras",
        weight: 24,
    },
    Port {
        locode: "ESLEI",
        name: "Almería",
        country: "ESP",
        agency: "bp-almeria",
        weight: 10,
    },
    Port {
        locode: "FRMRS",
        name: "Marseille",
        country: "FRA",
        agency: "bp-marseille",
        weight: 11,
    },
    Port {
        locode: "ITGOA",
        name: "Genoa",
        country: "ITA",
        agency: "bp-genova",
        weight: 9,
    },
    Port {
        locode: "TNTUN",
        name: "La Goulette (Tunis)",
        country: "TUN",
        agency: "bp-la-goulette",
        weight: 9,
    },
    Port {
        locode: "DZALG",
        name: "Algiers",
        country: "DZA",
        agency: "bp-alger",
        weight: 7,
    },
];

/// What traffic to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrafficConfig {
    pub seed: u64,
    /// The first day of the operation (crossings are in UTC days from its midnight).
    pub start: Date,
    /// Length of the operation in days (at least one is used).
    pub days: u32,
    /// How many crossings to generate, exactly.
    pub searches: u64,
}

impl TrafficConfig {
    /// Neptune II's length (47 days) over this year's peak season, from 20 June 2026.
    pub fn neptune_ii(seed: u64, searches: u64) -> Self {
        TrafficConfig {
            seed,
            start: Date::from_calendar_date(2026, time::Month::June, 20).unwrap_or(Date::MIN),
            days: 47,
            searches,
        }
    }

    /// The operation's time window: from the first day's midnight (UTC) to the end of the last.
    pub fn window(&self) -> (OffsetDateTime, OffsetDateTime) {
        let start = self.start.midnight().assume_utc();
        (start, start + Duration::days(i64::from(self.days.max(1))))
    }
}

/// A ferry berthing at one of the ports.
#[derive(Debug, Clone, PartialEq)]
pub struct Sailing {
    /// Index in [`NEPTUNE_PORTS`].
    pub port: usize,
    /// The port it comes from, e.g. "Algeciras".
    pub from: &'static str,
    /// When it berths (UTC).
    pub arrives: OffsetDateTime,
    /// Travellers screened off it.
    pub passengers: u32,
    /// Vehicles screened off it.
    pub vehicles: u32,
    /// How long clearing it takes: its crossings fall in `[arrives, arrives + clearing)`.
    pub clearing: Duration,
}

impl Sailing {
    /// Crossings screened off this ferry.
    pub fn crossings(&self) -> u32 {
        self.passengers + self.vehicles
    }
}

/// One screening at a booth: a traveller (with the MRZ of the passport presented) or a vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub at: OffsetDateTime,
    /// Index in [`NEPTUNE_PORTS`].
    pub port: usize,
    /// Index in [`Traffic::sailings`].
    pub sailing: usize,
    /// What the booth screens; `query.expected` names the record a planted crossing must hit.
    pub query: Query,
    pub planted: Option<PlantedKind>,
}

/// The kinds of subjects planted among the crossings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlantedKind {
    /// A person flagged as a suspected foreign terrorist fighter, travelling under another
    /// romanisation of the name.
    ForeignTerroristFighter,
    /// A person wanted under a red notice.
    RedNoticeFugitive,
    /// A person sought under a yellow notice.
    MissingPerson,
    /// A passport reported stolen, presented by a traveller.
    StolenDocument,
    /// A passport reported lost, presented by a traveller.
    LostDocument,
    /// A stolen vehicle coming off a ferry.
    StolenVehicle,
}

impl PlantedKind {
    pub const ALL: [PlantedKind; 6] = [
        PlantedKind::ForeignTerroristFighter,
        PlantedKind::RedNoticeFugitive,
        PlantedKind::MissingPerson,
        PlantedKind::StolenDocument,
        PlantedKind::LostDocument,
        PlantedKind::StolenVehicle,
    ];

    /// The database holding the record a subject of this kind hits.
    pub fn database(self) -> Database {
        match self {
            PlantedKind::StolenDocument | PlantedKind::LostDocument => Database::Documents,
            PlantedKind::StolenVehicle => Database::Vehicles,
            _ => Database::Persons,
        }
    }

    /// True when the subject comes through as a vehicle rather than a traveller.
    pub fn is_vehicle(self) -> bool {
        self == PlantedKind::StolenVehicle
    }
}

/// A planted subject and the record it must hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Planted {
    pub kind: PlantedKind,
    pub record: (Database, Id),
    /// The record's index in its database ([`World::person`], [`World::document`] …).
    pub index: u64,
    /// Position of its crossing in [`Traffic::crossings`] (0-based).
    pub crossing_index: u64,
    /// Index in [`Traffic::sailings`] of the ferry it comes off.
    pub sailing: usize,
    /// When it crosses.
    pub at: OffsetDateTime,
}

/// The owner NCB's answer to a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Confirm,
    Reject,
    /// Never answered: the hit becomes an overdue follow-up.
    NoAnswer,
}

/// What the owner NCB does with a hit, and after how long.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerResponse {
    /// Time from the hit to the answer; for [`Decision::NoAnswer`], the follow-up deadline
    /// (ten minutes for an arrest request, twelve hours otherwise) after which the hit is
    /// overdue.
    pub after: Duration,
    pub decision: Decision,
    /// The owner's words to the checkpoint (empty when there is no answer).
    pub instructions: String,
}

/// The investigative lead a confirmed planted hit opens.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadPlan {
    pub category: Category,
    pub title: String,
    pub outcomes: Vec<Outcome>,
}

/// The traffic of an operation over a world (see the module documentation).
#[derive(Debug, Clone)]
pub struct Traffic<'w> {
    world: &'w World,
    config: TrafficConfig,
    sailings: Vec<Sailing>,
    planted: Vec<Planted>,
    /// The query of each planted subject, by (sailing, position in the sailing).
    plants: HashMap<(usize, u32), (PlantedKind, Query)>,
}

impl<'w> Traffic<'w> {
    pub fn new(world: &'w World, config: TrafficConfig) -> Self {
        let sailings = timetable::sailings(&config);
        let mut traffic = Traffic {
            world,
            config,
            sailings,
            planted: Vec::new(),
            plants: HashMap::new(),
        };
        plant::plant(&mut traffic);
        traffic
    }

    pub fn config(&self) -> &TrafficConfig {
        &self.config
    }

    pub fn world(&self) -> &'w World {
        self.world
    }

    /// The ferries, in arrival order.
    pub fn sailings(&self) -> &[Sailing] {
        &self.sailings
    }

    /// Every crossing, in time order across all ports; exactly `config.searches` of them.
    pub fn crossings(&self) -> Crossings<'_, 'w> {
        Crossings::new(self)
    }

    /// The planted subjects (each appears exactly once among the crossings), in crossing
    /// order, with the record each must hit.
    pub fn planted(&self) -> &[Planted] {
        &self.planted
    }

    /// What the owner NCB does with a hit, after how long (deterministic from the hit's key).
    pub fn owner_response(&self, key: u64, true_match: bool, urgent: bool) -> OwnerResponse {
        self.owner_response_to(
            key,
            &HitFacts {
                true_match,
                urgent,
                ..HitFacts::default()
            },
        )
    }

    /// [`Traffic::owner_response`] with what is known of the hit, for instructions that fit
    /// it (who owns the record, what kind of subject it is). Decision and delay depend only
    /// on the key, `true_match` and `urgent`.
    pub fn owner_response_to(&self, key: u64, hit: &HitFacts<'_>) -> OwnerResponse {
        response::owner_response(self.config.seed, key, hit)
    }

    /// The lead a confirmed planted hit opens: category and outcomes.
    pub fn lead_for(&self, kind: PlantedKind, key: u64) -> LeadPlan {
        response::lead_for(self.config.seed, kind, key)
    }

    /// When crossing `k` of sailing `s` comes through: spread over the clearing window, one
    /// crossing per equal slot with a jitter inside it, so times never decrease with `k`.
    pub(crate) fn time_of(&self, s: usize, k: u32) -> OffsetDateTime {
        let sailing = &self.sailings[s];
        let n = u128::from(sailing.crossings().max(1));
        let window = sailing.clearing.whole_milliseconds().max(0) as u128;
        let jitter = u128::from(mix(self.config.seed, TIME_TAG, s as u64, k) >> 32);
        let offset = window * ((u128::from(k) << 32) + jitter) / (n << 32);
        sailing.arrives + Duration::milliseconds(offset as i64)
    }

    /// True when crossing `k` of sailing `s` is a vehicle: the vehicles are spread evenly
    /// among the passengers.
    pub(crate) fn is_vehicle_slot(&self, s: usize, k: u32) -> bool {
        let sailing = &self.sailings[s];
        let (v, n) = (u64::from(sailing.vehicles), u64::from(sailing.crossings()));
        n > 0 && (u64::from(k) + 1) * v / n > u64::from(k) * v / n
    }

    /// The position of crossing `k` of sailing `s` in [`Traffic::crossings`]: how many
    /// crossings come before it in the merge order (time, then sailing, then position).
    pub(crate) fn global_index(&self, s: usize, k: u32) -> u64 {
        let at = self.time_of(s, k);
        let mut before = u64::from(k);
        for (other, sailing) in self.sailings.iter().enumerate() {
            if other == s || sailing.arrives > at {
                continue;
            }
            let earlier = |j: u32| {
                let t = self.time_of(other, j);
                t < at || (t == at && other < s)
            };
            before += u64::from(partition_point(sailing.crossings(), earlier));
        }
        before
    }
}

/// The number of `j` in `0..n` for which `pred` holds, `pred` being true then false.
fn partition_point(n: u32, pred: impl Fn(u32) -> bool) -> u32 {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

const TIME_TAG: u64 = 1;
pub(crate) const CROSSING_TAG: u64 = 2;
pub(crate) const TIMETABLE_TAG: u64 = 3;
pub(crate) const PLANT_TAG: u64 = 4;
pub(crate) const RESPONSE_TAG: u64 = 5;
pub(crate) const LEAD_TAG: u64 = 6;

pub(crate) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A well-mixed 64-bit value from the seed, a purpose tag and two indices.
pub(crate) fn mix(seed: u64, tag: u64, a: u64, b: u32) -> u64 {
    splitmix(seed ^ splitmix(tag.rotate_left(56) ^ splitmix(a) ^ u64::from(b).rotate_left(29)))
}

/// A generator for one purpose and index, independent of every other.
pub(crate) fn rng_for(seed: u64, tag: u64, a: u64, b: u32) -> rand_chacha::ChaCha8Rng {
    use rand::SeedableRng;
    rand_chacha::ChaCha8Rng::seed_from_u64(mix(seed, tag, a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorldConfig;

    /// At the season's real volume, the biggest ferry (some 1,900 screenings) is cleared in
    /// about 45 minutes; its first travellers reach the booths as it berths.
    #[test]
    fn a_full_ferry_is_cleared_in_about_three_quarters_of_an_hour() {
        let world = World::new(WorldConfig {
            seed: 1,
            persons: 1_000,
            documents: 1_000,
            vehicles: 1_000,
        });
        let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(3, 1_200_000));
        let (s, biggest) = traffic
            .sailings()
            .iter()
            .enumerate()
            .max_by_key(|(_, s)| s.crossings())
            .unwrap();
        assert!(biggest.crossings() >= 1_700, "{}", biggest.crossings());
        let first = traffic.time_of(s, 0);
        let last = traffic.time_of(s, biggest.crossings() - 1);
        assert!(first - biggest.arrives < Duration::seconds(5));
        let span = last - first;
        assert!(
            (Duration::minutes(40)..=Duration::minutes(46)).contains(&span),
            "{span}"
        );
    }

    #[test]
    fn the_vehicles_of_a_ferry_are_spread_among_its_passengers() {
        let world = World::new(WorldConfig {
            seed: 1,
            persons: 1_000,
            documents: 1_000,
            vehicles: 1_000,
        });
        let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(3, 5_000));
        for (s, sailing) in traffic.sailings().iter().enumerate() {
            let slots = (0..sailing.crossings()).filter(|&k| traffic.is_vehicle_slot(s, k));
            assert_eq!(slots.count() as u32, sailing.vehicles);
        }
    }
}
