"""`{{ … }}` in a declaration's texts, evaluated in a Jinja2 sandbox.

The sandbox sees only the data passed in (the sub-item, its project and the
declaration); it cannot reach attributes starting with an underscore, call
unsafe methods or import anything. Output size is bounded.
"""
from __future__ import annotations

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT = 100_000  # characters one text may expand to

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def render_text(text: str, context: dict) -> tuple[str, str | None]:
    """(expanded text, None) or (original text, a Chinese reason)."""
    size, chunks = 0, []
    try:
        for chunk in _ENV.from_string(text).generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                return text, f"展开后超过 {MAX_OUTPUT} 个字符"
            chunks.append(chunk)
    except TemplateError as e:
        return text, f"{type(e).__name__}: {e.message or e}"
    except (ArithmeticError, TypeError, ValueError, AttributeError, RecursionError) as e:
        return text, f"{type(e).__name__}: {e}"
    return "".join(chunks), None
