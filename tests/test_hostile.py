"""Bad input, round 2 (issue 10): each failure reproduced through the command line.

No traceback, no hang (generous timeouts, no wall time asserted), nothing
outside the output path changed, the exit codes stated.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DECLARATION, PROJECT, edit

TIMEOUT = 120  # a hang fails the test; a loaded machine does not


def perfdecl(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    environ.pop("PERFDECL_DEBUG", None)
    if env is None:
        environ.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run([sys.executable, "-m", "perfdecl", *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=TIMEOUT)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert "内部错误，请报告" not in done.stdout + done.stderr, done.stderr
    return done


def make(folder: Path, project: str = PROJECT, declaration: str = DECLARATION) -> Path:
    folder.mkdir(parents=True)
    (folder / "declaration.yaml").write_text(declaration, encoding="utf-8")
    (folder / "p.yaml").write_text(project, encoding="utf-8")
    return folder


def with_template(tmp_path: Path, first_line: str) -> Path:
    """A declaration whose own template (the built-in one, exported) starts with `first_line`."""
    folder = make(tmp_path / "d", declaration=DECLARATION + "template: tpl\n")
    assert perfdecl("template", "export", "shanghai-2023", "d/tpl", cwd=tmp_path).returncode == 0
    main = folder / "tpl" / "document.xml.j2"
    main.write_text(first_line + "\n" + main.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


# -- 1. hangs ---------------------------------------------------------------------------------------


def test_a_declaration_yaml_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    folder = make(tmp_path / "d")
    (folder / "declaration.yaml").unlink()
    os.mkfifo(folder / "declaration.yaml")
    done = perfdecl("check", "d", cwd=tmp_path)
    assert done.returncode == 2
    assert "d/declaration.yaml:1:1: error[PD015]" in done.stdout and "不是普通文件" in done.stdout


def test_all_texts_of_a_declaration_share_one_expression_budget(tmp_path):
    loop = "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"
    head, rest = PROJECT.split("items:\n", 1)
    item, indicators = rest.split("indicators:\n", 1)
    sections = "".join(f'    {name}: "{loop}"\n' for name in ("basis", "subject", "approach", "arrangement"))
    item = item.replace("    overview: |\n", sections + "    overview: |\n", 1)
    make(tmp_path / "d", head + "items:\n" + item * 30 + "indicators:\n" + indicators)
    done = perfdecl("check", "d", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 1
    assert "in all texts of the declaration" in done.stdout


# -- 2. tracebacks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "9" * 5000, "0", "315532799", "4354819200", "１７００００００００", "-5"])
def test_source_date_epoch_takes_ascii_digits_within_zips_range_only(tmp_path, value):
    make(tmp_path / "d")
    done = perfdecl("build", "d", "-o", "out.docx", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": value})
    assert done.returncode == 2
    assert "SOURCE_DATE_EPOCH" in done.stderr and "1980" in done.stderr
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize("value", ["315532800", "4354819199"])
def test_source_date_epoch_at_the_ends_of_the_range_is_used(tmp_path, value):
    make(tmp_path / "d")
    done = perfdecl("build", "d", "-o", "out.docx", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": value})
    assert done.returncode == 0, done.stderr


def test_sarif_on_a_path_that_is_not_utf8(tmp_path):
    folder = make(tmp_path / os.fsdecode(b"decl\xff"))
    done = perfdecl("check", "--format", "sarif", os.fsdecode(os.fsencode(folder.name)), cwd=tmp_path)
    assert done.returncode == 0


def test_a_template_yaml_nested_20000_deep_is_a_positioned_error(tmp_path):
    folder = with_template(tmp_path, "")
    meta = folder / "tpl" / "template.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "x: " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    done = perfdecl("build", "d", "-o", "out.docx", cwd=tmp_path)
    assert done.returncode == 1
    lines = meta.read_text(encoding="utf-8").splitlines()
    # read with the form during check (a finding on stdout) or by the renderer (a message on stderr)
    assert f"d/tpl/template.yaml:{len(lines)}:" in done.stdout + done.stderr
    assert not (tmp_path / "out.docx").exists()


# -- 3. files destroyed ---------------------------------------------------------------------------


def test_build_refuses_to_replace_a_fifo(tmp_path):
    make(tmp_path / "d")
    os.mkfifo(tmp_path / "fifo.docx")
    done = perfdecl("build", "d", "-o", "fifo.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo.docx").st_mode)
    assert "fifo.docx" in done.stderr and "不是普通文件" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "fifo.docx"]  # no temporary file either


def test_build_refuses_to_replace_a_device(tmp_path):
    make(tmp_path / "d")
    before = os.stat("/dev/null")
    done = perfdecl("build", "d", "-o", "/dev/null", cwd=tmp_path)
    assert done.returncode == 2
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert not [p for p in Path("/dev").iterdir() if p.name.startswith(".null.")]


def test_build_refuses_to_overwrite_the_declarations_framework_file(tmp_path):
    folder = make(tmp_path / "d", declaration=DECLARATION.replace("framework: shanghai-2023", "framework: fw.yaml"))
    framework = Path(__file__).resolve().parents[1] / "src" / "perfdecl" / "frameworks" / "shanghai-2023.yaml"
    (folder / "fw.yaml").write_bytes(framework.read_bytes())
    for output in ("d/fw.yaml", "d/../d/fw.yaml"):
        done = perfdecl("build", "d", "-o", output, cwd=tmp_path)
        assert done.returncode == 2 and "指标体系" in done.stderr
        assert (folder / "fw.yaml").read_bytes() == framework.read_bytes()


@pytest.mark.parametrize("link", ["declaration.yaml", ".schemas"])
def test_init_never_writes_through_a_dangling_link(tmp_path, link):
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / link).symlink_to(tmp_path / "outside" / link)
    done = perfdecl("init", "new", cwd=tmp_path)
    assert done.returncode == 2 and link in done.stderr
    assert not (tmp_path / "outside").exists()
    assert [p.name for p in (tmp_path / "new").iterdir()] == [link]


def test_init_never_writes_into_a_linked_folder(tmp_path):
    (tmp_path / "new").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "new" / ".schemas").symlink_to(tmp_path / "elsewhere")
    assert perfdecl("init", "new", cwd=tmp_path).returncode == 2
    assert list((tmp_path / "elsewhere").iterdir()) == []


# -- 5. templates are a trust boundary ------------------------------------------------------------


@pytest.mark.parametrize("first_line", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ 'x' * 10**9 }}",
    "{{ 'x'|center(10**9) }}",
    "{{ 'x'.ljust(10**9) }}",
])
def test_a_template_that_would_run_for_minutes_or_take_gigabytes_is_stopped_at_its_line(tmp_path, first_line):
    with_template(tmp_path, first_line)
    done = perfdecl("build", "d", "-o", "out.docx", cwd=tmp_path)
    assert done.returncode == 1
    assert "d/tpl/document.xml.j2:1:" in done.stderr
    assert not (tmp_path / "out.docx").exists()


# -- 6. names -------------------------------------------------------------------------------------


def test_split_names_are_cut_to_what_the_file_system_takes(tmp_path):
    name = "长" * 90 + "\u202e"
    make(tmp_path / "d", edit(PROJECT, [("name: 设备维护", f"name: {name}")]))
    done = perfdecl("build", "d", "--split", "-o", "out/d.docx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names[0] == "d-1-" + "长" * ((255 - 14 - len("d-1-.docx")) // 3) + ".docx" and names[1] == "d.docx"
    assert len(names) == 2 and all(len(n.encode()) <= 255 - 14 for n in names)


def test_one_split_file_that_cannot_be_written_does_not_stop_the_others(tmp_path):
    project = PROJECT.replace("name: 设备维护", "name: 第二个")
    folder = make(tmp_path / "d", declaration=DECLARATION + "  - q.yaml\n")
    (folder / "q.yaml").write_text(project, encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "d-1-设备维护.docx").mkdir()  # in the way
    done = perfdecl("build", "d", "--split", "-o", "out/d.docx", cwd=tmp_path)
    assert done.returncode == 1
    assert "d-1-设备维护.docx" in done.stderr
    assert (tmp_path / "out" / "d.docx").is_file() and (tmp_path / "out" / "d-2-第二个.docx").is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["d-1-设备维护.docx", "d-2-第二个.docx", "d.docx"]


def test_a_project_file_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    folder = make(tmp_path / "d")
    (folder / "p.yaml").unlink()
    os.mkfifo(folder / "p.yaml")
    done = perfdecl("check", "d", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1
    lines = DECLARATION.splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if "p.yaml" in line)
    assert f'"line": {number}' in done.stdout and "PD007" in done.stdout and "不是普通文件" in done.stdout


# -- 7. names the file system refuses to look up ----------------------------------------------------

LONG = "长" * 100  # 300 bytes: longer than a file name may be, so even looking it up fails


@pytest.mark.parametrize("args", [
    ["check", LONG],
    ["summary", LONG],
    ["summary", "d", "-o", LONG + ".md"],
    ["build", LONG],
    ["build", "d", "-o", LONG + ".docx"],
    ["build", "d", "--template", LONG],
    ["import", LONG + ".docx"],
    ["import-indicators", LONG + ".xlsx", "d/p.yaml"],
    ["import-indicators", "w.xlsx", LONG + ".yaml"],
    ["diff", LONG, "d"],
    ["diff", "d", "HEAD:" + LONG],
    ["init", LONG],
    ["template", "export", "shanghai-2023", LONG],
    ["framework", "export", "shanghai-2023", LONG + ".yaml"],
    ["schema", "-o", LONG],
])
def test_a_name_too_long_for_the_file_system_is_refused_with_a_message(tmp_path, args):
    make(tmp_path / "d")
    done = perfdecl(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert LONG[:20] in done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["declaration.yaml", "p.yaml"]


@pytest.mark.parametrize("key, code", [("template", "PD"), ("previous", "PD420")])
def test_a_declaration_naming_a_path_too_long_to_look_up_gets_a_positioned_finding(tmp_path, key, code):
    make(tmp_path / "d", declaration=DECLARATION + f"{key}: {LONG}\n")
    done = perfdecl("check", "d", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    line = len(DECLARATION.splitlines()) + 1
    assert f'"line": {line}' in done.stdout and f'"code": "{code}' in done.stdout


def test_a_previous_declaration_too_long_to_look_up_is_pd420_like_any_unreadable_one(tmp_path):
    make(tmp_path / "d")
    done = perfdecl("check", "d", "--previous", LONG, "--lang", "en", cwd=tmp_path)
    assert done.returncode == 1 and "d/declaration.yaml:1:1: error[PD420]" in done.stdout


# -- 8. an input named on the command line that is no file: a usage error (2), as for check and build --


@pytest.mark.parametrize("command", ["import", "import-indicators"])
@pytest.mark.parametrize("kind", ["missing", "folder", "fifo"])
def test_an_input_file_that_is_missing_or_not_a_file_is_a_usage_error(tmp_path, command, kind):
    make(tmp_path / "d")
    name = "in.docx" if command == "import" else "in.xlsx"
    if kind == "folder":
        (tmp_path / name).mkdir()
    elif kind == "fifo":
        os.mkfifo(tmp_path / name)
    args = [name, "-o", "out"] if command == "import" else [name, "d/p.yaml"]
    done = perfdecl(command, *args, "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    why = {"missing": "does not exist", "folder": "is a folder", "fifo": "not a regular file"}[kind]
    assert name in done.stderr and why in done.stderr
    assert not (tmp_path / "out").exists() and (tmp_path / "d" / "p.yaml").read_text(encoding="utf-8") == PROJECT


@pytest.mark.parametrize("command", ["build", "summary"])
def test_a_file_outside_any_declaration_is_refused_by_build_and_summary(tmp_path, command):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    done = perfdecl(command, "notes.txt", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2
    assert "notes.txt:1:1: error[PD015]" in done.stdout + done.stderr and "no declaration" in done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_check_skips_a_file_outside_any_declaration_as_pre_commit_passes_them(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert perfdecl("check", "notes.txt", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("fmt", ["human", "json"])
def test_check_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path, fmt):
    # like `perfdecl check d | head -1`: the reader closes the pipe before check has printed everything
    unknown = "".join(f"unknown_{n}: 1\n" for n in range(2000))  # findings well beyond a pipe's 64 KB buffer
    make(tmp_path / "d", edit(PROJECT, [("name: 设备维护\n", "name: 设备维护\n" + unknown)]))
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    shell = f"{sys.executable} -m perfdecl check d d/p.yaml --format {fmt} | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}} >&2"
    done = subprocess.run(["bash", "-c", shell], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=TIMEOUT)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines()[-1] in ("0", "1")
