"""Any text a user can type reaches the document unchanged (or the loader says why not)."""
from __future__ import annotations

import io
import re

import docx
import yaml
from helpers import declaration
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from perfdecl.pipeline import check
from perfdecl.render.document import write
from perfdecl.render.templates import builtin, load

OVERVIEW = "    overview: |\n      拟于 2023年 1月（至 2023年 12月）维护两台设备。\n      经测算，预算资金约 3 万元。\n"
# What XML 1.0, and so a .docx, cannot hold (tab, LF and CR can be held).
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
TEMPLATE = load(builtin("shanghai-2023"))

tricky = st.sampled_from(["&", "<", ">", "]]>", "&amp;", "<p>", "</doc>", '"', "'", "\t", "\n", "  ", "\u3000",
                          "“引号”", "（一）", "≥", "＜", "合计", "𠀀", "😀", "👩‍👩‍👧", "\u200b", "\x0b", "\x00",
                          "\ufffe", "\u2028", "\x85", "\r\n", "Ω", "${x}", "%s", "{0}"])
texts = st.one_of(st.text(max_size=40), st.lists(st.one_of(tricky, st.text(max_size=5)), max_size=12).map("".join))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_sub_item_text_renders_unchanged(tmp_path_factory, text):
    assume("{{" not in text and "{%" not in text)  # those are expressions (checked by PD014), not plain text
    quoted = yaml.safe_dump(text, default_style='"', allow_unicode=False, width=1 << 20)
    assume(yaml.safe_load(quoted) == text)
    folder = declaration(tmp_path_factory.mktemp("t"), edits=[(OVERVIEW, f"    overview: {quoted}")])
    bundle, diags = check(folder)
    removed = ILLEGAL.sub("", text)
    codes = {d.code for d in diags}
    assert ("PD013" in codes) == (removed != text)  # unstorable characters are reported, never silently lost
    out = io.BytesIO()
    write(bundle, TEMPLATE, "docx", 0, out)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(out.getvalue())).paragraphs]
    start, end = paragraphs.index("1、项目概述") + 1, paragraphs.index("2、立项依据")
    assert paragraphs[start:end] == [line for line in removed.splitlines() if line.strip()]
