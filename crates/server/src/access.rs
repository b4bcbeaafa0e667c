//! Who may see what: the engine's policy ([`portwatch_engine::policy`]) applied to stored
//! records and hits, and the view of a hit each caller gets.
//!
//! A record is visible to its owner, to everyone when its visibility is `all`, and to agencies
//! of the listed countries (and of the owner's own country) when it is `countries:…`; never to
//! partners. An `owner_only` record is visible to its owner alone: anyone else whose search or
//! hit touches it learns only that there is a hit and that they must contact the owner. The
//! same policy object decides for screening answers, hit lists and record reads, so the three
//! can never disagree.

use serde::Serialize;
use time::OffsetDateTime;

use portwatch_engine::{policy, Disclosure, Policy, PolicyClass};
use portwatch_model::{
    Action, ActionTaken, Agency, AgencyId, AgencyKind, FollowUpState, Hit, Id, Record,
};

use crate::identity::Caller;
use crate::problem::Problem;

/// What a caller who may not see the record is told.
pub const CONTACT_OWNER: &str = portwatch_engine::CONTACT_OWNER_MESSAGE;

/// Whether `caller` may see the data of `record`.
pub fn may_see_record(policy: &Policy, caller: &Agency, record: &Record) -> bool {
    let class = PolicyClass {
        owner: record.content.owner.clone(),
        visibility: record.content.visibility.clone(),
    };
    policy.disclosure(&policy::Caller::from_agency(caller), &class) == Disclosure::Full
}

/// Whether `caller` may know about `hit` at all: its owner, the agency that searched, the NCB
/// that agency reports to, and the General Secretariat.
pub fn may_know_hit(caller: &Caller, hit: &Hit, searcher: Option<&Agency>) -> bool {
    let me = caller.agency_id();
    *me == hit.owner
        || *me == hit.agency
        || caller.is_secretariat()
        || searcher.is_some_and(|s| s.parent.as_ref() == Some(me))
}

/// Partners see statistics only: refuses them anything row by row.
pub fn refuse_partners(caller: &Caller, what: &str) -> Result<(), Problem> {
    if caller.agency.kind == AgencyKind::Partner {
        return Err(Problem::forbidden(
            "partner_statistics_only",
            format!("partner agencies see statistics only (GET /v1/stats), not {what}"),
        ));
    }
    Ok(())
}

/// A hit as one caller may see it.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum HitView {
    Full(Box<FullHit>),
    ContactOwner(RedactedHit),
}

/// Every field of a hit, plus whether its follow-up is overdue.
#[derive(Debug, Clone, Serialize)]
pub struct FullHit {
    #[serde(flatten)]
    pub hit: Hit,
    pub overdue: bool,
}

/// A hit on a record the caller may not see: that there is one, and whom to call.
#[derive(Debug, Clone, Serialize)]
pub struct RedactedHit {
    pub id: Id,
    pub search_id: Id,
    pub owner: AgencyId,
    pub agency: AgencyId,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub state: FollowUpState,
    pub action: Action,
    pub action_taken: Option<ActionTaken>,
    pub message: &'static str,
}

impl HitView {
    /// The view of `hit` for a caller who may (`visible`) or may not see its record.
    pub fn of(hit: Hit, visible: bool, now: OffsetDateTime) -> HitView {
        if visible {
            let overdue = hit.is_overdue(now);
            HitView::Full(Box::new(FullHit { hit, overdue }))
        } else {
            HitView::ContactOwner(RedactedHit {
                id: hit.id,
                search_id: hit.search_id,
                owner: hit.owner,
                agency: hit.agency,
                at: hit.at,
                state: hit.state,
                action: Action::ContactOwner,
                action_taken: hit.action_taken,
                message: CONTACT_OWNER,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portwatch_model::CountryCode;

    fn agency(id: &str, kind: AgencyKind, country: Option<&str>) -> Agency {
        Agency {
            id: AgencyId::parse(id).unwrap(),
            name: id.into(),
            kind,
            country: country.map(|c| CountryCode::parse(c).unwrap()),
            parent: None,
        }
    }

    fn record(owner: &str, visibility: &str) -> Record {
        let json = format!(
            r#"{{"id":"0190f1f2-0000-7000-8000-000000000001","version":1,"status":"active",
            "recorded_at":"2026-01-01T00:00:00Z","owner":"{owner}","visibility":"{visibility}",
            "document":{{"number":"X1234567","issuing_state":"MAR","type":"passport","status":"lost"}}}}"#
        );
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn visibility_rules_apply_to_stored_records() {
        let rabat = agency("ncb-rabat", AgencyKind::Ncb, Some("MAR"));
        let madrid = agency("ncb-madrid", AgencyKind::Ncb, Some("ESP"));
        let tanger = agency("bp-tanger", AgencyKind::BorderPost, Some("MAR"));
        let gs = agency("gs", AgencyKind::GeneralSecretariat, None);
        let policy = Policy::new(&[rabat.clone(), madrid.clone(), tanger.clone(), gs.clone()]);
        let owner_only = record("ncb-rabat", "owner_only");
        assert!(may_see_record(&policy, &rabat, &owner_only));
        assert!(!may_see_record(&policy, &madrid, &owner_only));
        assert!(!may_see_record(&policy, &gs, &owner_only));
        let spain_only = record("ncb-rabat", "countries:ESP");
        assert!(may_see_record(&policy, &madrid, &spain_only));
        assert!(
            may_see_record(&policy, &tanger, &spain_only),
            "the owner's country sees it"
        );
        assert!(!may_see_record(&policy, &gs, &spain_only));
        assert!(may_see_record(&policy, &gs, &record("ncb-rabat", "all")));
    }
}
