"""The transitive closures the build materialises (graph/build/closure.py): the same answers as the
property paths they replace, on the real data, so query writers can rely on them."""

from __future__ import annotations

from graph.store.embedded import EmbeddedStore

P = """PREFIX og: <https://w3id.org/occugraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX occ: <https://w3id.org/occugraph/id/occupation/>
"""


def pairs(store: EmbeddedStore, pattern: str) -> set[tuple[str, str]]:
    return {(r["a"], r["b"]) for r in store.select(P + f"SELECT ?a ?b WHERE {{ {pattern} }}")}


def test_ancestors_of_ai_engineer(store: EmbeddedStore) -> None:
    rows = store.select(P + "SELECT ?code WHERE { occ:2-02-38-01 skos:broaderTransitive ?g . ?g skos:notation ?code }")
    assert sorted(r["code"] for r in rows) == ["2-00-00-00", "2-02-00-00", "2-02-38-00"]


def test_broader_transitive_is_exactly_broader_plus(store: EmbeddedStore) -> None:
    closure = pairs(store, "?a skos:broaderTransitive ?b")
    assert closure == pairs(store, "?a skos:broader+ ?b")
    assert len(closure) > 5000  # every entry, school major and subcategory with its ancestors


def test_level_and_requirement_closures_match_their_paths(store: EmbeddedStore) -> None:
    levels = pairs(store, "?a og:nextHigherLevelTransitive ?b")
    assert levels == pairs(store, "?a og:nextHigherLevel+ ?b")
    top = store.select(
        P + "SELECT ?n WHERE { <https://w3id.org/occugraph/id/level/5> og:nextHigherLevelTransitive ?h . "
        "?h og:officialLevelNumber ?n }"
    )
    assert sorted(int(r["n"]) for r in top) == [1, 2, 3, 4]  # 五级 reaches 四级 ... 一级
    assert pairs(store, "?a og:includesRequirementsOfTransitive ?b") == pairs(store, "?a og:includesRequirementsOf+ ?b")


def test_occupations_per_major_group_same_with_closure(store: EmbeddedStore) -> None:
    """The aggregate query writers are told to use (docs/server.md) gives the path's answer."""
    q = """SELECT ?major (COUNT(DISTINCT ?o) AS ?n) WHERE {
      ?m a og:MajorGroup ; skos:notation ?major . ?o a og:Occupation ; %s ?m } GROUP BY ?major"""
    fast = {r["major"]: r["n"] for r in store.select(P + q % "skos:broaderTransitive")}
    slow = {r["major"]: r["n"] for r in store.select(P + q % "skos:broader+")}
    assert fast == slow and len(fast) >= 7  # major groups with occupations under them
    assert int(fast["2-00-00-00"]) > 400  # 专业技术人员
