"""perfdecl serve as a user runs it: a process on a free loopback port, spoken to over HTTP."""
from __future__ import annotations

import http.client
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html as lxml_html

from helpers import declaration, findings
from helpers import serve as start

WAIT = 20.0  # seconds before a test gives up on a reply (a bound on failure, not a speed measurement)


class Server:
    def __init__(self, process: subprocess.Popen, port: int) -> None:
        self.process, self.port = process, port

    def get(self, path: str, host: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        conn.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        reply = conn.getresponse()
        body = reply.read().decode("utf-8", "replace")
        conn.close()
        return reply.status, body


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    folder = declaration(tmp_path)
    process, address = start(folder, tmp_path)
    port = int(address.rstrip("/").rsplit(":", 1)[1])
    try:
        yield Server(process, port), folder
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=WAIT)


class Events:
    """The page's server-sent events, read line by line."""

    def __init__(self, server: Server, page: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        self.conn.request("GET", f"/_perfdecl/events?page={page}")
        self.reply = self.conn.getresponse()
        assert self.reply.status == 200
        assert self.reply.getheader("Content-Type") == "text/event-stream"

    def version(self) -> str:
        """The next version announced (the current one first); fails after WAIT seconds without one."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            line = self.reply.readline().decode()
            assert line, "the event stream ended"
            if line.startswith("data: "):
                return line[len("data: "):].strip()
        raise AssertionError(f"no new version in {WAIT} s")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def marks(body: str) -> list[tuple[str, str]]:
    """(text, title) of each marked element of a page."""
    page = lxml_html.fromstring(body)
    return [(el.text_content().strip(), el.get("title")) for el in page.xpath("//*[@data-finding]")]


def test_an_edit_reloads_the_page_with_the_finding_marked_and_a_revert_clears_it(serve) -> None:
    server, folder = serve
    status, body = server.get("/d/")
    assert status == 200 and "设备维护费" in body and marks(body) == []
    events = Events(server, "d")
    first = events.version()
    replace(folder / "p.yaml", "[配件更换, 1, 2.412, 2.412]", "[配件更换, 1, 2.412, 2.413]")
    second = events.version()
    assert second != first
    body = server.get("/d/")[1]
    assert f'data-version="{second}"' in body
    [(text, title)] = [m for m in marks(body) if "PD101" in m[1]]
    assert text == "2.413" and "2.412" in title
    replace(folder / "p.yaml", "2.413]", "2.412]")
    assert events.version() != second
    assert marks(server.get("/d/")[1]) == []


@pytest.mark.parametrize("name", ["p.yaml", "declaration.yaml"])
def test_a_file_that_does_not_load_shows_its_errors_and_the_page_recovers(serve, name: str) -> None:
    server, folder = serve
    events = Events(server, "d")
    events.version()
    original = (folder / name).read_text(encoding="utf-8")
    (folder / name).write_text(original.replace("\n", "\n\t", 1), encoding="utf-8")  # a tab in the indentation
    events.version()
    status, body = server.get("/d/")
    expected = {f for f in findings(folder) if f[3] == "PD001"}
    assert status == 200 and expected and "设备维护费" not in body
    for file, line, col, code in expected:
        assert f"{file}:{line}:{col}</a>" in body and f"[{code}]" in body
    (folder / name).write_text(original, encoding="utf-8")
    events.version()
    body = server.get("/d/")[1]
    assert "设备维护费" in body and "PD001" not in body


def test_nothing_outside_the_served_folder_is_reachable(serve, tmp_path: Path) -> None:
    server, folder = serve
    (tmp_path / "secret.yaml").write_text("secret: 1\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a source\n", encoding="utf-8")
    (folder / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    assert server.get("/d/p.yaml")[0] == 200
    for path in ("/d/../secret.yaml", "/d/%2e%2e/secret.yaml", "/d//etc/passwd", "/d/..%2fsecret.yaml",
                 "/d/link.yaml", "/d/notes.txt", "/secret.yaml", "/other/", "/d/p.yaml/..", "/../../etc/passwd"):
        status, body = server.get(path)
        assert status == 404, path
        assert "secret" not in body


def test_a_page_for_another_host_name_is_refused(serve) -> None:
    """A web page elsewhere cannot read the preview by pointing its own name at 127.0.0.1."""
    server, _ = serve
    assert server.get("/d/", host=f"example.com:{server.port}")[0] == 403
    assert server.get("/d/", host=f"localhost:{server.port}")[0] == 200


def test_the_source_view_escapes_the_file(serve) -> None:
    server, folder = serve
    replace(folder / "p.yaml", "name: 设备维护", 'name: "<img src=x onerror=alert(1)>"')
    status, body = server.get("/d/p.yaml")
    assert status == 200 and "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body


def test_sigterm_stops_it_cleanly(serve) -> None:
    server, _ = serve
    Events(server, "d").version()  # a page is open: its stream must not keep the server alive
    server.process.send_signal(signal.SIGTERM)
    out, err = server.process.communicate(timeout=WAIT)
    assert server.process.returncode == 0, err
    assert "Traceback" not in err and "已停止" in out
