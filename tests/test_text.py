"""Text: one message in two languages, filled from values, chosen when printed."""
from __future__ import annotations

from perfdecl.paths import OUTSIDE
from perfdecl.text import Text, did_you_mean, listing


def test_fill_puts_a_bilingual_value_in_each_language():
    message = Text("“{key}”的值无效：{why}", "invalid value for '{key}': {why}")
    filled = message.fill(key="output", why=OUTSIDE)
    assert filled.say("zh") == "“output”的值无效：应在申报文件夹内"
    assert filled.say("en") == "invalid value for 'output': must lie inside the declaration folder"


def test_values_are_not_read_as_templates_and_unknown_fields_stay():
    filled = Text("找不到“{name}”{rest}", "no '{name}'{rest}").fill(name="a{0}{x.__class__}")
    assert filled == Text("找不到“a{0}{x.__class__}”{rest}", "no 'a{0}{x.__class__}'{rest}")


def test_an_older_template_naming_the_english_value_still_reads_it():
    assert Text("{why}", "{why_en}").fill(why=Text("不能为空", "must not be empty")).say("en") == "must not be empty"


def test_parts_compose():
    assert (Text("项目文件“a”", "project file 'a' ") + OUTSIDE).say("en") == (
        "project file 'a' must lie inside the declaration folder")
    assert listing(["甲", "乙"]) == Text("甲、乙", "甲, 乙")
    assert did_you_mean("categroy", ["name", "category"]).say("zh") == "，是不是“category”？"
    assert did_you_mean("categroy", ["name", "unit"]) == Text("", "")
