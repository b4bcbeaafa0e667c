//! Publishing the figures: headline sentences, JSON, CSV and the HTML page.

mod common;

use std::collections::HashMap;

use common::*;
use portwatch_model::{Category, Operation};
use portwatch_report::{Figures, FiguresBuilder};
use time::macros::datetime;

/// Neptune II as it ran: 24 July to 8 September 2019, seven seaports in six countries.
fn neptune() -> Operation {
    let site = |locode: &str, name: &str, country: &str| {
        serde_json::json!({"locode": locode, "name": name, "country": country,
                           "agency": format!("bp-{}", locode.to_lowercase())})
    };
    serde_json::from_value(serde_json::json!({
        "id": OP_ID, "code": "NEPTUNE-II", "name": "Neptune II",
        "starts_on": "2019-07-24", "ends_on": "2019-09-08",
        "countries": ["DZA", "ESP", "FRA", "ITA", "MAR", "TUN"],
        "sites": [
            site("DZALG", "Algiers", "DZA"), site("ESALG", "Algeciras", "ESP"),
            site("ESVLC", "Valencia", "ESP"), site("FRMRS", "Marseille", "FRA"),
            site("ITGOA", "Genoa", "ITA"), site("MAPTM", "Tanger Med", "MAR"),
            site("TNTUN", "Tunis", "TUN")
        ],
        "focus": ["terrorism"],
        "coordinator": "gs-lyon"
    }))
    .expect("Neptune II is a valid operation")
}

#[test]
fn the_first_headline_says_how_long_where_and_in_which_tense() {
    let op = neptune();
    let at = |moment| FiguresBuilder::new(&op).finish(moment).headlines()[0].clone();
    assert_eq!(
        at(datetime!(2019-09-09 00:00 UTC)),
        "Operation Neptune II ran for 47 days at 7 sites in 6 countries."
    );
    assert_eq!(
        at(datetime!(2019-07-25 10:00 UTC)),
        "Operation Neptune II is running for 47 days at 7 sites in 6 countries and is on day 2."
    );
    assert_eq!(
        at(datetime!(2019-07-01 10:00 UTC)),
        "Operation Neptune II is to run for 47 days at 7 sites in 6 countries, from 24 July 2019."
    );
}

#[test]
fn headline_counts_are_rounded_down_honestly() {
    let mut f = FiguresBuilder::new(&neptune()).finish(datetime!(2019-09-09 00:00 UTC));
    f.searches = 1_204_321;
    f.searches_by_database.persons = 1_204_321;
    f.leads = 31;
    f.leads_by_category.insert(Category::Terrorism, 13);
    f.leads_by_category.insert(Category::HumanTrafficking, 10);
    f.leads_by_category.insert(Category::Narcotics, 8);
    let h = f.headlines();
    assert_eq!(
        h[1],
        "More than 1.2 million searches were made against the databases of stolen and lost travel documents and nominal data."
    );
    assert_eq!(
        h[3],
        "The operation opened 31 investigative leads (13 on terrorism), also targeting human \
         trafficking and narcotics."
    );
}

#[test]
fn headlines_say_what_the_synthetic_operation_did() {
    let h = synthetic_figures().headlines();
    assert_eq!(
        h,
        [
            "Operation Neptune II ran for 5 days at 3 sites in 3 countries.",
            "18 searches were made against the databases of stolen and lost travel documents, \
             nominal data and stolen motor vehicles, including 1 manifest of passengers and \
             vehicles.",
            "6 hits were found: 3 confirmed by the records' owners, 1 rejected as a false match \
             and 2 awaiting an answer (1 past the deadline).",
            "2 suspected foreign terrorist fighters were detected, 1 of them confirmed.",
            "The operation opened 3 investigative leads (1 on terrorism), also targeting human \
             trafficking and narcotics.",
            "Follow-up led to 2 arrests and the seizure of 3 travel documents, 40.5 kg of drugs \
             and 10,000 EUR.",
        ]
    );
    assert_eq!(synthetic_figures().headlines, h, "stored as computed");
}

#[test]
fn an_operation_without_activity_says_so() {
    let f = FiguresBuilder::new(&operation()).finish(as_of());
    let h = f.headlines();
    assert_eq!(
        &h[1..],
        ["No searches were recorded.", "No hits were found."]
    );
}

#[test]
fn json_has_the_required_keys_and_reads_back() {
    let f = synthetic_figures();
    let json = f.to_json();
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    for key in [
        "operation",
        "as_of",
        "searches",
        "searches_by_database",
        "hits",
        "hits_by_database",
        "confirmed_hits",
        "rejected_hits",
        "pending_hits",
        "overdue_follow_ups",
        "foreign_terrorist_fighters",
        "leads",
        "leads_by_category",
        "leads_by_status",
        "outcomes",
        "by_site",
        "by_day",
        "by_site_hour",
        "headlines",
    ] {
        assert!(value.get(key).is_some(), "missing top-level key {key}");
    }
    for key in ["code", "name", "period", "countries", "sites"] {
        assert!(
            value["operation"].get(key).is_some(),
            "missing operation.{key}"
        );
    }
    assert_eq!(value["as_of"], "2019-07-29T12:00:00Z");
    assert_eq!(value["operation"]["period"]["starts_on"], "2019-07-24");
    assert_eq!(value["leads_by_category"]["human_trafficking"], 1);
    assert_eq!(value["by_site"][3]["locode"], "other");
    let back: Figures = serde_json::from_str(&json).expect("figures read back");
    assert_eq!(back, f);
}

#[test]
fn csv_reads_back_and_its_totals_equal_the_json() {
    let f = synthetic_figures();
    let json: serde_json::Value = serde_json::from_str(&f.to_json()).expect("JSON");
    let csv_text = f.to_csv();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().expect("header row"),
        vec!["section", "key", "subkey", "value"]
    );
    let rows: Vec<[String; 4]> = reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed row");
            assert_eq!(r.len(), 4, "every row has four fields");
            [0, 1, 2, 3].map(|i| r[i].to_string())
        })
        .collect();
    let cell: HashMap<(&str, &str, &str), &str> = rows
        .iter()
        .map(|[s, k, sk, v]| ((s.as_str(), k.as_str(), sk.as_str()), v.as_str()))
        .collect();
    let n = |key: (&str, &str, &str)| -> u64 { cell[&key].parse().expect("a count") };
    for key in [
        "searches",
        "hits",
        "confirmed_hits",
        "rejected_hits",
        "pending_hits",
        "overdue_follow_ups",
        "leads",
    ] {
        assert_eq!(n(("totals", key, "")), json[key].as_u64().unwrap(), "{key}");
    }
    let sum = |section: &str, subkey: &str| -> u64 {
        rows.iter()
            .filter(|r| r[0] == section && r[2] == subkey)
            .map(|r| r[3].parse::<u64>().expect("a count"))
            .sum()
    };
    assert_eq!(sum("by_site", "searches"), f.searches);
    assert_eq!(sum("by_site", "hits"), f.hits);
    assert_eq!(sum("by_day", "searches"), f.searches);
    assert_eq!(sum("by_day", "hits"), f.hits);
    assert_eq!(sum("searches_by_database", ""), f.searches);
    assert_eq!(sum("hits_by_database", ""), f.hits);
    assert_eq!(cell[&("totals", "as_of", "")], json["as_of"]);
    assert_eq!(cell[&("operation", "code", "")], "NEPTUNE-II");
    assert_eq!(cell[&("by_site", "MAPTM", "name")], "Tanger Med");
    assert_eq!(cell[&("outcomes", "money", "EUR")], "10000");
    assert_eq!(cell[&("outcomes", "drugs_kg", "")], "40.5");
    assert_eq!(cell[&("headlines", "1", "")], f.headlines[0]);
}

#[test]
fn csv_defuses_spreadsheet_formulas_in_names() {
    let f = synthetic_figures_of(&operation_named("=HYPERLINK(\"http://x\")", "@SUM(A1)"));
    let text = f.to_csv();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let values: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[3].to_string())
        .collect();
    assert!(values.contains(&"'=HYPERLINK(\"http://x\")".to_string()));
    assert!(values.contains(&"'@SUM(A1)".to_string()));
    assert!(!values
        .iter()
        .any(|v| v.starts_with('=') || v.starts_with('@')));
}

#[test]
fn html_is_one_accessible_self_contained_page_with_four_charts() {
    let f = synthetic_figures();
    let html = f.to_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<h1>Operation Neptune II</h1>"));
    assert_eq!(html.matches("<svg").count(), 4, "four charts");
    assert_eq!(html.matches("role=\"img\"").count(), 4);
    for id in ["c-days", "c-sites", "c-hits-db", "c-categories"] {
        assert!(
            html.contains(&format!("<title id=\"{id}-title\">")),
            "{id} has a title"
        );
        assert!(
            html.contains(&format!("<desc id=\"{id}-desc\">")),
            "{id} has a description"
        );
    }
    // Every chart's data is in a captioned table it links to.
    for table in ["t-days", "t-sites", "t-hits-db", "t-categories"] {
        assert!(
            html.contains(&format!("<table id=\"{table}\"><caption>")),
            "{table}"
        );
        assert!(
            html.contains(&format!("href=\"#{table}\"")),
            "chart links {table}"
        );
    }
    assert_eq!(
        html.matches("<table").count(),
        html.matches("<caption>").count()
    );
    assert!(html.contains("<th scope=\"col\">"));
    // Headlines first, then tables, then charts, then the moment of the figures.
    let pos = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(pos("Headlines") < pos("<table") && pos("<table") < pos("<svg"));
    assert!(pos("<svg") < pos("<footer>"));
    assert!(html.contains("<time datetime=\"2019-07-29T12:00:00Z\">"));
    assert!(html.contains("More than") || html.contains(&f.headlines[1]));
    // Nothing is fetched: no script, no stylesheet link, no image, font or URL.
    for banned in [
        "<script",
        "<link",
        "src=",
        "url(",
        "@import",
        "@font-face",
        "href=\"http",
    ] {
        assert!(!html.contains(banned), "the page must not contain {banned}");
    }
    assert!(html.contains("@media print"));
}

#[test]
fn html_escapes_hostile_operation_and_site_names() {
    let op = operation_named(
        "<script>alert(\"x\")</script> & 'Neptune'",
        "\"><img src=x onerror=alert(1)>",
    );
    let html = synthetic_figures_of(&op).to_html();
    assert!(!html.contains("<script"));
    assert!(!html.contains("<img"));
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Neptune&#39;")
    );
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    // Inside the site chart too (the SVG label).
    let svg_start = html.find("<svg").expect("charts");
    assert!(html[svg_start..].contains("&quot;&gt;&lt;img"));
}
