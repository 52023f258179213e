"""One-time import: majors and 1+X certificates in standards/upstream/ -> standards/majors/ and standards/onex/.

Run by hand (``python -m graph.build.importers.schools``); after that, editors change the TSVs.
Reads the unchanged upstream copies major_to_occupation_pilot_it_voced_kg.csv,
onex_certificates_batches_1_2.csv and onex_certificates_ncb_sample.jsonl.

What it does, and nothing more:
- majors.tsv and major-occupations.tsv from the pilot crosswalk: the upstream "level:code" prefix
  gives the catalogue and tier (voc_secondary/voc_associate/voc_bachelor -> the 2021 vocational
  catalogue's 中职/高职专科/职业本科; ug_bachelor -> the general undergraduate catalogue); every
  link is basis=curated (that project chose them by hand; they are not the official 职业面向);
- organisations.tsv, certificates.tsv from the two 1+X files (pilot batch where the batch file
  gives it), certificate-levels.tsv from the credit-bank sample (one row per record, unchanged
  text);
- with ``--suggest STORE``: certificate-occupations.tsv gets suggestions of graph/classification/classifier.py for
  the certificate name (without 职业技能等级证书), basis=suggested, with score and words as
  evidence. Rows an editor has already reviewed (any basis but suggested) are kept as they are and
  never suggested again.
Categories (专业大类/专业类) and the rest of the catalogue are not in any upstream file: editors add
them to standards/majors/.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from graph.build.tsv import format_tsv, read_csv_rows
from graph.core.paths import PACKAGE_ROOT

ROOT = PACKAGE_ROOT
UPSTREAM = ROOT / "standards" / "upstream"
MAJORS = ROOT / "standards" / "majors"
ONEX = ROOT / "standards" / "onex"

PILOT = "major_to_occupation_pilot_it_voced_kg.csv"
BATCHES = "onex_certificates_batches_1_2.csv"
NCB = "onex_certificates_ncb_sample.jsonl"

# upstream level prefix -> (catalogue, tier)
TIERS = {
    "voc_secondary": ("voc2021", "secondary-vocational"),
    "voc_associate": ("voc2021", "higher-vocational"),
    "voc_bachelor": ("voc2021", "vocational-undergraduate"),
    "ug_bachelor": ("ug", "general-undergraduate"),
}
CERT_SUFFIX = "职业技能等级证书"
SUGGEST_MIN_SCORE = 0.6
SUGGEST_TOP = 2


def split_major(value: str) -> tuple[str, str, str]:
    """(catalogue, tier, code) from the pilot's "level:code".

    >>> split_major("voc_associate:510201")
    ('voc2021', 'higher-vocational', '510201')
    >>> split_major("ug_bachelor:080717T")
    ('ug', 'general-undergraduate', '080717T')
    """
    prefix, _, code = value.partition(":")
    if prefix not in TIERS or not code:
        raise SystemExit(f"{PILOT}: unknown major level/code {value!r}; add the prefix to TIERS")
    catalogue, tier = TIERS[prefix]
    return catalogue, tier, code


def majors() -> tuple[list[list[str]], list[list[str]]]:
    major_rows: dict[tuple[str, str], list[str]] = {}
    links = []
    for r in read_csv_rows(UPSTREAM / PILOT):
        catalogue, tier, code = split_major(r["major_level_and_code"])
        known = major_rows.setdefault((catalogue, code), [catalogue, code, tier, r["major_name"], "majors-pilot", ""])
        if known[3] != r["major_name"] or known[2] != tier:
            raise SystemExit(f"{PILOT}: major {catalogue}:{code} has two names or tiers")
        links.append(
            [
                catalogue,
                code,
                r["occupation_code"],
                r["occupation_name"],
                "curated",
                "majors-pilot",
                "pilot crosswalk curated by hand by uryuwr/voced-position-kg-demo (prepares_for_pilot_it.json)",
            ]
        )
    return list(major_rows.values()), links


def certificates() -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    orgs: dict[str, set[str]] = {}
    certs: dict[str, list[str]] = {}
    for r in read_csv_rows(UPSTREAM / BATCHES):
        name, org = r["certificate_name"].strip(), r["training_evaluation_org"].strip()
        orgs.setdefault(org, set()).add("onex-batches")
        certs[name] = [name, org, r["batch"], "onex-batches"]
    levels = []
    with (UPSTREAM / NCB).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            name, org = r["name"].strip(), r["issuer"].strip()
            orgs.setdefault(org, set()).add("onex-ncb-sample")
            if name in certs:
                if certs[name][1] != org:
                    raise SystemExit(f"{NCB}: {name} is awarded by {org} here and by {certs[name][1]} in {BATCHES}")
                if "onex-ncb-sample" not in certs[name][3]:
                    certs[name][3] += " onex-ncb-sample"
            else:
                certs[name] = [name, org, "", "onex-ncb-sample"]
            description = " ".join(r["description"].split())
            levels.append([name, r["level"], r["cert_id"], r["effective_from"], description, "onex-ncb-sample"])
    org_rows = [[org, " ".join(sorted(src))] for org, src in orgs.items()]
    return org_rows, list(certs.values()), levels


def suggestions(store_path: Path, cert_names: list[str], existing: list[dict[str, str]]) -> list[list[str]]:
    """Classifier suggestions for certificates; reviewed rows are kept and never re-suggested."""
    from graph.classification.classifier import Classifier
    from graph.store.embedded import EmbeddedStore

    kept = [
        [r[c] for c in ("certificate", "occupation_code", "occupation_name", "basis", "source", "evidence")]
        for r in existing
        if r["basis"] != "suggested"
    ]
    reviewed = {(r[0], r[1]) for r in kept}
    classifier = Classifier.from_store(EmbeddedStore(store_path))
    out = list(kept)
    for name in cert_names:
        text = name.removesuffix(CERT_SUFFIX)
        result = classifier.classify(text, top_k=SUGGEST_TOP)
        for cand in result["candidates"]:  # type: ignore[union-attr]
            if cand["score"] < SUGGEST_MIN_SCORE or "occupation" not in cand["kinds"]:
                continue
            if (name, cand["code"]) in reviewed:
                continue
            words = "、".join(str(w) for w in result.get("words", []))  # type: ignore[union-attr]
            out.append(
                [
                    name,
                    cand["code"],
                    cand["name"],
                    "suggested",
                    "classifier",
                    f"graph/classification/classifier.py on {text!r}: score {cand['score']}; words {words}",
                ]
            )
    return out


def read_existing(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--suggest",
        type=Path,
        metavar="STORE",
        help="also suggest certificate occupations with the classifier, using this built store",
    )
    args = parser.parse_args()

    major_rows, links = majors()
    (MAJORS / "majors.tsv").write_text(
        format_tsv(["catalogue", "code", "tier", "name", "source", "note"], major_rows), encoding="utf-8"
    )
    (MAJORS / "major-occupations.tsv").write_text(
        format_tsv(
            ["catalogue", "major_code", "occupation_code", "occupation_name", "basis", "source", "evidence"], links
        ),
        encoding="utf-8",
    )

    org_rows, cert_rows, level_rows = certificates()
    (ONEX / "organisations.tsv").write_text(format_tsv(["name", "source"], org_rows), encoding="utf-8")
    (ONEX / "certificates.tsv").write_text(
        format_tsv(["name", "organisation", "pilot_batch", "source"], cert_rows), encoding="utf-8"
    )
    (ONEX / "certificate-levels.tsv").write_text(
        format_tsv(["certificate", "level", "ncb_id", "effective_from", "orientation", "source"], level_rows),
        encoding="utf-8",
    )
    occ_path = ONEX / "certificate-occupations.tsv"
    header = ["certificate", "occupation_code", "occupation_name", "basis", "source", "evidence"]
    existing = read_existing(occ_path)
    if args.suggest:
        rows = suggestions(args.suggest, sorted(r[0] for r in cert_rows), existing)
    else:
        rows = [[r[c] for c in header] for r in existing]
    occ_path.write_text(format_tsv(header, rows), encoding="utf-8")
    print(
        f"majors: {len(major_rows)} majors, {len(links)} links; 1+X: {len(org_rows)} organisations, "
        f"{len(cert_rows)} certificates, {len(level_rows)} certificate levels, {len(rows)} occupation links"
    )


if __name__ == "__main__":
    main()
