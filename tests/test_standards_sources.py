"""The standards file sets as editors see them: valid additions build, faults are reported at
file:line. Runs the four readers on a small copy of the sources (real column dictionaries, real
ladder and rules, a few standards) without building the classification."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from graph.build.context import BuildContext
from graph.build.sources import eligibility_rules, ladder, skill_standards, work_requirements
from graph.build.tsv import SourceErrors
from graph.core.errors import SourceError
from graph.core.namespaces import OG, entry_iri, source_iri
from graph.standards.iris import standard_iri

ROOT = Path(__file__).resolve().parents[1]
CODES = ["4-04-05-05", "4-04-05-02", "4-07-02-05", "6-31-01-03", "2-02-38-01"]
STANDARD_HEADER = (
    "id\ttier\ttitle\tcode_as_printed\toccupation_name\twork_type\tmarker\tissued\tdoc_number\tissuer\t"
    "ladder\toccupation\tresolution\tresolution_evidence\trule_set\trule_set_evidence\tsource\tsource_row\n"
)
STANDARDS = [
    "4-04-05-05-2021\tnational\t人工智能训练师\t4-04-05-05\t人工智能训练师\t\t\t2021-10-21\t人社厅发〔2021〕81号\t\tskill\t"
    "4-04-05-05\tcode-and-name\tsame code and name\t\t\tosta-standards\t317\n",
    "4-07-02-05-2024\tnational\t商务数据分析师S\t4-07-02-05\t商务数据分析师\t\tS\t2024-02-06\t人社厅发〔2024〕15号\t\t"
    "skill\t4-07-02-05\tcode-and-name\tsame code and name\t\t\tosta-standards\t152\n",
]
EVALUATION_SPEC = (
    "acme-ai-annotator-2023\tevaluation\t数据标注员评价规范\t\t人工智能训练师\t数据标注员\t\t"
    "2023-05-01\t\t某社会培训评价组织\tskill\t4-04-05-05\teditor\twork type of 人工智能训练师\t\t\t"
    "editor\t\n"
)


def project(tmp: Path) -> Path:
    root = tmp / "standards"
    for folder in ("ladder", "eligibility"):
        shutil.copytree(ROOT / "standards" / folder, root / folder)
    for folder in ("skill-standards", "work-requirements"):
        (root / folder).mkdir(parents=True)
        shutil.copy(ROOT / "standards" / folder / "columns.tsv", root / folder)
    ss = root / "skill-standards"
    (ss / "standards.tsv").write_text(STANDARD_HEADER + "".join(STANDARDS), encoding="utf-8")
    (ss / "levels-covered.tsv").write_text(
        "standard\tlevel\tprovenance\tevidence\n"
        + "".join(f"4-04-05-05-2021\t{lv}\tparsed\tx.pdf\n" for lv in "54321"),
        encoding="utf-8",
    )
    (ss / "fixes.tsv").write_text("standard\tfix\tevidence\n", encoding="utf-8")
    (ss / "work-type-scope.tsv").write_text("standard\toccupation\twork_type\tevidence\n", encoding="utf-8")
    wr = root / "work-requirements"
    std = "4-04-05-05-2021"
    (wr / "functions.tsv").write_text(
        f"standard\tlevel\tnumber\tname\tflags\n{std}\t5\t1\t数据采集和处理\t\n{std}\t4\t1\t业务分析\t\n",
        encoding="utf-8",
    )
    (wr / "contents.tsv").write_text(
        f"standard\tlevel\tnumber\tname\tflags\n{std}\t5\t1.1\t业务数据采集\t\n{std}\t4\t1.1\t业务数据质量检测\t\n",
        encoding="utf-8",
    )
    (wr / "requirements.tsv").write_text(
        "standard\tlevel\tkind\tnumber\tseq\twork_content\ttext\tflags\n"
        f"{std}\t5\tskill\t1.1.1\t1\t1.1\t能利用设备、工具等完成原始业务数据采集\t\n"
        f"{std}\t5\tknowledge\t1.1.1\t1\t1.1\t业务背景知识\t\n"
        f"{std}\t4\tskill\t1.1.1\t1\t1.1\t能对预处理后的业务数据进行审核\t\n",
        encoding="utf-8",
    )
    (wr / "fixes.tsv").write_text("standard\tlevel\tnumber\tfix\tevidence\n", encoding="utf-8")
    return root


def read_all(root: Path) -> tuple[Graph, BuildContext]:
    g, ctx = Graph(), BuildContext()
    for ds in ("eligibility-rules", "osta-standards", "policy-texts"):
        g.add((source_iri(ds), RDF.type, OG.SourceDataset))
    for code in CODES:
        ctx.entries[code] = (entry_iri(code, {"occupation"}), frozenset({"occupation"}))
        g.add((entry_iri(code, {"occupation"}), RDF.type, OG.Occupation))
    for folder, reader in (
        ("ladder", ladder.load),
        ("eligibility", eligibility_rules.load),
        ("skill-standards", skill_standards.load),
        ("work-requirements", work_requirements.load),
    ):
        reader(root / folder, g, ctx)
    return g, ctx


def errors(root: Path) -> list[SourceError]:
    with pytest.raises(SourceError) as info:
        read_all(root)
    exc = info.value
    return list(exc.errors) if isinstance(exc, SourceErrors) else [exc]


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_small_project_reads(tmp_path):
    g, _ctx = read_all(project(tmp_path))
    std = standard_iri("4-07-02-05-2024")
    assert (std, OG.eligibilityRuleSet, URIRef("https://w3id.org/occugraph/id/rule-set/generic-post-2024")) in g
    sl3 = URIRef(str(standard_iri("4-04-05-05-2021")) + "/level/4")
    assert (sl3, OG.includesRequirementsOf, URIRef(str(standard_iri("4-04-05-05-2021")) + "/level/5")) in g


def test_an_editor_adds_an_evaluation_specification(tmp_path):
    root = project(tmp_path)
    append(root / "skill-standards/standards.tsv", EVALUATION_SPEC)
    g, _ = read_all(root)
    spec = standard_iri("acme-ai-annotator-2023")
    assert (spec, RDF.type, OG.EvaluationSpecification) in g
    assert (spec, OG.forOccupation, entry_iri("4-04-05-05", {"occupation"})) in g
    assert g.value(spec, OG.documentNumber) is None


def test_an_editor_relates_two_occupations(tmp_path):
    root = project(tmp_path)
    append(root / "eligibility/related-occupations.tsv", "4-07-02-05\t2-02-38-01\tdecision of the editors\teditor\n")
    g, _ = read_all(root)
    a, b = entry_iri("4-07-02-05", {"occupation"}), entry_iri("2-02-38-01", {"occupation"})
    assert (a, OG.relatedOccupation, b) in g and (b, OG.relatedOccupation, a) in g


def test_an_editor_unrelates_two_occupations_of_one_minor_group(tmp_path):
    root = project(tmp_path)
    append(root / "eligibility/unrelated-occupations.tsv", "4-04-05-05\t4-04-05-02\tdecision of the editors\teditor\n")
    g, _ = read_all(root)
    a, b = entry_iri("4-04-05-05", {"occupation"}), entry_iri("4-04-05-02", {"occupation"})
    assert (a, OG.notRelatedOccupation, b) in g and (b, OG.notRelatedOccupation, a) in g


def test_unrelating_occupations_of_different_minor_groups_is_refused(tmp_path):
    root = project(tmp_path)
    append(root / "eligibility/unrelated-occupations.tsv", "4-04-05-05\t2-02-38-01\tx\teditor\n")
    with pytest.raises(SourceError) as exc:
        read_all(root)
    errors = getattr(exc.value, "errors", [exc.value])
    assert any("unrelated-occupations.tsv:2" in str(e) and "same minor group" in str(e) for e in errors)


FAULTS = [
    # (file, edit, location, message)
    ("ladder/levels.tsv", ("3\tskill\t4\t3", "3\tskill\t5\t3"), "levels.tsv:4", "rank 5 of the skill ladder"),
    (
        "ladder/diploma-kinds.tsv",
        ("本科\tbachelor's programme\t职业本科", "本科\tbachelor's programme\t本科"),
        "diploma-kinds.tsv:2",
        "repeats the name",
    ),
    (
        "eligibility/rule-sets.tsv",
        ("\t2018-01-01\t2023-12-31\t", "\t2018-01-01\t2024-06-30\t"),
        "rule-sets.tsv:4",
        "overlaps",
    ),
    (
        "eligibility/conditions.tsv",
        ("generic-post-2024\t3\t2\t1\tcertificate\t4\t", "generic-post-2024\t3\t2\t1\tcertificate\t9\t"),
        "conditions.tsv",
        "unknown level '9'",
    ),
    (
        "eligibility/conditions.tsv",
        ("generic-post-2024\t4\t1\t1\twork\t\trelated\t5\t", "generic-post-2024\t4\t1\t1\twork\t\trelated\t\t"),
        "conditions.tsv",
        "a work condition needs years",
    ),
    (
        "eligibility/conditions.tsv",
        ("generic-post-2024\t4\t2\t2\twork\t\trelated\t3\t1\t", "generic-post-2024\t4\t2\t2\twork\t\trelated\t3\t2\t"),
        "conditions.tsv",
        "counted_from 2 must name a certificate",
    ),
    (
        "eligibility/conditions.tsv",
        ("title\tprofessional-junior", "title\t4"),
        "conditions.tsv",
        "needs a professional level",
    ),
    (
        "eligibility/related-occupations.tsv",
        (None, "4-07-02-05\t9-99-99-99\tx\teditor\n"),
        "related-occupations.tsv:2",
        "not an occupation of the classification: 9-99-99-99",
    ),
    (
        "skill-standards/standards.tsv",
        ("\tskill\t4-07-02-05\tcode-and-name", "\tskill\t4-07-02-99\tcode-and-name"),
        "standards.tsv:3",
        "occupation 4-07-02-99 is not an occupation",
    ),
    (
        "skill-standards/standards.tsv",
        ("\tskill\t4-07-02-05\tcode-and-name", "\tskill\t4-07-02-05\tunresolved"),
        "standards.tsv:3",
        "resolution is 'unresolved' but an occupation is given",
    ),
    (
        "skill-standards/standards.tsv",
        ("\t2024-02-06\t人社厅发〔2024〕15号\t", "\t2024-02-06\t\t"),
        "standards.tsv:3",
        "needs doc_number",
    ),
    (
        "skill-standards/standards.tsv",
        ("same code and name\t\t\tosta-standards\t152", "same code and name\tno-such-set\tstated\tosta-standards\t152"),
        "standards.tsv:3",
        "unknown rule set 'no-such-set'",
    ),
    (
        "skill-standards/levels-covered.tsv",
        (None, "4-04-05-05-2021\tprofessional-junior\tparsed\tx.pdf\n"),
        "levels-covered.tsv:7",
        "is on the professional ladder",
    ),
    (
        "skill-standards/levels-covered.tsv",
        (None, "4-07-02-05-2024\t4\tstated\tread\n4-07-02-05-2024\t3\tparsed\tx\n"),
        "levels-covered.tsv:8",
        "use one provenance per standard",
    ),
    (
        "work-requirements/requirements.tsv",
        (None, "4-04-05-05-2021\t5\tskill\t1.1.1\t1\t1.1\tagain\t\n"),
        "requirements.tsv:5",
        "already given at line 2",
    ),
    (
        "work-requirements/requirements.tsv",
        (None, "4-04-05-05-2021\t3\tskill\t1.1.1\t1\t1.1\tx\t\n"),
        "requirements.tsv:5",
        "no work content 1.1",
    ),
    ("work-requirements/contents.tsv", (None, "4-04-05-05-2021\t5\t2.1\tx\t\n"), "contents.tsv:4", "no function 2"),
]


@pytest.mark.parametrize("file, edit, location, message", FAULTS, ids=[f"{f}:{m[:30]}" for f, _e, _l, m in FAULTS])
def test_faults_are_reported_at_their_row(tmp_path, file, edit, location, message):
    root = project(tmp_path)
    old, new = edit
    if old is None:
        append(root / file, new)
    else:
        replace(root / file, old, new)
    found = errors(root)
    assert any(location in f"{e.path}:{e.line}" and message in e.message for e in found), found
