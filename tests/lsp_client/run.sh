#!/usr/bin/env bash
# Black-box tests of `crmpol lsp`, the release binary driven by real
# clients: pytest-lsp with the recorded VS Code and Neovim profiles
# (test_lsp.py), and a headless Neovim (test_neovim.py, nvim_smoke.lua).
# What CI does (see docs/development.md, "Language server tests").
#
#   tests/lsp_client/run.sh [PYTEST ARGS...]
#
# CRMPOL_BIN is the binary to test; when it is not set, `cargo build
# --release` builds it (in $CARGO_TARGET_DIR, else target/). The Python
# packages, pinned in requirements.txt, go into a venv of their own,
# $LSP_CLIENT_VENV (default: lsp-client-venv in the target directory),
# made again only when requirements.txt or the Python changes. Neovim is
# installed from Debian's packages where it is missing and this runs as
# root with apt-get; elsewhere the Neovim test is skipped. Exits non-zero
# on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
start=$SECONDS

# shellcheck source=../scripts/common.sh
source tests/scripts/common.sh
target_dir=$(absolute_target_dir)

if [[ -z ${CRMPOL_BIN:-} ]]; then
    echo "building the release binary (cargo build --release)"
    cargo build --release --quiet
    CRMPOL_BIN=$target_dir/release/crmpol
fi
case $CRMPOL_BIN in
/*) ;;
*) CRMPOL_BIN=$repo/$CRMPOL_BIN ;;
esac
if [[ ! -x $CRMPOL_BIN ]]; then
    echo "no executable crmpol at $CRMPOL_BIN" >&2
    exit 1
fi
export CRMPOL_BIN

# The venv: reused while requirements.txt and the Python are the same.
venv=${LSP_CLIENT_VENV:-$target_dir/lsp-client-venv}
make_venv "$venv" tests/lsp_client/requirements.txt

if ! command -v nvim >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Neovim (apt-get install neovim)"
        export DEBIAN_FRONTEND=noninteractive
        # A new machine may have no package lists yet.
        if ! apt-get install -y -qq neovim >/dev/null 2>&1; then
            apt-get update -qq >/dev/null
            apt-get install -y -qq neovim >/dev/null
        fi
    else
        echo "note: nvim is missing and cannot be installed here (not root, or no apt-get): the Neovim test is skipped"
    fi
fi

echo "testing $CRMPOL_BIN ($("$CRMPOL_BIN" --version)); $(command -v nvim >/dev/null 2>&1 && nvim --version | head -n1 || echo 'no Neovim')"
status=0
(cd tests/lsp_client && "$venv/bin/python" -m pytest "$@") || status=$?
echo "the language server client tests took $((SECONDS - start)) s"
exit "$status"
