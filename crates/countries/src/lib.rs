//! Countries: the ISO 3166-1 alpha-2 table, and the resolver that reads a country out of a raw
//! affiliation string the way a careful reader would.
//!
//! ```
//! use tandem_countries::{country_name, resolve_country};
//! assert_eq!(country_name("GB"), Some("United Kingdom"));
//! assert_eq!(resolve_country("Univ Oxford, Dept Phys, Oxford OX1 3PU, England"), Some("GB"));
//! assert_eq!(resolve_country("Harvard Med Sch, Beth Israel Deaconess Med Ctr, Boston, MA 02215 USA"), Some("US"));
//! assert_eq!(resolve_country("Beth Israel Deaconess Medical Center, Boston, MA"), Some("US"));
//! ```

mod table;
mod variants;

use std::collections::HashMap;
use std::sync::LazyLock;

use table::COUNTRIES;
use variants::{
    AUSTRALIAN_STATES, CANADIAN_PROVINCES, COUNTRY_ADJECTIVES, COUNTRY_VARIANTS,
    GEORGIA_US_SIGNALS, HONG_KONG_PLACES, MACAO_PLACES, US_STATES, WESTERN_AUSTRALIA_PLACES,
};

/// The English short name of an ISO 3166-1 alpha-2 code ("US" → "United States"). Case-insensitive.
pub fn country_name(code: &str) -> Option<&'static str> {
    let code = code.trim();
    if code.len() != 2 {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(upper.as_str()))
        .ok()
        .map(|i| COUNTRIES[i].1)
}

/// True when `code` is an assigned ISO 3166-1 alpha-2 code (case-insensitive).
pub fn is_country_code(code: &str) -> bool {
    country_name(code).is_some()
}

/// The code as the table spells it (`"gb"` → `"GB"`), or `None` when it is not an assigned code.
pub fn canonical_code(code: &str) -> Option<&'static str> {
    let upper = code.trim().to_ascii_uppercase();
    COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(upper.as_str()))
        .ok()
        .map(|i| COUNTRIES[i].0)
}

/// Every `(code, name)` pair, sorted by code.
pub fn all_countries() -> impl Iterator<Item = (&'static str, &'static str)> {
    COUNTRIES.iter().copied()
}

/// The code for a country name or one of its usual variants, as a whole ("Peoples R China" → CN,
/// "Korea, Republic of" → KR, "England" → GB). Does not look inside longer strings; see
/// [`resolve_country`] for that.
pub fn country_code_for_name(name: &str) -> Option<&'static str> {
    NAMES.get(normalize(name).as_str()).copied()
}

/// The code for a country's adjective, as a whole ("Italian" → IT, "Swiss" → CH), as it stands
/// before an organisation's name. Adjectives that are also languages or subjects ("English") are
/// not in the table.
pub fn country_code_for_adjective(word: &str) -> Option<&'static str> {
    let key = normalize(word);
    COUNTRY_ADJECTIVES
        .binary_search_by(|(adjective, _)| (*adjective).cmp(key.as_str()))
        .ok()
        .map(|i| COUNTRY_ADJECTIVES[i].1)
}

static NAMES: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut names = HashMap::with_capacity(COUNTRIES.len() * 3);
    for (code, name) in COUNTRIES {
        names.insert(normalize(name), *code);
    }
    for (variant, code) in COUNTRY_VARIANTS {
        names.insert(normalize(variant), *code);
    }
    names
});

static US_STATE_NAMES: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    US_STATES
        .iter()
        .map(|(code, name)| (*name, *code))
        .collect()
});

/// True for the two-letter postal code of a US state, district or territory ("CA", "MA", "DC").
pub fn is_us_state_code(token: &str) -> bool {
    US_STATES.iter().any(|(code, _)| *code == token)
}

/// True for the name of a US state, district or territory, normalised ("virginia", "new york").
pub fn is_us_state_name(name: &str) -> bool {
    US_STATE_NAMES.contains_key(name)
}

/// How a country was found in a string, for explanations (`tandem match` shows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryMatch {
    /// ISO 3166-1 alpha-2 code.
    pub code: &'static str,
    /// The part of the string that named the country.
    pub evidence: String,
    /// Which rule fired, in words.
    pub rule: &'static str,
}

/// The country of one affiliation address, or `None` when the string does not name one.
pub fn resolve_country(affiliation: &str) -> Option<&'static str> {
    resolve_country_detailed(affiliation).map(|m| m.code)
}

/// The distinct countries of a string that may hold several addresses separated by `;`, in order of
/// first appearance.
pub fn resolve_countries(affiliations: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for part in affiliations.split(';') {
        if let Some(code) = resolve_country(part)
            && !out.contains(&code)
        {
            out.push(code);
        }
    }
    out
}

/// Like [`resolve_country`], with the evidence and the rule that decided.
///
/// The address is read from the end, the way Web of Science and Scopus write it: the country comes
/// last, possibly after a postcode; a US address may stop at "MA 02115" or at the state. A segment must
/// *be* a country name (not merely contain one), so "Beth Israel Deaconess", "New England Biolabs" or
/// "Jersey City" never name a country; only the last segment may end with one, when the word before
/// does not make it part of a name. Trailing e-mail addresses, ORCIDs and URLs are ignored.
pub fn resolve_country_detailed(affiliation: &str) -> Option<CountryMatch> {
    let segments: Vec<&str> = affiliation
        .split([',', ';', '\n', '\t', '|'])
        .map(|s| clean_segment(before_noise_word(s)))
        .filter(|s| !s.is_empty() && !is_noise_segment(s))
        .collect();
    let normalized: Vec<String> = segments.iter().map(|s| normalize(s)).collect();
    let whole = format!(" {} ", normalized.join(" , "));

    // The index of the last segment that is not just a postcode: state rules only apply there.
    let mut trailing = segments.len();
    while trailing > 0 && is_postcode_like(&normalized[trailing - 1]) {
        trailing -= 1;
    }

    for i in (0..segments.len()).rev() {
        let original = segments[i];
        let norm = normalized[i].as_str();
        if norm.is_empty() {
            continue;
        }
        let found = match_segment(original, norm, i + 1 == trailing);
        if let Some((code, rule)) = found {
            let code = refine(code, norm, &whole, &normalized);
            return Some(CountryMatch {
                code,
                evidence: original.to_string(),
                rule,
            });
        }
    }
    None
}

fn match_segment(
    original: &str,
    norm: &str,
    is_last: bool,
) -> Option<(&'static str, &'static str)> {
    if let Some(code) = NAMES.get(norm) {
        return Some((code, "segment is a country name"));
    }
    let words: Vec<&str> = norm.split(' ').collect();
    let raw_tokens: Vec<&str> = original.split_whitespace().collect();

    // "MA 02115", "MA 02115 USA", "Boston MA 02115-5000": a US state code before a ZIP code.
    if let Some(pos) = raw_tokens.iter().position(|t| is_zip(t))
        && pos > 0
        && is_us_state_code(raw_tokens[pos - 1].trim_matches('.'))
    {
        return Some(("US", "US state code and ZIP code"));
    }

    // "Oxford OX1 3PU England", "Stanford CA 94305 USA": a country name ending a segment after a
    // postcode, or an unmistakable abbreviation ending it.
    for take in (1..=4.min(words.len().saturating_sub(1))).rev() {
        let tail = words[words.len() - take..].join(" ");
        if let Some(code) = NAMES.get(tail.as_str()) {
            let prefix = &words[..words.len() - take];
            let prefix_has_digit = prefix.iter().any(|w| w.bytes().any(|b| b.is_ascii_digit()));
            let unmistakable = matches!(
                tail.as_str(),
                "usa" | "uk" | "peoples r china" | "pr china" | "p r china"
            );
            let after_state = prefix
                .last()
                .is_some_and(|w| is_us_state_code(&w.to_ascii_uppercase()))
                && raw_tokens.len() > take
                && raw_tokens[raw_tokens.len() - take - 1].len() == 2
                && raw_tokens[raw_tokens.len() - take - 1]
                    .chars()
                    .all(|c| c.is_ascii_uppercase());
            if prefix_has_digit || unmistakable || after_state {
                return Some((code, "segment ends with a country name"));
            }
        }
    }

    // "Germany 69120", "Japan 113-8654": a country name followed only by a postcode.
    for take in (1..=4.min(words.len().saturating_sub(1))).rev() {
        let head = words[..take].join(" ");
        if let Some(code) = NAMES.get(head.as_str())
            && words[take..]
                .iter()
                .all(|w| w.bytes().any(|b| b.is_ascii_digit()))
        {
            return Some((code, "country name followed by a postcode"));
        }
    }

    if !is_last {
        return None;
    }
    if let Some(code) = country_ending_the_address(&words, &raw_tokens) {
        return Some((code, "a country name ends the address"));
    }
    // Addresses that stop at the state or province.
    let bare = original.trim().trim_end_matches('.');
    if bare.len() == 2 && bare.chars().all(|c| c.is_ascii_uppercase()) && is_us_state_code(bare) {
        return Some(("US", "US state code ends the address"));
    }
    if US_STATE_NAMES.contains_key(norm) {
        return Some(("US", "US state ends the address"));
    }
    // "Connecticut 06340", "Massachusetts 02139-4307": a US state name and a ZIP code.
    let digits_from = words
        .iter()
        .position(|w| w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(words.len());
    if digits_from > 0
        && digits_from < words.len()
        && words[digits_from].len() == 5
        && words[digits_from..]
            .iter()
            .all(|w| w.bytes().all(|b| b.is_ascii_digit()))
        && words.len() - digits_from <= 2
        && US_STATE_NAMES.contains_key(words[..digits_from].join(" ").as_str())
    {
        return Some(("US", "US state name and ZIP code"));
    }
    if let Some(first) = words.first()
        && words.len() == 2
        && is_us_state_code(&first.to_ascii_uppercase())
        && words[1].bytes().all(|b| b.is_ascii_digit())
        && words[1].len() == 5
    {
        return Some(("US", "US state code and ZIP code"));
    }
    // "Washington, D.C.": the district with its dots.
    if matches!(norm, "d c" | "dc") && original.contains('.') {
        return Some(("US", "US state code ends the address"));
    }
    // "Clear Water Bay, Kowloon": a Hong Kong district ends the address.
    if HONG_KONG_PLACES.contains(&norm) && norm != "hong kong" {
        return Some(("HK", "Hong Kong district ends the address"));
    }
    if CANADIAN_PROVINCES.contains(&norm) {
        return Some(("CA", "Canadian province ends the address"));
    }
    if AUSTRALIAN_STATES.contains(&norm) && norm != "act" {
        return Some(("AU", "Australian state ends the address"));
    }
    None
}

/// "Federal University of Technology Akure Nigeria": an address that lost its commas still ends with
/// its country. The name must end with a capital word and be more than a code, and the word before
/// it must not make it part of a name: "University of Nigeria", "New Mexico", "New South Wales",
/// "Beth Israel".
fn country_ending_the_address(words: &[&str], raw_tokens: &[&str]) -> Option<&'static str> {
    const PART_OF_A_NAME: &[&str] = &[
        "of", "the", "de", "del", "della", "di", "du", "des", "da", "do", "der", "for", "in",
        "and", "new", "nova", "south", "north", "east", "west", "beth", "mount", "mt",
    ];
    // "People's Republic of China" is six words once normalised.
    for take in (1..=6.min(words.len().saturating_sub(1))).rev() {
        let tail = &words[words.len() - take..];
        let Some(code) = NAMES.get(tail.join(" ").as_str()) else {
            continue;
        };
        // "Athens Georgia" is the state as often as the country.
        if tail == ["georgia"] {
            return None;
        }
        let before = words[words.len() - take - 1];
        let capitalised = raw_tokens
            .last()
            .and_then(|t| t.chars().find(|c| c.is_alphabetic()))
            .is_some_and(char::is_uppercase);
        if tail.concat().len() >= 4 && capitalised && !PART_OF_A_NAME.contains(&before) {
            return Some(code);
        }
        // A longer tail that is a country decides: "... Papua New Guinea" is not Guinea.
        return None;
    }
    None
}

/// Applies the two rules that depend on the rest of the string: "Georgia" after a US place is the
/// state, and a Hong Kong or Macao address that ends "Peoples R China" is HK or MO.
fn refine(code: &'static str, segment: &str, whole: &str, normalized: &[String]) -> &'static str {
    if code == "GE" && segment == "georgia" {
        let us = GEORGIA_US_SIGNALS.iter().any(|p| contains_phrase(whole, p));
        return if us { "US" } else { "GE" };
    }
    if code == "US"
        && segment == "wa"
        && WESTERN_AUSTRALIA_PLACES
            .iter()
            .any(|p| contains_phrase(whole, p))
    {
        return "AU";
    }
    if code == "CN" {
        let names_place = |places: &[&str]| {
            normalized.iter().any(|s| {
                places
                    .iter()
                    .any(|p| s == p || s.ends_with(&format!(" {p}")))
            })
        };
        if names_place(HONG_KONG_PLACES) {
            return "HK";
        }
        if names_place(MACAO_PLACES) {
            return "MO";
        }
    }
    code
}

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    // `haystack` is padded with spaces, so a padded needle only matches whole words.
    haystack.contains(&format!(" {phrase} "))
}

fn is_zip(token: &str) -> bool {
    // Bytes, not chars: a token may hold any letter ("Fédérale"), and only ASCII digits count.
    let t = token.trim_end_matches(['.', ',']).as_bytes();
    let (five, rest) = t.split_at(t.len().min(5));
    five.len() == 5
        && five.iter().all(u8::is_ascii_digit)
        && (rest.is_empty()
            || (rest.len() == 5 && rest[0] == b'-' && rest[1..].iter().all(u8::is_ascii_digit)))
}

fn is_postcode_like(norm: &str) -> bool {
    !norm.is_empty()
        && norm.split(' ').count() <= 2
        && norm
            .split(' ')
            .all(|w| w.bytes().any(|b| b.is_ascii_digit()) || w.len() <= 3)
        && norm.bytes().any(|b| b.is_ascii_digit())
}

fn clean_segment(s: &str) -> &str {
    s.trim()
        .trim_matches(|c: char| c == '.' || c == ';' || c == ':' || c.is_whitespace() || c == '"')
}

/// The part of a segment before a word that is an e-mail address, URL or ORCID: "UK.
/// john.smith@ox.ac.uk" is "UK.".
fn before_noise_word(s: &str) -> &str {
    let mut offset = 0;
    for word in s.split_inclusive(char::is_whitespace) {
        let lower = word.trim().to_ascii_lowercase();
        if lower.contains('@')
            || lower.starts_with("http")
            || lower.starts_with("www.")
            || lower.contains("orcid.org")
        {
            return &s[..offset];
        }
        offset += word.len();
    }
    s
}

/// E-mail addresses, ORCIDs, URLs and Scopus's "Electronic address:" tails name no place.
fn is_noise_segment(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.contains('@')
        || lower.contains("orcid")
        || lower.contains("http")
        || lower.contains("www.")
        || lower.starts_with("electronic address")
        || lower.starts_with("e-mail")
        || lower.starts_with("email")
        || is_orcid(&lower)
}

fn is_orcid(s: &str) -> bool {
    let digits: Vec<&str> = s.trim().split('-').collect();
    digits.len() == 4
        && digits
            .iter()
            .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit() || b == b'x'))
}

/// Lowercases, removes accents from Latin letters, turns `&` into "and", and every other punctuation
/// mark into a space; collapses spaces. `"Côte d'Ivoire."` → `"cote d ivoire"`.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c == '&' {
            push_word(&mut out, "and", &mut pending_space);
            pending_space = true;
            continue;
        }
        if is_combining_mark(c) {
            // "İ" lowercases to "i" and a combining dot: the dot is not a word break.
            continue;
        }
        if !c.is_alphanumeric() {
            // Dots, apostrophes and other marks separate words: "U.S.A." is "u s a", "People's" is
            // "people s"; the variant table is written in that form.
            pending_space = true;
            continue;
        }
        {
            for lower in c.to_lowercase().filter(|l| !is_combining_mark(*l)) {
                let folded = fold_accent(lower);
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                match folded {
                    Folded::One(f) => out.push(f),
                    Folded::Two(a, b) => {
                        out.push(a);
                        out.push(b);
                    }
                }
            }
        }
    }
    out
}

fn push_word(out: &mut String, word: &str, pending_space: &mut bool) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
    *pending_space = false;
}

/// True for the combining diacritical marks (U+0300–U+036F), which belong to the letter before them.
#[inline]
pub fn is_combining_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Pushes `c` lowercased and without its accent (Latin letters) onto `out`. Shared with the registry's
/// name normaliser so both read "Università" and "Universita" alike.
pub fn push_folded_lowercase(c: char, out: &mut String) {
    for lower in c.to_lowercase().filter(|l| !is_combining_mark(*l)) {
        match fold_accent(lower) {
            Folded::One(f) => out.push(f),
            Folded::Two(a, b) => {
                out.push(a);
                out.push(b);
            }
        }
    }
}

enum Folded {
    One(char),
    Two(char, char),
}

/// Removes the accent from a lowercase Latin letter: "ǧ" and "ğ" are "g", "ệ" is "e", "ş" is "s".
/// Letters with a canonical decomposition ("é" is "e" and an acute) become their base letter through
/// the Unicode tables; the few Latin letters that have none ("ø", "ł", "ß") are listed. Other scripts
/// pass unchanged.
fn fold_accent(c: char) -> Folded {
    if c.is_ascii() {
        return Folded::One(c);
    }
    let f = match c {
        'đ' | 'ð' => 'd',
        'ħ' => 'h',
        'ı' => 'i',
        'ŀ' | 'ł' => 'l',
        'ø' => 'o',
        'ŧ' => 't',
        // The Azerbaijani schwa: "Azərbaycan", "Bakı Dövlət Universiteti".
        'ə' => 'e',
        'ß' => return Folded::Two('s', 's'),
        'æ' => return Folded::Two('a', 'e'),
        'œ' => return Folded::Two('o', 'e'),
        'þ' => return Folded::Two('t', 'h'),
        other => {
            let mut base = None;
            unicode_normalization::char::decompose_canonical(other, |d| {
                base.get_or_insert(d);
            });
            // Only a Latin base: Cyrillic "й" and Hangul syllables decompose too, into letters of
            // their own script, and stay whole.
            match base {
                Some(b) if b.is_ascii_alphabetic() => b,
                _ => other,
            }
        }
    };
    Folded::One(f)
}

#[cfg(test)]
mod tests;
