"""textexpr: `{{ … }}` sees only the declaration's data, never runs code, and its cost is bounded.

Bounds are asserted as outcomes (a refusal, a bounded output), never as timings.
"""
from __future__ import annotations

import re

import pytest
from helpers import declaration

from perfdecl import textexpr
from perfdecl.load import load
from perfdecl.textexpr import MAX_OUTPUT, render_text


@pytest.fixture
def context(tmp_path):
    bundle, diags = load(declaration(tmp_path))
    assert not diags
    project = bundle.projects[0]
    item = project.items[0]
    return {"project": project, "declaration": bundle.declaration, "budget": item.budget,
            "annual": item.annual_amount, "lines": item.lines, "schedule": item.schedule,
            "start": item.start, "end": item.end, "item": item}


@pytest.mark.parametrize("text, out", [
    ("预算 {{ budget }}，本年 {{ annual }}", "预算 3万元，本年 3万元"),
    ("{{ lines.rows[0].name }} {{ lines.rows[0].qty }} × {{ lines.rows[0].price }}", "彩色带 6 × 0.098"),
    ("{% for r in lines.rows %}{{ r.name }}{{ r.amount }}万元；{% endfor %}", "彩色带0.588万元；配件更换2.412万元；"),
    ("{{ lines.rows|map(attribute='name')|join('、') }}，共 {{ lines.rows|length }} 项", "彩色带、配件更换，共 2 项"),
    ("{{ '{:,}'.format(project.funding.total.yuan) }} 元", "30,000 元"),
    ("{{ '%.2f'|format(budget.yuan) }}", "30000.00"),
    ("{{ start.year }} 年 {{ start.month }} 月至 {{ end.month }} 月", "2023 年 1 月至 12 月"),
    ("{{ project.name ~ '（' ~ declaration.year ~ '）' }}", "设备维护（2023）"),
    ("{{ item.annual_amount }} {{ project.funding.unit }}", "3万元 元"),
    ("& < > ]]> \" ' {{ '&<>' }}", "& < > ]]> \" ' &<>"),
    ("{% for x in [] %}{% else %}无{% endfor %}{% for i in range(3) %}{{ loop.index }}{% endfor %}", "无123"),
])
def test_expressions_reach_the_data(context, text, out):
    assert render_text(text, context) == (out, None)


@pytest.mark.parametrize("text", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ project._source }}",
    "{{ project.source }}",
    "{{ project['source'] }}",
    "{{ project|attr('source') }}",
    "{{ project.model_dump() }}",
    "{{ project.model_validate }}",
    "{{ project.__dict__ }}",
    "{{ lines.rows[0]._asdict() }}",
    "{{ budget.__class__.__init__.__globals__ }}",
    "{% include 'p.yaml' %}",
    "{% import 'p.yaml' as x %}",
    "{{ lipsum(5) }}",
    "{{ x|tojson }}",
    "{% set ns = namespace(a=1) %}",
])
def test_nothing_but_the_data_is_reachable(context, text):
    out, why = render_text(text, context)
    assert why and out == text


def test_the_source_file_cannot_be_written_or_read(context, tmp_path):
    target = tmp_path / "d" / "p.yaml"
    before = target.read_bytes()
    for text in ["{{ project.source.path.write_text('x') }}", "{{ project.source.path.unlink() }}",
                 "{{ project.source.path.read_text() }}", "{{ declaration.source.lines }}"]:
        assert render_text(text, context)[1]
    assert target.read_bytes() == before


@pytest.mark.parametrize("text", [
    "{% for i in range(10**9) %}{% endfor %}",  # Jinja's own cap on range()
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",  # 10^10 steps, no output
    "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",  # 10^8 steps
    "{% for a in 'x' * 99999 %}{% for b in 'x' * 99999 %}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",  # 2^40 calls
    "{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('x') }}",  # doubling until recursion stops it
    "{% macro f(s, n) %}{% if n %}{{ f([s, s], n - 1) }}{% else %}{{ s }}{% endif %}{% endmacro %}{{ f('x', 40) }}",
    "{{ 'x' * 10**9 }}", "{{ [1] * 10**9 }}", "{{ 2 ** (10 ** 7) }}", "{{ 9**999999 }}",
    "{{ 'x'.ljust(10**9) }}", "{{ 'x'.center(10**9) }}", "{{ 'x'.zfill(10**9) }}", "{{ 'x'|center(10**9) }}",
    "{{ '%0999999999d' % 1 }}", "{{ '{:>999999999}'.format(1) }}", "{{ '{:>{}}'.format(1, 99999) * 99 }}",
    "{{ ('x' * 99999).replace('', 'y' * 99999) }}", "{{ ('x' * 99999)|replace('', 'y' * 99999) }}",
    "{{ ('y' * 99999).join(range(99999)|map('string')) }}", "{{ range(99999)|join('y' * 99999) }}",
    "{{ [1]|batch(10**9, 'x')|list }}", "{{ [1]|slice(10**9)|list }}", "{{ 'x'.expandtabs(10) }}",
    "{{ budget.value.scaleb(99999)|int }}",
    "{% set a = ['x' * 50000, 'x' * 50000] %}{% set b = [a, a] %}{{ [b, b]|string }}",
])
def test_work_and_size_are_bounded(context, text):
    out, why = render_text(text, context)
    assert why and out == text


def test_output_is_bounded(context):
    text = "{% for i in range(1000) %}{{ 'x' * 99999 }}{% endfor %}"
    out, why = render_text(text, context)
    assert why and out == text
    assert render_text("{{ 'x' * 99999 }}", context) == ("x" * 99999, None)
    assert len(render_text("{% for i in range(99) %}{{ 'x' * 1000 }}{% endfor %}", context)[0]) == 99_000 < MAX_OUTPUT


def test_the_budget_is_per_text(context, monkeypatch):
    monkeypatch.setattr(textexpr, "WORK", 5_000)
    loop = "{% for i in range(2000) %}{% endfor %}"  # about 2000 steps and 2000 for the range
    for _ in range(3):
        assert render_text(loop, context) == ("", None)
    assert render_text(loop + loop, context)[1]


def test_the_deadline_stops_what_the_budget_cannot_see(context, monkeypatch):
    # Comparing two large values is work no hook sees; the deadline is checked at each step.
    monkeypatch.setattr(textexpr, "DEADLINE", 0.0)
    out, failed = render_text("{% for i in range(10) %}{% endfor %}", context)
    assert failed and "秒" in failed.why.zh and "seconds" in failed.why.en


def test_nested_loops_run(context):
    # Jinja passes the loop variables to calls inside a loop; the budget's own hooks must take them.
    text = "{% for i in range(2) %}{% for j in range(3) %}{{ i }}{{ j }} {% endfor %}{% endfor %}"
    assert render_text(text, context) == ("00 01 02 10 11 12 ", None)


@pytest.mark.parametrize("text, zh, en, line", [
    ("第一段\n预算 {{ budgett }}", "没有这个名称", "'budgett' is undefined", 2),
    ("a\nb\n{{ x", "写法有误", "TemplateSyntaxError", 3),
    ("a\n{{ 1/0 }}", "除数为零", "ZeroDivisionError", 2),
    ("{{ ''.__class__ }}", "不允许", "unsafe", 1),
    ("{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}", "计算量超过", "steps of work", 1),
    ("{{ 'x' * 10**9 }}", "重复的结果会超过", "the result of a repetition would exceed", 1),
])
def test_failures_say_why_in_both_languages_and_on_which_line(context, text, zh, en, line):
    _, failed = render_text(text, context)
    assert zh in failed.why.zh and en in failed.why.en and failed.line == line
    assert not re.search("[\u4e00-\u9fff]", failed.why.en)


@pytest.mark.parametrize("text", [
    "预算 {{ budget }}，本年 {{ annual }}", "{{ '}}' }}", "{{ '{{' }}", "a {{ budget", "a }} b {{ budget }}}",
    "{{ budget }}{{ budgett }}", "{{ lines.rows|map(attribute='name')|join('、') }}", "{{ 'x' * 10**9 }}", "无表达式",
])
def test_texts_that_only_print_fields_come_out_as_jinja_makes_them(context, text):
    # A comment makes Jinja compile the whole text; without one, a text of fields takes the cached way.
    fast, full = render_text(text, context), render_text(text + "{# #}", context)
    assert fast[0] == full[0].removesuffix("{# #}") and bool(fast[1]) == bool(full[1])


def test_all_texts_of_a_run_share_one_budget(context, monkeypatch):
    monkeypatch.setattr(textexpr, "WORK", 5_000)
    monkeypatch.setattr(textexpr, "RUN_WORK", 12_000)
    loop = "{% for i in range(2000) %}{% endfor %}"  # about 4000 units: within one text's budget
    run: dict = {}
    results = [render_text(loop, context, run)[1] for _ in range(4)]
    assert results[:2] == [None, None]
    assert results[3] and "整份申报" in results[3].why.zh and "all texts of the declaration" in results[3].why.en
    assert render_text(loop, context, {}) == ("", None)  # another run starts afresh
