//! The OpenAPI 3 document served at `/api/v1/openapi.json`, generated from [`crate::api::ENDPOINTS`]
//! so the paths and parameters it lists are the ones the handlers take.

use crate::api::ENDPOINTS;
use serde_json::{Value, json};

/// Description and JSON schema of each query parameter.
fn parameter(name: &str, groups: &[String]) -> Value {
    let (description, schema): (String, Value) = match name {
        "group" => (
            format!(
                "The group: {}, or country:CC for a whole country (default russell-group).",
                groups.join(", ")
            ),
            json!({"type": "string", "default": "russell-group", "example": "russell-group"}),
        ),
        "partner" => (
            "The partner country, ISO 3166-1 alpha-2 (default US).".into(),
            json!({"type": "string", "pattern": "^[A-Za-z]{2}$", "default": "US"}),
        ),
        "year" => (
            "One publication year. Give year or years, not both; with neither, the latest year in the store."
                .into(),
            json!({"type": "integer", "minimum": 1800, "maximum": 2200, "example": 2023}),
        ),
        "years" => (
            "A range of publication years, inclusive (YYYY-YYYY), or one year.".into(),
            json!({"type": "string", "pattern": "^[0-9]{4}([-:][0-9]{4})?$", "example": "2019-2023"}),
        ),
        "types" => (
            "Document types counted, comma-separated (default article,review,book-chapter,book).".into(),
            json!({"type": "string", "example": "article,review"}),
        ),
        "field" => (
            "Only works whose primary topic's field is this OpenAlex field (case-insensitive).".into(),
            json!({"type": "string", "example": "Medicine"}),
        ),
        "unify_countries" => (
            "Merge country codes before counting: leiden counts HK and MO as CN.".into(),
            json!({"type": "string", "enum": ["leiden", "none"]}),
        ),
        "compare" => (
            format!(
                "Partner countries to compare, comma-separated ISO codes (at most {}; default: the partner).",
                crate::params::MAX_COMPARE
            ),
            json!({"type": "string", "example": "US,DE,CN"}),
        ),
        other => (other.to_string(), json!({"type": "string"})),
    };
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": description,
        "schema": schema,
    })
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn response_schema(endpoint: &str) -> Value {
    match endpoint {
        "figures" => schema_ref("Figures"),
        "partners" => schema_ref("Partners"),
        "members" => schema_ref("Members"),
        "series" => schema_ref("Series"),
        "fields" => schema_ref("Fields"),
        _ => json!({"type": "string"}),
    }
}

fn components() -> Value {
    let share =
        json!({"type": ["number", "null"], "description": "A fraction (0.608), not a percentage."});
    let about = json!({
        "group": {"type": "string"},
        "group_name": {"type": "string"},
        "years": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
        "types": {"type": "array", "items": {"type": "string"}},
        "field": {"type": ["string", "null"]},
        "unify_countries": {"type": ["string", "null"]},
        "home": {"type": "array", "items": {"type": "string"}},
    });
    let with = |extra: Value, required: &[&str]| -> Value {
        let mut props = about.as_object().cloned().unwrap_or_default();
        if let Value::Object(e) = extra {
            props.extend(e);
        }
        let mut req: Vec<&str> = vec!["group", "years", "types", "home"];
        req.extend_from_slice(required);
        json!({"type": "object", "properties": props, "required": req})
    };
    json!({
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {
                    "error": {"type": "string"},
                    "parameter": {"type": ["string", "null"], "description": "The query parameter at fault."},
                    "status": {"type": "integer"}
                },
                "required": ["error", "parameter", "status"]
            },
            "PartnerFigure": {
                "type": "object",
                "properties": {
                    "country": {"type": "string"}, "name": {"type": "string"},
                    "papers": {"type": "integer"}, "share_of_international": share,
                    "rank": {"type": ["integer", "null"]}
                },
                "required": ["country", "papers", "share_of_international", "rank"]
            },
            "NextPartner": {
                "type": ["object", "null"],
                "properties": {"country": {"type": "string"}, "name": {"type": "string"}, "papers": {"type": "integer"}}
            },
            "PartnerRow": {
                "type": "object",
                "properties": {
                    "country": {"type": "string"}, "name": {"type": "string"}, "papers": {"type": "integer"},
                    "papers_fractional": {"type": "number"}, "share_of_international": share
                },
                "required": ["country", "papers", "share_of_international"]
            },
            "InstitutionRow": {
                "type": "object",
                "properties": {
                    "ror": {"type": "string"}, "name": {"type": "string"}, "papers": {"type": "integer"},
                    "international_papers": {"type": "integer"}, "international_share": share,
                    "partner_papers": {"type": "integer"}
                },
                "required": ["ror", "name", "papers", "international_papers", "international_share", "partner_papers"]
            },
            "YearRow": {
                "type": "object",
                "properties": {
                    "year": {"type": "integer"}, "papers": {"type": "integer"},
                    "international_papers": {"type": "integer"}, "international_share": share,
                    "partner_papers": {"type": "integer"}
                },
                "required": ["year", "papers", "international_papers", "international_share", "partner_papers"]
            },
            "Provenance": {
                "type": "object",
                "properties": {
                    "store": {"type": "string"}, "store_version": {"type": "string"},
                    "store_digest": {"type": "string"}, "definitions_version": {"type": "string"},
                    "engine": {"type": "string"}, "computed_at": {"type": "string", "format": "date-time"}
                },
                "required": ["store_digest", "definitions_version", "computed_at"]
            },
            "Figures": with(json!({
                "papers": {"type": "integer"},
                "papers_fractional": {"type": "number"},
                "collab_papers": {"type": "integer"},
                "international_papers": {"type": "integer"},
                "international_share": {"type": "number"},
                "partner": schema_ref("PartnerFigure"),
                "next_partner": schema_ref("NextPartner"),
                "lead_over_next": {"type": ["number", "null"]},
                "partners": {"type": "array", "items": schema_ref("PartnerRow")},
                "institutions": {"type": "array", "items": schema_ref("InstitutionRow")},
                "by_year": {"type": "array", "items": schema_ref("YearRow")},
                "provenance": schema_ref("Provenance")
            }), &["papers", "papers_fractional", "collab_papers", "international_papers", "international_share",
                  "partner", "next_partner", "lead_over_next", "partners", "institutions", "by_year", "provenance"]),
            "Partners": with(json!({
                "international_papers": {"type": "integer"},
                "partner": schema_ref("PartnerFigure"),
                "next_partner": schema_ref("NextPartner"),
                "lead_over_next": {"type": ["number", "null"]},
                "partners": {"type": "array", "items": schema_ref("PartnerRow")},
                "provenance": schema_ref("Provenance")
            }), &["partner", "partners", "provenance"]),
            "Members": with(json!({
                "partner": schema_ref("PartnerFigure"),
                "institutions": {"type": "array", "items": schema_ref("InstitutionRow")},
                "provenance": schema_ref("Provenance")
            }), &["institutions", "provenance"]),
            "Series": with(json!({
                "partner": schema_ref("PartnerFigure"),
                "by_year": {"type": "array", "items": schema_ref("YearRow")},
                "compare": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "country": {"type": "string"}, "name": {"type": "string"},
                        "by_year": {"type": "array", "items": {
                            "type": "object",
                            "properties": {
                                "year": {"type": "integer"}, "partner_papers": {"type": "integer"},
                                "share_of_international": share
                            }
                        }}
                    }
                }},
                "provenance": schema_ref("Provenance")
            }), &["by_year", "compare", "provenance"]),
            "Fields": with(json!({
                "partner": {"type": "string"},
                "fields": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "field": {"type": "string"}, "papers": {"type": "integer"},
                        "papers_fractional": {"type": "number"}, "collab_papers": {"type": "integer"},
                        "international_papers": {"type": "integer"}, "international_share": share,
                        "partner": schema_ref("PartnerFigure"), "next_partner": schema_ref("NextPartner"),
                        "lead_over_next": {"type": ["number", "null"]},
                        "top_partners": {"type": "array", "items": schema_ref("PartnerRow")}
                    },
                    "required": ["field", "papers", "international_papers", "partner"]
                }},
                "provenance": schema_ref("Provenance")
            }), &["fields", "provenance"])
        }
    })
}

/// The OpenAPI 3.1 document; `groups` are the group ids this server answers for.
pub fn document(groups: &[String]) -> Value {
    let mut paths = serde_json::Map::new();
    for e in ENDPOINTS {
        let content = json!({ e.media_type: {"schema": response_schema(e.name)} });
        let error = json!({"application/json": {"schema": schema_ref("Error")}});
        paths.insert(
            e.path.to_string(),
            json!({
                "get": {
                    "operationId": e.name,
                    "summary": e.summary,
                    "description": e.description,
                    "parameters": e.params.iter().map(|p| parameter(p, groups)).collect::<Vec<_>>(),
                    "responses": {
                        "200": {"description": "The figures.", "content": content},
                        "400": {"description": "A parameter is unknown or invalid; `parameter` names it.", "content": error},
                        "404": {"description": "The store holds no group papers for this request.", "content": error}
                    }
                }
            }),
        );
    }
    paths.insert(
        "/api/v1/openapi.json".into(),
        json!({
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": {"description": "The OpenAPI document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Tandem API",
            "version": "1",
            "description": format!(
                "Research-collaboration figures over one Tandem store, as `tandem figures` computes them \
                 (definitions: {}). Shares are fractions, not percentages.",
                tandem_metrics::DEFINITIONS_VERSION
            ),
        },
        "paths": paths,
        "components": components(),
    })
}
