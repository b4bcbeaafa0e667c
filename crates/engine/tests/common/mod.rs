//! Helpers shared by the integration tests: a small synthetic world loaded into an engine, and
//! the conversion of the simulator's queries into engine requests.

#![allow(dead_code)]

use portwatch_engine::{
    Caller, DocumentRequest, Engine, Policy, Screening, Subject, TravellerRequest, VehicleRequest,
};
use portwatch_model::{AgencyId, AgencyKind};
use portwatch_sim::{Query, World, WorldConfig};

pub fn world(persons: u64, documents: u64, vehicles: u64) -> World {
    World::new(WorldConfig {
        seed: 7,
        persons,
        documents,
        vehicles,
    })
}

pub fn engine_for(world: &World) -> Engine {
    let engine = Engine::new(Policy::new(&world.agencies()));
    engine.bulk_load(world.records());
    engine
}

/// The General Secretariat sees every record whose visibility is `all`; tests that must see
/// every hit use the owner's own caller instead.
pub fn caller(id: &str, kind: AgencyKind, country: Option<&str>) -> Caller {
    Caller {
        agency: AgencyId::parse(id).unwrap(),
        kind,
        country: country.map(|c| portwatch_model::CountryCode::parse(c).unwrap()),
    }
}

pub fn subject(query: &Query) -> Subject {
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
        portwatch_sim::Subject::Document(d) => Subject::Document(DocumentRequest {
            number: d.number.clone(),
            issuing_state: d.issuing_state.clone(),
        }),
        portwatch_sim::Subject::Vehicle(v) => Subject::Vehicle(VehicleRequest {
            vin: v.vin.clone(),
            plate: v.plate.clone(),
            plate_country: v.plate_country.clone(),
        }),
    }
}

pub fn screen(engine: &Engine, caller: &Caller, query: &Query) -> Screening {
    engine
        .screen_entry(caller, &subject(query), portwatch_sim::world_today())
        .unwrap()
}
