"""The pages of `perfdecl serve`, as HTML text: findings in place, a panel listing them, a source view.

Everything taken from the data or the file system is escaped here; the only
script is SCRIPT, which the server sends from its own address (the pages allow
no other). A page names its declaration and version in a `<meta>`, so the
script reloads it when the server announces a newer one.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote

from .diagnostics import ERROR, Diagnostic
from .output import counts, window
from .text import Text

SCRIPT_PATH = "/_perfdecl/live.js"
EVENTS_PATH = "/_perfdecl/events"

SUMMARY = Text("检查结果：{errors} 个错误，{warnings} 个警告", "findings: {errors} error(s), {warnings} warning(s)")
CLEAN = Text("检查结果：没有发现问题", "findings: none")
FAILED = Text("无法显示申报表", "the declaration cannot be shown")
FIX = Text("修改并保存文件后，本页会自动更新。", "This page updates when the files are fixed and saved.")
INDEX = Text("perfdecl 预览", "perfdecl preview")

STYLE = """<style>
[data-finding] { outline: 2px solid #d97706; outline-offset: -2px; background: #fef3c7; cursor: help; }
[data-finding="error"] { outline-color: #dc2626; background: #fee2e2; }
.perfdecl-focus { box-shadow: 0 0 0 4px #2563eb; }
#perfdecl-findings { font: 13px/1.5 system-ui, "Noto Sans CJK SC", sans-serif; max-width: 210mm;
  margin: 0 auto 12mm; padding: 4mm 6mm; background: #fff; border: 1px solid #ccc; }
#perfdecl-findings h2 { font-size: 15px; margin: 0 0 2mm; }
#perfdecl-findings ol { margin: 0; padding-left: 2em; }
#perfdecl-findings li { margin: 1mm 0; cursor: pointer; }
#perfdecl-findings .error { color: #b91c1c; }
#perfdecl-findings .warning { color: #b45309; }
#perfdecl-findings pre { margin: 0; white-space: pre-wrap; color: #444; }
.perfdecl-source { font: 13px/1.5 monospace; white-space: pre; counter-reset: line; }
.perfdecl-source span:target { background: #fef3c7; }
</style>
"""

SCRIPT = """\
// perfdecl serve: reload when the server announces a newer version of this page;
// a click on a finding in the panel shows the cell or paragraph it belongs to.
(() => {
  const meta = document.querySelector('meta[name="perfdecl-page"]');
  if (!meta) return;
  const key = 'perfdecl-scroll:' + meta.content;
  const y = sessionStorage.getItem(key);
  if (y !== null) { sessionStorage.removeItem(key); window.scrollTo(0, Number(y)); }
  const events = new EventSource('%s?page=' + encodeURIComponent(meta.content));
  events.onmessage = (e) => {
    if (e.data !== meta.dataset.version) {
      sessionStorage.setItem(key, String(window.scrollY));
      window.location.reload();
    }
  };
  for (const li of document.querySelectorAll('#perfdecl-findings li[data-n]')) {
    li.addEventListener('click', (e) => {
      if (e.target.closest('a')) return;
      const marked = document.querySelector('[data-findings~="' + li.dataset.n + '"]');
      if (!marked) return;
      marked.scrollIntoView({block: 'center'});
      marked.classList.add('perfdecl-focus');
      setTimeout(() => marked.classList.remove('perfdecl-focus'), 1500);
    });
  }
})();
""" % EVENTS_PATH


def head(slug: str, version: int) -> str:
    """What a page adds to its `<head>`: the marks' style, its name and version, the script."""
    return (f'<meta name="perfdecl-page" content="{escape(slug)}" data-version="{version}">\n{STYLE}'
            f'<script src="{SCRIPT_PATH}" defer></script>\n')


def attributes(diags: Sequence[Diagnostic], lang: str) -> Callable[[list[int]], dict[str, str]]:
    """The attributes of an element that findings (indexes into `diags`) belong to; hovering shows them."""
    def mark(found: list[int]) -> dict[str, str]:
        shown = [diags[n] for n in found]
        return {"data-finding": ERROR if any(d.severity == ERROR for d in shown) else "warning",
                "data-findings": " ".join(map(str, found)),
                "title": "\n".join(f"{d.code} {d.message(lang)}" for d in shown)}

    return mark


def panel(diags: Sequence[Diagnostic], links: Mapping[str, tuple[str, Path]], lines: Mapping[str, Sequence[str]],
          lang: str) -> str:
    """The list of all findings. `links`: a file as displayed → (its address on this server, its real path),
    for `file:line:col` links to the source view and to the editor."""
    errors, warnings = counts(diags)
    title = (SUMMARY.fill(errors=errors, warnings=warnings) if diags else CLEAN).say(lang)
    out = [f'<aside id="perfdecl-findings">\n<h2>{escape(title)}</h2>\n<ol>\n']
    for n, d in enumerate(diags):
        where = f"{d.pos.path}:{d.pos.line}:{d.pos.col}"
        link = links.get(d.pos.path)
        if link:
            address, real = link
            where = (f'<a href="{escape(address)}#L{d.pos.line}">{escape(where)}</a> '
                     f'<a href="{escape(_editor(real, d.pos.line, d.pos.col))}">VS Code</a>')
        else:
            where = escape(where)
        out.append(f'<li data-n="{n}" class="{escape(d.severity)}">{where} {escape(d.severity)}[{escape(d.code)}] '
                   f"{escape(d.message(lang))}{_excerpt(lines.get(d.pos.path), d.pos.line, d.pos.col)}</li>\n")
    out.append("</ol>\n</aside>\n")
    return "".join(out)


def _editor(path: Path, line: int, col: int) -> str:
    return f"vscode://file{quote(path.as_posix(), safe='/:')}:{line}:{col}"


def _excerpt(lines: Sequence[str] | None, line: int, col: int) -> str:
    if not lines or not 0 < line <= len(lines):
        return ""
    shown, _ = window(lines[line - 1], col)
    return f"<pre>{line} | {escape(shown)}</pre>"


def failed(slug: str, version: int, why: Sequence[str], findings: str, lang: str) -> bytes:
    """The page of a declaration that cannot be shown: why, and its findings; it reloads when fixed."""
    reasons = "".join(f"<p>{escape(w)}</p>\n" for w in why)
    return _document(escape(slug), head(slug, version),
                     f"<main>\n<h1>{escape(FAILED.say(lang))}</h1>\n{reasons}"
                     f"<p>{escape(FIX.say(lang))}</p>\n</main>\n{findings}")


def source(name: str, text: str) -> bytes:
    """A source file, one anchor per line (`#L12`)."""
    rows = "".join(f'<span id="L{n}">{n:>5}  {escape(line)}</span>\n'
                   for n, line in enumerate(text.splitlines(), start=1))
    return _document(escape(name), STYLE, f'<main class="perfdecl-source">{rows}</main>\n')


def index(pages: Sequence[tuple[str, str]], lang: str) -> bytes:
    """The list of the declarations served: (address, name)."""
    items = "".join(f'<li><a href="{escape(address)}">{escape(name)}</a></li>\n' for address, name in pages)
    return _document(escape(INDEX.say(lang)), STYLE, f"<main>\n<ul>\n{items}</ul>\n</main>\n")


def _document(title: str, head: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"{head}</head>\n<body>\n{body}</body>\n</html>\n").encode("utf-8")
