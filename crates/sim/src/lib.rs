//! A synthetic world to prove portwatch at INTERPOL's scale: persons with notices, stolen and
//! lost travel documents, stolen vehicles, the agencies that own them — and queries with known
//! answers.
//!
//! * Deterministic: the same seed gives the same world, record for record.
//! * Streaming: record `i` of a database is generated from the seed and `i` alone
//!   ([`World::person`], [`World::document`], [`World::vehicle`]), so [`World::records`]
//!   yields 140 million records without holding more than one, and a query can regenerate the
//!   record it was planted from.
//! * Realistic where matching cares: names drawn from the Maghreb, the Levant, Europe, the
//!   Balkans and Turkey, the Sahel and Central Asia, each with the spellings it is really found
//!   under ([`names`]); document numbers per issuing state and passports with valid ICAO 9303
//!   check digits; VINs with valid ISO 3779 check digits and plates in national formats
//!   ([`ids`]); notices in INTERPOL's proportions, about 4 % of persons flagged foreign
//!   terrorist fighters.
//! * Queries with known answers ([`queries`]): planted variants of listed persons, stolen
//!   documents and vehicles, and clean travellers who must not hit.
//! * The traffic of a seaport operation like Neptune II ([`traffic`]): ferries at seven ports,
//!   every traveller and vehicle screened in time order, planted subjects among them, and the
//!   owner NCBs' answers to hits.

pub mod ids;
pub mod names;
pub mod queries;
pub mod traffic;
pub mod world;

pub use queries::{DocumentFields, Query, Subject, TravellerFields, Variation, VehicleFields};
pub use traffic::{
    Crossing, Decision, HitFacts, LeadPlan, OwnerResponse, Planted, PlantedKind, Port, Sailing,
    Traffic, TrafficConfig, NEPTUNE_PORTS,
};
pub use world::{ncb_of, world_today, World, WorldConfig};
