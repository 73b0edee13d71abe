"""The committed JSON Schema files are the models' schemas, and the example validates against them."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, REPO

from perfdecl.cli import cli
from perfdecl.form import default_form
from perfdecl.model import Declaration

SCHEMAS = REPO / "schemas"


@pytest.mark.parametrize("name, model", [("declaration", Declaration), ("project", default_form().project_model())])
def test_committed_schema_matches_the_model(name, model):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert schema.pop("$schema") == "https://json-schema.org/draft/2020-12/schema"
    assert schema.pop("title")
    expected = model.model_json_schema()
    expected.pop("title")
    assert schema == expected


def test_schema_check_and_write(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(REPO)  # without -o: ./schemas, here the committed ones
    assert runner.invoke(cli, ["schema", "--check"]).exit_code == 0
    assert runner.invoke(cli, ["schema", "--check", "-o", str(tmp_path)]).exit_code == 1  # nothing written there yet
    assert runner.invoke(cli, ["schema", "-o", str(tmp_path)]).exit_code == 0
    assert runner.invoke(cli, ["schema", "--check", "-o", str(tmp_path)]).exit_code == 0
    for name in ("declaration", "project"):
        written = tmp_path / f"{name}.schema.json"
        assert written.read_text(encoding="utf-8") == (SCHEMAS / written.name).read_text(encoding="utf-8")
    (tmp_path / "project.schema.json").write_text("{}", encoding="utf-8")
    assert runner.invoke(cli, ["schema", "--check", "-o", str(tmp_path)]).exit_code == 1


def test_schema_writes_into_the_working_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["schema", "--check"]).exit_code == 1  # no ./schemas here
    assert runner.invoke(cli, ["schema"]).exit_code == 0
    written = sorted(str(p.relative_to(tmp_path / "schemas")) for p in (tmp_path / "schemas").rglob("*.json"))
    assert written == ["declaration.schema.json", "hunan-2024/project.schema.json", "project.schema.json",
                       "shanghai-2026/project.schema.json"]
    assert runner.invoke(cli, ["schema", "--check"]).exit_code == 0


def test_schema_into_a_file_or_an_unwritable_place_is_a_message(tmp_path):
    runner = CliRunner()
    a_file = tmp_path / "passwd"
    a_file.write_text("root:x:0:0\n", encoding="utf-8")
    for args in (["-o", str(a_file)], ["-o", str(a_file / "sub")], ["--check", "-o", str(a_file)]):
        result = runner.invoke(cli, ["schema", *args])
        assert isinstance(result.exception, SystemExit), result.exception  # no traceback
        assert result.exit_code == 2 and str(a_file) in result.output, args
    assert a_file.read_text(encoding="utf-8") == "root:x:0:0\n"
    assert [p.name for p in tmp_path.iterdir()] == ["passwd"]  # no temporary file left behind


def test_schema_replaces_stale_files_and_leaves_no_temporary_files(tmp_path):
    (tmp_path / "project.schema.json").write_text("{}", encoding="utf-8")
    assert CliRunner().invoke(cli, ["schema", "-o", str(tmp_path)]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["declaration.schema.json", "hunan-2024", "project.schema.json",
                                                          "shanghai-2026"]
    for template in ("hunan-2024", "shanghai-2026"):
        assert [p.name for p in (tmp_path / template).iterdir()] == ["project.schema.json"]
    assert json.loads((tmp_path / "project.schema.json").read_text(encoding="utf-8"))["title"] == "perfdecl 项目文件"


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema not installed")
@pytest.mark.parametrize("schema, pattern", [("project", "0*.yaml"), ("declaration", "declaration.yaml")])
def test_example_validates_with_check_jsonschema(schema, pattern):
    files = sorted(str(p) for p in EXAMPLE.glob(pattern))
    assert files
    done = subprocess.run(["check-jsonschema", "--schemafile", str(SCHEMAS / f"{schema}.schema.json"), *files],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema not installed")
def test_check_jsonschema_rejects_an_unknown_key(tmp_path):
    broken = tmp_path / "p.yaml"
    broken.write_text((EXAMPLE / "01-citizen-services.yaml").read_text(encoding="utf-8").replace("category:", "categry:"),
                      encoding="utf-8")
    done = subprocess.run(["check-jsonschema", "--schemafile", str(SCHEMAS / "project.schema.json"), str(broken)],
                          capture_output=True, text=True)
    assert done.returncode == 1


@pytest.mark.parametrize("template, example", [("shanghai-2026", "2026-putuo-cgzf"), ("hunan-2024", "2024-hunan-demo")])
def test_each_templates_schema_is_generated_from_its_form_and_its_example_satisfies_it(template, example):
    import jsonschema
    import yaml

    from perfdecl.form import builtin_template, read_form

    form, _ = read_form(builtin_template(template))
    schema = json.loads((SCHEMAS / template / "project.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"].keys() >= set(form.fields)
    assert {key for key, spec in form.fields.items() if spec.required} <= set(schema["required"])
    for path in (REPO / "examples" / example).glob("0*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{template}/project.schema.json\n")
        jsonschema.validate(json.loads(json.dumps(yaml.safe_load(text), default=str)), schema)  # as editors read it
