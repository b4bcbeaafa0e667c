//! An operation's figures, read from the store.
//!
//! The figures are computed by the pure `portwatch-report` crate from what the store holds: the
//! audit entries of the operation's searches, its hits (with the flags of the records hit), and
//! its leads. The same code serves the live figures of the command centre and
//! `portwatch report`, so both always agree with the store.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use portwatch_model::{Hit, Id, Operation, PersonFlag, Record, RecordBody};
use portwatch_report::{Figures, FiguresBuilder, HitFacts};
use portwatch_store::{HitFilter, Store, StoreError};

use crate::problem::Problem;
use crate::state::AppState;

/// How many audit entries or hits are read from the store at a time.
const PAGE: usize = 10_000;

/// An operation's figures as the store holds them, judged at `as_of`.
pub fn figures_from_store(
    store: &dyn Store,
    operation: &Operation,
    as_of: OffsetDateTime,
) -> Result<Figures, StoreError> {
    Counted::new(operation).figures(store, operation, as_of)
}

/// Adds every hit of the operation (with the facts of the records they hit, looked up once per
/// record through `facts`) and every lead of it to `builder`.
fn add_hits_and_leads(
    store: &dyn Store,
    operation: &Operation,
    builder: &mut FiguresBuilder,
    facts: &mut HashMap<Id, HitFacts>,
) -> Result<(), StoreError> {
    let mut filter = HitFilter {
        operation: Some(operation.id),
        limit: PAGE,
        ..HitFilter::default()
    };
    loop {
        let hits = store.hits(&filter)?;
        let Some(last) = hits.last() else { break };
        filter.after = Some(last.id);
        for hit in &hits {
            let fact = facts_of(store, hit, facts)?;
            builder.add_hit(hit, fact);
        }
        if hits.len() < PAGE {
            break;
        }
    }
    for lead in store.investigations(Some(operation.id))? {
        builder.add_investigation(&lead);
    }
    Ok(())
}

fn facts_of<'f>(
    store: &dyn Store,
    hit: &Hit,
    facts: &'f mut HashMap<Id, HitFacts>,
) -> Result<&'f HitFacts, StoreError> {
    Ok(match facts.entry(hit.record_id) {
        std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
        std::collections::hash_map::Entry::Vacant(slot) => {
            let record = store.record(hit.record_id)?;
            slot.insert(record.as_ref().map(record_facts).unwrap_or_default())
        }
    })
}

/// What the report needs to know of a record that the hit does not say.
fn record_facts(record: &Record) -> HitFacts {
    match &record.content.body {
        RecordBody::Person(p) => HitFacts {
            foreign_terrorist_fighter: p.flags.contains(&PersonFlag::ForeignTerroristFighter),
            notices: p.notices.iter().map(|n| n.kind).collect(),
        },
        _ => HitFacts::default(),
    }
}

/// Live figures for the command centre: the audit entries already counted are kept per
/// operation, so each refresh reads only the new ones (the hits and leads, a few thousand, are
/// read again since their follow-up changes).
#[derive(Default)]
pub struct LiveFigures {
    per_operation: tokio::sync::Mutex<HashMap<Id, Counted>>,
}

/// What has been counted of one operation: its searches up to an audit position, and the
/// facts of the records its hits touched.
struct Counted {
    after_seq: u64,
    searches: FiguresBuilder,
    facts: HashMap<Id, HitFacts>,
}

impl Counted {
    fn new(operation: &Operation) -> Counted {
        Counted {
            after_seq: 0,
            searches: FiguresBuilder::new(operation),
            facts: HashMap::new(),
        }
    }

    /// Counts the audit entries written since the last call, then adds the hits and leads
    /// (read whole: their follow-up changes) to a copy of the count.
    fn figures(
        &mut self,
        store: &dyn Store,
        operation: &Operation,
        as_of: OffsetDateTime,
    ) -> Result<Figures, StoreError> {
        loop {
            let entries = store.audit_entries(self.after_seq, PAGE)?;
            let Some(last) = entries.last() else { break };
            self.after_seq = last.seq;
            for entry in &entries {
                self.searches.add_audit(entry);
            }
        }
        let mut builder = self.searches.clone();
        add_hits_and_leads(store, operation, &mut builder, &mut self.facts)?;
        Ok(builder.finish(as_of))
    }
}

impl LiveFigures {
    /// The figures of `operation` now.
    pub async fn of(
        &self,
        state: &Arc<AppState>,
        operation: Operation,
        as_of: OffsetDateTime,
    ) -> Result<Figures, Problem> {
        let mut all = self.per_operation.lock().await;
        let id = operation.id;
        let mut counted = all.remove(&id).unwrap_or_else(|| Counted::new(&operation));
        let (counted, figures) = state
            .with_store(move |store| {
                let figures = counted.figures(store, &operation, as_of);
                figures.map(|f| (counted, f))
            })
            .await?;
        all.insert(id, counted);
        Ok(figures)
    }
}
