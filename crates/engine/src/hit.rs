//! What screening finds: [`Match`] (everything the engine knows about a matching record, for
//! the policy to filter) and [`RevealedHit`] (what the caller is allowed to see).

use portwatch_model::{Action, AgencyId, CountryCode, Database, Id, MatchKind, PartialDate};
use serde::Serialize;

use crate::slots::PolicyClass;

/// The message an agency gets when a record it may not see matches its search.
pub const CONTACT_OWNER_MESSAGE: &str = "hit: contact the owner NCB";

/// Why a record matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Reason {
    /// A document number of the issuing state, equal (exact) or equal once look-alike
    /// characters are folded (OCR variant).
    DocumentNumber {
        number: String,
        issuing_state: CountryCode,
    },
    /// A VIN, equal or equal once look-alikes are folded.
    Vin { vin: String },
    /// A plate of the country, equal once separators are dropped, or once look-alikes are
    /// folded.
    Plate { plate: String, country: CountryCode },
    /// A document number the person is known to hold.
    PersonIdentifier { number: String },
    /// The person's names and facts (see [`PersonReason`]).
    Person(Box<PersonReason>),
}

/// How a traveller compares with a person of the nominal database.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonReason {
    /// The name of the traveller that matched best.
    pub query_name: String,
    /// The person's name it matched (primary, alias …).
    pub matched_name: String,
    pub matched_name_kind: portwatch_model::NameKind,
    /// The name score (0..=1) before the facts below adjusted it.
    pub name_score: f64,
    /// How the tokens of the two names were aligned.
    pub alignment: Vec<AlignedTokens>,
    pub birth_date: FactCheck,
    pub sex: FactCheck,
    pub nationality: FactCheck,
}

/// One aligned token pair of a name match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignedTokens {
    pub query: String,
    pub record: String,
    pub how: String,
    pub similarity: f64,
}

/// How one fact of the traveller compares with the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactCheck {
    /// One side does not say.
    Unknown,
    /// They agree (for dates: both full and equal).
    Agrees,
    /// Partial dates whose ranges overlap (1980 and 1980-05-03): no contradiction, weak
    /// evidence.
    Compatible,
    /// A likely slip: a date with day and month swapped, one field off, or a year off by one.
    Slip,
    /// They disagree.
    Conflicts,
}

/// A record that matched a search, with everything the policy needs to decide what to reveal.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub database: Database,
    pub record_id: Id,
    pub record_version: u32,
    pub policy: std::sync::Arc<PolicyClass>,
    pub source_id: Option<String>,
    pub match_kind: MatchKind,
    pub score: f64,
    pub action: Action,
    pub review_overdue: bool,
    pub reason: Reason,
}

/// A hit the caller may see in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitView {
    pub database: Database,
    pub record_id: Id,
    pub record_version: u32,
    pub owner: AgencyId,
    pub source_id: Option<String>,
    pub match_kind: MatchKind,
    pub score: f64,
    pub action: Action,
    /// The record is past its review date: the owner must confirm it is still needed.
    pub review_overdue: bool,
    /// The owner is notified of every hit on its records.
    pub notify_owner: bool,
    pub reason: Reason,
}

/// What the caller learns of one matching record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "disclosure", rename_all = "snake_case")]
pub enum RevealedHit {
    /// Everything: the caller may see the record.
    Full(HitView),
    /// Only that something matched and whom to call: no record field, no name, no reason.
    ContactOwner {
        owner: AgencyId,
        message: &'static str,
        notify_owner: bool,
    },
}

impl RevealedHit {
    /// The full view, when the caller may see it.
    pub fn as_full(&self) -> Option<&HitView> {
        match self {
            RevealedHit::Full(view) => Some(view),
            RevealedHit::ContactOwner { .. } => None,
        }
    }

    pub fn owner(&self) -> &AgencyId {
        match self {
            RevealedHit::Full(view) => &view.owner,
            RevealedHit::ContactOwner { owner, .. } => owner,
        }
    }
}

/// What the owner of a matching record is told, whatever the caller may see (sent by the
/// server to the owner, never to the caller).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerNotification {
    pub owner: AgencyId,
    pub database: Database,
    pub record_id: Id,
    pub record_version: u32,
    pub match_kind: MatchKind,
    pub score: f64,
    pub searched_by: AgencyId,
}

/// The answer to one screening request.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Screening {
    /// Most relevant first: exact before OCR variant before fuzzy, then by score.
    pub hits: Vec<RevealedHit>,
    /// One per hit, for the owners (see [`OwnerNotification`]).
    #[serde(skip)]
    pub owner_notifications: Vec<OwnerNotification>,
}

impl Screening {
    pub fn is_hit(&self) -> bool {
        !self.hits.is_empty()
    }
}

/// Dates compared as the ranges they cover.
pub(crate) fn compare_dates(a: &PartialDate, b: &PartialDate) -> FactCheck {
    let overlap = a.year() == b.year()
        && opt_agree(a.month(), b.month())
        && (a.month() != b.month() || opt_agree(a.day(), b.day()));
    if overlap {
        return if a.is_full() && b.is_full() {
            FactCheck::Agrees
        } else {
            FactCheck::Compatible
        };
    }
    let swapped = a.year() == b.year()
        && a.month().is_some()
        && a.day().is_some()
        && a.month() == b.day()
        && a.day() == b.month();
    // A year off by one is a slip when the rest agrees, or is unknown on one side.
    let partial = a.day().is_none() || b.day().is_none();
    let year_off = a.year().abs_diff(b.year()) == 1
        && (partial || (a.month() == b.month() && a.day() == b.day()));
    if swapped || year_off || one_digit_apart(a, b) {
        FactCheck::Slip
    } else {
        FactCheck::Conflicts
    }
}

/// Two full dates that differ in exactly one digit of YYYYMMDD: a typing slip.
///
/// The digits are computed, not formatted: every candidate of a screening is compared on its
/// dates of birth before its names, so this runs hundreds of times a traveller.
fn one_digit_apart(a: &PartialDate, b: &PartialDate) -> bool {
    let digits = |d: &PartialDate| -> Option<[u8; 8]> {
        let (y, m, dd) = (d.year(), d.month()?, d.day()?);
        if y > 9999 || m > 99 || dd > 99 {
            return None;
        }
        let y = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10].map(|x| x as u8);
        Some([y[0], y[1], y[2], y[3], m / 10, m % 10, dd / 10, dd % 10])
    };
    match (digits(a), digits(b)) {
        (Some(x), Some(y)) => x.iter().zip(&y).filter(|(p, q)| p != q).count() == 1,
        _ => false,
    }
}

fn opt_agree(a: Option<u8>, b: Option<u8>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    #[test]
    fn partial_dates_agree_with_the_dates_they_cover() {
        assert_eq!(
            compare_dates(&d("1980"), &d("1980-05-03")),
            FactCheck::Compatible
        );
        assert_eq!(
            compare_dates(&d("1980-05"), &d("1980-05-03")),
            FactCheck::Compatible
        );
        assert_eq!(
            compare_dates(&d("1980-05-03"), &d("1980-05-03")),
            FactCheck::Agrees
        );
    }

    #[test]
    fn slips_are_told_apart_from_conflicts() {
        assert_eq!(
            compare_dates(&d("1980-05-03"), &d("1980-03-05")),
            FactCheck::Slip
        );
        assert_eq!(
            compare_dates(&d("1980-05-03"), &d("1981-05-03")),
            FactCheck::Slip
        );
        assert_eq!(
            compare_dates(&d("1980-05-03"), &d("1980-05-13")),
            FactCheck::Slip
        );
        assert_eq!(
            compare_dates(&d("1980-05-03"), &d("1990-05-03")),
            FactCheck::Slip
        );
        assert_eq!(
            compare_dates(&d("1980-05-03"), &d("1975-11-21")),
            FactCheck::Conflicts
        );
        assert_eq!(compare_dates(&d("1980"), &d("1985")), FactCheck::Conflicts);
    }

    #[test]
    fn one_digit_slips_are_counted_on_the_written_digits() {
        // One digit of YYYYMMDD: month 05 / 08, day 03 / 23, century 1980 / 2980.
        assert!(one_digit_apart(&d("1980-05-03"), &d("1980-08-03")));
        assert!(one_digit_apart(&d("1980-05-03"), &d("1980-05-23")));
        assert!(one_digit_apart(&d("1980-05-03"), &d("2980-05-03")));
        // Two digits (month 05 / 10), or a date without a day: no slip.
        assert!(!one_digit_apart(&d("1980-05-03"), &d("1980-10-03")));
        assert!(!one_digit_apart(&d("1980-05-03"), &d("1980-05")));
    }
}
