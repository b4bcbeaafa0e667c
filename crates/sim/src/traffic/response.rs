//! The owner NCB's side of a hit: whether and when it answers, what it tells the checkpoint,
//! and the investigative lead a confirmed planted hit opens.

use portwatch_model::{Action, Category, Outcome};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::Duration;

use super::{rng_for, Decision, LeadPlan, OwnerResponse, PlantedKind, LEAD_TAG, RESPONSE_TAG};

/// What is known of a hit when its owner answers. Only `true_match` and `urgent` decide the
/// answer and its delay; the rest shapes the instructions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HitFacts<'a> {
    /// The hit is on the record the subject was planted from.
    pub true_match: bool,
    /// An arrest request (red notice): the owner must answer within ten minutes.
    pub urgent: bool,
    /// The planted subject's kind, when known.
    pub kind: Option<PlantedKind>,
    /// The action the hit calls for, when known.
    pub action: Option<Action>,
    /// The owner agency (`ncb-mar`) or its country (`MAR`), when known.
    pub owner: Option<&'a str>,
}

/// Share of true hits never answered (they become overdue follow-ups), in percent.
const NO_ANSWER_PERCENT: u32 = 4;

pub(super) fn owner_response(seed: u64, key: u64, hit: &HitFacts<'_>) -> OwnerResponse {
    let mut rng = rng_for(seed, RESPONSE_TAG, key, 0);
    let roll = rng.random_range(0..100);
    let deadline = if hit.urgent {
        Duration::minutes(10)
    } else {
        Duration::hours(12)
    };
    if hit.true_match && roll < NO_ANSWER_PERCENT {
        return OwnerResponse {
            after: deadline,
            decision: Decision::NoAnswer,
            instructions: String::new(),
        };
    }
    let after = delay(&mut rng, hit, roll);
    let ncb = ncb_name(hit.owner);
    let (decision, instructions) = if hit.true_match {
        (Decision::Confirm, confirmation(&mut rng, hit, &ncb))
    } else {
        (Decision::Reject, rejection(&mut rng, hit, &ncb))
    };
    OwnerResponse {
        after,
        decision,
        instructions,
    }
}

/// How long the owner takes: arrest requests mostly within the ten-minute deadline (one in
/// eight late, up to an hour); other hits from a quarter of an hour to twelve hours, one in
/// twelve later (up to 30 hours). Rejections of false matches come as fast.
fn delay(rng: &mut ChaCha8Rng, hit: &HitFacts<'_>, roll: u32) -> Duration {
    let late = roll >= 88;
    let (lo, hi) = match (hit.urgent, late) {
        (true, false) => (60.0, 600.0),
        (true, true) => (600.0, 3600.0),
        (false, false) => (900.0, 12.0 * 3600.0),
        (false, true) => (12.0 * 3600.0, 30.0 * 3600.0),
    };
    Duration::seconds(log_uniform(rng, lo, hi) as i64)
}

/// A value between `lo` and `hi`, uniform on a logarithmic scale (most answers come early).
fn log_uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    (lo.ln() + rng.random::<f64>() * (hi.ln() - lo.ln())).exp()
}

/// "NCB Rabat": the bureau by the city it sits in, or by its country code.
fn ncb_name(owner: Option<&str>) -> String {
    let Some(owner) = owner else {
        return "the owner NCB".to_string();
    };
    let code = owner.trim().trim_start_matches("ncb-").to_ascii_uppercase();
    let city = match code.as_str() {
        "MAR" => "Rabat",
        "DZA" => "Algiers",
        "TUN" => "Tunis",
        "LBY" => "Tripoli",
        "SYR" => "Damascus",
        "LBN" => "Beirut",
        "JOR" => "Amman",
        "IRQ" => "Baghdad",
        "PSE" => "Ramallah",
        "FRA" => "Paris",
        "ESP" => "Madrid",
        "ITA" => "Rome",
        "DEU" => "Wiesbaden",
        "BEL" => "Brussels",
        "NLD" => "The Hague",
        "PRT" => "Lisbon",
        "GBR" => "Manchester",
        "TUR" => "Ankara",
        "BIH" => "Sarajevo",
        "ALB" => "Tirana",
        "XKX" => "Pristina",
        "MKD" => "Skopje",
        "SEN" => "Dakar",
        "MLI" => "Bamako",
        "NER" => "Niamey",
        "TCD" => "N'Djamena",
        "UZB" => "Tashkent",
        "TJK" => "Dushanbe",
        "RUS" => "Moscow",
        _ => return format!("NCB {code}"),
    };
    format!("NCB {city}")
}

fn pick<'a>(rng: &mut ChaCha8Rng, options: &[&'a str]) -> &'a str {
    options[rng.random_range(0..options.len())]
}

/// What the owner asks the checkpoint to do once it confirms: by the subject's kind when
/// known, else by the hit's action.
fn confirmation(rng: &mut ChaCha8Rng, hit: &HitFacts<'_>, ncb: &str) -> String {
    let action = hit.action.unwrap_or(if hit.urgent {
        Action::DetainAndContactOwner
    } else {
        Action::ContactOwner
    });
    let text = match (hit.kind, action) {
        (Some(PlantedKind::ForeignTerroristFighter), _) => pick(rng, &[
            "Confirmed: suspected foreign terrorist fighter. Refuse entry and hold the subject for questioning by the counter-terrorism police; {ncb} liaison on call 24/7.",
            "Confirmed. Do not alert the subject: discreet check, record itinerary, companions, vehicle and phone numbers, and report to {ncb} and the counter-terrorism unit within the hour.",
        ]),
        (Some(PlantedKind::MissingPerson), _) | (None, Action::ProtectMissingPerson) => pick(rng, &[
            "Confirmed: the person reported missing. Keep them safe and apart from their companions, hand over to the victim-protection service, and identify the adults travelling with them; {ncb} informs the family.",
            "Confirmed. Possible victim of trafficking: separate from companions, interview with an interpreter, do not release to the accompanying adults. Contact {ncb} 24/7.",
        ]),
        (Some(PlantedKind::StolenDocument), _) => pick(rng, &[
            "Confirmed: passport reported stolen. Seize it, establish the bearer's identity by fingerprints, and send the document to {ncb} through the diplomatic pouch.",
            "Confirmed. Stolen blank filled in by a forger: seize the document, detain the bearer for identity fraud, and report to {ncb}.",
        ]),
        (Some(PlantedKind::LostDocument), _) | (None, Action::SeizeDocument) => pick(rng, &[
            "Confirmed: reported lost by its holder. Seize the document; if the bearer is the holder, give a receipt and release, otherwise detain for identity fraud. {ncb} informed.",
            "Confirmed. Seize the document and check the bearer against the holder's photograph; report the outcome to {ncb}.",
        ]),
        (Some(PlantedKind::StolenVehicle), _) | (None, Action::SeizeVehicle) => pick(rng, &[
            "Confirmed: vehicle stolen, still wanted. Seize it with its keys and papers and hold the driver for questioning; {ncb} informs the owner's insurer.",
            "Confirmed. Seize the vehicle and search it (hidden compartments reported on this network); detain the driver. Contact {ncb} 24/7.",
        ]),
        (_, Action::DetainAndContactOwner) | (Some(PlantedKind::RedNoticeFugitive), _) => pick(rng, &[
            "Detain the subject; extradition request follows. Contact {ncb} 24/7.",
            "Confirmed by the fingerprints on file. Arrest the subject for extradition; provisional arrest request sent through I-24/7. {ncb} on call 24/7.",
            "Confirmed. Detain and bring the subject before the prosecutor; {ncb} sends the extradition request within 48 hours.",
        ]),
        (_, Action::DiscreetCheck) => pick(rng, &[
            "Confirmed. Discreet check only: do not alert the subject; record itinerary and companions and report to {ncb}.",
        ]),
        _ => pick(rng, &[
            "Confirmed. Collect information on the subject (itinerary, address, companions) and report to {ncb}; no coercive measure requested.",
        ]),
    };
    text.replace("{ncb}", ncb)
}

/// Why the owner rejects a false match, and what the checkpoint should do.
fn rejection(rng: &mut ChaCha8Rng, hit: &HitFacts<'_>, ncb: &str) -> String {
    let action = hit.action.unwrap_or(Action::ContactOwner);
    let reason = match action {
        Action::SeizeDocument => pick(rng, &[
            "Not the reported document: same number in another series; the passport presented is valid.",
            "The document was recovered and returned to its holder; the record is being cancelled.",
        ]),
        Action::SeizeVehicle => pick(rng, &[
            "Not the stolen vehicle: the VIN differs from our record.",
            "Vehicle recovered and returned to its owner; the record is being cancelled.",
        ]),
        _ => pick(rng, &[
            "Not our subject: date and place of birth differ, and the fingerprints on file do not match.",
            "Namesake: our subject has been in custody since 2025.",
            "Not the subject: the traveller's passport history rules out the person of the record.",
            "Not our subject: the photograph on file is of another person.",
        ]),
    };
    format!("Rejected ({ncb}): {reason} Let the traveller proceed.")
}

/// The lead a confirmed planted hit opens, with outcomes drawn from the hit's key.
pub(super) fn lead_for(seed: u64, kind: PlantedKind, key: u64) -> LeadPlan {
    let mut rng = rng_for(seed, LEAD_TAG, key, kind as u32);
    let mut outcomes = Vec::new();
    let (category, title) = match kind {
        PlantedKind::ForeignTerroristFighter => {
            arrests(&mut outcomes, rng.random_range(1..=2));
            if rng.random_bool(0.5) {
                outcomes.push(Outcome::DocumentsSeized {
                    count: rng.random_range(1..=3),
                });
            }
            if rng.random_bool(0.3) {
                money(&mut outcomes, &mut rng, "EUR", 2_000.0, 40_000.0);
            }
            (
                Category::Terrorism,
                "Suspected foreign terrorist fighter travelling under another spelling of the name",
            )
        }
        PlantedKind::RedNoticeFugitive => fugitive(&mut rng, &mut outcomes),
        PlantedKind::MissingPerson => {
            arrests(&mut outcomes, rng.random_range(0..=2));
            if rng.random_bool(0.5) {
                outcomes.push(Outcome::DocumentsSeized {
                    count: rng.random_range(1..=2),
                });
            }
            (
                Category::HumanTrafficking,
                "Missing person found travelling with unrelated adults",
            )
        }
        PlantedKind::StolenDocument => {
            arrests(&mut outcomes, u32::from(rng.random_bool(0.7)));
            outcomes.push(Outcome::DocumentsSeized {
                count: rng.random_range(1..=4),
            });
            (
                Category::DocumentFraud,
                "Impostor travelling on a stolen passport",
            )
        }
        PlantedKind::LostDocument => {
            arrests(&mut outcomes, u32::from(rng.random_bool(0.3)));
            outcomes.push(Outcome::DocumentsSeized { count: 1 });
            (
                Category::DocumentFraud,
                "Passport reported lost presented at the border",
            )
        }
        PlantedKind::StolenVehicle => {
            arrests(&mut outcomes, u32::from(rng.random_bool(0.7)));
            outcomes.push(Outcome::VehiclesSeized {
                count: rng.random_range(1..=2),
            });
            if rng.random_bool(0.15) {
                drugs(&mut outcomes, &mut rng, 5.0, 400.0);
            }
            if rng.random_bool(0.05) {
                outcomes.push(Outcome::FirearmsSeized {
                    count: rng.random_range(1..=4),
                });
            }
            (
                Category::StolenVehicles,
                "Stolen vehicle shipped on a ferry",
            )
        }
    };
    LeadPlan {
        category,
        title: title.to_string(),
        outcomes,
    }
}

/// A red-notice fugitive's lead: the crime the notice is for, as Neptune II's leads ran
/// (narcotics first, then firearms, migrant smuggling, human trafficking).
fn fugitive(rng: &mut ChaCha8Rng, outcomes: &mut Vec<Outcome>) -> (Category, &'static str) {
    arrests(outcomes, rng.random_range(1..=3));
    match rng.random_range(0..100) {
        0..=44 => {
            drugs(outcomes, rng, 0.5, 900.0);
            if rng.random_bool(0.4) {
                let currency = pick(rng, &["EUR", "MAD"]);
                money(outcomes, rng, currency, 5_000.0, 250_000.0);
            }
            (
                Category::Narcotics,
                "Fugitive wanted for drug trafficking arrested at the port",
            )
        }
        45..=69 => {
            outcomes.push(Outcome::FirearmsSeized {
                count: rng.random_range(1..=12),
            });
            (
                Category::Firearms,
                "Fugitive wanted for arms trafficking arrested at the port",
            )
        }
        70..=89 => {
            outcomes.push(Outcome::DocumentsSeized {
                count: rng.random_range(2..=12),
            });
            if rng.random_bool(0.5) {
                let currency = pick(rng, &["EUR", "DZD", "TND"]);
                money(outcomes, rng, currency, 3_000.0, 60_000.0);
            }
            (
                Category::MigrantSmuggling,
                "Fugitive wanted for migrant smuggling arrested at the port",
            )
        }
        _ => {
            outcomes.push(Outcome::DocumentsSeized {
                count: rng.random_range(1..=5),
            });
            (
                Category::HumanTrafficking,
                "Fugitive wanted for human trafficking arrested at the port",
            )
        }
    }
}

fn arrests(outcomes: &mut Vec<Outcome>, count: u32) {
    if count > 0 {
        outcomes.push(Outcome::Arrest { count });
    }
}

/// Drugs seized, in kilograms to the hundred grams.
fn drugs(outcomes: &mut Vec<Outcome>, rng: &mut ChaCha8Rng, lo: f64, hi: f64) {
    let kilograms = (log_uniform(rng, lo, hi) * 10.0).round() / 10.0;
    outcomes.push(Outcome::DrugsSeized { kilograms });
}

/// Cash seized, to the hundred.
fn money(outcomes: &mut Vec<Outcome>, rng: &mut ChaCha8Rng, currency: &str, lo: f64, hi: f64) {
    let amount = (log_uniform(rng, lo, hi) / 100.0).round() * 100.0;
    outcomes.push(Outcome::MoneySeized {
        amount,
        currency: currency.to_string(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_is_named_by_its_city() {
        assert_eq!(ncb_name(Some("ncb-mar")), "NCB Rabat");
        assert_eq!(ncb_name(Some("ESP")), "NCB Madrid");
        assert_eq!(ncb_name(Some("ncb-xyz")), "NCB XYZ");
        assert_eq!(ncb_name(None), "the owner NCB");
    }
}
