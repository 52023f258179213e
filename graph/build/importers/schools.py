"""One-time import: 1+X certificates in standards/upstream/ -> standards/onex/.

Run by hand (``python -m graph.build.importers.schools``); after that, editors change the TSVs.
Reads the unchanged upstream copies onex_certificates_batches_1_2.csv and
onex_certificates_ncb_sample.jsonl. Majors (the catalogue, the 对应指引 links, the MOE 专业简介 and the
earlier pilot crosswalk) are imported by graph/build/importers/majors.py.

What it does, and nothing more:
- organisations.tsv, certificates.tsv from the two 1+X files (pilot batch where the batch file
  gives it), certificate-levels.tsv from the credit-bank sample (one row per record, unchanged
  text);
- with ``--suggest STORE``: certificate-occupations.tsv gets suggestions of graph/classification/classifier.py for
  the certificate name (without 职业技能等级证书), basis=suggested, with score and words as
  evidence. Rows an editor has already reviewed (any basis but suggested) are kept as they are and
  never suggested again.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from graph.build.tsv import format_tsv, read_csv_rows
from graph.core.paths import PACKAGE_ROOT

ROOT = PACKAGE_ROOT
UPSTREAM = ROOT / "standards" / "upstream"
ONEX = ROOT / "standards" / "onex"

BATCHES = "onex_certificates_batches_1_2.csv"
NCB = "onex_certificates_ncb_sample.jsonl"

CERT_SUFFIX = "职业技能等级证书"
SUGGEST_MIN_SCORE = 0.6
SUGGEST_TOP = 2


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
        f"1+X: {len(org_rows)} organisations, "
        f"{len(cert_rows)} certificates, {len(level_rows)} certificate levels, {len(rows)} occupation links"
    )


if __name__ == "__main__":
    main()
