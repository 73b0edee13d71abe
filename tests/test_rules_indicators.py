"""PD3xx: indicator names against the framework, values, links to line items."""
from __future__ import annotations

from helpers import assert_findings, at, declaration, findings

from perfdecl import frameworks


def test_built_in_frameworks():
    assert {"shanghai-2023", "caiyu-2021"} <= set(frameworks.names())
    shanghai, caiyu = frameworks.get("shanghai-2023"), frameworks.get("caiyu-2021")
    assert shanghai.levels["产出指标"] == ("数量指标", "质量指标", "时效指标", "成本指标")
    assert caiyu.levels["成本指标"] == ("经济成本指标", "社会成本指标", "生态环境成本指标")
    assert "成本指标" not in caiyu.levels["产出指标"]
    assert frameworks.get("nope") is None


def test_unknown_framework(tmp_path):
    folder = declaration(tmp_path, decl_edits=[("framework: shanghai-2023", "framework: shanghai-2032")])
    assert_findings(folder, at(folder / "declaration.yaml", "shanghai-2032", "PD301"))


def test_first_level_not_in_framework(tmp_path):
    folder = declaration(tmp_path, [("  效益指标:", "  效益指数:")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "效益指数", "PD302"), at(p, "indicators:", "PD304"))


def test_second_level_not_under_its_first(tmp_path):
    folder = declaration(tmp_path, [("    数量指标:", "    数量指数:")])
    assert_findings(folder, at(folder / "p.yaml", "数量指数", "PD303"))


def test_frameworks_differ_on_cost_indicators(tmp_path):
    cost = [("    时效指标:", "    成本指标:\n      单价: =980 元/卷\n    时效指标:")]
    assert_findings(declaration(tmp_path / "sh", cost))
    folder = declaration(tmp_path / "caiyu", cost, decl_edits=[("shanghai-2023", "caiyu-2021")])
    assert_findings(folder, at(folder / "p.yaml", "成本指标", "PD303"))
    plain = declaration(tmp_path / "ok", decl_edits=[("shanghai-2023", "caiyu-2021")])
    assert_findings(plain, at(plain / "p.yaml", "indicators:", "PD405"))  # caiyu-2021 wants 经济成本指标 (PD405)


def test_required_first_level_missing(tmp_path):
    folder = declaration(tmp_path, [("  满意度指标:\n    服务对象满意度指标:\n      用户满意度: \">=90%\"\n", "")])
    assert_findings(folder, at(folder / "p.yaml", "indicators:", "PD304"))


def test_operator_without_number(tmp_path):
    folder = declaration(tmp_path, [('用户满意度: ">=90%"', '用户满意度: ">=九成"')])
    assert_findings(folder, at(folder / "p.yaml", '">=九成"', "PD305"))


def test_qualitative_value_in_quantitative_indicator(tmp_path):
    folder = declaration(tmp_path, [("    时效指标:", "      设备故障维修率: 应修尽修\n    时效指标:")])
    assert_findings(folder, at(folder / "p.yaml", "应修尽修", "PD306"))


def test_duplicate_third_level_names(tmp_path):
    folder = declaration(tmp_path, [('      用户满意度: ">=90%"', '      用户满意度: ">=90%"\n      服务稳定性: 稳定')])
    assert_findings(folder, at(folder / "p.yaml", "服务稳定性", "PD307", nth=1))


def test_link_target_not_found_or_malformed(tmp_path):
    for link in ("彩带.qty", "彩色带.count", "彩色带"):
        folder = declaration(tmp_path / link, [("link: 彩色带.qty", f"link: {link}")])
        assert_findings(folder, at(folder / "p.yaml", link + "}", "PD308"))


def test_link_target_ambiguous(tmp_path):
    folder = declaration(tmp_path, [("[配件更换, 1, 2.412, 2.412]", "[彩色带, 1, 2.412, 2.412]")])
    assert_findings(folder, at(folder / "p.yaml", "彩色带.qty", "PD308"))


def test_linked_value_disagrees_with_its_line(tmp_path):
    folder = declaration(tmp_path, [("=6 卷, link", "=7 卷, link")])
    assert_findings(folder, at(folder / "p.yaml", "=7 卷", "PD309"))


def test_linked_prices_compare_in_the_indicator_unit(tmp_path):
    # 彩色带 costs 0.098万元 = 980元 a roll.
    def linked(value: str) -> set:
        extra = f"      彩色带单价: {{value: {value}, link: 彩色带.price}}\n    时效指标:"
        return findings(declaration(tmp_path / value.replace("/", "_"), [("    时效指标:", extra)]))

    assert linked("<=980 元/卷") == set()
    assert linked("<=0.098 万元/卷") == set()
    assert linked("<=0.1 万元/卷") == set()
    assert {code for *_, code in linked("<=900 元/卷")} == {"PD309"}
    assert {code for *_, code in linked("<=0.09 万元/卷")} == {"PD309"}


OWN = """\
name: 本单位
levels:
  产出指标: [数量指标, 质量指标]
  效益指标: [社会效益指标]
  满意度指标: [服务对象满意度指标]
required: [产出指标, 效益指标, 满意度指标]
quantitative: [数量指标]
"""


def own_framework(tmp_path, text: str, name: str = "frameworks/my.yaml", edits=()):
    """PROJECT with `edits` and `framework: <name>`, and `text` written as frameworks/my.yaml."""
    folder = declaration(tmp_path, list(edits), decl_edits=[("framework: shanghai-2023", f"framework: {name}")])
    (folder / "frameworks").mkdir()
    (folder / "frameworks" / "my.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_framework_file_in_the_declaration_folder(tmp_path):
    folder = own_framework(tmp_path, OWN)
    assert_findings(folder, at(folder / "p.yaml", "时效指标", "PD303"))  # not in this framework
    quality = [("    时效指标:\n      维护完成时间: 2023 年 12 月底", "    质量指标:\n      设备状态: 良好")]
    assert_findings(own_framework(tmp_path / "quality", OWN, edits=quality))
    folder = own_framework(tmp_path / "dot", OWN.replace("quantitative: [数量指标]", "quantitative: [质量指标]"),
                           name="./frameworks/my.yaml", edits=quality)
    assert_findings(folder, at(folder / "p.yaml", "设备状态: 良好", "PD306", mark="良好"))


def test_a_framework_file_must_be_inside_the_folder_and_exist(tmp_path):
    (tmp_path / "my.yaml").write_text(OWN, encoding="utf-8")
    for name in ("../../my.yaml", str(tmp_path / "my.yaml"), "frameworks/none.yaml", "./frameworks"):
        folder = own_framework(tmp_path / str(len(name)), OWN, name=name)
        assert_findings(folder, at(folder / "declaration.yaml", name, "PD310"))
    folder = own_framework(tmp_path / "link", OWN, name="frameworks/link.yaml")
    (folder / "frameworks" / "link.yaml").symlink_to(tmp_path / "my.yaml")
    assert_findings(folder, at(folder / "declaration.yaml", "frameworks/link.yaml", "PD310"))


def test_a_broken_framework_file_is_reported_in_it(tmp_path):
    cases = [("levels: []\n", "[]", "PD310"),
             (OWN.replace("required: [产出指标, 效益指标, 满意度指标]", "required: [产出指标, 成本指标]"), "成本指标", "PD310"),
             (OWN.replace("quantitative: [数量指标]", "quantitative: [数量指标, 时效指标]"), "时效指标", "PD310"),
             (OWN.replace("  效益指标: [社会效益指标]", "  效益指标: 社会效益指标"), "社会效益指标", "PD310"),
             (OWN + "timeliness: 时效指标\n", "时效指标", "PD310"),
             (OWN + "quantitive: [数量指标]\n", "quantitive", "PD310"),
             (OWN + "levels: {}\n", "levels", "PD003")]
    for n, (text, needle, code) in enumerate(cases):
        folder = own_framework(tmp_path / str(n), text)
        nth = 1 if code == "PD003" else 0
        assert_findings(folder, at(folder / "frameworks" / "my.yaml", needle, code, nth=nth))
    folder = own_framework(tmp_path / "syntax", "levels: [\n")
    assert {(name, code) for name, _, _, code in findings(folder)} == {("my.yaml", "PD001")}


def test_a_first_level_written_under_another_is_to_move_up(tmp_path):
    from perfdecl.pipeline import check
    from perfdecl.codes import hint

    cost = [("    时效指标:", "    成本指标:\n      单价: =980 元/卷\n    时效指标:")]
    folder = declaration(tmp_path, cost, decl_edits=[("shanghai-2023", "caiyu-2021")])
    [d] = check(folder)[1]
    assert (d.code, d.pos.line) == ("PD303", at(folder / "p.yaml", "成本指标", "PD303")[1])
    advice = hint(d.code, "en", d.kwargs)
    assert "first level" in advice and "经济成本指标, 社会成本指标, 生态环境成本指标" in advice
    assert "经济成本指标、社会成本指标、生态环境成本指标" in hint(d.code, "zh", d.kwargs)
    # the other way round: 成本指标 as a 一级 in shanghai-2023 is named with the 一级 it belongs under
    moved = [("  产出指标:", "  成本指标:\n    单价: {x: =1 元}\n  产出指标:")]
    [d] = check(declaration(tmp_path / "sh", moved))[1]
    assert d.code == "PD302" and "产出指标" in d.message("en")


def test_an_empty_required_category_counts_as_missing(tmp_path):
    folder = declaration(tmp_path, [("    服务对象满意度指标:\n      用户满意度: \">=90%\"\n", "    服务对象满意度指标: {}\n")])
    assert_findings(folder, at(folder / "p.yaml", "满意度指标:", "PD304"))


def test_a_figure_without_its_operator_is_told_how_to_write_it(tmp_path):
    from perfdecl.pipeline import check

    folder = declaration(tmp_path, [("彩色带采购数量: {value: =6 卷, link: 彩色带.qty}", "巡查里程: 985米")])
    assert_findings(folder, at(folder / "p.yaml", "985米", "PD306"))
    (found,) = check(folder)[1]
    assert found.message("zh").endswith("：写作 =985 米") and found.message("en").endswith(": write =985 米")


def test_a_framework_may_take_figures_without_operators(tmp_path):
    folder = declaration(tmp_path, [("彩色带采购数量: {value: =6 卷, link: 彩色带.qty}", "巡查里程: 985米")],
                         decl_edits=[("framework: shanghai-2023", "framework: f.yaml")])
    text = (frameworks.frameworks_dir() / "shanghai-2023.yaml").read_text(encoding="utf-8")
    (folder / "f.yaml").write_text(text + "\noperator: false\n", encoding="utf-8")
    assert_findings(folder)
    (folder / "f.yaml").write_text(text + "\noperator: 0\n", encoding="utf-8")
    assert_findings(folder, at(folder / "f.yaml", "0", "PD310", nth=text.count("0")))
