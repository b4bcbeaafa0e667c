//! Country codes: ISO 3166-1 alpha-3, the one form used inside portwatch, and the ICAO 9303
//! codes that travel documents carry, mapped to it explicitly.
//!
//! Doc 9303 Part 3 uses the ISO alpha-3 codes for states, with exceptions that must never be
//! guessed: `D` for Germany (one letter, padded `D<<`); `GBD`, `GBN`, `GBO`, `GBP`, `GBS` for
//! categories of British nationality (the United Kingdom issues); `RKS` for Kosovo; codes for
//! organisations that issue travel documents (`UNO`, `UNA`, `UNK`, `EUE`, `XPO` for INTERPOL,
//! `XBA` … `XDC`); `XXA` stateless, `XXB` and `XXC` refugees, `XXX` unspecified nationality;
//! and `UTO`, the fictional Utopia of the specimens. [`from_icao`] says which is which;
//! [`iso_alpha3`] gives the country when there is one.

/// Every ISO 3166-1 alpha-3 code, sorted (249 codes), plus `XKX` for Kosovo: not an ISO code,
/// but the code the European Union and most registries use, and the target of ICAO's `RKS`.
const ISO_ALPHA3: &[&str] = &[
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM",
    "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD",
    "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN",
    "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ",
    "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
    "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
    "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL",
    "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
    "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP",
    "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL",
    "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY",
    "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF",
    "ZMB", "ZWE",
];

/// Kosovo's user-assigned code: not an ISO 3166-1 code, but the one registries use, and the
/// country of ICAO's `RKS`.
pub const KOSOVO: &str = "XKX";

/// Whether `code` (exactly three upper-case letters) is an ISO 3166-1 alpha-3 country code, or
/// `XKX` for Kosovo.
pub fn is_iso_alpha3(code: &str) -> bool {
    code == KOSOVO || ISO_ALPHA3.binary_search(&code).is_ok()
}

/// What an ICAO 9303 code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IcaoKind {
    /// A state: the ISO alpha-3 code itself, or `D` (Germany) and `RKS` (Kosovo).
    State,
    /// A category of British nationality (`GBD`, `GBN`, `GBO`, `GBP`, `GBS`); the United
    /// Kingdom issues the document.
    BritishNationality,
    /// An organisation that issues travel documents (`UNO`, `EUE`, `XPO` …).
    Organization,
    /// A stateless person under the 1954 Convention (`XXA`).
    Stateless,
    /// A refugee under the 1951 Convention (`XXB`) or otherwise (`XXC`).
    Refugee,
    /// A person of unspecified nationality (`XXX`).
    Unspecified,
    /// Utopia, the fictional state of Doc 9303's specimens (`UTO`).
    Specimen,
}

/// An ICAO 9303 issuing-state or nationality code, read explicitly (never guessed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct IcaoCode {
    /// The code as Doc 9303 writes it, without fillers.
    pub code: &'static str,
    pub kind: IcaoKind,
    /// The country in ISO 3166-1 alpha-3, when the code names or implies one.
    pub iso_alpha3: Option<&'static str>,
    /// What the code stands for, for the codes that are not plain ISO countries.
    pub description: Option<&'static str>,
}

/// The codes of Doc 9303 Part 3 that are not ISO 3166-1 alpha-3 country codes.
const SPECIAL_CODES: &[(&str, IcaoKind, Option<&str>, &str)] = &[
    ("D", IcaoKind::State, Some("DEU"), "Germany"),
    ("EUE", IcaoKind::Organization, None, "European Union"),
    (
        "GBD",
        IcaoKind::BritishNationality,
        Some("GBR"),
        "British Overseas Territories Citizen",
    ),
    (
        "GBN",
        IcaoKind::BritishNationality,
        Some("GBR"),
        "British National (Overseas)",
    ),
    (
        "GBO",
        IcaoKind::BritishNationality,
        Some("GBR"),
        "British Overseas Citizen",
    ),
    (
        "GBP",
        IcaoKind::BritishNationality,
        Some("GBR"),
        "British Protected Person",
    ),
    (
        "GBS",
        IcaoKind::BritishNationality,
        Some("GBR"),
        "British Subject",
    ),
    ("RKS", IcaoKind::State, Some(KOSOVO), "Kosovo"),
    (
        "UNA",
        IcaoKind::Organization,
        None,
        "Specialized agency of the United Nations",
    ),
    (
        "UNK",
        IcaoKind::Organization,
        None,
        "Resident of Kosovo, document issued by UNMIK",
    ),
    (
        "UNO",
        IcaoKind::Organization,
        None,
        "United Nations Organization",
    ),
    (
        "UTO",
        IcaoKind::Specimen,
        None,
        "Utopia (specimen documents)",
    ),
    (
        "XBA",
        IcaoKind::Organization,
        None,
        "African Development Bank",
    ),
    (
        "XCC",
        IcaoKind::Organization,
        None,
        "Caribbean Community (CARICOM)",
    ),
    ("XCE", IcaoKind::Organization, None, "Council of Europe"),
    (
        "XCO",
        IcaoKind::Organization,
        None,
        "Common Market for Eastern and Southern Africa",
    ),
    (
        "XDC",
        IcaoKind::Organization,
        None,
        "Southern African Development Community",
    ),
    (
        "XEC",
        IcaoKind::Organization,
        None,
        "Economic Community of West African States",
    ),
    (
        "XES",
        IcaoKind::Organization,
        None,
        "Organisation of Eastern Caribbean States",
    ),
    (
        "XIM",
        IcaoKind::Organization,
        None,
        "African Export-Import Bank",
    ),
    (
        "XMP",
        IcaoKind::Organization,
        None,
        "Parliamentary Assembly of the Mediterranean",
    ),
    (
        "XOM",
        IcaoKind::Organization,
        None,
        "Sovereign Military Order of Malta",
    ),
    ("XPO", IcaoKind::Organization, None, "INTERPOL"),
    (
        "XXA",
        IcaoKind::Stateless,
        None,
        "Stateless person (1954 Convention)",
    ),
    ("XXB", IcaoKind::Refugee, None, "Refugee (1951 Convention)"),
    (
        "XXC",
        IcaoKind::Refugee,
        None,
        "Refugee other than under the 1951 Convention",
    ),
    (
        "XXX",
        IcaoKind::Unspecified,
        None,
        "Person of unspecified nationality",
    ),
];

/// A code of one to three bytes as a number that sorts as the code does (the MRZ parser looks
/// codes up millions of times a second; comparing numbers beats comparing strings).
fn sort_key(code: &str) -> Option<u32> {
    let bytes = code.as_bytes();
    if bytes.is_empty() || bytes.len() > 3 {
        return None;
    }
    let mut key = 0u32;
    for i in 0..3 {
        key = key << 8 | u32::from(bytes.get(i).copied().unwrap_or(0));
    }
    Some(key)
}

/// Reads an ICAO 9303 issuing-state or nationality code (trailing fillers ignored), or `None`
/// when Doc 9303 does not define it. `XKX` is not an ICAO code (Kosovo's documents say `RKS`).
pub fn from_icao(code: &str) -> Option<IcaoCode> {
    let code = code.trim_end_matches('<');
    let wanted = sort_key(code)?;
    if let Ok(i) =
        SPECIAL_CODES.binary_search_by_key(&wanted, |entry| sort_key(entry.0).unwrap_or(0))
    {
        let (code, kind, iso_alpha3, description) = SPECIAL_CODES[i];
        return Some(IcaoCode {
            code,
            kind,
            iso_alpha3,
            description: Some(description),
        });
    }
    let i = ISO_ALPHA3
        .binary_search_by_key(&wanted, |iso| sort_key(iso).unwrap_or(0))
        .ok()?;
    Some(IcaoCode {
        code: ISO_ALPHA3[i],
        kind: IcaoKind::State,
        iso_alpha3: Some(ISO_ALPHA3[i]),
        description: None,
    })
}

/// The ISO 3166-1 alpha-3 code for an ICAO 9303 issuing-state or nationality code, or `None`
/// when the ICAO code names no country (an organisation, a stateless person, a refugee, an
/// unspecified nationality) or is unknown.
///
/// ICAO codes are ISO codes except for a few: `D` is Germany; the British nationality
/// categories (`GBD`, `GBN`, `GBO`, `GBP`, `GBS`) are issued by the United Kingdom; `RKS` is
/// Kosovo. MRZ filler (`<`) is ignored, so `D<<` reads as `D`.
pub fn iso_alpha3(icao: &str) -> Option<&'static str> {
    from_icao(icao).and_then(|code| code.iso_alpha3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_complete() {
        assert!(ISO_ALPHA3.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ISO_ALPHA3.len(), 249);
    }

    #[test]
    fn icao_codes_map_explicitly() {
        assert_eq!(iso_alpha3("D<<"), Some("DEU"));
        assert_eq!(iso_alpha3("GBD"), Some("GBR"));
        assert_eq!(iso_alpha3("RKS"), Some("XKX"));
        assert_eq!(iso_alpha3("MAR"), Some("MAR"));
        for special in ["UTO", "XXA", "XXB", "XXC", "XXX", "UNO", "EUE", "XBA"] {
            assert_eq!(iso_alpha3(special), None, "{special}");
        }
    }

    #[test]
    fn special_codes_are_sorted_and_say_what_they_name() {
        assert!(SPECIAL_CODES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(from_icao("XXB").map(|c| c.kind), Some(IcaoKind::Refugee));
        assert_eq!(
            from_icao("XPO").and_then(|c| c.description),
            Some("INTERPOL")
        );
        assert_eq!(from_icao("UTO").map(|c| c.kind), Some(IcaoKind::Specimen));
        assert_eq!(
            from_icao("D<<").map(|c| (c.kind, c.iso_alpha3)),
            Some((IcaoKind::State, Some("DEU")))
        );
        assert_eq!(
            from_icao("GBN").map(|c| c.kind),
            Some(IcaoKind::BritishNationality)
        );
        assert_eq!(from_icao("FRA").map(|c| c.iso_alpha3), Some(Some("FRA")));
        assert_eq!(from_icao("XKX"), None);
        assert_eq!(from_icao("ZZZ"), None);
        assert_eq!(from_icao(""), None);
    }

    #[test]
    fn only_iso_codes_are_accepted() {
        assert!(is_iso_alpha3("DZA") && is_iso_alpha3("XKX"));
        assert!(!is_iso_alpha3("D") && !is_iso_alpha3("UTO") && !is_iso_alpha3("mar"));
    }
}
