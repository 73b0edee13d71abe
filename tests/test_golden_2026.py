"""The 2026 Putuo example against its published text, scored as /work/shared/tools/fidelity.py scores it.

tests/data/putuo-cgzf-2026.txt is /work/shared/reference/putuo-cgzf-2026.txt: a
`source:` line (where the text comes from: metadata, not text of the
document), then the text layer of the published PDF, one table cell per line.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO
from test_golden import docx_text, norm, score

from perfdecl.cli import cli
from perfdecl.pipeline import check

EXAMPLE = REPO / "examples" / "2026-putuo-cgzf"
REFERENCE = Path(__file__).parent / "data" / "putuo-cgzf-2026.txt"


def reference() -> str:
    source, text = REFERENCE.read_text(encoding="utf-8").split("\n", 1)
    assert source.startswith("source: ")
    return text


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "putuo.docx"
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_example_checks_clean_with_its_published_figures():
    bundle, diags = check(EXAMPLE)
    assert [d for d in diags if d.severity == "error"] == []
    project = bundle.projects[0]
    assert project.funding.total.text == "10,308,000.00" and project.funding.total.yuan == 10308000
    assert project.nature == "阶段性项目" and project.items == []


def test_reference_text(built):
    recall, in_order, out_of_order, absent = score(reference(), docx_text(built))
    print(f"fidelity recall={recall:.4f} in_order={in_order:.4f}; absent: {absent}; out of order: {out_of_order}")
    # The extraction wrote each multi-line cell of 项目总体目标 / 年度总体目标 CSV-style, between
    # straight quotes; the PDF prints no quotes. Those four segments are the only ones absent,
    # and each is found once its quotes are dropped.
    assert absent == [norm('"1.完成市、区相关部门下达的年度拆违任务。'), '"', norm('"1.完成市、区相关部门下达的年度'),
                      norm('项、存一档”目标管理。"')]
    document = norm(docx_text(built))
    assert all(segment.replace('"', "") in document for segment in absent)
    assert recall >= 0.975
    unquoted, _, _, none = score(reference().replace('"', ""), docx_text(built))
    assert none == [] and unquoted >= 0.99
    # Out of order: only the lines the PDF prints twice (its p.23 repeats the end of p.22, from
    # 四、实施方案 2. to 六、年度预算安排): the document has them once.
    segments = [norm(line) for line in reference().splitlines()]
    assert out_of_order and all(segments.count(s) == 2 for s in out_of_order)


def test_summary_states_the_whole_department(built):
    text = norm(docx_text(built))
    assert norm("本部门1个预算单位开展了2026年项目预算绩效目标编报工作，编报绩效目标的项目14个，"
                "涉及项目预算资金1099.22万元。") in text


def test_the_build_is_reproducible(built, tmp_path):
    again = tmp_path / "again.docx"
    assert CliRunner().invoke(cli, ["build", str(EXAMPLE), "-o", str(again)]).exit_code == 0
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(built.read_bytes()).digest()


def test_the_form_texts_are_cross_checked(tmp_path):
    import shutil

    from helpers import at, edit

    folder = tmp_path / "putuo"
    shutil.copytree(EXAMPLE, folder)
    baseline = {(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in check(folder)[1]}
    p = folder / "01-demolition.yaml"
    p.write_text(edit(p.read_text(encoding="utf-8"), [("预算金额为349.80万元", "预算金额为349.90万元")]), encoding="utf-8")
    found = {(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in check(folder)[1]}
    assert found - baseline == {at(p, "349.90万元", "PD207")}
