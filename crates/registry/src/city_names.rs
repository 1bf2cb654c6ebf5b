//! Other names of cities. ROR places an organisation by its GeoNames city, which is the English name
//! ("Munich", "Vienna", "Bengaluru"); addresses often give the city in its own language ("München",
//! "Wien") or by an older name ("Bangalore"). Facts written here, not a copied list: the city as ROR
//! names it, then the names an address may use instead. Accents need no entry ("Zürich", "Kraków"
//! fold to "Zurich", "Krakow").

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

/// `(city as ROR names it, other names)`.
const OTHER_NAMES: &[(&str, &[&str])] = &[
    ("Munich", &["München", "Muenchen"]),
    ("Vienna", &["Wien"]),
    ("Prague", &["Praha", "Prag"]),
    ("Warsaw", &["Warszawa"]),
    ("Krakow", &["Cracow"]),
    ("Rome", &["Roma"]),
    ("Milan", &["Milano"]),
    ("Turin", &["Torino"]),
    ("Florence", &["Firenze"]),
    ("Naples", &["Napoli"]),
    ("Venice", &["Venezia"]),
    ("Genoa", &["Genova"]),
    ("Padua", &["Padova"]),
    ("Lisbon", &["Lisboa"]),
    ("Porto", &["Oporto"]),
    ("Seville", &["Sevilla"]),
    ("Copenhagen", &["København", "Kobenhavn"]),
    ("Gothenburg", &["Göteborg", "Goteborg"]),
    ("Helsinki", &["Helsingfors"]),
    ("Brussels", &["Bruxelles", "Brussel"]),
    ("Antwerp", &["Antwerpen"]),
    ("Ghent", &["Gent"]),
    ("The Hague", &["Den Haag", "'s-Gravenhage"]),
    ("'s-Hertogenbosch", &["Den Bosch"]),
    ("Geneva", &["Genève", "Genf", "Ginevra"]),
    ("Bern", &["Berne"]),
    ("Lucerne", &["Luzern"]),
    ("Cologne", &["Köln", "Koeln"]),
    ("Nuremberg", &["Nürnberg", "Nuernberg"]),
    ("Hanover", &["Hannover"]),
    ("Frankfurt am Main", &["Frankfurt", "Frankfurt/Main"]),
    ("Freiburg im Breisgau", &["Freiburg"]),
    ("Esslingen am Neckar", &["Esslingen"]),
    ("Ludwigshafen am Rhein", &["Ludwigshafen"]),
    ("Lyon", &["Lyons"]),
    ("Marseille", &["Marseilles"]),
    ("Athens", &["Athina", "Athinai"]),
    ("Bucharest", &["București", "Bucuresti"]),
    ("Belgrade", &["Beograd"]),
    ("Moscow", &["Moskva"]),
    ("Kyiv", &["Kiev"]),
    ("Tehran", &["Teheran"]),
    ("Bengaluru", &["Bangalore"]),
    ("Mumbai", &["Bombay"]),
    ("Chennai", &["Madras"]),
    ("Kolkata", &["Calcutta"]),
    ("Beijing", &["Peking"]),
    ("Hanoi", &["Ha Noi"]),
    ("Ho Chi Minh City", &["Ho Chi Minh", "Saigon"]),
    ("Yangon", &["Rangoon"]),
    ("Almaty", &["Alma-Ata"]),
    ("Mexico City", &["Ciudad de México", "CDMX"]),
    ("Thiruvananthapuram", &["Trivandrum"]),
    ("Kochi", &["Cochin"]),
    ("Pune", &["Poona"]),
    ("Mysuru", &["Mysore"]),
    ("Mangaluru", &["Mangalore"]),
    ("Kozhikode", &["Calicut"]),
    ("Puducherry", &["Pondicherry"]),
    ("Vadodara", &["Baroda"]),
    ("Gurugram", &["Gurgaon"]),
    ("Prayagraj", &["Allahabad"]),
    ("Belagavi", &["Belgaum"]),
    ("Varanasi", &["Benares", "Banaras"]),
    ("Kharkiv", &["Kharkov"]),
    ("Lviv", &["Lvov", "Lwów"]),
    ("Odesa", &["Odessa"]),
    ("Dnipro", &["Dnipropetrovsk", "Dnepropetrovsk"]),
    ("Yekaterinburg", &["Ekaterinburg"]),
    ("Nizhny Novgorod", &["Nizhniy Novgorod"]),
    ("Astana", &["Nur-Sultan"]),
    ("Nanjing", &["Nanking"]),
    ("Busan", &["Pusan"]),
    ("Incheon", &["Inchon"]),
    ("Daegu", &["Taegu"]),
    ("Gwangju", &["Kwangju"]),
    ("Daejeon", &["Taejon"]),
    ("Zaragoza", &["Saragossa"]),
    ("A Coruña", &["La Coruña", "Coruña"]),
    ("Aarhus", &["Århus"]),
    ("Liège", &["Luik", "Lüttich"]),
    ("Mechelen", &["Malines"]),
    ("Bruges", &["Brugge"]),
    ("Kortrijk", &["Courtrai"]),
];

/// The cities of the table that `name` writes in one of their spellings, as (city as ROR names it,
/// other names): "University of Erlangen-Nuremberg" names Nuremberg.
pub(crate) fn cities_written_in(
    name: &str,
) -> impl Iterator<Item = (&'static str, &'static [&'static str])> + '_ {
    // Most names name none of these cities: a word lookup rules them out before any substring search.
    let may_name_one = name
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| SPELLING_WORDS.contains(word));
    OTHER_NAMES.iter().copied().filter(move |(city, others)| {
        may_name_one
            && std::iter::once(*city)
                .chain(others.iter().copied())
                .any(|spelling| name.contains(spelling))
    })
}

/// The longest word of each spelling of each city in the table.
static SPELLING_WORDS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| {
    OTHER_NAMES
        .iter()
        .flat_map(|(city, others)| std::iter::once(*city).chain(others.iter().copied()))
        .filter_map(|spelling| {
            spelling
                .split(|c: char| !c.is_alphanumeric())
                .max_by_key(|word| word.len())
        })
        .collect()
});

/// The other names of `city` (as ROR names it), if it has any.
pub(crate) fn other_names(city: &str) -> &'static [&'static str] {
    OTHER_NAMES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(city))
        .map_or(&[], |(_, others)| others)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_city_has_the_names_addresses_use_for_it() {
        assert_eq!(other_names("Munich"), ["München", "Muenchen"]);
        assert_eq!(other_names("Bengaluru"), ["Bangalore"]);
        assert!(other_names("Oxford").is_empty());
    }
}
