"""The OG namespace class is generated from the TBox (issue 13): graph/core/og.py is up to date,
holds exactly the terms ontology/*.ttl declares, and an unknown term fails at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.build.namespace import declared_terms, render, tbox, write
from graph.cli.main import main
from graph.core.namespaces import OG

ROOT = Path(__file__).resolve().parents[1]


def test_og_is_up_to_date_with_the_ontology() -> None:
    assert write(ROOT, check=True), "graph/core/og.py is out of date: run `occugraph namespace`"


def test_og_has_exactly_the_declared_terms() -> None:
    terms = declared_terms(tbox(ROOT))
    assert set(OG.__annotations__) == set(terms)
    assert "relatedOccupation" in terms and terms["Occupation"] == "occupation"
    assert str(OG.Occupation) == "https://w3id.org/occugraph/ontology/Occupation"
    with pytest.raises(AttributeError):
        OG.Ocupation  # noqa: B018 - a typo fails instead of making an IRI nobody declared


def test_a_new_term_needs_a_regeneration(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    (tmp_path / "graph" / "core").mkdir(parents=True)
    shutil.copy(ROOT / "graph" / "core" / "og.py", tmp_path / "graph" / "core" / "og.py")
    with (tmp_path / "ontology" / "occugraph.ttl").open("a", encoding="utf-8") as fh:
        fh.write('\nog:testTerm a owl:DatatypeProperty ; rdfs:label "test term"@en .\n')
    assert main(["namespace", "--root", str(tmp_path), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["namespace", "--root", str(tmp_path)]) == 0
    text = (tmp_path / "graph" / "core" / "og.py").read_text(encoding="utf-8")
    assert "    testTerm: URIRef  # test term\n" in text
    assert text == render(declared_terms(tbox(tmp_path)))
    assert main(["namespace", "--root", str(tmp_path), "--check"]) == 0
