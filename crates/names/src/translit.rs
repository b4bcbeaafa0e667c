//! Transliteration of one character into lowercase ASCII.
//!
//! Travel documents write names in the Latin letters of ICAO Doc 9303 Part 3 (the machine
//! readable zone allows only `A`–`Z`), and watch lists copy whatever romanisation a clerk chose.
//! To compare names across scripts every character is first brought to lowercase ASCII:
//!
//! * Latin letters with diacritics lose the mark (Table A's first choice for most letters);
//!   letters that are not a base letter plus a mark (ß, Æ, Ø, Þ, Ł, …) follow Table A. The
//!   alternatives that Table A allows (Ä→AE, Ö→OE, Ü→UE, Å→AA) are produced as a second form by
//!   [`icao_alternative`] and reconciled later by the phonetic form, which folds vowel runs.
//! * Cyrillic and Greek follow the ICAO tables (Ж→ZH, Х→KH, Ц→TS, Щ→SHCH, Ю→IU, Я→IA; Θ→TH,
//!   Χ→CH, Ψ→PS, Η→I).
//! * Arabic and Persian letters follow Doc 9303 Table C reduced to ASCII (ث→TH, خ→KH, ذ→DH,
//!   ش→SH, غ→GH, ق→Q; emphatic letters lose their dots). Arabic writes no short vowels, so its
//!   tokens are flagged as *abjad* and compared on their consonant skeleton.
//! * Every other script goes through `deunicode`, a general table (Han to pinyin syllables,
//!   Hangul, Kana, Armenian, Georgian, Hebrew, Devanagari, …). Characters it does not know
//!   become nothing, never a panic.

/// The script family a character belongs to, as far as matching needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// ASCII and Latin letters with diacritics.
    Latin,
    Cyrillic,
    Greek,
    /// Arabic, Persian and Urdu letters: short vowels are not written.
    Arabic,
    /// Hebrew letters: short vowels are not written either.
    Hebrew,
    /// Han ideographs: one syllable per character.
    Han,
    /// Korean Hangul syllables.
    Hangul,
    /// Japanese Hiragana and Katakana.
    Kana,
    /// Armenian: every vowel is written but the schwa ը, which is said between consonants and
    /// not written (Մկրտչյան is Mkrtchyan, said and often spelt Mekertchian).
    Armenian,
    /// The abugidas of South and Southeast Asia (Devanagari, Bengali, Gurmukhi, Gujarati,
    /// Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala, Thai, Lao, Myanmar, Khmer): a
    /// consonant letter carries a vowel that is not written, so the transliteration lacks it
    /// (नरेन्द्र → nrendr, សម → sm).
    Indic,
    /// Anything else (Georgian, Ethiopic, Tibetan, …).
    Other,
}

impl Script {
    /// Scripts that do not write short vowels (Arabic, Hebrew) or an abugida's inherent vowel
    /// (Indic): their transliteration lacks them, so matching compares consonant skeletons.
    pub fn is_abjad(self) -> bool {
        matches!(
            self,
            Script::Arabic | Script::Hebrew | Script::Indic | Script::Armenian
        )
    }

    /// Scripts whose every character is a syllable of a name: one character differing is a
    /// different name (习近平 / 习近朋), however close the romanisations.
    pub fn is_syllabic(self) -> bool {
        matches!(self, Script::Han | Script::Hangul | Script::Kana)
    }
}

/// The script of one character (digits and punctuation count as Latin).
pub fn script_of(c: char) -> Script {
    match c as u32 {
        0x0000..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F => Script::Cyrillic,
        0x0590..=0x05FF => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => Script::Han,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x3040..=0x30FF => Script::Kana,
        0x0900..=0x0DFF | 0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF => Script::Indic,
        0x0530..=0x058F => Script::Armenian,
        _ => Script::Other,
    }
}

/// Appends the lowercase ASCII transliteration of `c` (already NFKC-normalised and lowercased
/// where the script has case) to `out`. `word_initial` tells whether `c` starts a word, which
/// matters for Arabic ayn and alef.
pub fn push_ascii(c: char, word_initial: bool, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if let Some(s) = latin_special(c) {
        out.push_str(s);
        return;
    }
    match script_of(c) {
        Script::Cyrillic => out.push_str(cyrillic(c)),
        Script::Greek => out.push_str(greek(c)),
        Script::Arabic => out.push_str(arabic(c, word_initial)),
        Script::Hebrew => out.push_str(hebrew(c, word_initial)),
        Script::Latin => push_stripped_latin(c, out),
        Script::Hangul => push_hangul(c, out),
        Script::Han | Script::Kana | Script::Indic | Script::Armenian | Script::Other => {
            if let Some(s) = deunicode::deunicode_char(c) {
                for b in s.chars().filter(char::is_ascii_alphanumeric) {
                    out.push(b.to_ascii_lowercase());
                }
            }
        }
    }
}

/// A Hangul syllable in the Revised Romanisation, with its rule for final consonants: a final
/// ㄱ, ㅂ, ㄷ is written k, p, t (석 → seok, not seog).
fn push_hangul(c: char, out: &mut String) {
    let Some(s) = deunicode::deunicode_char(c) else {
        return;
    };
    let start = out.len();
    out.extend(
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase()),
    );
    let syllable = &out[start..];
    let voiced_final = match syllable.as_bytes() {
        [.., b'n', b'g'] => None,
        [.., b'g'] => Some('k'),
        [.., b'b'] => Some('p'),
        [.., b'd'] => Some('t'),
        _ => None,
    };
    if let Some(unvoiced) = voiced_final {
        out.pop();
        out.push(unvoiced);
    }
}

/// The customary romanisation of a Korean family name written as one Hangul syllable
/// (이 → Lee, 박 → Park, 김 → Kim), the spelling passports and lists use rather than the Revised
/// Romanisation (I, Bak, Gim).
pub fn korean_family_name(c: char) -> Option<&'static str> {
    Some(match c {
        '김' => "kim",
        '이' | '리' => "lee",
        '박' => "park",
        '최' => "choi",
        '정' => "jung",
        '강' => "kang",
        '조' => "cho",
        '윤' => "yoon",
        '장' => "jang",
        '임' | '림' => "lim",
        '한' => "han",
        '오' => "oh",
        '서' => "seo",
        '신' => "shin",
        '권' => "kwon",
        '황' => "hwang",
        '안' => "ahn",
        '송' => "song",
        '류' | '유' => "yoo",
        '전' => "jeon",
        '홍' => "hong",
        '고' => "ko",
        '문' => "moon",
        '양' => "yang",
        '손' => "son",
        '배' => "bae",
        '백' => "baek",
        '허' => "heo",
        '남' => "nam",
        '노' | '로' => "roh",
        '하' => "ha",
        '곽' => "kwak",
        '성' => "sung",
        '차' => "cha",
        '주' => "joo",
        '우' => "woo",
        '구' => "koo",
        '민' => "min",
        '진' => "jin",
        '지' => "ji",
        '엄' => "um",
        '채' => "chae",
        '원' => "won",
        '천' => "cheon",
        '방' => "bang",
        '공' => "kong",
        '현' => "hyun",
        '함' => "ham",
        '변' => "byun",
        '염' => "yeom",
        '여' => "yeo",
        '추' => "choo",
        '석' => "seok",
        '선' => "sun",
        '설' => "seol",
        '길' => "gil",
        '연' => "yeon",
        '표' => "pyo",
        '명' => "myung",
        '기' => "ki",
        '왕' => "wang",
        '금' => "keum",
        '육' => "yook",
        '탁' => "tak",
        '국' => "kook",
        '편' => "pyeon",
        _ => return None,
    })
}

/// ICAO Table A's alternative spelling of a Latin letter where it differs from the plain one
/// (the German and Scandinavian convention: Ä→AE, Ö→OE, Ü→UE, Å→AA).
/// Greek has no letters for b, d, g and j: it writes them μπ, ντ, γκ and τζ, and so
/// transcribes foreign names (Βλαντίμιρ is Vladimir, Τζο Μπάιντεν Joe Biden). ICAO's table transliterates the
/// letters (mp, nt, gk); the second form, from the romanised word, reads the digraphs as the
/// sounds. `None` where the word has none.
pub fn greek_stop_digraphs(romanised: &str) -> Option<String> {
    if !["mp", "nt", "gk", "tz"]
        .iter()
        .any(|d| romanised.contains(d))
    {
        return None;
    }
    Some(
        romanised
            .replace("mp", "b")
            .replace("nt", "d")
            .replace("gk", "g")
            .replace("tz", "j"),
    )
}

/// The Slavic Latin alphabets (Serbian and Croatian Gaj, Czech, Slovak, Slovenian) write with
/// one háček letter what ICAO's Cyrillic table and English write with two: Вучић is Vučić,
/// Жижек is Žižek. Passports strip the háček (VUCIC, ZIZEK), English lists spell the sound
/// (Vuchich). So a Cyrillic word keeps the stripped Slavic Latin spelling as a second form,
/// and a Latin word with a háček keeps the two-letter spelling.
pub fn slavic_latin_alternative(c: char) -> Option<&'static str> {
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        'ч' => "c",
        'ш' => "s",
        'ж' => "z",
        'ц' => "c",
        'č' => "ch",
        'š' => "sh",
        'ž' => "zh",
        _ => return None,
    })
}

/// How the letters that Arabic-script languages and dialects pronounce differently are read
/// in a romanisation. Table C writes Classical Arabic; lists copy names as they are said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArabicReading {
    /// Persian, Urdu, Pashto and Turkish: ث s, ذ ظ ض z, ق gh (Samer, Zarif, Reza, Ghasem).
    Persian,
    /// Gulf, Bedouin and Libyan Arabic: ق g (Gaddafi, Al Gurg).
    Gulf,
    /// Egyptian Arabic: ج g, ث s, ذ ظ z (Gamal, Zaki).
    Egyptian,
}

/// All the dialect readings, in the order a word's second forms are kept.
pub const ARABIC_READINGS: [ArabicReading; 3] = [
    ArabicReading::Persian,
    ArabicReading::Gulf,
    ArabicReading::Egyptian,
];

/// The romanisation of an Arabic letter in `reading` where it differs from Table C's
/// ([`push_ascii`]): ث th|s, ذ ظ dh|z, ض d|z, ق q|g, ج j|g.
pub fn arabic_reading(c: char, reading: ArabicReading) -> Option<&'static str> {
    use ArabicReading::*;
    Some(match (c, reading) {
        ('ث', Persian | Egyptian) => "s",
        ('ذ' | 'ظ', Persian | Egyptian) => "z",
        ('ض', Persian) => "z",
        ('ق', Persian) => "gh",
        ('ق', Gulf) => "g",
        ('ج', Egyptian) => "g",
        _ => return None,
    })
}

/// A word in Arabic script romanised in `reading` (see [`arabic_reading`]).
pub fn arabic_word_in(word: &str, reading: ArabicReading) -> String {
    let mut out = String::with_capacity(word.len());
    for (i, c) in word.chars().enumerate() {
        match arabic_reading(c, reading) {
            Some(s) => out.push_str(s),
            None => push_ascii(c, i == 0, &mut out),
        }
    }
    out
}

pub fn icao_alternative(c: char) -> Option<&'static str> {
    Some(match c {
        'ä' | 'Ä' => "ae",
        'ö' | 'Ö' => "oe",
        'ü' | 'Ü' => "ue",
        'å' | 'Å' => "aa",
        _ => return None,
    })
}

/// Latin letters that are not a base letter plus a combining mark.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'þ' | 'Þ' => "th",
        'ð' | 'Ð' | 'đ' | 'Đ' => "d",
        'ł' | 'Ł' => "l",
        'ı' => "i",
        // Azerbaijani schwa: passports write it A (Əliyev → ALIYEV).
        'ə' | 'Ə' => "a",
        'ħ' | 'Ħ' => "h",
        'ŋ' | 'Ŋ' => "n",
        'ĸ' => "k",
        'ſ' => "s",
        'ŀ' | 'Ŀ' => "l",
        'ʼ' | 'ʻ' | 'ʿ' | 'ʾ' | '’' | '‘' | '`' | '´' => "",
        _ => return None,
    })
}

/// Removes the diacritic of a precomposed Latin letter (é→e, ç→c, ñ→n, ş→s).
fn push_stripped_latin(c: char, out: &mut String) {
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};
    decompose_canonical(c, |d| {
        if d.is_ascii() {
            out.push(d.to_ascii_lowercase());
        } else if !is_combining_mark(d) {
            if let Some(s) = deunicode::deunicode_char(d) {
                out.extend(
                    s.chars()
                        .filter(char::is_ascii_alphanumeric)
                        .map(|b| b.to_ascii_lowercase()),
                );
            }
        }
    });
}

/// ICAO Doc 9303 Part 3 transliteration of Cyrillic (Russian, Ukrainian, Belarusian, Serbian,
/// Macedonian letters).
fn cyrillic(c: char) -> &'static str {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' | 'ѓ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'є' => "ie",
        'ж' => "zh",
        'з' => "z",
        'и' | 'й' | 'і' | 'ї' => "i",
        'ј' => "j",
        'к' | 'ќ' => "k",
        'л' => "l",
        'љ' => "lj",
        'м' => "m",
        'н' => "n",
        'њ' => "nj",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'ћ' => "c",
        'ђ' => "d",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'џ' | 'ѕ' => "dz",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' => "ie",
        'ы' => "y",
        'ь' => "",
        'ю' => "iu",
        'я' => "ia",
        // Letters of the Cyrillic alphabets of Kazakh, Kyrgyz, Mongolian, Tajik, Uzbek, Tatar
        // and Bashkir, as their Latin alphabets and passports write them without diacritics.
        'ә' => "a",
        'ғ' | 'ҕ' => "g",
        'қ' | 'ҡ' => "k",
        'ң' => "ng",
        'ө' | 'ҩ' => "o",
        'ұ' | 'ү' | 'ӯ' => "u",
        'һ' | 'ҳ' => "h",
        'ҷ' | 'ҹ' => "ch",
        'җ' | 'ӂ' => "zh",
        'ӣ' => "i",
        'ҙ' => "z",
        'ҫ' => "s",
        _ => "",
    }
}

/// ICAO Doc 9303 Part 3 transliteration of Greek (accents are dropped).
fn greek(c: char) -> &'static str {
    use unicode_normalization::char::decompose_canonical;
    let mut base = c;
    decompose_canonical(c, |d| {
        if !unicode_normalization::char::is_combining_mark(d) {
            base = d;
        }
    });
    match base.to_lowercase().next().unwrap_or(base) {
        'α' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' => "e",
        'ζ' => "z",
        'η' => "i",
        'θ' => "th",
        'ι' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        'ω' => "o",
        _ => "",
    }
}

/// Doc 9303 Table C reduced to ASCII, for Arabic and Persian letters. Harakat (short vowel
/// marks) and tatweel are dropped. Waw and ya are written as the vowels u and i inside a word
/// (their usual role in names) and as w and y at its start; ayn and alef at the start of a word
/// are the vowel a that romanisations write there (Ali, Abd, Omar).
fn arabic(c: char, word_initial: bool) -> &'static str {
    match c {
        'ا' | 'آ' | 'أ' | 'ٱ' | 'ى' => "a",
        'إ' => "i",
        'ب' => "b",
        'ت' | 'ط' => "t",
        'ة' => "a",
        'ث' => "th",
        'ج' => "j",
        'ح' | 'ه' | 'ھ' | 'ۀ' | 'ہ' => "h",
        'خ' => "kh",
        'د' | 'ض' => "d",
        'ذ' | 'ظ' => "dh",
        'ر' => "r",
        'ز' => "z",
        'س' | 'ص' => "s",
        'ش' => "sh",
        'ع' if word_initial => "a",
        // Inside a word ayn is a consonant that romanisations write as a vowel or an
        // apostrophe (Muammar, Saad): a vowel keeps the letters around it apart.
        'ع' => "a",
        'ء' | 'ئ' | 'ؤ' => "",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'ل' => "l",
        'م' => "m",
        'ن' => "n",
        'و' if word_initial => "w",
        'و' => "u",
        'ي' | 'ی' | 'ې' | 'ے' if word_initial => "y",
        'ي' | 'ی' | 'ې' | 'ے' => "i",
        'پ' => "p",
        'چ' => "ch",
        'ژ' => "zh",
        'گ' => "g",
        'ڤ' => "v",
        '٠'..='٩' => ARABIC_DIGITS[(c as u32 - '٠' as u32) as usize],
        '۰'..='۹' => ARABIC_DIGITS[(c as u32 - '۰' as u32) as usize],
        _ => "",
    }
}

/// Hebrew letters in the common English romanisation, reduced to ASCII; vav and yod inside a
/// word are the vowels u and i (as in Arabic), niqqud are dropped.
fn hebrew(c: char, word_initial: bool) -> &'static str {
    match c {
        'א' => "a",
        'ע' if word_initial => "a",
        'ע' => "",
        'ב' => "b",
        'ג' => "g",
        'ד' => "d",
        'ה' => "h",
        'ו' if word_initial => "v",
        'ו' => "u",
        'ז' => "z",
        'ח' => "kh",
        'ט' | 'ת' => "t",
        'י' if word_initial => "y",
        'י' => "i",
        'כ' | 'ך' | 'ק' => "k",
        'ל' => "l",
        'מ' | 'ם' => "m",
        'נ' | 'ן' => "n",
        'ס' => "s",
        'פ' | 'ף' => "p",
        'צ' | 'ץ' => "ts",
        'ר' => "r",
        'ש' => "sh",
        _ => "",
    }
}

const ARABIC_DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

#[cfg(test)]
mod tests {
    use super::*;

    fn translit(s: &str) -> String {
        let mut out = String::new();
        let mut initial = true;
        for c in s.chars() {
            if c.is_whitespace() {
                out.push(' ');
                initial = true;
                continue;
            }
            push_ascii(c, initial, &mut out);
            initial = false;
        }
        out
    }

    #[test]
    fn latin_diacritics_follow_icao_table_a() {
        assert_eq!(translit("Müller"), "muller");
        assert_eq!(translit("Straße"), "strasse");
        assert_eq!(translit("Søren Kierkegård"), "soren kierkegard");
        assert_eq!(translit("Łukasz Bączek"), "lukasz baczek");
        assert_eq!(translit("Şahin Çelik"), "sahin celik");
        assert_eq!(icao_alternative('ö'), Some("oe"));
        assert_eq!(arabic_reading('ظ', ArabicReading::Persian), Some("z"));
        assert_eq!(arabic_reading('ق', ArabicReading::Gulf), Some("g"));
        assert_eq!(arabic_reading('ب', ArabicReading::Egyptian), None);
        assert_eq!(arabic_word_in("جمال", ArabicReading::Egyptian), "gmal");
        assert_eq!(slavic_latin_alternative('Ч'), Some("c"));
        assert_eq!(slavic_latin_alternative('š'), Some("sh"));
        assert_eq!(slavic_latin_alternative('a'), None);
        assert_eq!(greek_stop_digraphs("ntonalnt").as_deref(), Some("donald"));
        assert_eq!(greek_stop_digraphs("nikos"), None);
    }

    #[test]
    fn cyrillic_follows_icao() {
        assert_eq!(translit("Владимир Путин"), "vladimir putin");
        assert_eq!(translit("Сергей Лавров"), "sergei lavrov");
        assert_eq!(translit("Юлия Тимошенко"), "iuliia timoshenko");
        assert_eq!(translit("Хрущёв"), "khrushchev");
    }

    #[test]
    fn central_asian_cyrillic_letters_are_not_lost() {
        assert_eq!(translit("Нұрлан Сұлтанбеков"), "nurlan sultanbekov");
        assert_eq!(translit("Қайрат Әбдірахманов"), "kairat abdirakhmanov");
        assert_eq!(translit("Өлзий"), "olzii");
        assert_eq!(translit("Ҳоҷиев"), "hochiev");
        assert_eq!(translit("Mehriban Əliyeva"), "mehriban aliyeva");
    }

    #[test]
    fn greek_follows_icao() {
        assert_eq!(translit("Αλέξης Τσίπρας"), "alexis tsipras");
        assert_eq!(translit("Θεόδωρος"), "theodoros");
    }

    #[test]
    fn arabic_writes_consonants_and_long_vowels() {
        assert_eq!(translit("محمد"), "mhmd");
        assert_eq!(translit("علي"), "ali");
        assert_eq!(translit("يوسف"), "yusf");
        assert_eq!(translit("خالد"), "khald");
    }

    #[test]
    fn hebrew_writes_consonants_and_matres_lectionis() {
        assert_eq!(translit("בנימין נתניהו"), "bnimin ntnihu");
        assert_eq!(translit("דוד"), "dud");
    }

    #[test]
    fn other_scripts_fall_back_without_panic() {
        assert_eq!(translit("习近平"), "xijinping");
        assert!(!translit("Արամ").is_empty());
        assert_eq!(script_of('习'), Script::Han);
        assert_eq!(translit("석열"), "seokyeol");
        assert_eq!(translit("정은"), "jeongeun");
        assert_eq!(translit("\u{10FFFF}"), "");
    }
}
