//! ROR records in schema v1 and v2, read into [`Organization`]. One struct holds the fields of both
//! schemas; which ones are present decides how a record is read.

use serde::Deserialize;
use tandem_model::normalize_ror;

use crate::organization::{NameKind, OrgName, Organization, RelationKind, Relationship, Status};

#[derive(Deserialize)]
pub(crate) struct RawRecord {
    id: Option<String>,
    // v2
    #[serde(default)]
    names: Vec<RawName>,
    #[serde(default)]
    locations: Vec<RawLocation>,
    // v1
    name: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    acronyms: Vec<String>,
    #[serde(default)]
    labels: Vec<RawLabel>,
    country: Option<RawCountry>,
    #[serde(default)]
    addresses: Vec<RawAddress>,
    // both
    #[serde(default)]
    types: Vec<String>,
    status: Option<String>,
    established: Option<i32>,
    #[serde(default)]
    relationships: Vec<RawRelationship>,
}

#[derive(Deserialize)]
struct RawName {
    value: String,
    #[serde(default)]
    types: Vec<String>,
    lang: Option<String>,
}

#[derive(Deserialize)]
struct RawLocation {
    geonames_details: Option<RawGeonames>,
}

#[derive(Deserialize)]
struct RawGeonames {
    name: Option<String>,
    country_code: Option<String>,
    country_subdivision_name: Option<String>,
}

#[derive(Deserialize)]
struct RawLabel {
    label: String,
    iso639: Option<String>,
}

#[derive(Deserialize)]
struct RawCountry {
    country_code: Option<String>,
}

#[derive(Deserialize)]
struct RawAddress {
    city: Option<String>,
    state: Option<String>,
    geonames_city: Option<RawGeonamesCity>,
}

#[derive(Deserialize)]
struct RawGeonamesCity {
    city: Option<String>,
    geonames_admin1: Option<RawAdmin>,
}

#[derive(Deserialize)]
struct RawAdmin {
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawRelationship {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    label: Option<String>,
}

impl RawRecord {
    /// Converts to an [`Organization`], or says what is missing.
    pub(crate) fn into_organization(self) -> Result<Organization, String> {
        let id = self.id.ok_or("record has no \"id\"")?;
        let ror = normalize_ror(&id).ok_or_else(|| format!("\"id\" {id:?} is not a ROR id"))?;
        let mut names: Vec<OrgName> = Vec::new();
        let mut display_name = None;
        if !self.names.is_empty() {
            for n in self.names {
                let kinds: Vec<NameKind> = n
                    .types
                    .iter()
                    .filter_map(|t| match t.as_str() {
                        "ror_display" => Some(NameKind::Display),
                        "label" => Some(NameKind::Label),
                        "alias" => Some(NameKind::Alias),
                        "acronym" => Some(NameKind::Acronym),
                        _ => None,
                    })
                    .collect();
                if kinds.contains(&NameKind::Display) {
                    display_name = Some(n.value.clone());
                }
                if !n.value.trim().is_empty() {
                    names.push(OrgName {
                        value: n.value,
                        kinds,
                        lang: n.lang,
                    });
                }
            }
        } else if let Some(name) = self.name {
            display_name = Some(name.clone());
            names.push(OrgName {
                value: name,
                kinds: vec![NameKind::Display],
                lang: None,
            });
            for alias in self.aliases {
                names.push(OrgName {
                    value: alias,
                    kinds: vec![NameKind::Alias],
                    lang: None,
                });
            }
            for acronym in self.acronyms {
                names.push(OrgName {
                    value: acronym,
                    kinds: vec![NameKind::Acronym],
                    lang: None,
                });
            }
            for label in self.labels {
                names.push(OrgName {
                    value: label.label,
                    kinds: vec![NameKind::Label],
                    lang: label.iso639,
                });
            }
        }
        let display_name = display_name
            .or_else(|| names.first().map(|n| n.value.clone()))
            .ok_or_else(|| format!("{ror}: record has no name"))?;

        let mut cities = Vec::new();
        let mut region = None;
        let mut country_code = None;
        for loc in self
            .locations
            .into_iter()
            .filter_map(|l| l.geonames_details)
        {
            if let Some(city) = loc.name.filter(|c| !c.is_empty())
                && !cities.contains(&city)
            {
                cities.push(city);
            }
            if country_code.is_none() {
                country_code = loc.country_code;
                region = loc.country_subdivision_name;
            }
        }
        if let Some(c) = self.country.and_then(|c| c.country_code) {
            country_code.get_or_insert(c);
        }
        for addr in self.addresses {
            let city = addr
                .city
                .or_else(|| addr.geonames_city.as_ref().and_then(|g| g.city.clone()));
            if let Some(city) = city.filter(|c| !c.is_empty())
                && !cities.contains(&city)
            {
                cities.push(city);
            }
            if region.is_none() {
                region = addr.state.or_else(|| {
                    addr.geonames_city
                        .and_then(|g| g.geonames_admin1)
                        .and_then(|a| a.name)
                });
            }
        }
        let country_code = country_code
            .and_then(|c| tandem_countries::canonical_code(&c))
            .map(str::to_string);

        let relationships = self
            .relationships
            .into_iter()
            .filter_map(|r| {
                Some(Relationship {
                    kind: RelationKind::parse(&r.kind)?,
                    ror: normalize_ror(&r.id)?,
                    label: r.label,
                })
            })
            .collect();

        Ok(Organization {
            ror,
            display_name,
            names,
            cities,
            region,
            country_code,
            types: self
                .types
                .into_iter()
                .map(|t| t.to_ascii_lowercase())
                .collect(),
            status: self
                .status
                .as_deref()
                .map(Status::parse)
                .unwrap_or(Status::Active),
            established: self.established,
            relationships,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_v2() {
        let json = r#"{"id":"https://ror.org/052gg0110","names":[{"value":"University of Oxford","types":["ror_display","label"],"lang":"en"},{"value":"Oxford University","types":["alias"],"lang":null}],
            "locations":[{"geonames_details":{"name":"Oxford","country_code":"GB","country_subdivision_name":"England"},"geonames_id":1}],
            "types":["education","funder"],"status":"active","established":1096,
            "relationships":[{"type":"child","id":"https://ror.org/01q3tbs38","label":"x"}]}"#;
        let org = serde_json::from_str::<RawRecord>(json)
            .unwrap()
            .into_organization()
            .unwrap();
        assert_eq!(org.ror, "052gg0110");
        assert_eq!(org.display_name, "University of Oxford");
        assert_eq!(org.country_code.as_deref(), Some("GB"));
        assert_eq!(org.cities, vec!["Oxford"]);
        assert_eq!(org.types, vec!["education", "funder"]);
        assert_eq!(org.relationships[0].kind, RelationKind::Child);
        assert_eq!(org.relationships[0].ror, "01q3tbs38");
        assert_eq!(org.names.len(), 2);
    }

    #[test]
    fn reads_v1() {
        let json = r#"{"id":"https://ror.org/000050t83","name":"Electronic Navigation Research Institute","aliases":["Denshi Koho Kenkyujo"],"acronyms":["ENRI"],
            "labels":[{"label":"電子航法研究所","iso639":"ja"}],"country":{"country_name":"Japan","country_code":"JP"},
            "addresses":[{"city":"Tokyo","state":null}],"types":["Facility"],"status":"inactive","relationships":[{"type":"Parent","id":"https://ror.org/01703db54","label":"p"}]}"#;
        let org = serde_json::from_str::<RawRecord>(json)
            .unwrap()
            .into_organization()
            .unwrap();
        assert_eq!(org.display_name, "Electronic Navigation Research Institute");
        assert_eq!(org.status, Status::Inactive);
        assert_eq!(org.country_code.as_deref(), Some("JP"));
        assert_eq!(org.types, vec!["facility"]);
        assert_eq!(org.parents().collect::<Vec<_>>(), vec!["01703db54"]);
        assert!(
            org.names
                .iter()
                .any(|n| n.kinds == vec![NameKind::Acronym] && n.value == "ENRI")
        );
    }

    #[test]
    fn rejects_records_without_an_id() {
        let raw = serde_json::from_str::<RawRecord>(r#"{"name":"X"}"#).unwrap();
        assert!(raw.into_organization().unwrap_err().contains("no \"id\""));
    }
}
