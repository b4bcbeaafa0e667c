//! `portwatch vin check VIN…`: check vehicle identification numbers (ISO 3779) and print one
//! JSON object per VIN: the check digit, whether its region requires it, the WMI's region,
//! country and maker, and the model years position 10 can mean.
//!
//! A VIN that is not valid also gets `repairs`: readings that are, from look-alike characters.
//! Every VIN is reported. The exit code is 0 when every argument is a well-formed VIN (even
//! with a wrong check digit: `valid` says so); 2 when some argument is not a VIN at all (wrong
//! length, or I, O or Q), after all the lines are printed.

use std::io::Write;

use anyhow::Context;
use clap::Subcommand;
use portwatch_ident::vin;

use super::UsageError;

/// What to do with VINs.
#[derive(Subcommand)]
pub enum VinCommand {
    /// Check each VIN and print one JSON object per line.
    Check {
        /// The VINs (separators and spaces inside a VIN are ignored).
        #[arg(required = true)]
        vins: Vec<String>,
    },
}

pub fn run(what: VinCommand) -> anyhow::Result<()> {
    match what {
        VinCommand::Check { vins } => {
            // Makers sell next year's models from the summer, so the latest possible year is
            // next year.
            let latest_model_year = super::mrz::today_utc().year.saturating_add(1);
            let mut out = std::io::stdout().lock();
            let mut malformed = Vec::new();
            for raw in &vins {
                let report = vin::check(raw, latest_model_year);
                if !report.errors.is_empty() {
                    malformed.push(format!("{raw:?}: {}", report.errors.join("; ")));
                }
                writeln!(out, "{}", serde_json::to_string(&report)?)
                    .context("writing to stdout")?;
            }
            out.flush().context("writing to stdout")?;
            if malformed.is_empty() {
                Ok(())
            } else {
                Err(UsageError(format!("not a VIN: {}", malformed.join("; "))).into())
            }
        }
    }
}
