//! English country names → ISO 3166-1 alpha-3 codes.
//!
//! The UN Consolidated List and the OFAC SDN list give nationalities, places of birth and
//! issuing states as English names, and not always the ISO short name: the UN writes
//! "Iran (Islamic Republic of)" and "Türkiye", OFAC writes "Korea, North", "Burma" and
//! "Congo, Democratic Republic of the". This module holds every ISO 3166-1 short name plus the
//! variants these lists (and people) use, and looks a name up after folding case, accents,
//! punctuation and a leading or trailing "the".
//!
//! Names of states that no longer exist ("former Soviet Union", "Yugoslavia") and territories
//! without an ISO code (Kosovo) are deliberately absent: a caller gets `None` and reports the
//! name as unmapped rather than guessing.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Every ISO 3166-1 country: alpha-3 code, alpha-2 code, and English short name as ISO
/// publishes it.
pub const ISO_COUNTRIES: &[(&str, &str, &str)] = &[
    ("AFG", "AF", "Afghanistan"),
    ("ALA", "AX", "Åland Islands"),
    ("ALB", "AL", "Albania"),
    ("DZA", "DZ", "Algeria"),
    ("ASM", "AS", "American Samoa"),
    ("AND", "AD", "Andorra"),
    ("AGO", "AO", "Angola"),
    ("AIA", "AI", "Anguilla"),
    ("ATA", "AQ", "Antarctica"),
    ("ATG", "AG", "Antigua and Barbuda"),
    ("ARG", "AR", "Argentina"),
    ("ARM", "AM", "Armenia"),
    ("ABW", "AW", "Aruba"),
    ("AUS", "AU", "Australia"),
    ("AUT", "AT", "Austria"),
    ("AZE", "AZ", "Azerbaijan"),
    ("BHS", "BS", "Bahamas"),
    ("BHR", "BH", "Bahrain"),
    ("BGD", "BD", "Bangladesh"),
    ("BRB", "BB", "Barbados"),
    ("BLR", "BY", "Belarus"),
    ("BEL", "BE", "Belgium"),
    ("BLZ", "BZ", "Belize"),
    ("BEN", "BJ", "Benin"),
    ("BMU", "BM", "Bermuda"),
    ("BTN", "BT", "Bhutan"),
    ("BOL", "BO", "Bolivia (Plurinational State of)"),
    ("BES", "BQ", "Bonaire, Sint Eustatius and Saba"),
    ("BIH", "BA", "Bosnia and Herzegovina"),
    ("BWA", "BW", "Botswana"),
    ("BVT", "BV", "Bouvet Island"),
    ("BRA", "BR", "Brazil"),
    ("IOT", "IO", "British Indian Ocean Territory"),
    ("BRN", "BN", "Brunei Darussalam"),
    ("BGR", "BG", "Bulgaria"),
    ("BFA", "BF", "Burkina Faso"),
    ("BDI", "BI", "Burundi"),
    ("CPV", "CV", "Cabo Verde"),
    ("KHM", "KH", "Cambodia"),
    ("CMR", "CM", "Cameroon"),
    ("CAN", "CA", "Canada"),
    ("CYM", "KY", "Cayman Islands"),
    ("CAF", "CF", "Central African Republic"),
    ("TCD", "TD", "Chad"),
    ("CHL", "CL", "Chile"),
    ("CHN", "CN", "China"),
    ("CXR", "CX", "Christmas Island"),
    ("CCK", "CC", "Cocos (Keeling) Islands"),
    ("COL", "CO", "Colombia"),
    ("COM", "KM", "Comoros"),
    ("COG", "CG", "Congo"),
    ("COD", "CD", "Congo, Democratic Republic of the"),
    ("COK", "CK", "Cook Islands"),
    ("CRI", "CR", "Costa Rica"),
    ("CIV", "CI", "Côte d'Ivoire"),
    ("HRV", "HR", "Croatia"),
    ("CUB", "CU", "Cuba"),
    ("CUW", "CW", "Curaçao"),
    ("CYP", "CY", "Cyprus"),
    ("CZE", "CZ", "Czechia"),
    ("DNK", "DK", "Denmark"),
    ("DJI", "DJ", "Djibouti"),
    ("DMA", "DM", "Dominica"),
    ("DOM", "DO", "Dominican Republic"),
    ("ECU", "EC", "Ecuador"),
    ("EGY", "EG", "Egypt"),
    ("SLV", "SV", "El Salvador"),
    ("GNQ", "GQ", "Equatorial Guinea"),
    ("ERI", "ER", "Eritrea"),
    ("EST", "EE", "Estonia"),
    ("SWZ", "SZ", "Eswatini"),
    ("ETH", "ET", "Ethiopia"),
    ("FLK", "FK", "Falkland Islands (Malvinas)"),
    ("FRO", "FO", "Faroe Islands"),
    ("FJI", "FJ", "Fiji"),
    ("FIN", "FI", "Finland"),
    ("FRA", "FR", "France"),
    ("GUF", "GF", "French Guiana"),
    ("PYF", "PF", "French Polynesia"),
    ("ATF", "TF", "French Southern Territories"),
    ("GAB", "GA", "Gabon"),
    ("GMB", "GM", "Gambia"),
    ("GEO", "GE", "Georgia"),
    ("DEU", "DE", "Germany"),
    ("GHA", "GH", "Ghana"),
    ("GIB", "GI", "Gibraltar"),
    ("GRC", "GR", "Greece"),
    ("GRL", "GL", "Greenland"),
    ("GRD", "GD", "Grenada"),
    ("GLP", "GP", "Guadeloupe"),
    ("GUM", "GU", "Guam"),
    ("GTM", "GT", "Guatemala"),
    ("GGY", "GG", "Guernsey"),
    ("GIN", "GN", "Guinea"),
    ("GNB", "GW", "Guinea-Bissau"),
    ("GUY", "GY", "Guyana"),
    ("HTI", "HT", "Haiti"),
    ("HMD", "HM", "Heard Island and McDonald Islands"),
    ("VAT", "VA", "Holy See"),
    ("HND", "HN", "Honduras"),
    ("HKG", "HK", "Hong Kong"),
    ("HUN", "HU", "Hungary"),
    ("ISL", "IS", "Iceland"),
    ("IND", "IN", "India"),
    ("IDN", "ID", "Indonesia"),
    ("IRN", "IR", "Iran (Islamic Republic of)"),
    ("IRQ", "IQ", "Iraq"),
    ("IRL", "IE", "Ireland"),
    ("IMN", "IM", "Isle of Man"),
    ("ISR", "IL", "Israel"),
    ("ITA", "IT", "Italy"),
    ("JAM", "JM", "Jamaica"),
    ("JPN", "JP", "Japan"),
    ("JEY", "JE", "Jersey"),
    ("JOR", "JO", "Jordan"),
    ("KAZ", "KZ", "Kazakhstan"),
    ("KEN", "KE", "Kenya"),
    ("KIR", "KI", "Kiribati"),
    ("PRK", "KP", "Korea (Democratic People's Republic of)"),
    ("KOR", "KR", "Korea, Republic of"),
    ("KWT", "KW", "Kuwait"),
    ("KGZ", "KG", "Kyrgyzstan"),
    ("LAO", "LA", "Lao People's Democratic Republic"),
    ("LVA", "LV", "Latvia"),
    ("LBN", "LB", "Lebanon"),
    ("LSO", "LS", "Lesotho"),
    ("LBR", "LR", "Liberia"),
    ("LBY", "LY", "Libya"),
    ("LIE", "LI", "Liechtenstein"),
    ("LTU", "LT", "Lithuania"),
    ("LUX", "LU", "Luxembourg"),
    ("MAC", "MO", "Macao"),
    ("MDG", "MG", "Madagascar"),
    ("MWI", "MW", "Malawi"),
    ("MYS", "MY", "Malaysia"),
    ("MDV", "MV", "Maldives"),
    ("MLI", "ML", "Mali"),
    ("MLT", "MT", "Malta"),
    ("MHL", "MH", "Marshall Islands"),
    ("MTQ", "MQ", "Martinique"),
    ("MRT", "MR", "Mauritania"),
    ("MUS", "MU", "Mauritius"),
    ("MYT", "YT", "Mayotte"),
    ("MEX", "MX", "Mexico"),
    ("FSM", "FM", "Micronesia (Federated States of)"),
    ("MDA", "MD", "Moldova, Republic of"),
    ("MCO", "MC", "Monaco"),
    ("MNG", "MN", "Mongolia"),
    ("MNE", "ME", "Montenegro"),
    ("MSR", "MS", "Montserrat"),
    ("MAR", "MA", "Morocco"),
    ("MOZ", "MZ", "Mozambique"),
    ("MMR", "MM", "Myanmar"),
    ("NAM", "NA", "Namibia"),
    ("NRU", "NR", "Nauru"),
    ("NPL", "NP", "Nepal"),
    ("NLD", "NL", "Netherlands, Kingdom of the"),
    ("NCL", "NC", "New Caledonia"),
    ("NZL", "NZ", "New Zealand"),
    ("NIC", "NI", "Nicaragua"),
    ("NER", "NE", "Niger"),
    ("NGA", "NG", "Nigeria"),
    ("NIU", "NU", "Niue"),
    ("NFK", "NF", "Norfolk Island"),
    ("MKD", "MK", "North Macedonia"),
    ("MNP", "MP", "Northern Mariana Islands"),
    ("NOR", "NO", "Norway"),
    ("OMN", "OM", "Oman"),
    ("PAK", "PK", "Pakistan"),
    ("PLW", "PW", "Palau"),
    ("PSE", "PS", "Palestine, State of"),
    ("PAN", "PA", "Panama"),
    ("PNG", "PG", "Papua New Guinea"),
    ("PRY", "PY", "Paraguay"),
    ("PER", "PE", "Peru"),
    ("PHL", "PH", "Philippines"),
    ("PCN", "PN", "Pitcairn"),
    ("POL", "PL", "Poland"),
    ("PRT", "PT", "Portugal"),
    ("PRI", "PR", "Puerto Rico"),
    ("QAT", "QA", "Qatar"),
    ("REU", "RE", "Réunion"),
    ("ROU", "RO", "Romania"),
    ("RUS", "RU", "Russian Federation"),
    ("RWA", "RW", "Rwanda"),
    ("BLM", "BL", "Saint Barthélemy"),
    ("SHN", "SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("KNA", "KN", "Saint Kitts and Nevis"),
    ("LCA", "LC", "Saint Lucia"),
    ("MAF", "MF", "Saint Martin (French part)"),
    ("SPM", "PM", "Saint Pierre and Miquelon"),
    ("VCT", "VC", "Saint Vincent and the Grenadines"),
    ("WSM", "WS", "Samoa"),
    ("SMR", "SM", "San Marino"),
    ("STP", "ST", "Sao Tome and Principe"),
    ("SAU", "SA", "Saudi Arabia"),
    ("SEN", "SN", "Senegal"),
    ("SRB", "RS", "Serbia"),
    ("SYC", "SC", "Seychelles"),
    ("SLE", "SL", "Sierra Leone"),
    ("SGP", "SG", "Singapore"),
    ("SXM", "SX", "Sint Maarten (Dutch part)"),
    ("SVK", "SK", "Slovakia"),
    ("SVN", "SI", "Slovenia"),
    ("SLB", "SB", "Solomon Islands"),
    ("SOM", "SO", "Somalia"),
    ("ZAF", "ZA", "South Africa"),
    ("SGS", "GS", "South Georgia and the South Sandwich Islands"),
    ("SSD", "SS", "South Sudan"),
    ("ESP", "ES", "Spain"),
    ("LKA", "LK", "Sri Lanka"),
    ("SDN", "SD", "Sudan"),
    ("SUR", "SR", "Suriname"),
    ("SJM", "SJ", "Svalbard and Jan Mayen"),
    ("SWE", "SE", "Sweden"),
    ("CHE", "CH", "Switzerland"),
    ("SYR", "SY", "Syrian Arab Republic"),
    ("TWN", "TW", "Taiwan, Province of China"),
    ("TJK", "TJ", "Tajikistan"),
    ("TZA", "TZ", "Tanzania, United Republic of"),
    ("THA", "TH", "Thailand"),
    ("TLS", "TL", "Timor-Leste"),
    ("TGO", "TG", "Togo"),
    ("TKL", "TK", "Tokelau"),
    ("TON", "TO", "Tonga"),
    ("TTO", "TT", "Trinidad and Tobago"),
    ("TUN", "TN", "Tunisia"),
    ("TUR", "TR", "Türkiye"),
    ("TKM", "TM", "Turkmenistan"),
    ("TCA", "TC", "Turks and Caicos Islands"),
    ("TUV", "TV", "Tuvalu"),
    ("UGA", "UG", "Uganda"),
    ("UKR", "UA", "Ukraine"),
    ("ARE", "AE", "United Arab Emirates"),
    (
        "GBR",
        "GB",
        "United Kingdom of Great Britain and Northern Ireland",
    ),
    ("USA", "US", "United States of America"),
    ("UMI", "UM", "United States Minor Outlying Islands"),
    ("URY", "UY", "Uruguay"),
    ("UZB", "UZ", "Uzbekistan"),
    ("VUT", "VU", "Vanuatu"),
    ("VEN", "VE", "Venezuela (Bolivarian Republic of)"),
    ("VNM", "VN", "Viet Nam"),
    ("VGB", "VG", "Virgin Islands (British)"),
    ("VIR", "VI", "Virgin Islands (U.S.)"),
    ("WLF", "WF", "Wallis and Futuna"),
    ("ESH", "EH", "Western Sahara"),
    ("YEM", "YE", "Yemen"),
    ("ZMB", "ZM", "Zambia"),
    ("ZWE", "ZW", "Zimbabwe"),
];

/// Other names for the same countries: the UN's formal names, OFAC's inverted ones
/// ("Korea, North"), former names still in use (Burma, Swaziland, Turkey) and the everyday
/// short forms. A name that only differs from a listed one by case, accents, punctuation or a
/// leading "The" needs no entry here.
const VARIANTS: &[(&str, &str)] = &[
    ("ARE", "UAE"),
    ("BHS", "Bahamas, The"),
    ("BIH", "Bosnia-Herzegovina"),
    ("BIH", "Bosnia"),
    ("BOL", "Bolivia"),
    ("BOL", "Plurinational State of Bolivia"),
    ("BRN", "Brunei"),
    ("CIV", "Ivory Coast"),
    ("COD", "Democratic Republic of the Congo"),
    ("COD", "Congo, Democratic Republic"),
    ("COD", "Congo (Kinshasa)"),
    ("COD", "DR Congo"),
    ("COD", "DRC"),
    ("COD", "Zaire"),
    ("COG", "Republic of the Congo"),
    ("COG", "Congo, Republic of the"),
    ("COG", "Congo (Brazzaville)"),
    ("CPV", "Cape Verde"),
    ("CZE", "Czech Republic"),
    ("FLK", "Falkland Islands"),
    ("FSM", "Micronesia"),
    ("FSM", "Federated States of Micronesia"),
    ("GBR", "United Kingdom"),
    ("GBR", "UK"),
    ("GBR", "Great Britain"),
    ("GBR", "Britain"),
    ("GMB", "Gambia, The"),
    ("HKG", "Hong Kong SAR"),
    ("HKG", "Hong Kong, China"),
    ("IRN", "Iran"),
    ("IRN", "Islamic Republic of Iran"),
    ("KNA", "St Kitts"),
    ("KOR", "Republic of Korea"),
    ("KOR", "South Korea"),
    ("KOR", "Korea, South"),
    ("LAO", "Laos"),
    ("MAC", "Macau"),
    ("MDA", "Moldova"),
    ("MDA", "Republic of Moldova"),
    ("MKD", "Macedonia"),
    ("MKD", "Republic of North Macedonia"),
    ("MKD", "Macedonia, The Former Yugoslav Republic of"),
    ("MKD", "The former Yugoslav Republic of Macedonia"),
    ("MMR", "Burma"),
    ("NLD", "Netherlands"),
    ("NLD", "Kingdom of the Netherlands"),
    ("NLD", "Holland"),
    ("PRK", "Democratic People's Republic of Korea"),
    ("PRK", "Korea, Democratic People's Republic of"),
    ("PRK", "Korea, North"),
    ("PRK", "North Korea"),
    ("PRK", "DPRK"),
    ("PSE", "State of Palestine"),
    ("PSE", "Palestine"),
    ("PSE", "Palestinian"),
    ("PSE", "Palestinian Territories"),
    ("PSE", "Occupied Palestinian Territory"),
    ("PSE", "Gaza"),
    ("PSE", "Gaza Strip"),
    ("PSE", "West Bank"),
    ("RUS", "Russia"),
    ("SHN", "Saint Helena"),
    ("STP", "São Tomé and Príncipe"),
    ("SWZ", "Swaziland"),
    ("SYR", "Syria"),
    ("TLS", "East Timor"),
    ("TTO", "Trinidad"),
    ("TUR", "Turkey"),
    ("TWN", "Taiwan"),
    ("TZA", "Tanzania"),
    ("TZA", "United Republic of Tanzania"),
    ("USA", "United States"),
    ("USA", "US"),
    ("USA", "USA"),
    ("VAT", "Vatican"),
    ("VAT", "Vatican City"),
    ("VAT", "Holy See (Vatican City State)"),
    ("VCT", "Saint Vincent"),
    ("VEN", "Venezuela"),
    ("VEN", "Bolivarian Republic of Venezuela"),
    ("VGB", "British Virgin Islands"),
    ("VGB", "Virgin Islands, British"),
    ("VIR", "US Virgin Islands"),
    ("VIR", "Virgin Islands, U.S."),
    ("VNM", "Vietnam"),
];

/// The ISO 3166-1 alpha-3 code of an English country name, or `None` for a name this table
/// does not know (a former state, a territory without a code, a misspelling).
///
/// ```
/// use portwatch_formats::countries::alpha3_for_name;
/// assert_eq!(alpha3_for_name("Syrian Arab Republic"), Some("SYR"));
/// assert_eq!(alpha3_for_name("Korea, North"), Some("PRK"));
/// assert_eq!(alpha3_for_name("Türkiye"), Some("TUR"));
/// assert_eq!(alpha3_for_name("former Soviet Union"), None);
/// ```
pub fn alpha3_for_name(name: &str) -> Option<&'static str> {
    lookup_table().get(&fold(name)).copied()
}

/// The ISO 3166-1 alpha-3 code of an alpha-2 code, in any case (`ru` → `RUS`), as
/// FollowTheMoney writes countries.
///
/// ```
/// use portwatch_formats::countries::alpha3_for_alpha2;
/// assert_eq!(alpha3_for_alpha2("ru"), Some("RUS"));
/// assert_eq!(alpha3_for_alpha2("xk"), None);
/// ```
pub fn alpha3_for_alpha2(code: &str) -> Option<&'static str> {
    let code = code.trim();
    ISO_COUNTRIES
        .iter()
        .find(|(_, alpha2, _)| alpha2.eq_ignore_ascii_case(code))
        .map(|(alpha3, _, _)| *alpha3)
}

fn lookup_table() -> &'static HashMap<String, &'static str> {
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Short forms derived from the ISO names ("Iran (Islamic Republic of)" → "Iran") go in
        // first, and only where they are unambiguous: "Virgin Islands" could be either, and
        // "Korea" alone says neither.
        let mut derived: HashMap<String, Option<&'static str>> = HashMap::new();
        for &(code, _, name) in ISO_COUNTRIES {
            if let Some((head, _)) = name.split_once(" (") {
                derived
                    .entry(fold(head))
                    .and_modify(|c| {
                        if *c != Some(code) {
                            *c = None
                        }
                    })
                    .or_insert(Some(code));
            }
        }
        let mut table: HashMap<String, &'static str> = derived
            .into_iter()
            .filter(|(key, _)| !AMBIGUOUS.contains(&key.as_str()))
            .filter_map(|(key, code)| code.map(|c| (key, c)))
            .collect();
        // Names written out in full win over derived short forms; an inverted name
        // ("Korea, Republic of") is also known the right way round ("Republic of Korea").
        let iso_names = ISO_COUNTRIES.iter().map(|&(code, _, name)| (code, name));
        for (code, name) in iso_names.chain(VARIANTS.iter().copied()) {
            table.insert(fold(name), code);
            if let Some((head, tail)) = name.split_once(", ") {
                table.insert(fold(&format!("{tail} {head}")), code);
            }
        }
        table
    })
}

/// Short forms that name no single country.
const AMBIGUOUS: &[&str] = &["korea"];

/// Folds a name to its lookup key: lower case, accents dropped, `&` read as "and", "St." as
/// "saint", punctuation as spaces, and a leading or trailing "the" dropped.
fn fold(name: &str) -> String {
    let mut plain = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => plain.push(c),
            '&' => plain.push_str(" and "),
            '\'' | '’' => {}
            _ => match strip_accent(c) {
                Some(base) => plain.push(base),
                None => plain.push(' '),
            },
        }
    }
    let mut words: Vec<&str> = plain
        .split_whitespace()
        .map(|w| if w == "st" { "saint" } else { w })
        .collect();
    if words.first() == Some(&"the") {
        words.remove(0);
    }
    if words.len() > 1 && words.last() == Some(&"the") {
        words.pop();
    }
    words.join(" ")
}

/// The unaccented letter of the accented Latin letters that appear in country names.
fn strip_accent(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_holds_every_iso_country_once() {
        assert_eq!(ISO_COUNTRIES.len(), 249);
        let codes: HashSet<&str> = ISO_COUNTRIES.iter().map(|(c, _, _)| *c).collect();
        assert_eq!(codes.len(), 249);
        let alpha2: HashSet<&str> = ISO_COUNTRIES.iter().map(|(_, c, _)| *c).collect();
        assert_eq!(alpha2.len(), 249);
        for (code, two, name) in ISO_COUNTRIES {
            assert_eq!(alpha3_for_name(name), Some(*code), "{name}");
            assert_eq!(alpha3_for_alpha2(two), Some(*code), "{two}");
            assert_eq!(alpha3_for_alpha2(&two.to_lowercase()), Some(*code), "{two}");
        }
    }

    #[test]
    fn the_model_accepts_every_code_of_the_table() {
        for (code, _, _) in ISO_COUNTRIES {
            assert!(portwatch_model::CountryCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn variants_point_at_known_codes() {
        let codes: HashSet<&str> = ISO_COUNTRIES.iter().map(|(c, _, _)| *c).collect();
        for (code, name) in VARIANTS {
            assert!(codes.contains(code), "{code}");
            assert_eq!(alpha3_for_name(name), Some(*code), "{name}");
        }
    }

    #[test]
    fn un_and_ofac_spellings_map() {
        for (name, code) in [
            ("Democratic Republic of the Congo", "COD"),
            ("Congo, Democratic Republic of the", "COD"),
            ("Congo", "COG"),
            ("Iran (Islamic Republic of)", "IRN"),
            ("Iran", "IRN"),
            (
                "United Kingdom of Great Britain and Northern Ireland",
                "GBR",
            ),
            ("Democratic People's Republic of Korea", "PRK"),
            ("Korea, North", "PRK"),
            ("Russian Federation", "RUS"),
            ("Russia", "RUS"),
            ("Türkiye", "TUR"),
            ("Turkey", "TUR"),
            ("The Gambia", "GMB"),
            ("St Kitts and Nevis", "KNA"),
            ("St. Kitts and Nevis", "KNA"),
            ("Cote d'Ivoire", "CIV"),
            ("Côte d’Ivoire", "CIV"),
            ("United Republic of Tanzania", "TZA"),
            ("State of Palestine", "PSE"),
            ("Burma", "MMR"),
            ("  syrian arab   republic ", "SYR"),
            ("Bosnia & Herzegovina", "BIH"),
        ] {
            assert_eq!(alpha3_for_name(name), Some(code), "{name}");
        }
    }

    #[test]
    fn unknown_and_former_states_are_not_guessed() {
        for name in [
            "former Soviet Union",
            "Kosovo",
            "Yugoslavia",
            "na",
            "",
            "Atlantis",
            "Korea",
            "Virgin Islands",
        ] {
            assert_eq!(alpha3_for_name(name), None, "{name}");
        }
    }
}
