//! Hits: what a search found, what the owner asked the checkpoint to do, and the follow-up
//! between the checkpoint and the owner.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::record::{Database, NoticeKind, Person, PersonFlag};
use crate::values::{AgencyId, Id};

/// How a record was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The key (document number and issuer, VIN, plate and country, identifier) is equal.
    Exact,
    /// The key is equal only once look-alike characters are folded (O/0, I/1 …): a possible
    /// misreading, to be checked by the officer.
    OcrVariant,
    /// The person's names, dates and other facts are similar enough.
    FuzzyName,
}

/// What the owner asks the checkpoint to do when a record is hit, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Red notice: locate and arrest with a view to extradition; contact the owner NCB at once.
    DetainAndContactOwner,
    /// Check discreetly and report; do not alert the subject.
    DiscreetCheck,
    /// Yellow notice: a missing person; protect and contact the owner NCB.
    ProtectMissingPerson,
    /// Stolen or lost document: seize it and check the holder.
    SeizeDocument,
    /// Stolen vehicle: seize it and check the driver.
    SeizeVehicle,
    /// Other notices: collect information and contact the owner NCB.
    ContactOwner,
}

impl Action {
    /// The action a hit on this person calls for: the most urgent of its notices and flags.
    pub fn for_person(person: &Person) -> Action {
        let from_notices = person.notices.iter().map(|n| match n.kind {
            NoticeKind::Red => Action::DetainAndContactOwner,
            NoticeKind::Yellow => Action::ProtectMissingPerson,
            _ => Action::ContactOwner,
        });
        let from_flags = person.flags.iter().filter_map(|f| match f {
            PersonFlag::DiscreetCheck => Some(Action::DiscreetCheck),
            _ => None,
        });
        from_notices
            .chain(from_flags)
            .min()
            .unwrap_or(Action::ContactOwner)
    }

    /// The default action for a hit in a database without further instructions.
    pub fn for_database(db: Database) -> Action {
        match db {
            Database::Documents => Action::SeizeDocument,
            Database::Vehicles => Action::SeizeVehicle,
            Database::Persons => Action::ContactOwner,
        }
    }

    /// The time the owner has to confirm or reject a hit: ten minutes for an arrest request,
    /// twelve hours otherwise.
    pub fn follow_up_deadline(self) -> Duration {
        match self {
            Action::DetainAndContactOwner => Duration::minutes(10),
            _ => Duration::hours(12),
        }
    }
}

/// Where the follow-up of a hit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    /// Waiting for the owner to confirm or reject.
    Pending,
    /// The owner confirmed: it is the person, document or vehicle of the record.
    Confirmed,
    /// The owner rejected: a false match.
    Rejected,
}

/// What the checkpoint did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionTaken {
    Detained,
    DocumentSeized,
    VehicleSeized,
    RefusedEntry,
    DiscreetCheck,
    Released,
}

/// A record found by a search, with its follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: Id,
    /// The search (one audit entry) that produced it.
    pub search_id: Id,
    pub database: Database,
    pub record_id: Id,
    pub record_version: u32,
    /// The agency that owns the record and must follow the hit up.
    pub owner: AgencyId,
    /// The agency that searched.
    pub agency: AgencyId,
    pub operation: Option<Id>,
    pub site: Option<String>,
    pub match_kind: MatchKind,
    pub score: f64,
    pub action: Action,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub state: FollowUpState,
    #[serde(with = "time::serde::rfc3339")]
    pub deadline: OffsetDateTime,
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub action_taken: Option<ActionTaken>,
}

impl Hit {
    /// True while the owner has not answered and the deadline has passed.
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        self.state == FollowUpState::Pending && now > self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Notice;

    fn person(notices: &[NoticeKind], flags: &[PersonFlag]) -> Person {
        Person {
            notices: notices
                .iter()
                .map(|&kind| Notice {
                    kind,
                    diffusion: false,
                    reference: None,
                    issued_on: None,
                })
                .collect(),
            flags: flags.to_vec(),
            ..Person::named("p1", "Anna Eriksson")
        }
    }

    #[test]
    fn the_most_urgent_notice_decides_the_action() {
        let p = person(&[NoticeKind::Blue, NoticeKind::Red], &[]);
        assert_eq!(Action::for_person(&p), Action::DetainAndContactOwner);
        let p = person(&[NoticeKind::Blue], &[PersonFlag::DiscreetCheck]);
        assert_eq!(Action::for_person(&p), Action::DiscreetCheck);
        let p = person(&[NoticeKind::Yellow], &[]);
        assert_eq!(Action::for_person(&p), Action::ProtectMissingPerson);
        assert_eq!(Action::for_person(&person(&[], &[])), Action::ContactOwner);
    }

    #[test]
    fn red_notices_must_be_answered_within_ten_minutes() {
        assert_eq!(
            Action::DetainAndContactOwner.follow_up_deadline(),
            Duration::minutes(10)
        );
        assert_eq!(
            Action::SeizeDocument.follow_up_deadline(),
            Duration::hours(12)
        );
    }
}
