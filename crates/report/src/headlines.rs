//! The headline sentences, in the style of INTERPOL's operation press releases: "Operation
//! Neptune II ran for 47 days at 7 sites in 6 countries. More than 1.2 million searches were
//! made …".

use portwatch_model::{Category, NoticeKind};
use time::Date;

use crate::figures::{Figures, Outcomes};
use crate::numbers::{approximately, capitalised, counted, decimal, listed};

impl Figures {
    /// The headline sentences as INTERPOL publishes them, recomputed from the figures.
    ///
    /// Counts are rounded down honestly ([`approximately`]: exact below 1,000, "more than 1.2
    /// million" for 1,204,321). Sentences about foreign terrorist fighters, leads and
    /// outcomes appear only when there is something to say.
    pub fn headlines(&self) -> Vec<String> {
        let mut out = vec![self.run_sentence(), self.searches_sentence()];
        out.push(self.hits_sentence());
        out.extend(self.ftf_sentence());
        out.extend(self.leads_sentence());
        out.extend(outcomes_sentence(&self.outcomes));
        out
    }

    /// "Operation Neptune II ran for 47 days at 7 sites in 6 countries." — or "is running"
    /// / "is to run" when `as_of` falls inside or before the period.
    fn run_sentence(&self) -> String {
        let op = &self.operation;
        let name = operation_title(&op.name);
        let days = u64::from(op.period.days);
        let days = counted(&days.to_string(), days, "day", "days");
        let mut place = String::new();
        let sites = self.by_site.iter().filter(|s| s.country.is_some()).count() as u64;
        if sites > 0 {
            place += &format!(
                " at {}",
                counted(&sites.to_string(), sites, "site", "sites")
            );
        }
        let mut countries = op.countries.clone();
        countries.sort_unstable();
        countries.dedup();
        let n = countries.len() as u64;
        if n > 0 {
            place += &format!(" in {}", counted(&n.to_string(), n, "country", "countries"));
        }
        let today = self.as_of.date();
        if today > op.period.ends_on {
            format!("{name} ran for {days}{place}.")
        } else if today < op.period.starts_on {
            format!(
                "{name} is to run for {days}{place}, from {}.",
                long_date(op.period.starts_on)
            )
        } else {
            let day = (today - op.period.starts_on).whole_days() + 1;
            format!("{name} is running for {days}{place} and is on day {day}.")
        }
    }

    /// "More than 1.2 million searches were made against the databases of stolen and lost
    /// travel documents, nominal data and stolen motor vehicles."
    fn searches_sentence(&self) -> String {
        let s = &self.searches_by_database;
        if self.searches == 0 {
            return "No searches were recorded.".to_string();
        }
        let all = s.manifests > 0;
        // A traveller's screening also checks the document shown (see SearchesByDatabase).
        let databases: Vec<String> = [
            (s.documents + s.persons, "stolen and lost travel documents"),
            (s.persons, "nominal data"),
            (s.vehicles, "stolen motor vehicles"),
        ]
        .into_iter()
        .filter(|&(n, _)| all || n > 0)
        .map(|(_, label)| label.to_string())
        .collect();
        let subject = counted(
            &approximately(self.searches),
            self.searches,
            "search",
            "searches",
        );
        let verb = if self.searches == 1 { "was" } else { "were" };
        let mut sentence = format!(
            "{} {verb} made against the databases of {}",
            capitalised(&subject),
            listed(&databases)
        );
        if all {
            let m = counted(
                &approximately(s.manifests),
                s.manifests,
                "manifest",
                "manifests",
            );
            sentence += &format!(", including {m} of passengers and vehicles");
        }
        sentence + "."
    }

    /// "More than 2,300 hits were found: 1,234 confirmed by the records' owners, …".
    fn hits_sentence(&self) -> String {
        if self.hits == 0 {
            return "No hits were found.".to_string();
        }
        let subject = counted(&approximately(self.hits), self.hits, "hit", "hits");
        let verb = if self.hits == 1 { "was" } else { "were" };
        let mut sentence = format!(
            "{} {verb} found: {} confirmed by the records' owners, {} rejected as {} and {} \
             awaiting an answer",
            capitalised(&subject),
            approximately(self.confirmed_hits),
            approximately(self.rejected_hits),
            if self.rejected_hits == 1 {
                "a false match"
            } else {
                "false matches"
            },
            approximately(self.pending_hits),
        );
        if self.overdue_follow_ups > 0 {
            sentence += &format!(
                " ({} past the deadline)",
                approximately(self.overdue_follow_ups)
            );
        }
        sentence + "."
    }

    /// "13 suspected foreign terrorist fighters were detected, 12 of them confirmed."
    fn ftf_sentence(&self) -> Option<String> {
        let f = self.foreign_terrorist_fighters;
        if f.detected == 0 {
            return None;
        }
        let subject = counted(
            &approximately(f.detected),
            f.detected,
            "suspected foreign terrorist fighter was",
            "suspected foreign terrorist fighters were",
        );
        let confirmed = if f.detected == 1 {
            if f.confirmed == 1 {
                "confirmed"
            } else {
                "not yet confirmed"
            }
            .to_string()
        } else {
            format!("{} of them confirmed", approximately(f.confirmed))
        };
        Some(format!("{} detected, {confirmed}.", capitalised(&subject)))
    }

    /// "The operation opened 31 investigative leads (13 on terrorism), targeting human
    /// trafficking, migrant smuggling, firearms and narcotics."
    fn leads_sentence(&self) -> Option<String> {
        if self.leads == 0 {
            return None;
        }
        let leads = counted(
            &approximately(self.leads),
            self.leads,
            "investigative lead",
            "investigative leads",
        );
        let mut sentence = format!("The operation opened {leads}");
        let terrorism = self
            .leads_by_category
            .get(&Category::Terrorism)
            .copied()
            .unwrap_or(0);
        if terrorism == self.leads {
            sentence += if self.leads == 1 {
                ", on terrorism"
            } else {
                ", all on terrorism"
            };
            return Some(sentence + ".");
        }
        if terrorism > 0 {
            sentence += &format!(" ({} on terrorism)", approximately(terrorism));
        }
        let others: Vec<String> = self
            .leads_by_category
            .iter()
            .filter(|&(&c, &n)| c != Category::Terrorism && n > 0)
            .map(|(&c, _)| category_label(c).to_string())
            .collect();
        if !others.is_empty() {
            let joiner = if terrorism > 0 {
                ", also targeting"
            } else {
                ", targeting"
            };
            sentence += &format!("{joiner} {}", listed(&others));
        }
        Some(sentence + ".")
    }
}

/// "Follow-up led to 5 arrests and the seizure of 12 travel documents, 40.5 kg of drugs and
/// 10,000 EUR."
fn outcomes_sentence(o: &Outcomes) -> Option<String> {
    if o.is_empty() {
        return None;
    }
    let count =
        |n: u64, one: &str, many: &str| (n > 0).then(|| counted(&approximately(n), n, one, many));
    let mut seized: Vec<String> = [
        count(o.documents_seized, "travel document", "travel documents"),
        count(o.vehicles_seized, "vehicle", "vehicles"),
        count(o.firearms_seized, "firearm", "firearms"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if o.drugs_kg > 0.0 {
        seized.push(format!("{} kg of drugs", decimal(o.drugs_kg, 1)));
    }
    seized.extend(
        o.money
            .iter()
            .filter(|&(_, &amount)| amount > 0.0)
            .map(|(currency, &amount)| format!("{} {currency}", decimal(amount, 2))),
    );
    let mut parts = Vec::new();
    parts.extend(count(o.arrests, "arrest", "arrests"));
    if !seized.is_empty() {
        parts.push(format!("the seizure of {}", listed(&seized)));
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!("Follow-up led to {}.", parts.join(" and ")))
}

/// "Operation Neptune II" for an operation named "Neptune II" (or "Operation Neptune II").
pub(crate) fn operation_title(name: &str) -> String {
    if name.to_lowercase().starts_with("operation ") {
        name.to_string()
    } else {
        format!("Operation {name}")
    }
}

/// A category as a report writes it: "human trafficking".
pub(crate) fn category_label(c: Category) -> &'static str {
    match c {
        Category::Terrorism => "terrorism",
        Category::HumanTrafficking => "human trafficking",
        Category::MigrantSmuggling => "migrant smuggling",
        Category::Firearms => "firearms",
        Category::Narcotics => "narcotics",
        Category::StolenVehicles => "stolen vehicles",
        Category::DocumentFraud => "document fraud",
    }
}

/// A notice kind as a report writes it: "Red", "INTERPOL–UN Special".
pub(crate) fn notice_label(n: NoticeKind) -> &'static str {
    match n {
        NoticeKind::Red => "Red",
        NoticeKind::Blue => "Blue",
        NoticeKind::Yellow => "Yellow",
        NoticeKind::Green => "Green",
        NoticeKind::Orange => "Orange",
        NoticeKind::Purple => "Purple",
        NoticeKind::Black => "Black",
        NoticeKind::Silver => "Silver",
        NoticeKind::InterpolUnSpecial => "INTERPOL–UN Special",
    }
}

/// "24 July 2019".
pub(crate) fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_operation_is_named_once() {
        assert_eq!(operation_title("Neptune II"), "Operation Neptune II");
        assert_eq!(
            operation_title("Operation Neptune II"),
            "Operation Neptune II"
        );
        assert_eq!(operation_title("Operationally"), "Operation Operationally");
    }

    #[test]
    fn dates_are_written_out() {
        assert_eq!(long_date(date!(2019 - 07 - 24)), "24 July 2019");
    }
}
