//! `portwatch mrz parse [LINE…]`: read a machine-readable zone (ICAO Doc 9303) and print every
//! field, every check digit, OCR repairs and warnings as one JSON object.
//!
//! Lines come as arguments or, when there are none, from standard input. The exit code is 0
//! whenever the text was read as an MRZ, even if check digits fail (the JSON says which); it is
//! 2, with a message naming the rule, when the text is not an MRZ at all.

use std::io::{Read, Write};

use anyhow::Context;
use clap::Subcommand;
use portwatch_ident::mrz;

use super::UsageError;

/// What to do with an MRZ.
#[derive(Subcommand)]
pub enum MrzCommand {
    /// Parse an MRZ (TD1, TD2, TD3, MRV-A, MRV-B) and print its fields and checks as JSON.
    Parse {
        /// The MRZ lines; read from stdin when none are given.
        lines: Vec<String>,
        /// The day to infer centuries against (YYYY-MM-DD); today by default.
        #[arg(long, value_parser = parse_day)]
        today: Option<mrz::Day>,
    },
}

pub fn run(what: MrzCommand) -> anyhow::Result<()> {
    match what {
        MrzCommand::Parse { lines, today } => {
            let text = if lines.is_empty() {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("reading the MRZ from stdin")?;
                text
            } else {
                lines.join("\n")
            };
            let today = today.unwrap_or_else(today_utc);
            let parsed = mrz::parse_text(&text, today).map_err(|e| UsageError(e.to_string()))?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", serde_json::to_string_pretty(&parsed)?)
                .context("writing to stdout")?;
            Ok(())
        }
    }
}

/// Today's date in UTC, the reference for century inference.
pub fn today_utc() -> mrz::Day {
    let today = time::OffsetDateTime::now_utc().date();
    mrz::Day {
        year: u16::try_from(today.year()).unwrap_or(u16::MAX),
        month: u8::from(today.month()),
        day: today.day(),
    }
}

/// Reads `YYYY-MM-DD`.
pub fn parse_day(raw: &str) -> Result<mrz::Day, String> {
    let mut parts = raw.split('-').map(str::parse::<u16>);
    let bad = || format!("{raw:?} is not a date YYYY-MM-DD");
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let month = u8::try_from(month).map_err(|_| bad())?;
    let day = u8::try_from(day).map_err(|_| bad())?;
    mrz::Day::new(year, month, day).ok_or_else(bad)
}
