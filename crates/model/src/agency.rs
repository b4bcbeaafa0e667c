//! Agencies and the roles of the people who work for them.

use serde::{Deserialize, Serialize};

use crate::error::{ModelError, Valid};
use crate::values::{text, AgencyId, CountryCode};

/// What an agency is in the network; it bounds what the agency may ever do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// INTERPOL's General Secretariat: administers agencies and operations.
    GeneralSecretariat,
    /// A National Central Bureau: owns its country's records and its border posts.
    Ncb,
    /// A checkpoint (seaport, airport, land crossing): screens, never writes records.
    BorderPost,
    /// A partner such as Frontex or the WCO: what its agreement grants, often statistics only.
    Partner,
}

/// What a person may do; an API key or session carries one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    RecordsEditor,
    Screener,
    Analyst,
    Auditor,
}

/// An agency of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AgencyFields")]
pub struct Agency {
    pub id: AgencyId,
    pub name: String,
    pub kind: AgencyKind,
    /// The country an NCB or border post serves; none for the General Secretariat or partners.
    pub country: Option<CountryCode>,
    /// The NCB a border post reports to.
    pub parent: Option<AgencyId>,
}

/// The fields of an [`Agency`] before the rules between them are checked.
#[derive(Deserialize)]
pub struct AgencyFields {
    pub id: AgencyId,
    pub name: String,
    pub kind: AgencyKind,
    #[serde(default)]
    pub country: Option<CountryCode>,
    #[serde(default)]
    pub parent: Option<AgencyId>,
}

impl TryFrom<AgencyFields> for Agency {
    type Error = ModelError;

    fn try_from(f: AgencyFields) -> Valid<Self> {
        let name = text("name", &f.name, 200)?;
        let needs_country = matches!(f.kind, AgencyKind::Ncb | AgencyKind::BorderPost);
        if needs_country && f.country.is_none() {
            return Err(ModelError::new(
                "country",
                "an NCB or border post must name the country it serves",
            ));
        }
        if f.kind == AgencyKind::BorderPost && f.parent.is_none() {
            return Err(ModelError::new(
                "parent",
                "a border post must name the NCB it reports to",
            ));
        }
        if f.kind != AgencyKind::BorderPost && f.parent.is_some() {
            return Err(ModelError::new(
                "parent",
                "only a border post has a parent NCB",
            ));
        }
        Ok(Agency {
            id: f.id,
            name,
            kind: f.kind,
            country: f.country,
            parent: f.parent,
        })
    }
}

impl AgencyKind {
    /// The roles a person of such an agency may ever hold (least privilege by construction).
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            AgencyKind::GeneralSecretariat => &[
                Role::Admin,
                Role::RecordsEditor,
                Role::Screener,
                Role::Analyst,
                Role::Auditor,
            ],
            AgencyKind::Ncb => &[
                Role::Admin,
                Role::RecordsEditor,
                Role::Screener,
                Role::Analyst,
                Role::Auditor,
            ],
            AgencyKind::BorderPost => &[Role::Screener],
            AgencyKind::Partner => &[Role::Analyst],
        }
    }

    /// Whether this kind of agency may own records.
    pub fn may_own_records(self) -> bool {
        matches!(self, AgencyKind::GeneralSecretariat | AgencyKind::Ncb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Agency, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn border_posts_belong_to_an_ncb() {
        let ok = parse(
            r#"{"id":"bp-tanger-med","name":"Tanger Med","kind":"border_post","country":"MAR","parent":"ncb-rabat"}"#,
        );
        assert!(ok.is_ok(), "{ok:?}");
        let err =
            parse(r#"{"id":"bp-x","name":"X","kind":"border_post","country":"MAR"}"#).unwrap_err();
        assert!(err.contains("parent"), "{err}");
    }

    #[test]
    fn ncbs_need_a_country() {
        let err = parse(r#"{"id":"ncb-x","name":"X","kind":"ncb"}"#).unwrap_err();
        assert!(err.contains("country"), "{err}");
    }

    #[test]
    fn border_posts_may_only_screen() {
        assert_eq!(AgencyKind::BorderPost.allowed_roles(), &[Role::Screener]);
        assert!(!AgencyKind::BorderPost.may_own_records());
        assert!(!AgencyKind::Partner.may_own_records());
    }
}
