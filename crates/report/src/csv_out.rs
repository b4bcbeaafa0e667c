//! The figures as one flat CSV table, for spreadsheets and for archiving.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::figures::Figures;

/// Rows of `section,key,subkey,value`.
struct Rows(Vec<[String; 4]>);

impl Rows {
    fn push(
        &mut self,
        section: &str,
        key: impl Into<String>,
        subkey: impl Into<String>,
        value: impl ToString,
    ) {
        self.0.push([
            section.to_string(),
            key.into(),
            subkey.into(),
            value.to_string(),
        ]);
    }

    /// A row whose value is text a user wrote (names, currencies, sentences).
    fn text(
        &mut self,
        section: &str,
        key: impl Into<String>,
        subkey: impl Into<String>,
        value: &str,
    ) {
        self.push(section, key, subkey, neutralised(value));
    }
}

impl Figures {
    /// The figures as CSV: one header row `section,key,subkey,value`, then one row per figure.
    ///
    /// | section | key | subkey | value |
    /// |---|---|---|---|
    /// | `operation` | `code`, `name`, `starts_on`, `ends_on`, `days`, `coordinator` | | the value |
    /// | `operation` | `country`, `partner`, `focus` (one row each) | | the value |
    /// | `totals` | `as_of`, `searches`, `hits`, `confirmed_hits`, `rejected_hits`, `pending_hits`, `overdue_follow_ups`, `leads` | | the value |
    /// | `searches_by_database` | `persons`, `documents`, `vehicles`, `manifests` | | count |
    /// | `hits_by_database` | `documents`, `persons`, `vehicles` | | count |
    /// | `hits_by_notice` | notice kind (`red` …) | | count |
    /// | `foreign_terrorist_fighters` | `confirmed`, `detected` | | count |
    /// | `leads_by_category` | category (`terrorism` …) | | count |
    /// | `leads_by_status` | `open`, `active`, `closed` | | count |
    /// | `outcomes` | `arrests`, `documents_seized`, `vehicles_seized`, `firearms_seized`, `drugs_kg`, `invalid_values` | | quantity |
    /// | `outcomes` | `money` | currency | amount |
    /// | `by_site` | locode or `other` | `name`, `country`, `agency`, `searches`, `hits`, `confirmed_hits` | the value |
    /// | `by_day` | date (`YYYY-MM-DD`) | `in_period`, `searches`, `hits` | the value |
    /// | `by_site_hour` | locode or `other` | start of the hour (RFC 3339) | searches |
    /// | `headlines` | 1, 2, … | | the sentence |
    ///
    /// Text a user wrote that a spreadsheet would run as a formula (starting with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return) is prefixed with `'`, so opening the file never
    /// executes anything.
    pub fn to_csv(&self) -> String {
        let mut rows = Rows(Vec::new());
        self.operation_rows(&mut rows);
        self.total_rows(&mut rows);
        self.breakdown_rows(&mut rows);
        self.outcome_rows(&mut rows);
        self.place_and_time_rows(&mut rows);
        for (i, h) in self.headlines.iter().enumerate() {
            rows.text("headlines", (i + 1).to_string(), "", h);
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = ["section", "key", "subkey", "value"];
        let written = std::iter::once(header.map(String::from))
            .chain(rows.0)
            .try_for_each(|row| writer.write_record(&row));
        // Writing to memory only fails on a bug; an empty table says so without panicking.
        match written.ok().and_then(|()| writer.into_inner().ok()) {
            Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            None => "section,key,subkey,value\n".to_string(),
        }
    }

    fn operation_rows(&self, rows: &mut Rows) {
        let op = &self.operation;
        rows.text("operation", "code", "", &op.code);
        rows.text("operation", "name", "", &op.name);
        rows.push("operation", "starts_on", "", op.period.starts_on);
        rows.push("operation", "ends_on", "", op.period.ends_on);
        rows.push("operation", "days", "", op.period.days);
        rows.push("operation", "coordinator", "", &op.coordinator);
        for c in &op.countries {
            rows.push("operation", "country", "", c);
        }
        for p in &op.partners {
            rows.push("operation", "partner", "", p);
        }
        for f in &op.focus {
            rows.push("operation", "focus", "", snake(f));
        }
    }

    fn total_rows(&self, rows: &mut Rows) {
        rows.push("totals", "as_of", "", rfc3339(self.as_of));
        let totals = [
            ("searches", self.searches),
            ("hits", self.hits),
            ("confirmed_hits", self.confirmed_hits),
            ("rejected_hits", self.rejected_hits),
            ("pending_hits", self.pending_hits),
            ("overdue_follow_ups", self.overdue_follow_ups),
            ("leads", self.leads),
        ];
        for (key, n) in totals {
            rows.push("totals", key, "", n);
        }
    }

    fn breakdown_rows(&self, rows: &mut Rows) {
        let s = &self.searches_by_database;
        for (key, n) in [
            ("persons", s.persons),
            ("documents", s.documents),
            ("vehicles", s.vehicles),
            ("manifests", s.manifests),
        ] {
            rows.push("searches_by_database", key, "", n);
        }
        let h = &self.hits_by_database;
        for (key, n) in [
            ("documents", h.documents),
            ("persons", h.persons),
            ("vehicles", h.vehicles),
        ] {
            rows.push("hits_by_database", key, "", n);
        }
        for (kind, n) in &self.hits_by_notice {
            rows.push("hits_by_notice", snake(kind), "", n);
        }
        let f = &self.foreign_terrorist_fighters;
        rows.push("foreign_terrorist_fighters", "confirmed", "", f.confirmed);
        rows.push("foreign_terrorist_fighters", "detected", "", f.detected);
        for (category, n) in &self.leads_by_category {
            rows.push("leads_by_category", snake(category), "", n);
        }
        let l = &self.leads_by_status;
        for (key, n) in [("open", l.open), ("active", l.active), ("closed", l.closed)] {
            rows.push("leads_by_status", key, "", n);
        }
    }

    fn outcome_rows(&self, rows: &mut Rows) {
        let o = &self.outcomes;
        for (key, n) in [
            ("arrests", o.arrests),
            ("documents_seized", o.documents_seized),
            ("vehicles_seized", o.vehicles_seized),
            ("firearms_seized", o.firearms_seized),
        ] {
            rows.push("outcomes", key, "", n);
        }
        rows.push("outcomes", "drugs_kg", "", o.drugs_kg);
        for (currency, amount) in &o.money {
            rows.push("outcomes", "money", neutralised(currency), amount);
        }
        rows.push("outcomes", "invalid_values", "", o.invalid_values);
    }

    fn place_and_time_rows(&self, rows: &mut Rows) {
        for s in &self.by_site {
            rows.text("by_site", &s.locode, "name", &s.name);
            let country = s.country.map(|c| c.to_string()).unwrap_or_default();
            let agency = s.agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
            rows.push("by_site", &s.locode, "country", country);
            rows.push("by_site", &s.locode, "agency", agency);
            rows.push("by_site", &s.locode, "searches", s.searches);
            rows.push("by_site", &s.locode, "hits", s.hits);
            rows.push("by_site", &s.locode, "confirmed_hits", s.confirmed_hits);
        }
        for d in &self.by_day {
            let date = d.date.to_string();
            rows.push("by_day", &date, "in_period", d.in_period);
            rows.push("by_day", &date, "searches", d.searches);
            rows.push("by_day", &date, "hits", d.hits);
        }
        for site in &self.by_site_hour {
            for h in &site.hours {
                rows.push("by_site_hour", &site.site, rfc3339(h.hour), h.searches);
            }
        }
    }
}

/// A value's serde name (`terrorism`, `red`): the same words as the JSON.
fn snake<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Text that a spreadsheet would take for a formula gets a leading `'`.
fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_kept() {
        assert_eq!(neutralised("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralised("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralised("-2+3"), "'-2+3");
        assert_eq!(neutralised("Tanger Med"), "Tanger Med");
    }
}
