"""The caiyu-2021 template and its example: the layout differences show in the .docx.

Expected figures are the example's 元 amounts converted by hand (125000 元 =
12.50 万元); expected 绩效标准 are read from the example's YAML, not from
perfdecl's output.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import EXAMPLE, findings
from lxml import etree

from perfdecl.cli import cli

DEMO = Path(__file__).resolve().parents[1] / "examples" / "2023-caiyu-demo"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

Cell = tuple[int, str, bool]  # (grid column, text, continues a vertical merge)


def build(folder: Path, out: Path) -> list[list[list[Cell]]]:
    """Build `folder` and return the form tables (those holding 绩效指标) as rows of cells."""
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    body = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    tables = []
    for tbl in body.iter(f"{W}tbl"):
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            col, row = 0, []
            for tc in tr.iter(f"{W}tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                row.append((col, "".join(tc.itertext()), merge is not None and merge.get(f"{W}val") != "restart"))
                col += int(span.get(f"{W}val")) if span is not None else 1
            rows.append(row)
        if any(text == "绩效指标" for row in rows for _, text, _ in row):
            tables.append(rows)
    return tables


def cell_right_of(rows: list[list[Cell]], label: str, nth: int = 0) -> str:
    """The text of the cell just right of the `nth` cell reading `label`."""
    found = [row[i + 1][1] for row in rows for i, (_, text, _) in enumerate(row) if text == label]
    return found[nth]


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> list[list[list[Cell]]]:
    return build(DEMO, tmp_path_factory.mktemp("caiyu") / "demo.docx")


def test_the_example_checks_clean():
    assert findings(DEMO) == set()


def test_one_form_per_project(forms):
    assert len(forms) == 2


def test_funding_is_labelled_and_printed_in_wan_yuan(forms):
    first, second = forms
    assert any(text == "项目资金（万元）" for row in first for _, text, _ in row)
    assert not any("（元）" in text for row in first for _, text, _ in row)
    # 01-farmer-training.yaml: 125000 元 throughout
    assert cell_right_of(first, "项目资金总额") == "12.50"
    assert cell_right_of(first, "年度资金申请总额") == "12.50"
    assert cell_right_of(first, "其中：财政资金") == "12.50"
    # 02-soil-testing.yaml: annual 286000 = appropriation 256000 + carryover 30000 元
    assert cell_right_of(second, "年度资金申请总额") == "28.60"
    assert cell_right_of(second, "其中：当年财政拨款") == "25.60"
    assert cell_right_of(second, "上年结转资金") == "3.00"
    assert cell_right_of(second, "其他资金", 1) == "0.00"
    assert not any(text in ("125000", "286000", "30000") for form in forms for row in form for _, text, _ in row)


def test_the_standard_column_holds_each_indicators_standard(forms):
    for form, file in zip(forms, ("01-farmer-training.yaml", "02-soil-testing.yaml")):
        (header,) = [row for row in form if [t for _, t, _ in row][-2:] == ["年度指标值", "绩效标准"]]
        source = yaml.safe_load((DEMO / file).read_text(encoding="utf-8"))["indicators"]
        expected = [(third, spec["standard"]) for seconds in source.values() for thirds in seconds.values()
                    for third, spec in thirds.items()]
        rows = form[form.index(header) + 1:]
        assert [(row[-3][1], row[-1][1]) for row in rows] == expected
        assert {standard for _, standard in expected} <= {"计划标准", "行业标准", "历史标准"}


def test_cost_is_a_first_level_indicator(forms):
    first = forms[0]
    header = next(row for row in first if any(t == "一级指标" for _, t, _ in row))
    level1 = next(col for col, t, _ in header if t == "一级指标")
    start = next(row for row in first if any(t == "成本指标" for _, t, _ in row))
    cells = {t: col for col, t, cont in start if not cont}
    assert cells["成本指标"] == level1 and cells["经济成本指标"] == level1 + 1
    seconds = {t for row in first for col, t, cont in row if col == level1 + 1 and not cont}
    assert {"经济成本指标", "社会成本指标", "生态环境成本指标"} <= seconds


def test_the_shanghai_layout_puts_cost_under_output_for_contrast(tmp_path):
    (form, *_) = build(EXAMPLE, tmp_path / "sj.docx")
    header = next(row for row in form if any(t == "一级指标" for _, t, _ in row))
    level1 = next(col for col, t, _ in header if t == "一级指标")
    assert [col for row in form for col, t, cont in row if t == "成本指标" and not cont] == [level1 + 1]
    assert not any(t == "绩效标准" for row in form for _, t, _ in row)
    assert any(t == "项目资金（元）" for row in form for _, t, _ in row)


def test_the_example_satisfies_the_json_schemas_its_first_lines_name():
    import json

    import jsonschema

    for path in sorted(DEMO.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        schema = json.loads((path.parent / first.split("$schema=", 1)[1]).read_text(encoding="utf-8"))
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        jsonschema.validate(data, schema)
