"""perfdecl serve: a live preview of declarations with the findings of `check` in place.

The standard library's ThreadingHTTPServer serves, on loopback by default, each
declaration's HTML rendering at /<folder name>/ and its YAML files below it;
nothing outside the served folders. watchfiles (inotify, no polling loop)
reports changes to a declaration's files, its template and the frameworks; the
declarations concerned are rebuilt in one thread and each open page hears of
its new version through server-sent events, then reloads.
Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 usage errors (no declaration, a port in use).
"""
from __future__ import annotations

import gc
import signal
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import click

from .. import output, serve_page
from ..diagnostics import Diagnostic
from ..load import Bundle
from ..paths import display, frameworks_dir
from ..pipeline import check
from ..text import Text
from .check import targets
from .messages import INTERNAL

LOOPBACK = ("127.0.0.1", "localhost", "::1")
KEEPALIVE = 15.0  # seconds between comments on an idle event stream (to notice a closed page)
READY = 0.5  # seconds: how soon the watcher says it is watching (then how often it looks up)
RETRY = 2.0  # seconds before watching again when a watched folder is gone
MAX_SOURCE = 2 * 1024 * 1024  # bytes of a source file the source view shows
SOURCE_SUFFIXES = (".yaml", ".yml")
SECURITY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; " \
           "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

SERVING = Text("正在预览 {folders}：{address}（按 Ctrl-C 停止）", "previewing {folders} at {address} (Ctrl-C to stop)")
PORT = Text("无法在 {host}:{port} 上启动服务：{why}；请用 --port 指定其他端口",
            "cannot serve on {host}:{port}: {why}; choose another --port")
EXPOSED = Text("注意：--host {host} 让本机以外的人也能看到这些申报材料",
               "note: --host {host} shows these declarations beyond this machine")
REBUILT = Text("已更新 {folder}：{errors} 个错误，{warnings} 个警告", "updated {folder}: {errors} error(s), {warnings} warning(s)")
STOPPED = Text("已停止", "stopped")
WATCH = Text("无法监视文件的变化：{why}", "cannot watch the files for changes: {why}")
TEMPLATE = Text("模板出错：{why}", "template error: {why}")


@dataclass
class Page:
    """One declaration served: its latest rendering and what it is made of."""

    slug: str
    folder: Path
    html: bytes = b""
    version: int = 0
    sources: dict[str, Path] = field(default_factory=dict)  # address below /slug/ → file
    extra: tuple[Path, ...] = ()  # files outside the folder it is made of: its template, the frameworks


class Site:
    """The pages, rebuilt in one thread and read by many."""

    def __init__(self, folders: list[Path], lang: str) -> None:
        self.lang = lang
        self.pages: dict[str, Page] = {}
        for folder in folders:
            slug = folder.resolve().name or "declaration"
            while slug in self.pages:
                slug += "-"
            self.pages[slug] = Page(slug, folder.resolve())
        self.changed = threading.Condition()
        self.stopping = False

    def rebuild(self, page: Page) -> None:
        html, sources, extra, diags = build(page, self.lang)
        with self.changed:
            page.html, page.sources, page.extra = html, sources, extra
            page.version += 1
            self.changed.notify_all()
        errors, warnings = output.counts(diags)
        report = REBUILT.fill(folder=display(page.folder), errors=errors, warnings=warnings)
        click.echo(report.say(self.lang))

    def roots(self) -> set[Path]:
        """Every folder or file whose change concerns some page."""
        return {p for page in self.pages.values() for p in (page.folder, *page.extra) if p.exists()}

    def affected(self, changed: set[Path]) -> list[Page]:
        return [page for page in self.pages.values()
                if any(c == root or root in c.parents for c in changed for root in (page.folder, *page.extra))]

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


def build(page: Page, lang: str) -> tuple[bytes, dict[str, Path], tuple[Path, ...], list[Diagnostic]]:
    """The page of a declaration (or of why it cannot be shown), its source files, the files outside its
    folder it is made of, and its findings. Never raises for bad input."""
    from ..render import RenderError, document, templates

    bundle, diags = check(page.folder)
    folder = None
    if bundle is not None:
        folder, found = templates.locate(bundle, None)
        diags += found
    sources = _sources(page.folder, bundle)
    links = {display(path): (f"/{page.slug}/{address}", path) for address, path in sources.items()}
    lines = output.lines_for(diags, bundle.sources if bundle else {}) or _lines(diags, sources)
    findings = serve_page.panel(diags, links, lines, lang)
    version = page.version + 1
    extra: tuple[Path, ...] = (frameworks_dir(),)
    if bundle is None or folder is None:  # the findings say why
        return serve_page.failed(page.slug, version, [], findings, lang), sources, extra, diags
    try:
        template = templates.load(folder)
        extra += template.folders
        html = document.preview(bundle, template, [d.pos for d in diags], serve_page.attributes(diags, lang),
                                serve_page.head(page.slug, version), findings)
    except RenderError as e:
        why = TEMPLATE.fill(why=e.message(lang)).say(lang)
        return serve_page.failed(page.slug, version, [why], findings, lang), sources, extra, diags
    except Exception as e:  # a bug in perfdecl: shown on the page, the server goes on
        why = INTERNAL.fill(why=f"{type(e).__name__}: {e}").say(lang)
        return serve_page.failed(page.slug, version, [why], findings, lang), sources, extra, diags
    return html, sources, extra, diags


def _sources(folder: Path, bundle: Bundle | None) -> dict[str, Path]:
    """The YAML files of a declaration by their address below its page: those read, else the folder's."""
    files = [s.path for s in bundle.sources.values()] if bundle else list(folder.glob("*.y*ml"))
    root = folder.resolve()
    found = {}
    for path in files:
        real = Path(path).resolve()
        if real.is_relative_to(root) and real.suffix in SOURCE_SUFFIXES:
            found[real.relative_to(root).as_posix()] = real
    return found


def _lines(diags: list[Diagnostic], sources: dict[str, Path]) -> dict[str, list[str]]:
    """Source lines for findings in files that did not load (read again, bounded)."""
    shown = {display(path): path for path in sources.values()}
    lines = {}
    for name in {d.pos.path for d in diags} & shown.keys():
        path = shown[name]
        try:
            if path.stat().st_size <= MAX_SOURCE:
                lines[name] = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
    return lines


def run(paths: tuple[Path, ...], host: str = "127.0.0.1", port: int = 8000, lang: str = "zh") -> int:
    folders, problems = targets(paths, skip_outside=False)
    if problems or not folders:
        if problems:
            click.echo(output.human(problems, {}, lang), err=True)
        return 2
    gc.enable()  # a server runs long: collect its garbage (cli turns the collector off for short runs)
    site = Site(folders, lang)
    try:
        server = ThreadingHTTPServer((host, port), _handler(site, host))
    except OSError as e:
        click.echo(PORT.fill(host=host, port=port, why=e.strerror or e).say(lang), err=True)
        return 2
    server.daemon_threads = True
    if host not in LOOPBACK:
        click.echo(EXPOSED.fill(host=host).say(lang), err=True)
    for page in site.pages.values():
        site.rebuild(page)
    stop, ready = threading.Event(), threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    threads = [threading.Thread(target=server.serve_forever, name="serve", daemon=True),
               threading.Thread(target=_watch, args=(site, stop, ready), name="watch", daemon=True)]
    try:
        for thread in threads:
            thread.start()
        ready.wait(RETRY * 5)  # an edit made once the address is shown is seen
        name, bound = server.server_address[:2]
        host_name = str(name)
        where = f"http://{f'[{host_name}]' if ':' in host_name else host_name}:{bound}/"
        click.echo(SERVING.fill(folders=", ".join(display(f) for f in folders), address=where).say(lang))
        stop.wait()
    finally:
        stop.set()
        site.stop()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(timeout=5)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(STOPPED.say(lang))
    return 0


def _watch(site: Site, stop: threading.Event, ready: threading.Event) -> None:
    """Rebuild the pages a change concerns, until `stop`; watch anew when what they are made of changes.
    `ready` is set once the files are watched (watchfiles reports an empty set of changes every
    READY seconds, the first time as soon as it watches)."""
    from watchfiles import watch

    while not stop.is_set():
        roots = site.roots()
        try:
            for changes in watch(*roots, stop_event=stop, debounce=150, step=30, raise_interrupt=False,
                                 rust_timeout=int(READY * 1000), yield_on_timeout=True):
                ready.set()
                for page in site.affected({Path(p).resolve() for _, p in changes}):
                    site.rebuild(page)
                if site.roots() != roots:
                    break
        except (OSError, RuntimeError) as e:  # a watched folder vanished: look again in a moment
            click.echo(WATCH.fill(why=e).say(site.lang), err=True)
            stop.wait(RETRY)


def _handler(site: Site, host: str) -> type[BaseHTTPRequestHandler]:
    # On loopback, a request must name a loopback host: a web page elsewhere could otherwise read the
    # preview by pointing its own name at 127.0.0.1 (DNS rebinding). With --host, anyone may ask.
    hosts = set(LOOPBACK) if host in LOOPBACK else None

    class Handler(BaseHTTPRequestHandler):
        server_version = "perfdecl"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            url = urlsplit(self.path)
            if hosts is not None and self.headers.get("Host", "").rsplit(":", 1)[0].strip("[]") not in hosts:
                return self.send(HTTPStatus.FORBIDDEN)
            path = unquote(url.path)
            if path == serve_page.SCRIPT_PATH:
                return self.send(HTTPStatus.OK, serve_page.SCRIPT.encode(), "text/javascript; charset=utf-8")
            if path == serve_page.EVENTS_PATH:
                return self.events(parse_qs(url.query).get("page", [""])[0])
            if path == "/":
                if len(site.pages) == 1:
                    return self.redirect(f"/{next(iter(site.pages))}/")
                listed = [(f"/{slug}/", display(page.folder)) for slug, page in site.pages.items()]
                return self.send(HTTPStatus.OK, serve_page.index(listed, site.lang))
            slug, slash, rest = path[1:].partition("/")
            page = site.pages.get(slug)
            if page is None:
                return self.send(HTTPStatus.NOT_FOUND)
            if not slash:
                return self.redirect(f"/{slug}/")
            if not rest:
                return self.send(HTTPStatus.OK, page.html)
            return self.source(page, rest)

        def source(self, page: Page, rest: str) -> None:
            """A YAML file of the declaration, only as the build last found it: nothing else is reachable."""
            path = page.sources.get(rest)
            try:
                if path is None or not path.is_file() or path.stat().st_size > MAX_SOURCE:
                    return self.send(HTTPStatus.NOT_FOUND)
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return self.send(HTTPStatus.NOT_FOUND)
            self.send(HTTPStatus.OK, serve_page.source(rest, text))

        def events(self, slug: str) -> None:
            """Server-sent events: the page's version now and at each change; a comment when idle."""
            page = site.pages.get(slug)
            if page is None:
                return self.send(HTTPStatus.NOT_FOUND)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            sent = None
            try:
                while True:
                    with site.changed:
                        if page.version == sent and not site.stopping:
                            site.changed.wait(KEEPALIVE)
                        version, stopping = page.version, site.stopping
                    if stopping:
                        return
                    self.wfile.write(f"data: {version}\n\n".encode() if version != sent else b": idle\n\n")
                    self.wfile.flush()
                    sent = version
            except OSError:  # the page was closed
                return

        def send(self, status: HTTPStatus, body: bytes | None = None, kind: str = "text/html; charset=utf-8") -> None:
            body = body if body is not None else f"{status.value} {status.phrase}\n".encode()
            self.send_response(status)
            self.send_header("Content-Type", kind if status == HTTPStatus.OK else "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Security-Policy", SECURITY)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def redirect(self, where: str) -> None:
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
            pass  # requests are not news; rebuilds are reported

    return Handler
