//! Identifiers that satisfy their standards: ICAO 9303 check digits and machine-readable
//! zones, ISO 3779 VINs with their check digit, and national number-plate formats.

use rand::Rng;

/// ICAO 9303 check digit: weights 7, 3, 1 repeating; digits count as themselves, letters A–Z
/// as 10–35, the filler `<` as 0.
pub fn icao_check_digit(field: &str) -> char {
    let sum: u32 = field
        .bytes()
        .zip([7u32, 3, 1].iter().cycle())
        .map(|(b, w)| {
            let v = match b {
                b'0'..=b'9' => u32::from(b - b'0'),
                b'A'..=b'Z' => u32::from(b - b'A') + 10,
                _ => 0,
            };
            v * w
        })
        .sum();
    char::from(b'0' + (sum % 10) as u8)
}

/// The two lines of a TD3 (passport) machine-readable zone, 44 characters each, with valid
/// check digits. Names must already be upper-case ASCII letters and spaces.
#[allow(clippy::too_many_arguments)]
pub fn td3_mrz(
    issuing_state: &str,
    surname: &str,
    given_names: &str,
    number: &str,
    nationality: &str,
    birth_yymmdd: &str,
    sex: char,
    expiry_yymmdd: &str,
) -> [String; 2] {
    let name_field = format!(
        "{}<<{}",
        surname.replace(' ', "<"),
        given_names.replace(' ', "<")
    );
    let line1 = pad(&format!("P<{}{}", pad(issuing_state, 3), name_field), 44);
    let number = pad(number, 9);
    let personal = pad("", 14);
    // The composite check covers number, birth date, expiry and personal number, each with
    // its own check digit.
    let composite = format!(
        "{number}{}{birth_yymmdd}{}{expiry_yymmdd}{}{personal}{}",
        icao_check_digit(&number),
        icao_check_digit(birth_yymmdd),
        icao_check_digit(expiry_yymmdd),
        icao_check_digit(&personal),
    );
    let line2 = format!(
        "{number}{}{}{birth_yymmdd}{}{sex}{expiry_yymmdd}{}{personal}{}{}",
        icao_check_digit(&number),
        pad(nationality, 3),
        icao_check_digit(birth_yymmdd),
        icao_check_digit(expiry_yymmdd),
        icao_check_digit(&personal),
        icao_check_digit(&composite),
    );
    [line1, line2]
}

fn pad(s: &str, len: usize) -> String {
    let mut out: String = s.chars().take(len).collect();
    while out.len() < len {
        out.push('<');
    }
    out
}

/// ISO 3779 transliteration of a VIN character to its value (I, O and Q never occur).
fn vin_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => 0,
    }
}

const VIN_WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// The check digit (position 9) of a 17-character VIN: `0`–`9` or `X` for 10.
pub fn vin_check_digit(vin: &[u8; 17]) -> u8 {
    let sum: u32 = vin
        .iter()
        .zip(VIN_WEIGHTS)
        .map(|(&c, w)| vin_value(c) * w)
        .sum();
    match sum % 11 {
        10 => b'X',
        d => b'0' + d as u8,
    }
}

/// World manufacturer identifiers of makes common on Mediterranean ferries.
pub const MAKES: &[(&str, &str, &[&str])] = &[
    ("VF1", "Renault", &["Clio", "Megane", "Kangoo", "Master"]),
    ("VF3", "Peugeot", &["208", "308", "3008", "Partner"]),
    ("VF7", "Citroen", &["C3", "C4", "Berlingo", "Jumper"]),
    ("WVW", "Volkswagen", &["Golf", "Polo", "Passat"]),
    ("WV2", "Volkswagen", &["Transporter", "Crafter"]),
    ("WBA", "BMW", &["320d", "520d", "X5"]),
    ("WDB", "Mercedes-Benz", &["C 220", "E 250", "Sprinter"]),
    ("ZFA", "Fiat", &["Panda", "Punto", "Ducato"]),
    ("VSS", "SEAT", &["Ibiza", "Leon"]),
    ("JTD", "Toyota", &["Yaris", "Corolla"]),
    ("JTE", "Toyota", &["Land Cruiser", "Hilux"]),
    ("KMH", "Hyundai", &["Tucson", "i30"]),
    ("UU1", "Dacia", &["Logan", "Sandero", "Duster"]),
    ("TMB", "Skoda", &["Octavia", "Fabia"]),
];

const VIN_CHARS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
const YEAR_CODES: &[u8] = b"ABCDEFGHJKLMNPRSTVWXY123456789";

/// A 17-character VIN with a valid check digit.
pub fn vin(rng: &mut impl Rng, wmi: &str, year: u16) -> String {
    let mut v = [b'0'; 17];
    v[..3].copy_from_slice(wmi.as_bytes());
    for c in &mut v[3..8] {
        *c = VIN_CHARS[rng.random_range(0..VIN_CHARS.len())];
    }
    v[9] = YEAR_CODES[usize::from(year.saturating_sub(1980)) % YEAR_CODES.len()];
    v[10] = VIN_CHARS[rng.random_range(0..VIN_CHARS.len())];
    for c in &mut v[11..] {
        *c = b'0' + rng.random_range(0..10u8);
    }
    v[8] = vin_check_digit(&v);
    String::from_utf8_lossy(&v).into_owned()
}

fn letters(rng: &mut impl Rng, n: usize, alphabet: &[u8]) -> String {
    (0..n)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

fn digits(rng: &mut impl Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

const LATIN: &[u8] = b"ABCDEFGHJKLMNPRSTVWXYZ";
/// Spanish plates use consonants only.
const SPANISH: &[u8] = b"BCDFGHJKLMNPRSTVWXYZ";

/// A plate in the national format of `country`, written as it is on the plate (with its
/// spaces and dashes).
pub fn plate(rng: &mut impl Rng, country: &str) -> String {
    match country {
        "FRA" => format!(
            "{}-{}-{}",
            letters(rng, 2, LATIN),
            digits(rng, 3),
            letters(rng, 2, LATIN)
        ),
        "ITA" => format!(
            "{} {} {}",
            letters(rng, 2, LATIN),
            digits(rng, 3),
            letters(rng, 2, LATIN)
        ),
        "ESP" => format!("{} {}", digits(rng, 4), letters(rng, 3, SPANISH)),
        "DEU" => {
            let district = rng.random_range(1..=3);
            format!(
                "{} {} {}",
                letters(rng, district, LATIN),
                letters(rng, 2, LATIN),
                rng.random_range(1..=9999)
            )
        }
        "BEL" => format!("1-{}-{}", letters(rng, 3, LATIN), digits(rng, 3)),
        "NLD" => format!(
            "{}-{}-{}",
            letters(rng, 2, LATIN),
            digits(rng, 3),
            letters(rng, 1, LATIN)
        ),
        "GBR" => format!(
            "{}{} {}",
            letters(rng, 2, LATIN),
            digits(rng, 2),
            letters(rng, 3, LATIN)
        ),
        // Moroccan plates: serial | series letter (Arabic, transliterated) | prefecture.
        "MAR" => format!(
            "{}-{}-{}",
            rng.random_range(1..=99999),
            letters(rng, 1, b"ABDEHW"),
            rng.random_range(1..=89)
        ),
        // Algerian plates: serial, category and year, wilaya.
        "DZA" => format!(
            "{} {}{} {:02}",
            digits(rng, 5),
            rng.random_range(1..=9),
            digits(rng, 2),
            rng.random_range(1..=58)
        ),
        // Tunisian plates: series, "TU" (تونس), serial.
        "TUN" => format!(
            "{} TU {}",
            rng.random_range(1..=250),
            rng.random_range(1..=9999)
        ),
        "TUR" => {
            let (province, series) = (rng.random_range(1..=81), rng.random_range(1..=3));
            format!(
                "{province:02} {} {}",
                letters(rng, series, LATIN),
                rng.random_range(10..=9999)
            )
        }
        _ => format!("{} {}", letters(rng, 3, LATIN), digits(rng, 4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn icao_check_digits_match_the_specimen() {
        // ICAO 9303 part 3 specimen: L898902C3, born 740812, expires 120415.
        assert_eq!(icao_check_digit("L898902C3"), '6');
        assert_eq!(icao_check_digit("740812"), '2');
        assert_eq!(icao_check_digit("120415"), '9');
    }

    #[test]
    fn td3_lines_are_44_characters() {
        let [a, b] = td3_mrz(
            "UTO",
            "ERIKSSON",
            "ANNA MARIA",
            "L898902C3",
            "UTO",
            "740812",
            'F',
            "120415",
        );
        assert_eq!(a, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        assert_eq!(&b[..28], "L898902C36UTO7408122F1204159");
        assert_eq!(b.len(), 44);
    }

    #[test]
    fn the_identity_crate_reads_generated_passports_as_valid() {
        let lines = td3_mrz(
            "MAR",
            "EL AMRANI",
            "YOUSSEF",
            "C12345678",
            "MAR",
            "850412",
            'M',
            "301231",
        );
        let today = portwatch_ident::mrz::Day::new(2026, 6, 1).unwrap();
        let mrz = portwatch_ident::mrz::parse(&lines, today).unwrap();
        assert!(mrz.valid, "{:?}", mrz.errors);
        assert_eq!(mrz.surname, "EL AMRANI");
        assert_eq!(mrz.document_number, "C12345678");
    }

    #[test]
    fn generated_vins_carry_a_valid_check_digit() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for _ in 0..100 {
            let v = vin(&mut rng, "VF1", 2015);
            let bytes: [u8; 17] = v.as_bytes().try_into().unwrap();
            assert_eq!(bytes[8], vin_check_digit(&bytes));
            assert!(!v.contains(['I', 'O', 'Q']));
        }
        // A published example: 1M8GDM9AXKP042788 (check digit X).
        assert_eq!(vin_check_digit(b"1M8GDM9AXKP042788"), b'X');
    }
}
