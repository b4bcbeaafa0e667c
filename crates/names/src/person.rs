//! Person similarity: names plus dates of birth, sex, nationality and identifiers.
//!
//! The engine maps its records into [`PersonProfile`]; this module knows nothing of them.
//!
//! **Calibration.** The name score of the best pair of names (every alias on both sides) is
//! read as odds, and each other field adds evidence in log-odds: a full date of birth that
//! agrees is strong evidence for, a year ten years off is strong evidence against, a field that
//! is missing on either side adds nothing. With no field but names, the person score *is* the
//! name score, so [`DEFAULT_THRESHOLD`] means the same thing whatever fields are present.
//!
//! | evidence | log-odds |
//! |---|---|
//! | same passport / ID number (after canonicalisation), same kind | +4.0 |
//! | same number, other kind | +2.0 |
//! | different number, same kind and same issuing country | −1.5 |
//! | full date of birth equal (or day and month swapped) | +1.5 (+1.0) |
//! | year and month equal | +1.0 |
//! | same year (one side gives only the year, or a 1 January placeholder) | +0.7 |
//! | one year apart / two years apart | +0.2 / 0 |
//! | more than two years apart | −0.6 per further year, down to −3 |
//! | sex differs / equal | −3.5 / +0.1 |
//! | nationalities disjoint / shared | −0.5 / +0.3 |

use serde::Serialize;

use crate::{explain_prepared, score_prepared, Explanation, PreparedName, DEFAULT_THRESHOLD};

/// A date of birth known to the year, the month or the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// 1 January is how many registries write "born in that year": it is read as the year
    /// alone.
    fn is_placeholder(&self) -> bool {
        self.month == Some(1) && self.day == Some(1)
    }

    fn month(&self) -> Option<u8> {
        if self.is_placeholder() {
            None
        } else {
            self.month
        }
    }

    fn day(&self) -> Option<u8> {
        if self.is_placeholder() {
            None
        } else {
            self.day
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// A passport, national ID or other document number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Identifier {
    /// The kind ("passport", "national_id", …), compared case-insensitively.
    pub kind: String,
    /// Issuing country, ISO 3166-1 alpha-3, where known.
    pub country: Option<String>,
    pub number: String,
}

/// What is known of a person, as the engine hands it over.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PersonProfile {
    /// All names; the first is the primary name.
    pub names: Vec<String>,
    pub birth_dates: Vec<PartialDate>,
    pub sex: Option<Sex>,
    /// ISO 3166-1 alpha-3 codes.
    pub nationalities: Vec<String>,
    pub identifiers: Vec<Identifier>,
}

/// A profile with its names prepared, ready to be compared many times.
#[derive(Clone, Debug)]
pub struct PreparedPerson {
    names: Vec<PreparedName>,
    profile: PersonProfile,
}

impl PreparedPerson {
    pub fn new(profile: PersonProfile) -> Self {
        PreparedPerson {
            names: profile.names.iter().map(|n| PreparedName::new(n)).collect(),
            profile,
        }
    }

    /// The prepared names, primary first.
    pub fn names(&self) -> &[PreparedName] {
        &self.names
    }
}

/// One piece of evidence besides the names.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub field: &'static str,
    pub detail: String,
    pub log_odds: f64,
}

/// Why two persons got their score.
#[derive(Clone, Debug, Serialize)]
pub struct PersonExplanation {
    pub score: f64,
    pub threshold: f64,
    pub passes: bool,
    /// The best pair of names and its explanation.
    pub name_score: f64,
    pub name: Option<Explanation>,
    pub evidence: Vec<Evidence>,
}

/// Similarity of two persons in 0..=1 (see the module documentation).
pub fn score_persons(a: &PreparedPerson, b: &PreparedPerson) -> f64 {
    let (name_score, _) = best_names(a, b);
    combine(
        name_score,
        evidence(&a.profile, &b.profile)
            .iter()
            .map(|e| e.log_odds)
            .sum(),
    )
}

/// [`score_persons`] with its explanation.
pub fn explain_persons(a: &PreparedPerson, b: &PreparedPerson) -> PersonExplanation {
    let (name_score, pair) = best_names(a, b);
    let evidence = evidence(&a.profile, &b.profile);
    let score = combine(name_score, evidence.iter().map(|e| e.log_odds).sum());
    PersonExplanation {
        score: (score * 10_000.0).round() / 10_000.0,
        threshold: DEFAULT_THRESHOLD,
        passes: score >= DEFAULT_THRESHOLD,
        name_score,
        name: pair.map(|(i, j)| explain_prepared(&a.names[i], &b.names[j])),
        evidence,
    }
}

/// The best-scoring pair of names, all aliases on both sides.
fn best_names(a: &PreparedPerson, b: &PreparedPerson) -> (f64, Option<(usize, usize)>) {
    let mut best = (0.0, None);
    for (i, na) in a.names.iter().enumerate() {
        for (j, nb) in b.names.iter().enumerate() {
            let s = score_prepared(na, nb);
            if best.1.is_none() || s > best.0 {
                best = (s, Some((i, j)));
            }
        }
    }
    best
}

/// The name score read as odds, moved by the evidence, and read back. The score is first
/// squeezed into 0.03..=0.97 so that an exact name is strong but finite odds (about 32 to 1)
/// that evidence can still overturn; without evidence the name score comes back unchanged.
fn combine(name_score: f64, log_odds: f64) -> f64 {
    const EDGE: f64 = 0.03;
    let p = EDGE + (1.0 - 2.0 * EDGE) * name_score.clamp(0.0, 1.0);
    let moved = 1.0 / (1.0 + (-((p / (1.0 - p)).ln() + log_odds)).exp());
    ((moved - EDGE) / (1.0 - 2.0 * EDGE)).clamp(0.0, 1.0)
}

fn evidence(a: &PersonProfile, b: &PersonProfile) -> Vec<Evidence> {
    let mut out = Vec::new();
    out.extend(identifier_evidence(a, b));
    out.extend(birth_date_evidence(&a.birth_dates, &b.birth_dates));
    if let (Some(x), Some(y)) = (a.sex, b.sex) {
        out.push(Evidence {
            field: "sex",
            detail: format!("{x:?} / {y:?}").to_lowercase(),
            log_odds: if x == y { 0.1 } else { -3.5 },
        });
    }
    if !a.nationalities.is_empty() && !b.nationalities.is_empty() {
        let shared = a
            .nationalities
            .iter()
            .find(|n| b.nationalities.iter().any(|m| m.eq_ignore_ascii_case(n)));
        out.push(match shared {
            Some(n) => Evidence {
                field: "nationality",
                detail: format!("both {n}"),
                log_odds: 0.3,
            },
            None => Evidence {
                field: "nationality",
                detail: format!(
                    "{} / {}",
                    a.nationalities.join(" "),
                    b.nationalities.join(" ")
                ),
                log_odds: -0.5,
            },
        });
    }
    out
}

/// Document numbers compared after canonicalisation (letters and digits only, upper case).
fn identifier_evidence(a: &PersonProfile, b: &PersonProfile) -> Option<Evidence> {
    let canon = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    let mut against: Option<Evidence> = None;
    let mut weak_for: Option<Evidence> = None;
    for x in &a.identifiers {
        for y in &b.identifiers {
            let (nx, ny) = (canon(&x.number), canon(&y.number));
            if nx.is_empty() || ny.is_empty() {
                continue;
            }
            let same_kind = x.kind.eq_ignore_ascii_case(&y.kind);
            if nx == ny {
                if same_kind {
                    return Some(Evidence {
                        field: "identifier",
                        detail: format!("same {} {nx}", x.kind),
                        log_odds: 4.0,
                    });
                }
                weak_for = Some(Evidence {
                    field: "identifier",
                    detail: format!("same number {nx} ({} / {})", x.kind, y.kind),
                    log_odds: 2.0,
                });
            } else if same_kind
                && matches!((&x.country, &y.country), (Some(c), Some(d)) if c.eq_ignore_ascii_case(d))
            {
                against = Some(Evidence {
                    field: "identifier",
                    detail: format!("different {} numbers {nx} / {ny}", x.kind),
                    log_odds: -1.5,
                });
            }
        }
    }
    weak_for.or(against)
}

/// The most favourable pair of dates decides: a person with two recorded dates of birth
/// matches on either.
fn birth_date_evidence(a: &[PartialDate], b: &[PartialDate]) -> Option<Evidence> {
    let mut best: Option<Evidence> = None;
    for x in a {
        for y in b {
            let e = compare_dates(x, y);
            if best.as_ref().is_none_or(|b| e.log_odds > b.log_odds) {
                best = Some(e);
            }
        }
    }
    best
}

fn compare_dates(x: &PartialDate, y: &PartialDate) -> Evidence {
    let show = |d: &PartialDate| match (d.month, d.day) {
        (Some(m), Some(dd)) => format!("{:04}-{m:02}-{dd:02}", d.year),
        (Some(m), None) => format!("{:04}-{m:02}", d.year),
        _ => format!("{:04}", d.year),
    };
    let detail = format!("{} / {}", show(x), show(y));
    let gap = x.year.abs_diff(y.year);
    let log_odds = if gap == 0 {
        match ((x.month(), x.day()), (y.month(), y.day())) {
            ((Some(m1), Some(d1)), (Some(m2), Some(d2))) if m1 == m2 && d1 == d2 => 1.5,
            ((Some(m1), Some(d1)), (Some(m2), Some(d2))) if m1 == d2 && d1 == m2 => 1.0,
            ((Some(m1), Some(_)), (Some(m2), Some(_))) if m1 == m2 => 0.3,
            ((Some(_), Some(_)), (Some(_), Some(_))) => -1.0,
            ((Some(m1), _), (Some(m2), _)) if m1 == m2 => 1.0,
            ((Some(_), _), (Some(_), _)) => -0.5,
            _ => 0.7,
        }
    } else if gap == 1 {
        0.2
    } else if gap == 2 {
        0.0
    } else {
        (-0.6 * f64::from(gap - 2)).max(-3.0)
    };
    Evidence {
        field: "birth_date",
        detail,
        log_odds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(names: &[&str]) -> PersonProfile {
        PersonProfile {
            names: names.iter().map(|s| s.to_string()).collect(),
            ..PersonProfile::default()
        }
    }

    fn date(year: u16, month: Option<u8>, day: Option<u8>) -> PartialDate {
        PartialDate { year, month, day }
    }

    fn score(a: PersonProfile, b: PersonProfile) -> f64 {
        score_persons(&PreparedPerson::new(a), &PreparedPerson::new(b))
    }

    #[test]
    fn names_only_score_is_the_name_score() {
        let a = person(&["Usama bin Laden"]);
        let b = person(&["Osama bin Ladin"]);
        let name = crate::score("Usama bin Laden", "Osama bin Ladin");
        assert!((score(a, b) - name).abs() < 1e-9);
    }

    #[test]
    fn best_alias_pair_counts() {
        let a = person(&["John Smith", "Abu Mohammed"]);
        let b = person(&["Abou Mohamed"]);
        assert!(score(a, b) >= DEFAULT_THRESHOLD);
    }

    #[test]
    fn matching_birth_date_lifts_and_distant_one_sinks() {
        let base = crate::score("Ahmed Hassan", "Ahmad Hasan");
        let mut a = person(&["Ahmed Hassan"]);
        let mut b = person(&["Ahmad Hasan"]);
        a.birth_dates = vec![date(1975, Some(3), Some(12))];
        b.birth_dates = vec![date(1975, Some(3), Some(12))];
        assert!(score(a.clone(), b.clone()) > base);
        b.birth_dates = vec![date(1990, None, None)];
        assert!(score(a, b) < DEFAULT_THRESHOLD);
    }

    #[test]
    fn day_month_swap_and_placeholder_dates() {
        let e = compare_dates(&date(1980, Some(4), Some(7)), &date(1980, Some(7), Some(4)));
        assert!(e.log_odds > 0.5);
        let e = compare_dates(
            &date(1980, Some(1), Some(1)),
            &date(1980, Some(9), Some(23)),
        );
        assert!(e.log_odds > 0.5, "1 January is a placeholder for the year");
        let e = compare_dates(&date(1980, None, None), &date(1981, None, None));
        assert!(e.log_odds > 0.0);
        let e = compare_dates(&date(1960, None, None), &date(1980, None, None));
        assert_eq!(e.log_odds, -3.0);
    }

    #[test]
    fn identifiers_are_strong_evidence_both_ways() {
        let id = |n: &str| Identifier {
            kind: "passport".into(),
            country: Some("SYR".into()),
            number: n.into(),
        };
        let mut a = person(&["Khaled Ahmad"]);
        let mut b = person(&["Khalid Ahmed Salem"]);
        let base = score(a.clone(), b.clone());
        a.identifiers = vec![id("N 0123456")];
        b.identifiers = vec![id("n0123456")];
        assert!(score(a.clone(), b.clone()) > base.max(0.9));
        b.identifiers = vec![id("N9999999")];
        assert!(score(a, b) < base);
    }

    #[test]
    fn different_sex_is_evidence_against() {
        let mut a = person(&["Andrea Rossi"]);
        let mut b = person(&["Andrea Rossi"]);
        a.sex = Some(Sex::Male);
        b.sex = Some(Sex::Female);
        assert!(score(a, b) < DEFAULT_THRESHOLD);
    }

    #[test]
    fn empty_profiles_score_zero() {
        assert_eq!(score(PersonProfile::default(), person(&["A B"])), 0.0);
    }
}
