"""A real Neovim as the client: nvim_smoke.lua, run headless, must see the
server's diagnostics (converted by Neovim to byte columns), get a hover,
apply the formatting edits and see the server exit with status 0 after
shutdown.

Skipped when `nvim` is not installed; run.sh installs Debian's package
(0.7.2) where it can, and fails if it cannot.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import SERVER_COMMAND

HERE = pathlib.Path(__file__).resolve().parent
NVIM = shutil.which("nvim")

pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim is not installed (run.sh installs Debian's neovim)")

# A misspelt setting (E0002) indented badly, and an invalid value (E0003)
# after non-ASCII text on its line and before an emoji in a comment.
POLICY = 'crm: zendesk\n\nqueue "Kundendienst Süd" {\n  skip acount creation: yes\n    records: jä # 🎉\n}\n'


def run_nvim(tmp_path: pathlib.Path, text: str, **env: str) -> subprocess.CompletedProcess:
    folder = tmp_path / "call center"
    folder.mkdir()
    policy = folder / "main.crmpol"
    policy.write_text(text, encoding="utf-8")
    command = [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {HERE / 'nvim_smoke.lua'}", str(policy)]
    return subprocess.run(
        command,
        cwd=tmp_path,
        env={**os.environ, "CRMPOL_BIN": SERVER_COMMAND[0], **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def records(output: str, kind: str) -> list[str]:
    return [line[len(kind) + 1 :] for line in output.splitlines() if line.startswith(kind + " ")]


def test_neovim_shows_the_diagnostics_hovers_formats_and_shuts_down(tmp_path):
    done = run_nvim(tmp_path, POLICY, CRMPOL_HOVER_WORD="Süd")
    print(done.stdout, done.stderr)
    assert done.returncode == 0, done.stdout + done.stderr
    # Neovim 0.7 offers no position encodings: the server uses UTF-16.
    assert records(done.stdout, "ENCODING") == ["utf-16"]

    lines = POLICY.split("\n")

    def byte_col(line: int, needle: str) -> int:
        return len(lines[line][: lines[line].index(needle)].encode("utf-8"))

    misspelt = byte_col(3, "skip acount creation")
    invalid = byte_col(4, "jä")
    assert records(done.stdout, "DIAG") == [
        f"E0002 3 {misspelt} 3 {misspelt + len('skip acount creation')} crmpol unknown setting `skip acount creation`",
        f"E0003 4 {invalid} 4 {invalid + len('jä'.encode())} crmpol invalid value `jä` for `records`",
    ]
    # The cursor on "Süd": its byte column sent as UTF-16 units.
    utf16 = len(lines[2][: lines[2].index("Süd")].encode("utf-16-le")) // 2
    assert records(done.stdout, "CURSOR") == [f"2 {utf16}"]
    assert records(done.stdout, "HOVER") == ["markdown **Kundendienst Süd** (leaf queue)"]
    # Four spaces a level; a misspelt setting goes after the others.
    formatted = 'crm: zendesk\n\nqueue "Kundendienst Süd" {\n    records: jä # 🎉\n    skip acount creation: yes\n}'
    assert records(done.stdout, "LINE") == [f"{n} {line}" for n, line in enumerate(formatted.split("\n"), 1)]
    assert records(done.stdout, "EXIT") == ["0"]


def test_the_smoke_script_fails_when_no_diagnostics_come(tmp_path):
    # A clean policy: the server publishes an empty list, so the script
    # must give up and exit non-zero rather than pass.
    done = run_nvim(tmp_path, 'crm: zendesk\n\nqueue "A" {}\n', CRMPOL_WAIT_MS="1500")
    assert done.returncode == 1, done.stdout + done.stderr
    assert records(done.stdout, "FAIL") == ["no diagnostics within 1500 ms"]
