//! The access policy: what a hit may reveal to whom.
//!
//! Every record carries a visibility rule set by its owner ([`Visibility`]):
//!
//! * `all`: every agency of the network sees the hit in full;
//! * `countries:…`: agencies of the listed countries, and of the owner's own country, see it
//!   in full;
//! * `owner_only`: only the owner agency.
//!
//! Anyone else whose search matches learns only [`CONTACT_OWNER_MESSAGE`] and the owner to
//! call — no record field, no name, no reason, not even the action (it would tell a red notice
//! from a yellow one). Partner agencies (Frontex, WCO) never see record data through
//! screening. Whatever the caller sees, the owner is notified of every hit on its records.
//!
//! The policy needs the country of each owner agency (for `countries:` rules); it is built
//! from the agency directory with [`Policy::new`].

use std::collections::HashMap;

use portwatch_model::{Agency, AgencyId, AgencyKind, CountryCode, Visibility};

use crate::hit::{HitView, Match, OwnerNotification, RevealedHit, CONTACT_OWNER_MESSAGE};
use crate::slots::PolicyClass;

/// Who is searching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub agency: AgencyId,
    pub kind: AgencyKind,
    /// The country the agency serves (none for the General Secretariat and partners).
    pub country: Option<CountryCode>,
}

impl Caller {
    pub fn from_agency(agency: &Agency) -> Self {
        Caller {
            agency: agency.id.clone(),
            kind: agency.kind,
            country: agency.country,
        }
    }
}

/// How much of a hit a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Full,
    ContactOwner,
}

/// The policy: the agency directory's countries and the rules of the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    owner_countries: HashMap<AgencyId, CountryCode>,
}

impl Policy {
    pub fn new(agencies: &[Agency]) -> Self {
        Policy {
            owner_countries: agencies
                .iter()
                .filter_map(|a| Some((a.id.clone(), a.country?)))
                .collect(),
        }
    }

    /// Adds or updates one agency.
    pub fn add_agency(&mut self, agency: &Agency) {
        match agency.country {
            Some(country) => self.owner_countries.insert(agency.id.clone(), country),
            None => self.owner_countries.remove(&agency.id),
        };
    }

    /// What `caller` may see of a record of this policy class.
    pub fn disclosure(&self, caller: &Caller, class: &PolicyClass) -> Disclosure {
        if caller.agency == class.owner {
            return Disclosure::Full;
        }
        if caller.kind == AgencyKind::Partner {
            return Disclosure::ContactOwner;
        }
        let visible = match &class.visibility {
            Visibility::All => true,
            Visibility::OwnerOnly => false,
            Visibility::Countries(list) => caller.country.is_some_and(|c| {
                list.contains(&c) || self.owner_countries.get(&class.owner) == Some(&c)
            }),
        };
        if visible {
            Disclosure::Full
        } else {
            Disclosure::ContactOwner
        }
    }

    /// Turns the engine's matches into what the caller may see and what the owners are told.
    pub fn reveal(&self, caller: &Caller, matches: Vec<Match>) -> crate::Screening {
        let mut screening = crate::Screening::default();
        for m in matches {
            screening.owner_notifications.push(OwnerNotification {
                owner: m.policy.owner.clone(),
                database: m.database,
                record_id: m.record_id,
                record_version: m.record_version,
                match_kind: m.match_kind,
                score: m.score,
                searched_by: caller.agency.clone(),
            });
            let hit = match self.disclosure(caller, &m.policy) {
                Disclosure::Full => RevealedHit::Full(HitView {
                    database: m.database,
                    record_id: m.record_id,
                    record_version: m.record_version,
                    owner: m.policy.owner.clone(),
                    source_id: m.source_id,
                    match_kind: m.match_kind,
                    score: m.score,
                    action: m.action,
                    review_overdue: m.review_overdue,
                    notify_owner: true,
                    reason: m.reason,
                }),
                Disclosure::ContactOwner => RevealedHit::ContactOwner {
                    owner: m.policy.owner.clone(),
                    message: CONTACT_OWNER_MESSAGE,
                    notify_owner: true,
                },
            };
            screening.hits.push(hit);
        }
        screening
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(id: &str, kind: AgencyKind, country: Option<&str>) -> Caller {
        Caller {
            agency: AgencyId::parse(id).unwrap(),
            kind,
            country: country.map(|c| CountryCode::parse(c).unwrap()),
        }
    }

    fn class(owner: &str, visibility: &str) -> PolicyClass {
        PolicyClass {
            owner: AgencyId::parse(owner).unwrap(),
            visibility: visibility.parse().unwrap(),
        }
    }

    fn policy() -> Policy {
        let rabat: Agency = serde_json::from_value(serde_json::json!({
            "id": "ncb-rabat", "name": "NCB Rabat", "kind": "ncb", "country": "MAR"
        }))
        .unwrap();
        Policy::new(&[rabat])
    }

    #[test]
    fn the_owner_always_sees_its_records() {
        let caller = agency("ncb-rabat", AgencyKind::Ncb, Some("MAR"));
        let p = policy();
        assert_eq!(
            p.disclosure(&caller, &class("ncb-rabat", "owner_only")),
            Disclosure::Full
        );
    }

    #[test]
    fn listed_countries_and_the_owners_country_see_restricted_records() {
        let p = policy();
        let c = class("ncb-rabat", "countries:ESP");
        let madrid = agency("bp-algeciras", AgencyKind::BorderPost, Some("ESP"));
        let tanger = agency("bp-tanger-med", AgencyKind::BorderPost, Some("MAR"));
        let genoa = agency("bp-genova", AgencyKind::BorderPost, Some("ITA"));
        assert_eq!(p.disclosure(&madrid, &c), Disclosure::Full);
        assert_eq!(p.disclosure(&tanger, &c), Disclosure::Full);
        assert_eq!(p.disclosure(&genoa, &c), Disclosure::ContactOwner);
    }

    #[test]
    fn owner_only_records_and_partners_get_contact_owner() {
        let p = policy();
        let tanger = agency("bp-tanger-med", AgencyKind::BorderPost, Some("MAR"));
        assert_eq!(
            p.disclosure(&tanger, &class("ncb-rabat", "owner_only")),
            Disclosure::ContactOwner
        );
        let frontex = agency("frontex", AgencyKind::Partner, None);
        assert_eq!(
            p.disclosure(&frontex, &class("ncb-rabat", "all")),
            Disclosure::ContactOwner
        );
    }
}
