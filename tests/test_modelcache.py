"""Models completed from the schema cache behave as models pydantic built itself."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typing import Annotated

from pydantic import (BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, ValidationError, create_model,
                      field_validator)

from perfdecl import cache, modelcache

from helpers import EXAMPLE


def _models() -> tuple[type[BaseModel], type[BaseModel]]:
    """A fresh pair of classes each call (as a second run of the program would define them)."""

    class Inner(BaseModel):
        model_config = ConfigDict(extra="forbid", defer_build=True)
        amount: int = Field(ge=0)

        @field_validator("amount", mode="before")
        @classmethod
        def _digits(cls, raw: object) -> object:
            return raw.replace(",", "") if isinstance(raw, str) else raw

    class Outer(BaseModel):
        model_config = ConfigDict(extra="forbid", defer_build=True)
        name: str
        inner: list[Inner]

    return Inner, Outer


GOOD = {"name": "a", "inner": [{"amount": "1,000"}]}
BAD = {"name": 3, "inner": [{"amount": -1, "x": 1}]}


def _errors(model: type[BaseModel]) -> list[dict]:
    with pytest.raises(ValidationError) as e:
        model.model_validate(BAD)
    return e.value.errors(include_url=False)


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERFDECL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "schemas"


def test_second_completion_comes_from_the_cache_and_validates_alike(folder: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    built = _models()
    modelcache.complete(built)
    assert len(list(folder.glob("*.pickle"))) == 1
    cached = _models()
    monkeypatch.setattr(BaseModel, "model_rebuild", classmethod(lambda cls, **kw: pytest.fail("rebuilt")))
    modelcache.complete(cached)
    assert cached[1].model_validate(GOOD).inner[0].amount == 1000
    assert type(cached[1].model_validate(GOOD).inner[0]) is cached[0]
    assert _errors(cached[1]) == _errors(built[1])
    assert cached[1].model_json_schema() == built[1].model_json_schema()
    assert cached[1].model_validate(GOOD).model_dump() == built[1].model_validate(GOOD).model_dump()


def test_a_corrupt_entry_is_rebuilt_and_replaced(folder: Path) -> None:
    modelcache.complete(_models())
    entry = next(folder.glob("*.pickle"))
    entry.write_bytes(b"\x80\x05garbage")
    models = _models()
    modelcache.complete(models)
    assert models[1].model_validate(GOOD).inner[0].amount == 1000
    assert entry.read_bytes() != b"\x80\x05garbage"


def test_another_definition_is_another_entry(folder: Path) -> None:
    modelcache.complete(_models(), definition=b"form 1")
    modelcache.complete(_models(), definition=b"form 2")
    assert len(list(folder.glob("*.pickle"))) == 2


@pytest.mark.parametrize("setting", ["off", "file"])
def test_no_usable_cache_folder_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("PERFDECL_CACHE_DIR", "off" if setting == "off" else str(blocker))
    assert cache.folder("schemas") is None
    models = _models()
    modelcache.complete(models)
    assert _errors(models[1])


def test_a_folder_others_can_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    (shared / "schemas").mkdir(parents=True)
    (shared / "schemas").chmod(0o777)
    monkeypatch.setenv("PERFDECL_CACHE_DIR", str(shared))
    assert cache.folder("schemas") is None


def test_check_output_is_the_same_with_a_cold_and_a_warm_cache(tmp_path: Path) -> None:
    env = {"PERFDECL_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.run([sys.executable, "-m", "perfdecl", "check", str(EXAMPLE), "--format", "json"],
                           capture_output=True, env=env) for _ in range(2)]
    assert list((tmp_path / "schemas").glob("*.pickle"))
    assert runs[0].stdout and runs[0].stdout == runs[1].stdout
    assert runs[0].returncode == runs[1].returncode


def test_an_entry_naming_a_module_whose_source_changed_is_not_used(folder: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A schema names functions of other modules; their source is part of the entry, checked on reading."""
    module = tmp_path / "modelcache_probe.py"
    module.write_text("def twice(raw: object) -> int:\n    return 2 * int(raw)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import modelcache_probe

    def models() -> tuple[type[BaseModel]]:  # as a form definition would make them
        field = Annotated[int, PlainValidator(modelcache_probe.twice), PlainSerializer(str)]
        return (create_model("Doubled", __config__=ConfigDict(defer_build=True), n=(field, ...)),)

    modelcache.complete(models())
    rebuilt: list[str] = []
    real = BaseModel.model_rebuild.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(BaseModel, "model_rebuild",
                        classmethod(lambda cls, **kw: rebuilt.append(cls.__name__) or real(cls, **kw)))
    again = models()
    modelcache.complete(again)
    assert rebuilt == [] and again[0].model_validate({"n": "4"}).n == 8
    module.write_text(module.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    changed = models()
    modelcache.complete(changed)
    assert rebuilt == ["Doubled"] and changed[0].model_validate({"n": "4"}).n == 8


def test_an_entry_made_by_another_installation_of_a_module_is_not_used(folder: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Two checkouts share the cache folder: a form's model made from a base class of another module (as
    form.py makes each form's project model from model.Project) holds the base's fields; that module is
    checked as this process imports it, not as the checkout that wrote the entry had it."""
    for name, fields in (("a", "x: int"), ("b", "x: int\n    y: int = 5")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "modelcache_twin.py").write_text(
            "from pydantic import BaseModel, ConfigDict\n\n\ndef twice(raw: object) -> int:\n    return 2 * int(raw)\n\n\n"
            f"class Base(BaseModel):\n    model_config = ConfigDict(defer_build=True)\n    {fields}\n", encoding="utf-8")

    def models() -> tuple[type[BaseModel]]:
        import modelcache_twin

        field = Annotated[int, PlainValidator(modelcache_twin.twice), PlainSerializer(str)]
        return (create_model("Derived", __base__=modelcache_twin.Base, n=(field, ...)),)

    monkeypatch.syspath_prepend(str(tmp_path / "a"))
    modelcache.complete(models())
    monkeypatch.delitem(sys.modules, "modelcache_twin")
    monkeypatch.syspath_prepend(str(tmp_path / "b"))  # the other checkout's module of the same name
    other = models()
    modelcache.complete(other)
    assert other[0].model_validate({"n": 4, "x": 1, "y": 2}).y == 2


def test_a_schema_naming_a_function_without_a_name_is_built_and_not_cached(folder: Path) -> None:
    """A lambda cannot be named in an entry (pydantic's PlainValidator adds one unless given a serializer)."""
    def models() -> tuple[type[BaseModel]]:
        field = Annotated[int, PlainValidator(lambda raw: 2 * int(raw))]
        return (create_model("Doubled", __config__=ConfigDict(defer_build=True), n=(field, ...)),)

    built = models()
    modelcache.complete(built)
    assert built[0].model_validate({"n": "4"}).n == 8
    assert not list(folder.glob("*.pickle"))
