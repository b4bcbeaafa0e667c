//! Operations (such as Neptune II), their sites, and the investigative leads they open.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::error::{ModelError, Valid};
use crate::values::{text, AgencyId, CountryCode, Id};

/// A UN/LOCODE: two-letter country code and three characters for the place (`MAPTM` is Tanger
/// Med, `ESALG` Algeciras, `FRMRS` Marseille).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Locode(String);

impl Locode {
    pub fn parse(raw: &str) -> Valid<Self> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.to_ascii_uppercase();
        let b = s.as_bytes();
        let ok = b.len() == 5
            && b[..2].iter().all(u8::is_ascii_uppercase)
            && b[2..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || (b'2'..=b'9').contains(c));
        if ok {
            Ok(Locode(s))
        } else {
            Err(ModelError::new(
                "locode",
                format!("must be a UN/LOCODE: 2 letters and 3 letters or digits 2-9, got {raw:?}"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Locode {
    type Error = ModelError;
    fn try_from(s: String) -> Valid<Self> {
        Locode::parse(&s)
    }
}

impl From<Locode> for String {
    fn from(l: Locode) -> String {
        l.0
    }
}

/// A place where screening happens during an operation: usually a seaport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub locode: Locode,
    pub name: String,
    pub country: CountryCode,
    /// The border post that screens there.
    pub agency: AgencyId,
}

/// The fields an operation focuses on; leads are filed under one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Terrorism,
    HumanTrafficking,
    MigrantSmuggling,
    Firearms,
    Narcotics,
    StolenVehicles,
    DocumentFraud,
}

/// What a partner agency may see of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerAccess {
    /// Aggregated figures only.
    Statistics,
    /// Figures and hits, within each record's visibility.
    Hits,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub agency: AgencyId,
    pub access: PartnerAccess,
}

/// A planned, time-boxed screening effort across several countries' sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OperationFields")]
pub struct Operation {
    pub id: Id,
    /// Short code used on the command line and in reports, e.g. `NEPTUNE-II`.
    pub code: String,
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub countries: Vec<CountryCode>,
    pub sites: Vec<Site>,
    pub partners: Vec<Partner>,
    pub focus: Vec<Category>,
    /// The agency that coordinates it (usually the General Secretariat).
    pub coordinator: AgencyId,
}

#[derive(Deserialize)]
pub struct OperationFields {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub countries: Vec<CountryCode>,
    #[serde(default)]
    pub sites: Vec<Site>,
    #[serde(default)]
    pub partners: Vec<Partner>,
    #[serde(default)]
    pub focus: Vec<Category>,
    pub coordinator: AgencyId,
}

impl TryFrom<OperationFields> for Operation {
    type Error = ModelError;

    fn try_from(f: OperationFields) -> Valid<Self> {
        let code = f.code.trim().to_string();
        let code_ok = (2..=32).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !code_ok {
            return Err(ModelError::new(
                "code",
                format!(
                    "must be 2-32 upper-case letters, digits or '-', got {:?}",
                    f.code
                ),
            ));
        }
        let name = text("name", &f.name, 200)?;
        if f.ends_on < f.starts_on {
            return Err(ModelError::new("ends_on", "must not be before starts_on"));
        }
        for (i, site) in f.sites.iter().enumerate() {
            text("name", &site.name, 200).map_err(|e| e.within(&format!("sites[{i}]")))?;
            if !f.countries.contains(&site.country) {
                return Err(ModelError::new(
                    format!("sites[{i}].country"),
                    format!("{} is not one of the operation's countries", site.country),
                ));
            }
        }
        Ok(Operation {
            id: f.id,
            code,
            name,
            starts_on: f.starts_on,
            ends_on: f.ends_on,
            countries: f.countries,
            sites: f.sites,
            partners: f.partners,
            focus: f.focus,
            coordinator: f.coordinator,
        })
    }
}

/// The state of an investigative lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    Open,
    Active,
    Closed,
}

/// What a lead produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    Arrest { count: u32 },
    DocumentsSeized { count: u32 },
    VehiclesSeized { count: u32 },
    FirearmsSeized { count: u32 },
    DrugsSeized { kilograms: f64 },
    MoneySeized { amount: f64, currency: String },
}

/// An investigative lead opened from one or more confirmed hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Investigation {
    pub id: Id,
    pub operation: Option<Id>,
    pub category: Category,
    pub status: LeadStatus,
    pub lead_agency: AgencyId,
    pub title: String,
    pub hits: Vec<Id>,
    pub records: Vec<Id>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locodes_follow_the_un_rules() {
        assert_eq!(Locode::parse("ma ptm").unwrap().as_str(), "MAPTM");
        assert!(Locode::parse("ESALG").is_ok());
        for bad in ["MAPT", "MAPTMX", "1APTM", "MAP1M", ""] {
            assert!(Locode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_operation_ends_after_it_starts_and_its_sites_are_in_its_countries() {
        let base = serde_json::json!({
            "id": "0190b2a4-7c00-7000-8000-000000000001",
            "code": "NEPTUNE-II", "name": "Neptune II",
            "starts_on": "2019-07-24", "ends_on": "2019-09-08",
            "countries": ["MAR", "ESP"],
            "sites": [{"locode": "MAPTM", "name": "Tanger Med", "country": "MAR", "agency": "bp-tanger-med"}],
            "coordinator": "gs-lyon"
        });
        let op: Operation = serde_json::from_value(base.clone()).unwrap();
        assert_eq!(op.code, "NEPTUNE-II");

        let mut late = base.clone();
        late["ends_on"] = "2019-07-01".into();
        let err = serde_json::from_value::<Operation>(late)
            .unwrap_err()
            .to_string();
        assert!(err.contains("ends_on"), "{err}");

        let mut elsewhere = base;
        elsewhere["sites"][0]["country"] = "FRA".into();
        let err = serde_json::from_value::<Operation>(elsewhere)
            .unwrap_err()
            .to_string();
        assert!(err.contains("sites[0].country"), "{err}");
    }
}
