"""PD0xx: problems in reading the files, before any cross-check can run.

These are reported by the loader and the schema validation; they are always
errors (except PD013) and cannot be turned off, since nothing can be checked
or rendered from a file that did not load.
"""
from __future__ import annotations

from .rule import Example, Rule

E, W = "error", "warning"

# Where examples are written (see Example): the first sub-item, the satisfaction indicators.
ITEM = ("items", 0)
SATISFACTION = ("indicators", "满意度指标", "服务对象满意度指标")

RULES = (
    Rule("PD000", E, "perfdecl 内部错误", "internal error in perfdecl",
         "perfdecl 内部错误（{rule}）：{why}。请报告此问题", "internal error in perfdecl ({rule}): {why}; please report it",
         """A cross-check failed because of a bug in perfdecl itself. The other
checks still ran."""),
    Rule("PD001", E, "YAML 语法错误", "YAML syntax error",
         "YAML 语法错误：{why}（{problem}）", "YAML syntax error: {problem}{why}",
         """The file is not valid YAML. Common causes: tabs used for indentation,
an unclosed quote, a value starting with `>` or `|` that was meant as text,
`: ` inside a value, keys of one level not lined up. The message explains
the common causes and quotes what the YAML reader said.""",
         passing=(Example('用户满意度: ">=90%"', SATISFACTION),),
         failing=(Example("用户满意度: >=90%", SATISFACTION),)),
    Rule("PD002", E, "文件编码不是 UTF-8", "file is not UTF-8",
         "文件不是 UTF-8 编码{guess}：请在编辑器中以 UTF-8 编码另存（例如记事本“另存为”选择 UTF-8）",
         "file is not UTF-8{guess}: save it again as UTF-8 (e.g. Notepad: Save As, Encoding: UTF-8)",
         """perfdecl reads UTF-8 (a BOM is accepted). Files saved by some Windows
editors are GBK/GB18030; open them and save as UTF-8."""),
    Rule("PD003", E, "重复的键", "duplicate key",
         "键“{key}”重复：第 {first} 行已定义，此处的值被忽略",
         "duplicate key '{key}': already defined on line {first}; this value is ignored",
         """A key may appear once in a mapping. Plain YAML readers silently keep
the last value and lose the first; perfdecl keeps the first, ignores the
repeated one and reports it. The rest of the file is still checked.""",
         failing=(Example("name: 市民服务\nname: 项目服务管理"),)),
    Rule("PD004", E, "不允许的 YAML 标签或结构", "unsupported YAML tag or construct",
         "不支持的 YAML 内容：{what}", "unsupported YAML construct: {what}",
         """Only plain YAML data is read: mappings, lists, strings, numbers,
booleans, dates. Tags such as `!!python/object/apply` and `<<` merge keys are
refused: data never runs code.""",
         failing=(Example('category: !!python/object/apply:os.system ["rm -rf ~"]'),)),
    Rule("PD005", E, "文件过大或嵌套过深", "document too large or too deep",
         "文档展开后过大或嵌套过深（{what}），已停止读取",
         "document too large or too deeply nested ({what}); reading stopped",
         """Anchors and aliases that expand to huge documents ("billion laughs",
more than 50,000 values), nesting deeper than 100 levels and files over 20 MB
are rejected where they start to grow."""),
    Rule("PD006", E, "文件内容不是所需的结构", "file has the wrong shape",
         "{what}", "{what}",
         """A declaration or project file must be a YAML mapping (key: value)."""),
    Rule("PD016", E, "模板的表单定义有误", "problem in a template's form definition",
         "表单定义 {key}：{why}", "form definition {key}: {why}",
         """A template's `form:` (in its template.yaml, or the file of the template
folder it names) declares the project fields beyond the common ones, the money
figures and their identities (docs/templates.md, "Defining a form"). A form
that cannot be read stops the check: no project can be validated without it.
The problem is reported at its line in the template's file, e.g. for

    form:
      funding:
        figures: {total: 资金总额, budget: 预算资金}
        identities: [total = budget + own]    # own is not a figure
"""),
    Rule("PD007", E, "项目文件有误", "project file problem",
         "{what}", "{what}",
         """Every file listed under `projects:` must be a readable file (not a
folder, not an empty name), be listed once and lie inside the declaration
folder (not via `..`, an absolute path or a symlink pointing out of it).""",
         failing=(Example(declaration="projects:\n  - p.yaml\n  - ./p.yaml"),
                  Example(declaration="projects:\n  - p.yaml\n  - ../p.yaml"))),
    Rule("PD008", E, "日期无效", "invalid date",
         "日期无效：{value}（{reason}）", "invalid date: {value} ({reason})",
         """Dates are written YYYY-MM-DD (or YYYY-MM for 实施周期) and must exist.""",
         failing=(Example("start: 2023-02-30"),)),
    Rule("PD010", E, "未知的键", "unknown key",
         "未知的键“{key}”{suggest}", "unknown key '{key}'{suggest}",
         """Keys are checked against the format; a misspelt key is reported with
the closest known key.""",
         failing=(Example("categry: 经常性项目"),)),
    Rule("PD011", E, "缺少必填项", "missing field",
         "缺少必填项“{key}”", "missing field '{key}'",
         """Every required field of the form must be given."""),
    Rule("PD012", E, "值的类型或格式不对", "invalid value",
         "“{key}”的值无效：{why}", "invalid value for '{key}': {why}",
         """A value of the wrong type or format, e.g. a list where text belongs,
an empty value, a negative amount, or an amount that cannot be read (`1e3`,
`0x1F`, `1:30`). Amounts may be YAML numbers or text with a unit and thousands
separators (`13.57万元`, `"1,234.00"`). Where text is expected, numbers,
dates and yes/no are taken as written (`category: no`). Dates take no time
of day, and years lie between 1990 and 2100. `rules:` may not change the
PD0xx codes: a file that did not load cannot be checked.""",
         failing=(Example("fiscal: -30000", ("funding",)), Example("start: 2023-01-01 10:00:00"))),
    Rule("PD013", W, "文本含有无法保存的控制字符", "control characters removed",
         "文本含有 Word 无法保存的控制字符 {chars}，已删除",
         "text contains control characters Word cannot store ({chars}); removed",
         """Characters such as U+000B (Word's Shift+Enter, pasted into the file),
NUL or a lone surrogate written as an escape ("\\udc80") cannot be stored in
a .docx. They are removed; fix the source to silence this."""),
    Rule("PD014", E, "文本表达式错误", "text expression error",
         "文本中的表达式有误：{why}", "error in text expression: {why}",
         """A text may take figures from the data with `{{ budget }}`. The
expression must be valid Jinja2 and name only the data of its sub-item,
project and declaration; it runs in a sandbox, may expand to at most 100,000
characters and is stopped when it does too much work.""",
         passing=(Example("overview: 经测算，预算资金约 {{ budget }}。", ITEM),),
         failing=(Example("overview: 经测算，预算资金约 {{ budgett }}。", ITEM),)),
    Rule("PD015", E, "找不到申报文件夹", "no declaration found",
         "{what}", "{what}",
         """A declaration is a folder holding declaration.yaml. A path that does
not exist, a folder without declaration.yaml and a declaration.yaml that
cannot be read (a broken link, no permission) are usage errors: exit code 2."""),
)
