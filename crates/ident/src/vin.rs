//! Vehicle identification numbers (ISO 3779; 49 CFR 565 in North America).
//!
//! A VIN is 17 characters of `A`–`Z` and `0`–`9` without `I`, `O` and `Q` (too easily taken
//! for `1` and `0`). Positions 1–3 are the world manufacturer identifier (WMI, ISO 3780): the
//! first character names the region, the first two the country, all three the maker.
//! Position 9 is a check digit: every character is transliterated to a number (digits as
//! themselves, `A`–`H` → 1–8, `J`–`R` → 1–9 skipping `O` and `Q`, `S`–`Z` → 2–9), multiplied by
//! the position's weight (8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2), and the sum taken modulo 11;
//! a remainder of 10 is written `X`. The check digit is required in North America (49 CFR
//! 565.15) and China (GB 16735); elsewhere makers may use position 9 freely, so a mismatch is
//! only advisory. Position 10 encodes the model year in a 30-year cycle (`A` = 1980 or 2010 …
//! `Y` = 2000 or 2030, `1` = 2001 or 2031 … `9` = 2009 or 2039).

use serde::Serialize;

/// Canonical form: upper case, separators and spaces dropped.
pub fn canonical(raw: &str) -> String {
    crate::fold::canonical(raw)
}

/// OCR-folded key of the canonical form, so a VIN typed with O for 0 or I for 1 still finds
/// the record (ISO 3779 forbids I, O and Q, so those are always misreadings).
pub fn skeleton(raw: &str) -> String {
    crate::fold::skeleton(raw)
}

/// The position-9 check digit of a VIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckDigit {
    pub expected: char,
    pub found: char,
    pub valid: bool,
    /// Whether the WMI's region requires a correct check digit (North America, China).
    pub required: bool,
}

/// What a VIN says about itself. Field names are those of `portwatch vin check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VinReport {
    /// The canonical VIN.
    pub vin: String,
    /// Well formed, and the check digit is correct or not required.
    pub valid: bool,
    /// `None` when the VIN is not well formed.
    pub check_digit: Option<CheckDigit>,
    pub wmi: Option<String>,
    pub region: Option<&'static str>,
    pub country: Option<&'static str>,
    pub manufacturer: Option<&'static str>,
    /// The model years position 10 can mean, oldest first.
    pub model_years: Vec<u16>,
    /// The rules the VIN breaks (length, alphabet).
    pub errors: Vec<String>,
    /// When the VIN is not valid: readings that are, from characters OCR and typists confuse
    /// (`I`, `O`, `Q` are never in a VIN, so they are `1`, `0`, `0`; then one of `S`/`5`,
    /// `B`/`8`, `Z`/`2`, `G`/`6`, `D`/`0` swapped where that makes a required check digit pass).
    pub repairs: Vec<String>,
}

/// Checks a VIN. `latest_model_year` bounds the model-year candidates (the current year plus
/// one, as makers sell next year's models; this crate does not read the clock).
pub fn check(raw: &str, latest_model_year: u16) -> VinReport {
    let vin = canonical(raw);
    let errors = form_errors(&vin);
    let bytes = vin.as_bytes();
    let wmi = (vin.len() >= 3).then(|| vin[..3].to_owned());
    let region = bytes.first().and_then(|&c| region(c));
    let country = (bytes.len() >= 2)
        .then(|| country(bytes[0], bytes[1]))
        .flatten();
    let manufacturer = wmi.as_deref().and_then(manufacturer);
    if !errors.is_empty() {
        return VinReport {
            repairs: repairs(&vin),
            vin,
            valid: false,
            check_digit: None,
            wmi,
            region,
            country,
            manufacturer,
            model_years: Vec::new(),
            errors,
        };
    }
    let expected = check_digit(bytes);
    let found = char::from(bytes[8]);
    let required = check_digit_required(bytes[0]);
    let check_digit = CheckDigit {
        expected,
        found,
        valid: expected == found,
        required,
    };
    let valid = check_digit.valid || !required;
    VinReport {
        repairs: if valid { Vec::new() } else { repairs(&vin) },
        valid,
        check_digit: Some(check_digit),

        model_years: model_years(bytes[9], latest_model_year),
        vin,
        wmi,
        region,
        country,
        manufacturer,
        errors,
    }
}

/// Whether a canonical VIN is well formed and its check digit right where required.
fn passes(vin: &[u8]) -> bool {
    vin.len() == 17
        && !vin.iter().any(|c| matches!(c, b'I' | b'O' | b'Q'))
        && (!check_digit_required(vin[0]) || check_digit(vin) == char::from(vin[8]))
}

/// At most this many repairs are offered; more means the evidence is too weak to help.
const MAX_REPAIRS: usize = 8;

/// Valid readings of a canonical VIN that is not valid (see [`VinReport::repairs`]).
fn repairs(vin: &str) -> Vec<String> {
    if vin.len() != 17 {
        return Vec::new();
    }
    let base: Vec<u8> = vin
        .bytes()
        .map(|c| match c {
            b'I' => b'1',
            b'O' | b'Q' => b'0',
            other => other,
        })
        .collect();
    let text = |bytes: &[u8]| bytes.iter().map(|&c| char::from(c)).collect::<String>();
    if passes(&base) {
        return vec![text(&base)];
    }
    let mut found = Vec::new();
    for i in 0..base.len() {
        let swap = match base[i] {
            b'S' => b'5',
            b'5' => b'S',
            b'B' => b'8',
            b'8' => b'B',
            b'Z' => b'2',
            b'2' => b'Z',
            b'G' => b'6',
            b'6' => b'G',
            b'D' => b'0',
            b'0' => b'D',
            _ => continue,
        };
        let mut candidate = base.clone();
        candidate[i] = swap;
        if passes(&candidate) {
            found.push(text(&candidate));
            if found.len() == MAX_REPAIRS {
                break;
            }
        }
    }
    found
}

/// The rules of ISO 3779 a canonical VIN breaks.
fn form_errors(vin: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if vin.len() != 17 {
        errors.push(format!("vin: has {} characters; a VIN has 17", vin.len()));
    }
    let forbidden: Vec<String> = vin
        .char_indices()
        .filter(|(_, c)| matches!(c, 'I' | 'O' | 'Q'))
        .map(|(i, c)| format!("{c} at position {}", i + 1))
        .collect();
    if !forbidden.is_empty() {
        errors.push(format!(
            "vin: I, O and Q are not used in VINs (found {})",
            forbidden.join(", ")
        ));
    }
    errors
}

/// The value of a VIN character in the check-digit sum (ISO 3779 transliteration).
fn transliterate(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A'..=b'H' => u32::from(c - b'A') + 1,
        b'J'..=b'N' => u32::from(c - b'J') + 1,
        b'P' => 7,
        b'R' => 9,
        b'S'..=b'Z' => u32::from(c - b'S') + 2,
        _ => 0,
    }
}

/// The check digit (`0`–`9` or `X`) of a 17-character VIN.
pub fn check_digit(vin: &[u8]) -> char {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let sum: u32 = vin
        .iter()
        .zip(WEIGHTS)
        .map(|(&c, w)| transliterate(c) * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        digit => char::from(b'0' + digit as u8),
    }
}

/// Whether the region of a WMI's first character requires a correct check digit.
fn check_digit_required(first: u8) -> bool {
    matches!(first, b'1'..=b'5' | b'L')
}

/// The region of a WMI's first character (ISO 3780).
fn region(first: u8) -> Option<&'static str> {
    Some(match first {
        b'A'..=b'H' => "Africa",
        b'J'..=b'R' => "Asia",
        b'S'..=b'Z' => "Europe",
        b'1'..=b'5' => "North America",
        b'6' | b'7' => "Oceania",
        b'8' | b'9' => "South America",
        _ => return None,
    })
}

/// The order ISO 3780 ranges run in: `A`–`Z` then `1`–`9`, `0`.
fn rank(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'1'..=b'9' => 26 + c - b'1',
        b'0' => 35,
        _ => u8::MAX,
    }
}

/// Country ranges of the first two WMI characters (ISO 3780 assignments of the major
/// producing countries): first character, second-character range (inclusive), ISO alpha-3.
const COUNTRIES: &[(u8, u8, u8, &str)] = &[
    (b'A', b'A', b'H', "ZAF"),
    (b'J', b'A', b'0', "JPN"),
    (b'K', b'L', b'R', "KOR"),
    (b'L', b'A', b'0', "CHN"),
    (b'M', b'A', b'E', "IND"),
    (b'M', b'F', b'K', "IDN"),
    (b'M', b'L', b'R', "THA"),
    (b'N', b'L', b'R', "TUR"),
    (b'P', b'A', b'E', "PHL"),
    (b'P', b'L', b'R', "MYS"),
    (b'R', b'F', b'K', "TWN"),
    (b'S', b'A', b'M', "GBR"),
    (b'S', b'N', b'T', "DEU"),
    (b'S', b'U', b'Z', "POL"),
    (b'T', b'A', b'H', "CHE"),
    (b'T', b'J', b'P', "CZE"),
    (b'T', b'R', b'V', "HUN"),
    (b'T', b'W', b'1', "PRT"),
    (b'U', b'U', b'Z', "ROU"),
    (b'V', b'A', b'E', "AUT"),
    (b'V', b'F', b'R', "FRA"),
    (b'V', b'S', b'W', "ESP"),
    (b'V', b'X', b'2', "SRB"),
    (b'W', b'A', b'0', "DEU"),
    (b'X', b'L', b'R', "NLD"),
    (b'X', b'S', b'W', "RUS"),
    (b'X', b'3', b'0', "RUS"),
    (b'Y', b'A', b'E', "BEL"),
    (b'Y', b'F', b'K', "FIN"),
    (b'Y', b'S', b'W', "SWE"),
    (b'Z', b'A', b'R', "ITA"),
    (b'1', b'A', b'0', "USA"),
    (b'2', b'A', b'0', "CAN"),
    (b'3', b'A', b'W', "MEX"),
    (b'4', b'A', b'0', "USA"),
    (b'5', b'A', b'0', "USA"),
    (b'6', b'A', b'W', "AUS"),
    (b'7', b'A', b'E', "NZL"),
    (b'8', b'A', b'E', "ARG"),
    (b'9', b'A', b'E', "BRA"),
    (b'9', b'3', b'9', "BRA"),
];

/// The ISO alpha-3 country of the first two WMI characters, when the range is known.
fn country(first: u8, second: u8) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(f, lo, hi, _)| *f == first && (rank(*lo)..=rank(*hi)).contains(&rank(second)))
        .map(|entry| entry.3)
}

/// WMIs of the major makers (three characters, or two where the maker holds every third
/// character), sorted for binary search.
const MANUFACTURERS: &[(&str, &str)] = &[
    ("1C3", "Chrysler"),
    ("1C4", "Chrysler"),
    ("1C6", "Ram"),
    ("1FA", "Ford"),
    ("1FM", "Ford"),
    ("1FT", "Ford"),
    ("1G1", "Chevrolet"),
    ("1GC", "Chevrolet"),
    ("1GM", "Pontiac"),
    ("1GT", "GMC"),
    ("1HG", "Honda"),
    ("1J4", "Jeep"),
    ("1L1", "Lincoln"),
    ("1LN", "Lincoln"),
    ("1M8", "Motor Coach Industries"),
    ("1N4", "Nissan"),
    ("1N6", "Nissan"),
    ("1VW", "Volkswagen"),
    ("1YV", "Mazda"),
    ("2C3", "Chrysler"),
    ("2FA", "Ford"),
    ("2G1", "Chevrolet"),
    ("2HG", "Honda"),
    ("2HK", "Honda"),
    ("2T1", "Toyota"),
    ("2T3", "Toyota"),
    ("3FA", "Ford"),
    ("3G1", "Chevrolet"),
    ("3HG", "Honda"),
    ("3N1", "Nissan"),
    ("3VW", "Volkswagen"),
    ("4JG", "Mercedes-Benz"),
    ("4S3", "Subaru"),
    ("4S4", "Subaru"),
    ("4T1", "Toyota"),
    ("4T3", "Toyota"),
    ("4US", "BMW"),
    ("5FN", "Honda"),
    ("5N1", "Nissan"),
    ("5NP", "Hyundai"),
    ("5TD", "Toyota"),
    ("5UX", "BMW"),
    ("5YJ", "Tesla"),
    ("6FP", "Ford"),
    ("6G1", "Holden"),
    ("8AP", "Fiat"),
    ("8AW", "Volkswagen"),
    ("93H", "Honda"),
    ("9BW", "Volkswagen"),
    ("JA", "Mitsubishi"),
    ("JF", "Subaru"),
    ("JH", "Honda"),
    ("JM", "Mazda"),
    ("JN", "Nissan"),
    ("JS", "Suzuki"),
    ("JT", "Toyota"),
    ("JY", "Yamaha"),
    ("KM", "Hyundai"),
    ("KN", "Kia"),
    ("KP", "SsangYong"),
    ("LFV", "FAW-Volkswagen"),
    ("LGB", "Dongfeng Nissan"),
    ("LHG", "GAC Honda"),
    ("LRW", "Tesla"),
    ("LSG", "SAIC General Motors"),
    ("LSV", "SAIC Volkswagen"),
    ("LVS", "Changan Ford"),
    ("LYV", "Volvo"),
    ("MA1", "Mahindra"),
    ("MA3", "Maruti Suzuki"),
    ("MAL", "Hyundai"),
    ("MR0", "Toyota"),
    ("NM0", "Ford"),
    ("NMT", "Toyota"),
    ("SAJ", "Jaguar"),
    ("SAL", "Land Rover"),
    ("SAR", "Rover"),
    ("SB1", "Toyota"),
    ("SCC", "Lotus"),
    ("SCF", "Aston Martin"),
    ("SFD", "Alexander Dennis"),
    ("SHH", "Honda"),
    ("SJN", "Nissan"),
    ("TMB", "Škoda"),
    ("TRU", "Audi"),
    ("TSM", "Suzuki"),
    ("UU1", "Dacia"),
    ("VF1", "Renault"),
    ("VF3", "Peugeot"),
    ("VF7", "Citroën"),
    ("VF8", "Matra"),
    ("VNK", "Toyota"),
    ("VR3", "Peugeot"),
    ("VSS", "SEAT"),
    ("W0L", "Opel"),
    ("WAU", "Audi"),
    ("WBA", "BMW"),
    ("WBS", "BMW M"),
    ("WDB", "Mercedes-Benz"),
    ("WDD", "Mercedes-Benz"),
    ("WF0", "Ford"),
    ("WMA", "MAN"),
    ("WME", "Smart"),
    ("WMW", "Mini"),
    ("WP0", "Porsche"),
    ("WP1", "Porsche"),
    ("WUA", "Audi"),
    ("WV1", "Volkswagen Commercial Vehicles"),
    ("WV2", "Volkswagen Commercial Vehicles"),
    ("WVG", "Volkswagen"),
    ("WVW", "Volkswagen"),
    ("XTA", "Lada"),
    ("YS2", "Scania"),
    ("YS3", "Saab"),
    ("YV1", "Volvo"),
    ("YV2", "Volvo Trucks"),
    ("ZAM", "Maserati"),
    ("ZAR", "Alfa Romeo"),
    ("ZCF", "Iveco"),
    ("ZFA", "Fiat"),
    ("ZFF", "Ferrari"),
    ("ZHW", "Lamborghini"),
];

/// The maker of a WMI, when it is one of the major makers.
pub fn manufacturer(wmi: &str) -> Option<&'static str> {
    let find = |key: &str| {
        MANUFACTURERS
            .binary_search_by(|(k, _)| k.cmp(&key))
            .ok()
            .map(|i| MANUFACTURERS[i].1)
    };
    find(wmi).or_else(|| wmi.get(..2).and_then(find))
}

/// The model years position 10 can mean, from 1980 to `latest`.
pub fn model_years(code: u8, latest: u16) -> Vec<u16> {
    // The 30 year codes in order from 1980 (I, O, Q, U, Z and 0 are not used).
    const CODES: &[u8; 30] = b"ABCDEFGHJKLMNPRSTVWXY123456789";
    let Some(offset) = CODES.iter().position(|&c| c == code) else {
        return Vec::new();
    };
    (0..)
        .map(|cycle| 1980 + offset as u16 + 30 * cycle)
        .take_while(|&year| year <= latest)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhtsa_worked_example() {
        // 49 CFR 565.15: 1M8GDM9A_KP042788 has check digit X.
        let report = check("1M8GDM9AXKP042788", 2027);
        let digit = report.check_digit.unwrap();
        assert_eq!(
            (digit.expected, digit.found, digit.valid, digit.required),
            ('X', 'X', true, true)
        );
        assert!(report.valid);
        assert_eq!(report.wmi.as_deref(), Some("1M8"));
        assert_eq!(report.region, Some("North America"));
        assert_eq!(report.country, Some("USA"));
        assert_eq!(report.manufacturer, Some("Motor Coach Industries"));
        assert_eq!(report.model_years, vec![1989, 2019]);
    }

    #[test]
    fn wrong_check_digit_is_fatal_in_north_america_and_china_only() {
        let us = check("1M8GDM9A1KP042788", 2027);
        assert!(!us.valid);
        assert_eq!(us.check_digit.map(|c| c.valid), Some(false));
        let german = check("WVWZZZ1JZXW000001", 2027);
        assert_eq!(german.check_digit.map(|c| c.required), Some(false));
        assert!(german.valid);
        assert_eq!(german.manufacturer, Some("Volkswagen"));
        assert_eq!(german.country, Some("DEU"));
        assert_eq!(german.region, Some("Europe"));
        let chinese = check("LSVAA4182E2000001", 2027);
        assert_eq!(chinese.check_digit.map(|c| c.required), Some(true));
    }

    #[test]
    fn malformed_vins_say_which_rule() {
        let short = check("1M8GDM9AXKP04278", 2027);
        assert!(!short.valid);
        assert_eq!(short.errors, vec!["vin: has 16 characters; a VIN has 17"]);
        let letters = check("1M8GDM9AXKP0427O8", 2027);
        assert!(
            letters.errors[0].contains("O at position 16"),
            "{:?}",
            letters.errors
        );
        assert!(check("", 2027).errors[0].contains("0 characters"));
    }

    #[test]
    fn misread_vins_are_repaired() {
        // O for 0 in the serial: the form rule says which reading is right.
        let report = check("1M8GDM9AXKP O42788", 2027);
        assert!(!report.valid);
        assert_eq!(report.repairs, vec!["1M8GDM9AXKP042788"]);
        // Z for 2 is allowed in a VIN: only the check digit can tell.
        let report = check("1M8GDM9AXKP04Z788", 2027);
        assert!(!report.valid);
        assert!(
            report.repairs.contains(&"1M8GDM9AXKP042788".to_owned()),
            "{:?}",
            report.repairs
        );
        let report = check("1M8GDM9AXKP04278B", 2027);
        assert!(
            report.repairs.contains(&"1M8GDM9AXKP042788".to_owned()),
            "{:?}",
            report.repairs
        );
        assert!(check("1M8GDM9AXKP042788", 2027).repairs.is_empty());
    }

    #[test]
    fn separators_and_case_are_ignored() {
        assert!(check("1m8-gdm9a xkp042788", 2027).valid);
    }

    #[test]
    fn countries_follow_iso_3780_ranges() {
        assert_eq!(country(b'K', b'M'), Some("KOR"));
        assert_eq!(country(b'K', b'A'), None);
        assert_eq!(country(b'V', b'F'), Some("FRA"));
        assert_eq!(country(b'T', b'1'), Some("PRT"));
        assert_eq!(country(b'X', b'7'), Some("RUS"));
        assert_eq!(country(b'3', b'X'), None);
    }

    #[test]
    fn manufacturers_are_sorted_and_found_by_prefix() {
        assert!(MANUFACTURERS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(manufacturer("JTD"), Some("Toyota"));
        assert_eq!(manufacturer("WBA"), Some("BMW"));
        assert_eq!(manufacturer("ZZZ"), None);
    }

    #[test]
    fn model_years_cycle_every_thirty_years() {
        assert_eq!(model_years(b'A', 2027), vec![1980, 2010]);
        assert_eq!(model_years(b'Y', 2027), vec![2000]);
        assert_eq!(model_years(b'Y', 2030), vec![2000, 2030]);
        assert_eq!(model_years(b'9', 2027), vec![2009]);
        assert!(model_years(b'U', 2027).is_empty());
        assert!(model_years(b'0', 2027).is_empty());
    }
}
