//! Country codes: ISO 3166-1 alpha-3, the one form used inside portwatch, and the ICAO 9303
//! codes that travel documents carry, mapped to it explicitly.

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

/// Kosovo's user-assigned code (see [`ISO_ALPHA3`]).
pub const KOSOVO: &str = "XKX";

/// Whether `code` (exactly three upper-case letters) is an ISO 3166-1 alpha-3 country code, or
/// `XKX` for Kosovo.
pub fn is_iso_alpha3(code: &str) -> bool {
    code == KOSOVO || ISO_ALPHA3.binary_search(&code).is_ok()
}

/// The ISO 3166-1 alpha-3 code for an ICAO 9303 issuing-state or nationality code, or `None`
/// when the ICAO code names no country (an organisation, a stateless person, a refugee, an
/// unspecified nationality) or is unknown.
///
/// ICAO codes are ISO codes except for a few: `D` is Germany; the British nationality
/// categories (`GBD`, `GBN`, `GBO`, `GBP`, `GBS`) are issued by the United Kingdom; `RKS` is
/// Kosovo. MRZ filler (`<`) is ignored, so `D<<` reads as `D`.
pub fn iso_alpha3(icao: &str) -> Option<&'static str> {
    let code = icao.trim_end_matches('<');
    match code {
        "D" => Some("DEU"),
        "GBD" | "GBN" | "GBO" | "GBP" | "GBS" => Some("GBR"),
        "RKS" => Some(KOSOVO),
        _ => ISO_ALPHA3.binary_search(&code).ok().map(|i| ISO_ALPHA3[i]),
    }
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
    fn only_iso_codes_are_accepted() {
        assert!(is_iso_alpha3("DZA") && is_iso_alpha3("XKX"));
        assert!(!is_iso_alpha3("D") && !is_iso_alpha3("UTO") && !is_iso_alpha3("mar"));
    }
}
