"""Complete pydantic models from a cache of their core schemas.

Pydantic builds a model's core schema in Python, which costs more than the
whole check of a small declaration; pydantic-core then makes the validator
and serializer from it in Rust, quickly. The core schema is plain data plus
functions and classes named by reference, so it is pickled into the cache
folder once and read back on later runs, and only the validator and
serializer are made. Models are declared with `defer_build=True`, so any
model not completed here is built by pydantic on first use, as usual.

An entry's name is made of the Python, pydantic and pydantic-core versions,
the models' names, the source of their modules and `definition` (the data a
model made by `create_model` was made from); the entry records the source of
every other module its schemas name, by module name, and checks it against the
module this process imports before it is used (several installations, say two
checkouts, share one cache folder). Whatever goes
wrong with an entry (missing, stale, corrupt, unwritable folder), the models
are built by pydantic and the entry written again. Schemas that name a
function without an importable name (a lambda, a local function; pydantic's
PlainValidator adds one unless it is given a PlainSerializer) are not cached.

Pydantic plugins (observability hooks found through package entry points)
are not run for perfdecl's models: scanning the installed packages for them
costs more than validating a declaration.
"""
from __future__ import annotations

import hashlib
import importlib
import io
import os
import pickle
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FunctionType, MethodType, ModuleType
from typing import Any

import pydantic
import pydantic_core
from pydantic import BaseModel

from . import cache

Models = Sequence[type[BaseModel]]


def complete(models: Models, definition: bytes = b"") -> None:
    """Give every model of `models` its validator and serializer, from the cache if it can."""
    files = _module_files(models)
    where = cache.folder("schemas") if files is not None else None
    entry = None
    if where is not None and files is not None:
        name = cache.key(sys.version, pydantic.VERSION, pydantic_core.__version__, definition,
                         *(f"{m.__module__}:{m.__qualname__}" for m in models), *(_digest(f) for f in files))
        entry = where / f"{name}.pickle"
        if _attach(models, entry):
            return
    with _without_plugins():
        for model in models:
            model.model_rebuild(force=True)
    if entry is not None:
        _store(models, entry, set(files or ()))


def _module_files(models: Models) -> list[Path] | None:
    """The source files of the modules that define `models` (None if one has no file)."""
    files = []
    for model in models:
        path = getattr(sys.modules.get(model.__module__), "__file__", None)
        if path is None:
            return None
        files.append(Path(path))
    return sorted(set(files))


def _digest(path: Path) -> str:
    data = cache.read(path)
    return "" if data is None else hashlib.sha256(data).hexdigest()


@contextmanager
def _without_plugins() -> Iterator[None]:
    saved = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["PYDANTIC_DISABLE_PLUGINS"]
        else:
            os.environ["PYDANTIC_DISABLE_PLUGINS"] = saved


class _Pickler(pickle.Pickler):
    """Pickles the models themselves as their index (one made by create_model has no importable name);
    records the module of every other function and class named."""

    def __init__(self, file: io.BytesIO, models: Models) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.index = {id(m): i for i, m in enumerate(models)}
        self.modules: set[str] = set()

    def persistent_id(self, obj: object) -> int | None:
        return self.index.get(id(obj)) if isinstance(obj, type) else None

    def reducer_override(self, obj: object) -> Any:
        if isinstance(obj, (type, FunctionType, MethodType)) and id(obj) not in self.index:
            owner = obj.__self__ if isinstance(obj, MethodType) else obj
            self.modules.add(getattr(owner, "__module__", None) or "")
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, models: Models) -> None:
        super().__init__(io.BytesIO(data))
        self.models = models

    def persistent_load(self, pid: object) -> type[BaseModel]:
        if not isinstance(pid, int) or not 0 <= pid < len(self.models):
            raise pickle.UnpicklingError(f"no model {pid!r}")
        return self.models[pid]


def _store(models: Models, entry: Path, own: set[Path]) -> None:
    """Write the models' core schemas and configs, with the digests of the other modules they name."""
    from pydantic._internal._config import ConfigWrapper

    try:
        out = io.BytesIO()
        pickler = _Pickler(out, models)
        configs = [ConfigWrapper(m.model_config).core_config(title=m.__name__) for m in models]
        pickler.dump(([m.__pydantic_core_schema__ for m in models], configs))
        files = {name: _file_of(sys.modules.get(name)) for name in pickler.modules}
        deps = {name: _digest(file) for name, file in files.items() if file is not None and file not in own}
        cache.write(entry, pickle.dumps((deps, out.getvalue()), protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - a schema that cannot be pickled is simply not cached
        return


def _file_of(module: ModuleType | None) -> Path | None:
    path = getattr(module, "__file__", None)
    return Path(path) if path else None


def _attach(models: Models, entry: Path) -> bool:
    """Complete `models` from the cache entry; False (nothing changed) if it is missing or unusable."""
    data = cache.read(entry)
    if data is None or any(m.__pydantic_decorators__.computed_fields or not m.__pydantic_fields_complete__
                           or any(f.deprecated for f in m.model_fields.values()) for m in models):
        return False
    try:
        deps, blob = pickle.loads(data)
        for name, digest in deps.items():  # unpickling would import them anyway
            file = _file_of(sys.modules.get(name) or importlib.import_module(name))
            if file is None or _digest(file) != digest:
                return False
        schemas, configs = _Unpickler(blob, models).load()
        made = [(pydantic_core.SchemaValidator(s, c), pydantic_core.SchemaSerializer(s, c))
                for s, c in zip(schemas, configs, strict=True)]
    except Exception:  # noqa: BLE001 - a stale or corrupt entry: build as if there were none
        return False
    for model, schema, (validator, serializer) in zip(models, schemas, made, strict=True):
        # What pydantic's complete_model_class sets once the schema is built (pydantic's
        # version is part of the entry's name).
        model.__pydantic_core_schema__ = schema
        model.__pydantic_validator__ = validator
        model.__pydantic_serializer__ = serializer
        model.__pydantic_computed_fields__ = {}
        model.__pydantic_complete__ = True
        hook = getattr(model, "__pydantic_on_complete__", None)
        if hook is not None:
            hook()
    return True
