"""paths.inside: the one test that a path a declaration names stays in its folder."""
from __future__ import annotations

import os

import pytest

from perfdecl.paths import inside


def test_a_name_inside_the_folder_is_resolved(tmp_path):
    (tmp_path / "a").mkdir()
    assert inside(tmp_path, "a/../a/p.yaml") == (tmp_path / "a" / "p.yaml").resolve()
    assert inside(tmp_path, ".") == tmp_path.resolve()


def test_names_leading_out_are_refused(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    assert inside(folder, "../p.yaml") is None
    assert inside(folder, str(tmp_path / "p.yaml")) is None  # an absolute path elsewhere
    assert inside(folder, "x\0y") is None  # cannot be resolved


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
def test_a_symlink_pointing_out_is_refused(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (folder / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert inside(folder, "link/p.yaml") is None
    assert inside(folder / "link", "p.yaml") == (tmp_path / "elsewhere" / "p.yaml").resolve()  # its own root
