# Sourced, from the repository's top level, by the test scripts that run
# crmpol from outside with Python packages (tests/lsp_client/run.sh,
# tests/pre_commit/run.sh).

# Prints cargo's target directory as an absolute path.
absolute_target_dir() {
    local dir=${CARGO_TARGET_DIR:-target}
    case $dir in
    /*) echo "$dir" ;;
    *) echo "$(pwd)/$dir" ;;
    esac
}

# `make_venv VENV REQUIREMENTS` makes a venv with the packages of a
# requirements file, or keeps the one there while the file and the Python are
# the same. PYTHON picks the interpreter (default python3).
make_venv() {
    local venv=$1 requirements=$2
    local python=${PYTHON:-python3}
    local stamp
    stamp="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version)' | head -n1)"
    if [[ -f $venv/stamp && $(cat "$venv/stamp") == "$stamp" ]]; then
        return 0
    fi
    echo "making the venv $venv (pip install -r $requirements)"
    rm -rf "$venv"
    if ! "$python" -m venv "$venv" 2>/dev/null; then
        # Debian's python3 needs python3-venv for `-m venv`.
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
            rm -rf "$venv"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$python" -m venv "$venv"
        else
            echo "cannot make a venv with $python" >&2
            return 1
        fi
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$stamp" >"$venv/stamp"
}
