//! The published report: one self-contained HTML page.
//!
//! Inline CSS, inline SVG, no script, no external request (no CDN, no web font): the page can
//! be mailed, archived, printed and opened on an air-gapped machine. Accessible: `lang`,
//! one `h1` and ordered headings, every chart an image with a title and a description, and
//! its data in a captioned table with row and column headers.

use std::fmt::Write;

use crate::csv_out::rfc3339;
use crate::figures::{Figures, SiteFigures};
use crate::headlines::{category_label, long_date, notice_label, operation_title};
use crate::numbers::{decimal, grouped};
use crate::svg::{self, Labels, Series, HIT_COLOUR, SEARCH_COLOUR};

/// `text` made safe inside HTML or SVG text and attribute values: `& < > " '` become
/// entities, and control characters (which HTML forbids) become U+FFFD.
///
/// Operation and site names come from users: everything written into the page goes through
/// here.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
:root{color:#1a1a1a;background:#fff;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;line-height:1.45}
body{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.8rem;margin:0 0 .25rem}
h2{font-size:1.35rem;border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#3d3d3d;margin:0}
.headlines{font-size:1.1rem;padding-left:1.2rem}
.headlines li{margin:.3rem 0}
table{border-collapse:collapse;margin:1rem 0 1.5rem;min-width:20rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #8a8a8a;padding:.25rem .6rem;text-align:left;vertical-align:top}
thead th{background:#e8eef5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.5rem 0}
figcaption{font-weight:bold;margin-bottom:.4rem}
svg.chart{height:auto;max-width:100%}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
footer{margin-top:2rem;border-top:1px solid #8a8a8a;padding-top:.5rem;color:#3d3d3d}
a{color:#1f4e79}
@media print{body{max-width:none;padding:0}h2{break-after:avoid}table,figure{break-inside:avoid}a{color:inherit;text-decoration:none}}
@page{margin:1.5cm}
";

/// A captioned table: a header row, then rows whose first cell is the row's header.
struct Table<'a> {
    id: &'a str,
    caption: &'a str,
    columns: &'a [&'a str],
    rows: Vec<Vec<Cell>>,
}

enum Cell {
    Text(String),
    Num(String),
}

fn num(n: u64) -> Cell {
    Cell::Num(grouped(n))
}

impl Table<'_> {
    fn render(&self, out: &mut String) {
        let _ = write!(
            out,
            "<table id=\"{}\"><caption>{}</caption><thead><tr>",
            escape(self.id),
            escape(self.caption)
        );
        for c in self.columns {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(c));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let _ = match (i, cell) {
                    (0, Cell::Text(t) | Cell::Num(t)) => {
                        write!(out, "<th scope=\"row\">{}</th>", escape(t))
                    }
                    (_, Cell::Text(t)) => write!(out, "<td>{}</td>", escape(t)),
                    (_, Cell::Num(t)) => write!(out, "<td class=\"num\">{}</td>", escape(t)),
                };
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
}

impl Figures {
    /// One self-contained HTML page: the headlines at the top, then the figures tables, then
    /// the charts (searches by day, searches and hits by site, hits by database, leads by
    /// category) as inline SVG, each pointing to the table of its data, and the moment the
    /// figures were taken.
    pub fn to_html(&self) -> String {
        let op = &self.operation;
        let title = format!("{} ({}): figures", operation_title(&op.name), op.code);
        let mut out = String::with_capacity(64 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{}</title><style>{STYLE}</style></head><body>",
            escape(&title)
        );
        self.html_header(&mut out);
        out.push_str("<main>");
        self.html_headlines(&mut out);
        self.html_tables(&mut out);
        self.html_charts(&mut out);
        out.push_str("</main>");
        let _ = writeln!(
            out,
            "<footer><p>Figures as of <time datetime=\"{0}\">{0}</time> (UTC); overdue \
             follow-ups are judged at that moment. Generated by portwatch.</p></footer>\
             </body></html>",
            escape(&rfc3339(self.as_of))
        );
        out
    }

    fn html_header(&self, out: &mut String) {
        let op = &self.operation;
        let countries: Vec<String> = op.countries.iter().map(|c| c.to_string()).collect();
        let mut meta = format!(
            "{} to {} ({} days) · countries: {} · coordinated by {}",
            long_date(op.period.starts_on),
            long_date(op.period.ends_on),
            op.period.days,
            countries.join(", "),
            op.coordinator
        );
        if !op.partners.is_empty() {
            let partners: Vec<String> = op.partners.iter().map(|p| p.to_string()).collect();
            meta += &format!(" · partners: {}", partners.join(", "));
        }
        let _ = write!(
            out,
            "<header><h1>{}</h1><p class=\"meta\">Code {} · {}</p></header>",
            escape(&operation_title(&op.name)),
            escape(&op.code),
            escape(&meta)
        );
    }

    fn html_headlines(&self, out: &mut String) {
        out.push_str(
            "<section aria-labelledby=\"h-headlines\"><h2 id=\"h-headlines\">Headlines</h2>\
             <ul class=\"headlines\">",
        );
        for h in &self.headlines {
            let _ = write!(out, "<li>{}</li>", escape(h));
        }
        out.push_str("</ul></section>");
    }

    fn html_tables(&self, out: &mut String) {
        out.push_str("<section aria-labelledby=\"h-figures\"><h2 id=\"h-figures\">Figures</h2>");
        for table in [
            self.totals_table(),
            self.searches_table(),
            self.hits_table(),
            self.notices_table(),
            self.sites_table(),
            self.categories_table(),
            self.statuses_table(),
            self.outcomes_table(),
            self.days_table(),
        ]
        .into_iter()
        .flatten()
        {
            table.render(out);
        }
        out.push_str("</section>");
    }

    fn totals_table(&self) -> Option<Table<'static>> {
        let f = self.foreign_terrorist_fighters;
        let rows = [
            ("Searches", self.searches),
            ("Hits", self.hits),
            ("Confirmed hits", self.confirmed_hits),
            ("Rejected hits (false matches)", self.rejected_hits),
            ("Pending hits (awaiting the owner)", self.pending_hits),
            ("Overdue follow-ups", self.overdue_follow_ups),
            (
                "Suspected foreign terrorist fighters detected (hits not rejected)",
                f.detected,
            ),
            ("Foreign terrorist fighters (confirmed hits)", f.confirmed),
            ("Investigative leads", self.leads),
        ];
        Some(Table {
            id: "t-totals",
            caption: "Totals",
            columns: &["Figure", "Count"],
            rows: rows
                .into_iter()
                .map(|(k, n)| vec![Cell::Text(k.into()), num(n)])
                .collect(),
        })
    }

    fn searches_table(&self) -> Option<Table<'static>> {
        let s = self.searches_by_database;
        let rows = [
            (
                "Travellers (nominal data, and SLTD for the document shown)",
                s.persons,
            ),
            ("Travel documents alone (SLTD)", s.documents),
            ("Vehicles (SMV)", s.vehicles),
            ("Manifests (one search each, all databases)", s.manifests),
            ("Total", s.total()),
        ];
        Some(Table {
            id: "t-searches-db",
            caption: "Searches by database",
            columns: &["Database", "Searches"],
            rows: rows
                .into_iter()
                .map(|(k, n)| vec![Cell::Text(k.into()), num(n)])
                .collect(),
        })
    }

    fn hits_rows(&self) -> [(&'static str, u64); 3] {
        let h = self.hits_by_database;
        [
            ("Travel documents (SLTD)", h.documents),
            ("Persons (nominal data)", h.persons),
            ("Vehicles (SMV)", h.vehicles),
        ]
    }

    fn hits_table(&self) -> Option<Table<'static>> {
        let mut rows: Vec<Vec<Cell>> = self
            .hits_rows()
            .into_iter()
            .map(|(k, n)| vec![Cell::Text(k.into()), num(n)])
            .collect();
        rows.push(vec![Cell::Text("Total".into()), num(self.hits)]);
        Some(Table {
            id: "t-hits-db",
            caption: "Hits by database",
            columns: &["Database", "Hits"],
            rows,
        })
    }

    fn notices_table(&self) -> Option<Table<'static>> {
        (!self.hits_by_notice.is_empty()).then(|| Table {
            id: "t-notices",
            caption: "Hits on records with a notice (a hit counts under each of its notices)",
            columns: &["Notice", "Hits"],
            rows: self
                .hits_by_notice
                .iter()
                .map(|(&k, &n)| vec![Cell::Text(notice_label(k).into()), num(n)])
                .collect(),
        })
    }

    fn sites_table(&self) -> Option<Table<'static>> {
        let row = |s: &SiteFigures| {
            vec![
                Cell::Text(s.name.clone()),
                Cell::Text(if s.locode == crate::OTHER_SITE {
                    "—".into()
                } else {
                    s.locode.clone()
                }),
                Cell::Text(
                    s.country
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::Text(
                    s.agency
                        .as_ref()
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "—".into()),
                ),
                num(s.searches),
                num(s.hits),
                num(s.confirmed_hits),
            ]
        };
        Some(Table {
            id: "t-sites",
            caption: "Searches and hits by site",
            columns: &[
                "Site",
                "UN/LOCODE",
                "Country",
                "Border post",
                "Searches",
                "Hits",
                "Confirmed hits",
            ],
            rows: self
                .by_site
                .iter()
                .map(row)
                .chain(std::iter::once(vec![
                    Cell::Text("Total".into()),
                    Cell::Text(String::new()),
                    Cell::Text(String::new()),
                    Cell::Text(String::new()),
                    num(self.searches),
                    num(self.hits),
                    num(self.confirmed_hits),
                ]))
                .collect(),
        })
    }

    fn categories_table(&self) -> Option<Table<'static>> {
        Some(Table {
            id: "t-categories",
            caption: "Investigative leads by category",
            columns: &["Category", "Leads"],
            rows: self
                .leads_by_category
                .iter()
                .map(|(&c, &n)| vec![Cell::Text(capital(category_label(c))), num(n)])
                .collect(),
        })
    }

    fn statuses_table(&self) -> Option<Table<'static>> {
        let l = self.leads_by_status;
        Some(Table {
            id: "t-statuses",
            caption: "Investigative leads by status",
            columns: &["Status", "Leads"],
            rows: [("Open", l.open), ("Active", l.active), ("Closed", l.closed)]
                .into_iter()
                .map(|(k, n)| vec![Cell::Text(k.into()), num(n)])
                .collect(),
        })
    }

    fn outcomes_table(&self) -> Option<Table<'static>> {
        let o = &self.outcomes;
        let mut rows: Vec<Vec<Cell>> = [
            ("Arrests", o.arrests),
            ("Travel documents seized", o.documents_seized),
            ("Vehicles seized", o.vehicles_seized),
            ("Firearms seized", o.firearms_seized),
        ]
        .into_iter()
        .map(|(k, n)| vec![Cell::Text(k.into()), num(n)])
        .collect();
        rows.push(vec![
            Cell::Text("Drugs seized (kg)".into()),
            Cell::Num(decimal(o.drugs_kg, 3)),
        ]);
        for (currency, amount) in &o.money {
            rows.push(vec![
                Cell::Text(format!("Money seized ({currency})")),
                Cell::Num(decimal(*amount, 2)),
            ]);
        }
        if o.invalid_values > 0 {
            rows.push(vec![
                Cell::Text("Outcomes left out (negative or not a number)".into()),
                num(o.invalid_values),
            ]);
        }
        Some(Table {
            id: "t-outcomes",
            caption: "Outcomes of the leads",
            columns: &["Outcome", "Quantity"],
            rows,
        })
    }

    fn days_table(&self) -> Option<Table<'static>> {
        Some(Table {
            id: "t-days",
            caption: "Searches and hits by day (UTC)",
            columns: &["Day", "Searches", "Hits"],
            rows: self
                .by_day
                .iter()
                .map(|d| {
                    let mut day = d.date.to_string();
                    if !d.in_period {
                        day += " (outside the period)";
                    }
                    vec![Cell::Text(day), num(d.searches), num(d.hits)]
                })
                .collect(),
        })
    }

    fn html_charts(&self, out: &mut String) {
        out.push_str("<section aria-labelledby=\"h-charts\"><h2 id=\"h-charts\">Charts</h2>");
        let days: Vec<(String, u64)> = self
            .by_day
            .iter()
            .map(|d| {
                (
                    format!("{} {}", d.date.day(), month_abbr(d.date)),
                    d.searches,
                )
            })
            .collect();
        let chart = svg::columns(
            &Labels { id: "c-days", title: "Searches by day", desc: "Column chart of the searches made each day (UTC); the data is in the table “Searches and hits by day”." },
            "Day (UTC)",
            "Searches",
            &days,
        );
        figure(
            out,
            "Searches by day",
            "t-days",
            "Searches and hits by day",
            &chart,
        );

        let sites: Vec<String> = self.by_site.iter().map(|s| s.name.clone()).collect();
        let chart = svg::bars(
            &Labels { id: "c-sites", title: "Searches and hits by site", desc: "Bar chart of the searches and the hits at each site, each on its own scale; the data is in the table “Searches and hits by site”." },
            &sites,
            &[
                Series { name: "Searches", colour: SEARCH_COLOUR, values: self.by_site.iter().map(|s| s.searches).collect() },
                Series { name: "Hits", colour: HIT_COLOUR, values: self.by_site.iter().map(|s| s.hits).collect() },
            ],
        );
        figure(
            out,
            "Searches and hits by site",
            "t-sites",
            "Searches and hits by site",
            &chart,
        );

        let (names, values): (Vec<String>, Vec<u64>) = self
            .hits_rows()
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .unzip();
        let chart = svg::bars(
            &Labels { id: "c-hits-db", title: "Hits by database", desc: "Bar chart of the hits in each database; the data is in the table “Hits by database”." },
            &names,
            &[Series { name: "Hits", colour: HIT_COLOUR, values }],
        );
        figure(
            out,
            "Hits by database",
            "t-hits-db",
            "Hits by database",
            &chart,
        );

        let (names, values): (Vec<String>, Vec<u64>) = self
            .leads_by_category
            .iter()
            .map(|(&c, &n)| (capital(category_label(c)), n))
            .unzip();
        let chart = svg::bars(
            &Labels { id: "c-categories", title: "Investigative leads by category", desc: "Bar chart of the investigative leads in each category; the data is in the table “Investigative leads by category”." },
            &names,
            &[Series { name: "Leads", colour: SEARCH_COLOUR, values }],
        );
        figure(
            out,
            "Investigative leads by category",
            "t-categories",
            "Investigative leads by category",
            &chart,
        );
        out.push_str("</section>");
    }
}

/// A chart in a `<figure>`, its caption linking to the table of its data.
fn figure(out: &mut String, caption: &str, table_id: &str, table_caption: &str, chart: &str) {
    let _ = write!(
        out,
        "<figure><figcaption>{} <span class=\"meta\">(data: <a href=\"#{}\">table “{}”</a>)</span>\
         </figcaption>{chart}</figure>",
        escape(caption),
        escape(table_id),
        escape(table_caption)
    );
}

fn capital(s: &str) -> String {
    crate::numbers::capitalised(s)
}

fn month_abbr(d: time::Date) -> String {
    d.month().to_string().chars().take(3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_defuses_markup_quotes_and_ampersands() {
        assert_eq!(
            escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("\"a\" & b"), "&quot;a&quot; &amp; b");
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("Tanger Med — طنجة"), "Tanger Med — طنجة");
        assert_eq!(escape("a\u{0}b"), "a\u{FFFD}b");
    }
}
