#!/usr/bin/env python3
"""ROR's own names written the ways affiliation strings write them, to check that the matcher finds an
organisation by any of its names in context, whatever the layout.

Takes 4,000 active organisations of the ROR subset (a fixed seed), picks for each one of its names
(display name, label or alias, not an acronym) that no other organisation has, and writes it in one of
eleven layouts: alone; with city and country; after a department; in capitals; in lower case; with a
postcode; with semicolons; and so on. The result is a gold set whose answer is the organisation
itself. Then run the affiliations example on it:

    python3 bench/name_forms.py ../shared/data /tmp/name-forms
    bench/affiliations.sh /tmp/name-forms

Some misses are by design: a company name that ROR qualifies with its country ("Sunrec Co., Ltd.
(Japan)") needs the country or the city in the address, and a name of common words only ("Federation
University") needs the city. The check finds names that cannot be found at all; it says nothing about
the strings a name does not appear in.
"""
import collections
import json
import os
import random
import sys

from gold_set import active_organisations, gold_folder

FIELDS = ["Physics", "Chemistry", "Medicine", "Surgery", "Economics", "Computer Science", "Biology",
          "Pediatrics", "Civil Engineering", "History"]


def layout(kind, name, city, country):
    field = random.choice(FIELDS)
    postcode = random.randint(10000, 99999)
    return [
        lambda: name,
        lambda: f"{name}, {city}, {country}",
        lambda: f"Department of {field}, {name}, {city}, {country}",
        lambda: f"{name}, {city}",
        lambda: f"{field} Department, {name}, {country}",
        lambda: f"{name.upper()}, {city.upper()}, {country.upper()}",
        lambda: f"{name} ({country})",
        lambda: f"Laboratory of {field}, {name}, {postcode} {city}, {country}",
        lambda: f"{name}, {city} {postcode}, {country}",
        lambda: f"{name}; {city}; {country}",
        lambda: f"{name.lower()}, {city.lower()}, {country.lower()}",
    ][kind]()


def main():
    data, out_dir = sys.argv[1], sys.argv[2]
    gold_dir = gold_folder(data, out_dir)
    random.seed(13)
    orgs = [r for r in active_organisations(data) if r.get("locations")]
    holders = collections.Counter(n["value"].lower() for r in orgs for n in r["names"])
    out = []
    for r in random.sample(orgs, 4000):
        names = [n["value"] for n in r["names"]
                 if "acronym" not in n["types"] and holders[n["value"].lower()] == 1]
        if not names:
            continue
        place = r["locations"][0]["geonames_details"]
        kind = random.randrange(11)
        text = layout(kind, random.choice(names), place.get("name", ""), place.get("country_name", ""))
        out.append({"affiliation": text, "ror_ids": [r["id"]], "layout": kind})
    with open(os.path.join(gold_dir, "name_forms.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
    print(f"{len(out)} names in context written to {gold_dir}/name_forms.json")


if __name__ == "__main__":
    main()
