"""Shared by the bench scripts that write a gold set of their own (wos_forms.py, name_forms.py,
holdout.py): the folder layout the `affiliations` example reads."""
import gzip
import json
import os

SUBSETS = ("ror_v2_subset.jsonl.gz", "ror_v1_subset.jsonl.gz")


def gold_folder(data, out_dir, link=SUBSETS):
    """Makes OUT/ror/affiliation_gold and returns it. OUT/ror also links the ROR subsets of DATA/ror
    named in `link` (by default both, so that the example loads the whole registry)."""
    gold_dir = os.path.join(out_dir, "ror", "affiliation_gold")
    os.makedirs(gold_dir, exist_ok=True)
    for subset in link:
        path = os.path.join(out_dir, "ror", subset)
        if not os.path.exists(path):
            os.symlink(os.path.abspath(os.path.join(data, "ror", subset)), path)
    return gold_dir


def active_organisations(data):
    """The active records of the ROR v2 subset in DATA/ror, in file order."""
    with gzip.open(os.path.join(data, "ror", SUBSETS[0]), "rt") as f:
        return [r for r in map(json.loads, f) if r["status"] == "active"]
