"""The real `crmpol lsp` binary, driven over stdio by pytest-lsp's client.

Each test gets a fresh server and a fresh workspace folder, and runs once
for each recorded client profile in `PROFILES`: pytest-lsp ships the
`initialize` capabilities that VS Code and Neovim really send, so the
server negotiates with each as it would in that editor (Neovim offers
UTF-8 positions, VS Code 1.65 only UTF-16; VS Code lets the server
register a file watcher, Neovim does not).

The server is `$CRMPOL_BIN`, else `$CARGO_TARGET_DIR/release/crmpol`,
else `target/release/crmpol` in the repository.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import signal
import time
from typing import Any, Callable

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = pathlib.Path(__file__).resolve().parents[2]

#: pytest-lsp's recorded profiles: the latest of each client it ships.
PROFILES = ["visual_studio_code", "neovim"]

#: How long to wait for anything the server should send.
TIMEOUT = 10.0


def server_binary() -> str:
    if os.environ.get("CRMPOL_BIN"):
        return os.environ["CRMPOL_BIN"]
    if os.environ.get("CARGO_TARGET_DIR"):
        return str(pathlib.Path(os.environ["CARGO_TARGET_DIR"]) / "release" / "crmpol")
    return str(REPO / "target" / "release" / "crmpol")


SERVER_COMMAND = [server_binary(), "lsp"]


def pytest_report_header(config):
    return f"crmpol server: {' '.join(SERVER_COMMAND)}"


def pytest_sessionstart(session):
    if not os.access(SERVER_COMMAND[0], os.X_OK):
        raise pytest.UsageError(
            f"no crmpol binary at {SERVER_COMMAND[0]}: build it with `cargo build --release` or set CRMPOL_BIN"
        )


class Published:
    """One `textDocument/publishDiagnostics`, as received."""

    def __init__(self, params: types.PublishDiagnosticsParams):
        self.uri = params.uri
        self.version = params.version
        self.diagnostics = list(params.diagnostics)


class CrmpolClient(LanguageClient):
    """pytest-lsp's client, plus what these tests need: every publication
    kept in order (with its version), the server's own requests recorded,
    and helpers that compute positions in the negotiated encoding."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile: str = ""
        self.root: pathlib.Path | None = None
        self.published: list[Published] = []
        self.registrations: list[types.Registration] = []
        self.encoding: str = "utf-16"
        self.initialize_result: types.InitializeResult | None = None
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    # --- starting -------------------------------------------------------

    async def start_io(self, cmd: str, *args, **kwargs):
        # A process group of its own, so that teardown can end the server
        # and anything it started, whatever state a failed test left.
        await super().start_io(cmd, *args, start_new_session=True, **kwargs)

    async def start_workspace(self, files: dict[str, str] | None = None) -> types.InitializeResult:
        """Writes `files` into this test's workspace folder, then sends
        `initialize` with that folder and the profile's capabilities."""
        assert self.root is not None
        for name, text in (files or {}).items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        params = types.InitializeParams(
            capabilities=client_capabilities(self.profile),
            root_uri=self.root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name=self.root.name)],
        )
        result = await asyncio.wait_for(self.initialize_session(params), TIMEOUT)
        self.initialize_result = result
        self.encoding = result.capabilities.position_encoding or "utf-16"
        return result

    # --- documents ------------------------------------------------------

    def uri(self, name: str) -> str:
        assert self.root is not None
        return (self.root / name).as_uri()

    def open(self, name: str, text: str | None = None) -> str:
        """Opens a workspace file (its text on disk unless given)."""
        assert self.root is not None
        uri = self.uri(name)
        if text is None:
            text = (self.root / name).read_text(encoding="utf-8")
        self.versions[uri] = 1
        self.texts[uri] = text
        self.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="crmpol", version=1, text=text)
            )
        )
        return uri

    def replace_all(self, uri: str, text: str) -> int:
        """Sends the whole new text, as Neovim does without incremental sync."""
        self.versions[uri] += 1
        self.texts[uri] = text
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    def replace_range(self, uri: str, old: str, new: str) -> int:
        """Replaces the one occurrence of `old` with an incremental change,
        its range in the negotiated encoding, as VS Code sends edits."""
        text = self.texts[uri]
        assert text.count(old) == 1, f"{old!r} must occur once"
        start = text.index(old)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=self.position_of(text, start), end=self.position_of(text, start + len(old))),
            text=new,
        )
        self.versions[uri] += 1
        self.texts[uri] = text[:start] + new + text[start + len(old) :]
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[change],
            )
        )
        return self.versions[uri]

    # --- positions ------------------------------------------------------

    def columns(self, text: str) -> int:
        """The length of `text` in the negotiated position encoding."""
        if self.encoding == "utf-8":
            return len(text.encode("utf-8"))
        if self.encoding == "utf-32":
            return len(text)
        return len(text.encode("utf-16-le")) // 2

    def position_of(self, text: str, index: int) -> types.Position:
        """The position of the character at string index `index`."""
        before = text[:index]
        line = before.count("\n")
        start_of_line = before.rfind("\n") + 1
        return types.Position(line=line, character=self.columns(text[start_of_line:index]))

    def at(self, text: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
        """The position `offset` characters into the `nth` occurrence of `needle`."""
        index = -1
        for _ in range(nth + 1):
            index = text.index(needle, index + 1)
        return self.position_of(text, index + offset)

    def range_of(self, text: str, needle: str, nth: int = 0) -> types.Range:
        start = self.at(text, needle, 0, nth)
        return types.Range(start=start, end=self.at(text, needle, len(needle), nth))

    # --- diagnostics ----------------------------------------------------

    def mark(self) -> int:
        """A mark to wait for publications sent after it."""
        return len(self.published)

    async def diagnostics_for(
        self, uri: str, *, after: int = 0, version: int | None = None, timeout: float = TIMEOUT
    ) -> Published:
        """The latest publication for `uri` since `after` (of `version` if
        given), waiting for one to come."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                p
                for p in self.published[after:]
                if p.uri == uri and (version is None or p.version == version)
            ]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                seen = [(p.uri, p.version, len(p.diagnostics)) for p in self.published[after:]]
                raise AssertionError(f"no diagnostics for {uri} (version {version}) within {timeout} s; got {seen}")
            if self._server is not None and self._server.returncode is not None:
                raise AssertionError(f"the server exited ({self._server.returncode}) before publishing for {uri}")
            await asyncio.sleep(0.01)


def make_client() -> CrmpolClient:
    client = CrmpolClient()

    def publish(client: CrmpolClient, params: types.PublishDiagnosticsParams):
        client.published.append(Published(params))
        client.diagnostics[params.uri] = params.diagnostics

    def register(client: CrmpolClient, params: types.RegistrationParams):
        # What VS Code does: accept, and answer with null.
        client.registrations.extend(params.registrations)
        return None

    features: dict[str, Callable[..., Any]] = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    params=PROFILES,
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
)
async def client(request, lsp_client: CrmpolClient, tmp_path: pathlib.Path):
    """A started server, not yet initialized: a test writes its files with
    `await client.start_workspace({...})` first."""
    lsp_client.profile = request.param
    # A space in the folder name: URIs must be percent-encoded both ways.
    lsp_client.root = tmp_path / "call center"
    lsp_client.root.mkdir()
    yield
    server = lsp_client._server
    if server is None:
        return
    if server.returncode is None and lsp_client.initialize_result is not None and lsp_client.error is None:
        with contextlib.suppress(Exception):  # a test that failed midway: the server must still go
            await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    await server.wait()
    # Whatever still holds the server's stdout open, the client's reader
    # ends here, so that pytest-lsp's own teardown does not wait for it.
    if server.stdout is not None:
        server.stdout.feed_eof()
