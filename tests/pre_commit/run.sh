#!/usr/bin/env bash
# The pre-commit hooks of .pre-commit-hooks.yaml, run as a user's repository
# runs them: `pre-commit try-repo` on this checkout, in a scratch git
# repository of policies (see docs/development.md, "The pre-commit hooks").
#
#   tests/pre_commit/run.sh
#
# 1. A clean, canonical policy set whose `crm:` is declared in another file
#    than the one changed: both hooks pass, so crmpol-check checked the
#    whole set, not the file alone (which reports E0004).
# 2. A set with an error across two files and a file out of layout: both
#    hooks fail, crmpol-check reports the E0101 pointing at both files, and
#    crmpol-fmt has rewritten the file in the canonical layout.
#
# try-repo takes the checkout's HEAD plus its uncommitted changes to
# tracked files (an untracked .pre-commit-hooks.yaml must be `git add`ed).
# pre-commit builds crmpol with `cargo install --path .`, which ignores
# Cargo.lock and so shares no dependency build with the locked one: it
# builds in its own target directory ($target_dir/pre-commit-target, kept
# between runs) at opt-level 0, which is all a hook test needs. pre-commit
# itself, pinned in requirements.txt, goes into a venv in the target
# directory ($PRE_COMMIT_VENV, default pre-commit-venv). Exits non-zero on
# any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
start=$SECONDS

# shellcheck source=../scripts/common.sh
source tests/scripts/common.sh
target_dir=$(absolute_target_dir)

if ! git ls-files --error-unmatch .pre-commit-hooks.yaml >/dev/null 2>&1; then
    echo ".pre-commit-hooks.yaml is not tracked by git, so pre-commit try-repo cannot see it: git add it" >&2
    exit 1
fi

# The venv: reused while requirements.txt and the Python are the same.
venv=${PRE_COMMIT_VENV:-$target_dir/pre-commit-venv}
make_venv "$venv" tests/pre_commit/requirements.txt
pre_commit=$venv/bin/pre-commit

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export PRE_COMMIT_HOME=$scratch/pre-commit-home
export CARGO_TARGET_DIR=$target_dir/pre-commit-target
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export GIT_AUTHOR_NAME=crmpol-ci GIT_AUTHOR_EMAIL=ci@crmpol.invalid
export GIT_COMMITTER_NAME=crmpol-ci GIT_COMMITTER_EMAIL=ci@crmpol.invalid
work=$scratch/policies-repo
git init --quiet "$work"

fail() {
    echo "FAILED: $1" >&2
    echo "--- pre-commit printed:" >&2
    cat "$scratch/output" >&2
    exit 1
}

# Runs every hook of this checkout in the scratch repository; the output
# is kept in $scratch/output and the exit status in $status.
try_repo() {
    status=0
    (cd "$work" && "$pre_commit" try-repo "$repo" --color never "$@") >"$scratch/output" 2>&1 || status=$?
}

hook_result() { # hook name, Passed|Failed
    grep -Eq "^$1\.+$2\$" "$scratch/output"
}

echo "--- 1. a clean policy set, one file of it changed: both hooks pass"
cp -r policies "$work/policies"
git -C "$work" add .
git -C "$work" commit --quiet -m "policies"
try_repo --files policies/sales.crmpol
[[ $status == 0 ]] || fail "the hooks fail on a clean policy set (status $status)"
hook_result "crmpol check" Passed || fail "crmpol-check did not pass"
hook_result "crmpol fmt" Passed || fail "crmpol-fmt did not pass"
git -C "$work" diff --quiet || fail "crmpol-fmt changed a canonical file"

echo "--- 2. an error across two files and a file out of layout: both hooks fail"
git -C "$work" rm --quiet -r policies
cp -r tests/fixtures/readme/split "$work/split"
printf 'queue "Ugly"{\n  skip record creation:yes\n\tqueue "Billing"\n}\n' >"$work/split/ugly.crmpol"
git -C "$work" add .
try_repo --all-files
[[ $status == 1 ]] || fail "the hooks should fail with status 1, not $status"
hook_result "crmpol check" Failed || fail "crmpol-check did not fail"
grep -q "E0101" "$scratch/output" || fail "crmpol-check does not report the E0101"
grep -q "split/a.crmpol" "$scratch/output" && grep -q "split/b.crmpol" "$scratch/output" ||
    fail "the E0101 does not point at both files"
hook_result "crmpol fmt" Failed || fail "crmpol-fmt did not fail"
grep -q "files were modified by this hook" "$scratch/output" || fail "crmpol-fmt did not rewrite a file"
expected=$'queue "Ugly" {\n    skip record creation: yes\n    queue "Billing"\n}'
[[ $(cat "$work/split/ugly.crmpol") == "$expected" ]] ||
    fail "split/ugly.crmpol is not in the canonical layout: $(cat "$work/split/ugly.crmpol")"
[[ -z $(git -C "$work" diff --name-only -- split/a.crmpol split/b.crmpol) ]] ||
    fail "crmpol-fmt changed a canonical file"

echo "the pre-commit hooks test took $((SECONDS - start)) s"
