"""New occupations: what was announced when, and which still wait for a national standard.

Questions asked through SPARQL only (``store.select``), so they run on the embedded store and on a
remote endpoint alike. The data comes from standards/new-occupations/ (graph/build/sources/new_occupations.py);
"has a national standard" means a standard typed og:NationalSkillStandard whose og:forOccupation is
the occupation, as the standards area links them.

IRIs (docs/new-occupations.md): batches ``id/new-occupation-batch/<n>``, work types
``id/work-type/<name>`` in the concept scheme ``id/scheme/work-types``.

>>> batch_iri(6)
rdflib.term.URIRef('https://w3id.org/occugraph/id/new-occupation-batch/6')
>>> parse_batch_filter("2024-07"), parse_batch_filter("6")
(('month', '2024-07'), ('number', '6'))
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from statistics import median
from urllib.parse import quote, unquote

from rdflib import URIRef

from graph.classification.queries import Q, SelectStore
from graph.core.namespaces import ID, PREFIXES
from graph.core.tabular import csv_writer
from graph.store.sparql import select

FLAGS = {"digital": "DigitalOccupation", "green": "GreenOccupation"}  # classes of the ontology (og:)
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

# work types (工种) are SKOS concepts of their own scheme: the classification scheme holds the four
# coded levels only
WORK_TYPE_SCHEME = URIRef(f"{ID}scheme/work-types")


def batch_iri(number: int | str) -> URIRef:
    return URIRef(f"{ID}new-occupation-batch/{int(number)}")


def work_type_iri(name: str) -> URIRef:
    return URIRef(f"{ID}work-type/{quote(name)}")


def parse_date(value: str, name: str = "date") -> date:
    """A YYYY-MM-DD date, or ValueError with a message an API user can act on."""
    if not DATE_RE.fullmatch(value or ""):
        raise ValueError(f"{name} must be a date as YYYY-MM-DD, e.g. 2022-01-01; got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a real calendar date") from None


def parse_batch_filter(value: str) -> tuple[str, str]:
    """A batch given as its number ("6") or its month ("2024-07")."""
    value = value.strip()
    if re.fullmatch(r"[1-9]\d{0,2}", value):
        return ("number", value)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return ("month", value)
    raise ValueError(f"batch must be a batch number (e.g. 6) or a month YYYY-MM (e.g. 2024-07); got {value!r}")


def batches(store: SelectStore) -> list[dict[str, object]]:
    """Every release batch with its date, counts and sources, oldest first."""
    rows = select(store, Q.batches)
    out = []
    for r in sorted(rows, key=lambda r: int(r["number"])):
        announced, known = int(r["announced"]), int(r["known"])
        out.append(
            {
                "batch": int(r["number"]),
                "iri": r["batch"],
                "label": r["label"],
                "announced_on": r["date"],
                "date_as_reported": r["reported"],
                "occupations_announced": announced,
                "occupations_known": known,
                "complete": known >= announced,
                "work_types_announced": int(r["wtAnnounced"]) if "wtAnnounced" in r else None,
                "work_types_known": int(r["wtKnown"]),
                "source": r["source"],
                # GROUP_CONCAT order is left open by SPARQL (Virtuoso and pyoxigraph differ): sort here
                "note": " | ".join(sorted(r["note"].split(" | "))) if r.get("note") else None,
            }
        )
    return out


def _standards_by_occupation(store: SelectStore) -> dict[str, list[dict[str, str]]]:
    """National standards of the announced occupations, by occupation IRI."""
    rows = select(store, Q.batch_standards)
    found: dict[str, dict[str, dict[str, str]]] = {}
    for r in rows:
        std = found.setdefault(r["occ"], {}).setdefault(r["std"], {"iri": r["std"]})
        for key, col in (("title", "title"), ("document_number", "number"), ("issued", "issued")):
            if col in r and key not in std:
                std[key] = r[col]
    return {occ: sorted(stds.values(), key=lambda s: (s.get("issued", ""), s["iri"])) for occ, stds in found.items()}


def new_occupations(
    store: SelectStore,
    since: date | None = None,
    batch: tuple[str, str] | None = None,
    flag: str | None = None,
) -> list[dict[str, object]]:
    """Occupations announced in a batch, with batch, date, code, definition, flags, editions and
    whether a national standard exists yet; newest batch first, then code order."""
    if flag is not None and flag not in FLAGS:
        raise ValueError(f"flag must be one of {sorted(FLAGS)}; got {flag!r}")
    # the narrowing is done on the rows (a handful of batches, a few hundred occupations) so that the
    # one query needs no optional filters; ISO dates compare as text the way xsd:date compares
    number = int(batch[1]) if batch is not None and batch[0] == "number" else None
    day = batch[1] if batch is not None and batch[0] != "number" else None  # a year, month or day
    rows = [
        r
        for r in select(store, Q.new_occupations)
        if (since is None or r["date"] >= since.isoformat())
        and (number is None or int(r["number"]) == number)
        and (day is None or r["date"].startswith(day))
        and (flag is None or PREFIXES["og"] + FLAGS[flag] in r["types"].split())
    ]
    standards = _standards_by_occupation(store)
    work_types = _work_types_by_occupation(store)
    out = []
    for r in rows:
        types = {t.rsplit("/", 1)[-1] for t in r["types"].split()}
        stds = standards.get(r["occ"], [])
        out.append(
            {
                "code": r["code"],
                "iri": r["occ"],
                "name": r["name"],
                "name_as_announced": r.get("announcedName", r["name"]),
                "name_evidence": r.get("evidence"),
                "batch": int(r["number"]),
                "batch_label": r["batchLabel"],
                "announced_on": r["date"],
                "definition": r.get("definition"),
                "flags": {
                    "digital": "DigitalOccupation" in types,
                    "green": "GreenOccupation" in types,
                    "marker": r.get("marker", ""),
                },
                "editions": sorted(unquote(e.rsplit("/", 1)[-1]) for e in r["editions"].split()),
                "first_appeared_in": r.get("first"),
                "has_national_standard": bool(stds),
                "national_standards": stds,
                "new_work_types": work_types.get(r["occ"], []),
            }
        )
    out.sort(key=lambda o: (-int(o["batch"]), str(o["code"])))  # type: ignore[call-overload]
    return out


def _work_types_by_occupation(store: SelectStore) -> dict[str, list[dict[str, str]]]:
    rows = select(store, Q.batch_work_types)
    out: dict[str, list[dict[str, str]]] = {}
    for r in sorted(rows, key=lambda r: r["name"]):
        out.setdefault(r["occ"], []).append({"name": r["name"], "status": r["status"]})
    return out


def work_types(store: SelectStore) -> list[dict[str, object]]:
    """New work types announced (or only proposed) in a batch, with their parent occupation if known."""
    rows = select(store, Q.work_types)
    return [
        {
            "name": r["name"],
            "iri": r["wt"],
            "batch": int(r["number"]),
            "status": r["status"],
            "occupation": {"code": r["parentCode"], "name": r["parentName"]} if "parentCode" in r else None,
        }
        for r in sorted(rows, key=lambda r: (int(r["number"]), r["status"], r["name"]))
    ]


@dataclass
class Coverage:
    """Which announced occupations have a national standard, as of a day."""

    as_of: date
    rows: list[dict[str, object]]
    batches: list[dict[str, object]]

    def as_dict(self) -> dict[str, object]:
        waiting = [r for r in self.rows if not r["has_national_standard"]]
        return {
            "as_of": self.as_of.isoformat(),
            "standard_link": "?std a og:NationalSkillStandard ; og:forOccupation ?occ",
            "occupations_known": len(self.rows),
            "with_national_standard": len(self.rows) - len(waiting),
            "without_national_standard": len(waiting),
            "batches": self.batches,
            "occupations": self.rows,
        }


def coverage(store: SelectStore, as_of: date | None = None) -> Coverage:
    """Every announced occupation, whether it has a national standard, and how long it has waited:
    days from the announcement to ``as_of`` (default today) for those without one, and days from
    the announcement to the earliest standard's issue date for those with one (when the standard
    carries a date)."""
    as_of = as_of or date.today()
    occupations = new_occupations(store)
    rows: list[dict[str, object]] = []
    for o in occupations:
        announced = date.fromisoformat(str(o["announced_on"]))
        stds: list[dict[str, str]] = o["national_standards"]  # type: ignore[assignment]
        issued = sorted(s["issued"][:10] for s in stds if DATE_RE.fullmatch(s.get("issued", "")[:10]))
        row = {
            "code": o["code"],
            "name": o["name"],
            "batch": o["batch"],
            "announced_on": o["announced_on"],
            "flags": o["flags"],
            "has_national_standard": bool(stds),
            "national_standards": [s.get("document_number") or s.get("title") or s["iri"] for s in stds],
            "first_standard_issued": issued[0] if issued else None,
            "days_waiting": None,
            "days_to_first_standard": None,
        }
        if not stds:
            row["days_waiting"] = (as_of - announced).days
        elif issued:
            row["days_to_first_standard"] = (date.fromisoformat(issued[0]) - announced).days
        rows.append(row)
    rows.sort(key=lambda r: (r["has_national_standard"], -(r["days_waiting"] or 0), str(r["code"])))
    per_batch = []
    for b in batches(store):
        mine = [r for r in rows if r["batch"] == b["batch"]]
        waits = [int(r["days_waiting"]) for r in mine if r["days_waiting"] is not None]  # type: ignore[call-overload]
        to_std = [int(r["days_to_first_standard"]) for r in mine if r["days_to_first_standard"] is not None]  # type: ignore[call-overload]
        with_std = sum(1 for r in mine if r["has_national_standard"])
        per_batch.append(
            {
                "batch": b["batch"],
                "label": b["label"],
                "announced_on": b["announced_on"],
                "occupations_announced": b["occupations_announced"],
                "occupations_known": b["occupations_known"],
                "occupations_unknown": max(0, int(b["occupations_announced"]) - int(b["occupations_known"])),
                "with_national_standard": with_std,
                "without_national_standard": len(mine) - with_std,
                "median_days_waiting": int(median(waits)) if waits else None,
                "median_days_to_first_standard": int(median(to_std)) if to_std else None,
            }
        )
    return Coverage(as_of, rows, per_batch)


COVERAGE_CSV_COLUMNS = [
    "code",
    "name",
    "batch",
    "announced_on",
    "digital",
    "green",
    "has_national_standard",
    "national_standards",
    "first_standard_issued",
    "days_waiting",
    "days_to_first_standard",
    "as_of",
]


def coverage_csv(cov: Coverage) -> str:
    """The coverage rows as CSV (UTF-8, header row), one row per announced occupation."""
    out = io.StringIO()
    w = csv_writer(out)
    w.writerow(COVERAGE_CSV_COLUMNS)
    for r in cov.rows:
        flags: dict[str, object] = r["flags"]  # type: ignore[assignment]
        w.writerow(
            [
                r["code"],
                r["name"],
                r["batch"],
                r["announced_on"],
                "yes" if flags["digital"] else "no",
                "yes" if flags["green"] else "no",
                "yes" if r["has_national_standard"] else "no",
                " ; ".join(r["national_standards"]),  # type: ignore[arg-type]
                r["first_standard_issued"] or "",
                "" if r["days_waiting"] is None else r["days_waiting"],
                "" if r["days_to_first_standard"] is None else r["days_to_first_standard"],
                cov.as_of.isoformat(),
            ]
        )
    return out.getvalue()
