"""Words for the user, in Chinese and English; the language is chosen when printing.

Every message perfdecl shows (a diagnostic, an error, a command's report) is
a `Text`: both languages travel together from where the problem is found to
the one place that prints it with the user's `--lang`. Templates are
`str.format` strings; `fill` puts values in, a `Text` value in its own
language, so a message can be built from parts that are themselves bilingual.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ZH, EN = "zh", "en"
LANGS = (ZH, EN)


@dataclass(frozen=True, slots=True)
class Text:
    """One message in both languages."""

    zh: str
    en: str

    def say(self, lang: str) -> str:
        """The message in `lang` (Chinese unless English is asked for)."""
        return self.en if lang == EN else self.zh

    def fill(self, **args: object) -> Text:
        """Both templates with `{name}` fields filled from `args`; unknown fields are left as written."""
        return Text(_fill(self.zh, args, ZH), _fill(self.en, args, EN))

    def __add__(self, other: Text) -> Text:
        """The two messages one after the other."""
        return Text(self.zh + other.zh, self.en + other.en)


def listing(names: Iterable[str]) -> Text:
    """Names one after the other, as each language lists them."""
    names = list(names)
    return Text("、".join(names), ", ".join(names))


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` is most likely a misspelling of, if any is close."""
    import difflib  # only when a name is unknown: a clean check never needs it

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, known: Iterable[str]) -> Text:
    """The suggestion after an unknown name: the closest known one, or nothing if none is close."""
    close = closest(name, known)
    return Text(f"，是不是“{close}”？", f"; did you mean '{close}'?") if close else Text("", "")


class _Keep(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, args: Mapping[str, object], lang: str) -> str:
    values = _Keep()
    for name, value in args.items():
        if isinstance(value, Text):
            values[name] = value.say(lang)
            values.setdefault(name + "_en", value.en)  # templates written before Text said `{name_en}`
        else:
            values[name] = value
    return template.format_map(values)
