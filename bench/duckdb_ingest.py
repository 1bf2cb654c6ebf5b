"""The DuckDB peer for bench/ingest.sh: read an OpenAlex snapshot's .gz files with read_json and write
the same tables as the Tandem store (latest version of each work, merged ids removed) to Parquet.

Usage: duckdb_ingest.py SNAPSHOT_ROOT OUT_DIR [THREADS]
Prints the wall time in seconds on the last line.
"""

import os
import sys
import time

import duckdb

root, out = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
os.makedirs(out, exist_ok=True)

ID = "VARCHAR"
NAMED = "STRUCT(id VARCHAR, display_name VARCHAR)"
TOPIC = f"STRUCT(id VARCHAR, display_name VARCHAR, score DOUBLE, subfield {NAMED}, field {NAMED}, domain {NAMED})"
INSTITUTION = "STRUCT(id VARCHAR, display_name VARCHAR, ror VARCHAR, country_code VARCHAR, type VARCHAR, lineage VARCHAR[])"
AUTHORSHIP = (
    "STRUCT(author_position VARCHAR, author STRUCT(id VARCHAR, display_name VARCHAR, orcid VARCHAR), "
    f"institutions {INSTITUTION}[], countries VARCHAR[], is_corresponding BOOLEAN, raw_affiliation_strings VARCHAR[])"
)
# Only the fields the store keeps are declared: this spares DuckDB schema detection over the big
# nested records, which favours DuckDB.
COLUMNS = {
    "id": ID,
    "doi": ID,
    "title": ID,
    "publication_year": "INTEGER",
    "publication_date": ID,
    "type": ID,
    "type_crossref": ID,
    "is_paratext": "BOOLEAN",
    "is_retracted": "BOOLEAN",
    "cited_by_count": "BIGINT",
    "fwci": "DOUBLE",
    "updated_date": ID,
    "language": ID,
    "is_authors_truncated": "BOOLEAN",
    "countries_distinct_count": "INTEGER",
    "primary_location": f"STRUCT(source {NAMED})",
    "primary_topic": TOPIC,
    "topics": f"{TOPIC}[]",
    "keywords": "STRUCT(id VARCHAR, display_name VARCHAR, score DOUBLE)[]",
    "concepts": "STRUCT(id VARCHAR, display_name VARCHAR, level INTEGER, score DOUBLE)[]",
    "authorships": f"{AUTHORSHIP}[]",
}
columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in COLUMNS.items()) + "}"


def work_id(col):
    return f"CAST(regexp_extract({col}, 'W([0-9]+)$', 1) AS BIGINT)"


def inst_id(col):
    return f"CAST(regexp_extract({col}, 'I([0-9]+)$', 1) AS BIGINT)"


def copy(con, name, query):
    con.execute(f"COPY ({query}) TO '{out}/{name}.parquet' (FORMAT PARQUET, COMPRESSION SNAPPY)")


started = time.time()
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
con.execute("SET preserve_insertion_order = false")
con.execute(
    f"""CREATE TABLE raw AS SELECT * FROM read_json('{root}/data/works/*/*.gz', format = 'newline_delimited',
        compression = 'gzip', filename = true, columns = {columns}, maximum_object_size = 67108864)"""
)
merged_glob = f"{root}/data/merged_ids/works/*.csv.gz"
con.execute(
    f"CREATE TABLE merged AS SELECT DISTINCT {work_id('id')} AS work_id FROM read_csv('{merged_glob}', header = true, all_varchar = true)"
)
# Newest updated_date wins, ties to the later partition (file name); merged ids are dropped.
con.execute(
    f"""CREATE TABLE latest AS
    SELECT {work_id('id')} AS work_id, * FROM raw
    WHERE {work_id('id')} NOT IN (SELECT work_id FROM merged)
    QUALIFY row_number() OVER (PARTITION BY id ORDER BY updated_date DESC, filename DESC) = 1"""
)
con.execute(
    """CREATE TABLE authorships AS
    SELECT work_id, publication_year, generate_subscripts(authorships, 1) - 1 AS author_index, unnest(authorships) AS a
    FROM latest"""
)
copy(
    con,
    "authorships",
    """SELECT work_id, publication_year, author_index, a.author_position, a.author.id AS author_id,
       a.author.display_name AS author_name, a.author.orcid AS orcid, a.is_corresponding,
       len(a.institutions) AS institutions_count, a.countries, a.raw_affiliation_strings AS raw_affiliations
       FROM authorships""",
)
con.execute(
    f"""CREATE TABLE links AS
    SELECT *, {inst_id('i.id')} AS institution_id
    FROM (SELECT work_id, publication_year, author_index, unnest(a.institutions) AS i FROM authorships)"""
)
copy(
    con,
    "works",
    """SELECT work_id, 'openalex' AS source, id AS source_key, doi, title, publication_year, publication_date, type,
       type_crossref AS original_type, coalesce(is_paratext, false) AS is_paratext, coalesce(is_retracted, false) AS is_retracted,
       cited_by_count, fwci, updated_date, regexp_extract(filename, 'updated_date=([0-9-]+)', 1) AS partition, language,
       primary_location.source.id AS venue_id, primary_location.source.display_name AS venue_name,
       primary_topic.id AS primary_topic_id, primary_topic.display_name AS primary_topic,
       primary_topic.subfield.id AS subfield_id, primary_topic.subfield.display_name AS subfield,
       primary_topic.field.id AS field_id, primary_topic.field.display_name AS field,
       primary_topic.domain.id AS domain_id, primary_topic.domain.display_name AS domain,
       len(authorships) AS authors_count, coalesce(is_authors_truncated, false) AS is_authors_truncated, countries_distinct_count,
       coalesce(c.institutions_distinct_count, 0) AS institutions_distinct_count,
       coalesce(c.affiliated_authorships_count, 0) AS affiliated_authorships_count
       FROM latest LEFT JOIN (
         SELECT work_id, count(DISTINCT institution_id) AS institutions_distinct_count,
                count(DISTINCT author_index) AS affiliated_authorships_count
         FROM links GROUP BY work_id) AS c USING (work_id)""",
)
copy(
    con,
    "affiliations",
    """SELECT work_id, publication_year, author_index, institution_id, i.ror, i.country_code,
       count(*) OVER (PARTITION BY work_id, author_index) AS authorship_institutions_count FROM links""",
)
copy(
    con,
    "work_countries",
    """SELECT DISTINCT work_id, publication_year, country_code FROM (
         SELECT work_id, publication_year, unnest(a.countries) AS country_code FROM authorships
         UNION ALL
         SELECT work_id, publication_year, i.country_code FROM links WHERE i.country_code IS NOT NULL)""",
)
copy(
    con,
    "topics",
    """SELECT work_id, publication_year, generate_subscripts(topics, 1) - 1 AS rank, unnest(topics) AS t FROM latest""",
)
copy(
    con,
    "keywords",
    """SELECT work_id, publication_year, 'keyword' AS kind, k.id AS keyword_id, k.display_name AS keyword, k.score, NULL::INTEGER AS level
       FROM (SELECT work_id, publication_year, unnest(keywords) AS k FROM latest)
       UNION ALL
       SELECT work_id, publication_year, 'concept', c.id, c.display_name, c.score, c.level
       FROM (SELECT work_id, publication_year, unnest(concepts) AS c FROM latest)""",
)
inst_glob = f"{root}/data/institutions/*/*.gz"
con.execute(
    f"""CREATE TABLE institutions AS
    SELECT * FROM (
      SELECT {inst_id('id')} AS institution_id, ror, display_name AS name, country_code, type, true AS is_full_record, lineage
      FROM read_json('{inst_glob}', format = 'newline_delimited', compression = 'gzip',
           columns = {{'id': 'VARCHAR', 'ror': 'VARCHAR', 'display_name': 'VARCHAR', 'country_code': 'VARCHAR', 'type': 'VARCHAR', 'lineage': 'VARCHAR[]'}})
      UNION ALL
      SELECT DISTINCT {inst_id('i.id')}, i.ror, i.display_name, i.country_code, i.type, false, i.lineage FROM links
    ) AS all_institutions
    QUALIFY row_number() OVER (PARTITION BY institution_id ORDER BY is_full_record DESC) = 1"""
)
copy(con, "institutions", "SELECT institution_id, ror, name, country_code, type, is_full_record FROM institutions")
copy(
    con,
    "institution_lineage",
    f"SELECT DISTINCT institution_id, {inst_id('ancestor')} AS ancestor_id FROM (SELECT institution_id, unnest(lineage) AS ancestor FROM institutions)",
)
copy(con, "merged_ids", "SELECT work_id FROM merged")
works = con.execute("SELECT count(*) FROM latest").fetchone()[0]
elapsed = time.time() - started
print(f"duckdb: {works} works written to {out} in {elapsed:.2f} s", file=sys.stderr)
print(f"{elapsed:.3f}")
