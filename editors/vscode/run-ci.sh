#!/usr/bin/env bash
# CI for the VS Code extension: install from the lock file, typecheck and
# bundle, run the grammar and unit tests, package the .vsix and check what
# it holds. Needs Node.js 20 or newer with npm; no VS Code, no Rust.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v npm >/dev/null 2>&1; then
    echo "run-ci.sh: Node.js 20 or newer with npm is needed" >&2
    exit 1
fi
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error(`run-ci.sh: Node.js 20 or newer is needed, found ${process.version}`); process.exit(1); }'

echo "--- editors/vscode: npm ci"
# Exactly the lock file, from npm's cache when it has the packages. No
# package here needs its install script; skipping them also keeps vsce's
# optional keytar from trying to fetch or compile a native module.
npm ci --ignore-scripts --prefer-offline --no-audit --no-fund

echo "--- editors/vscode: npm run build (tsc --noEmit, esbuild bundle)"
npm run build

echo "--- editors/vscode: npm run test:grammar"
# vscode-tmgrammar-test can backtrack for ever on a malformed assertion line
# (such as two ` - ` exclusions): fail instead of hanging.
timeout 300 npm run test:grammar

echo "--- editors/vscode: npm run test:unit"
timeout 300 npm run test:unit

echo "--- editors/vscode: npm run package, and what the .vsix holds"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run package -- --out "$out/crmpol.vsix"
expected='[Content_Types].xml
extension.vsixmanifest
extension/language-configuration.json
extension/out/extension.js
extension/package.json
extension/readme.md
extension/syntaxes/crmpol.tmLanguage.json'
actual=$(unzip -Z1 "$out/crmpol.vsix" | LC_ALL=C sort)
if [ "$actual" != "$expected" ]; then
    echo "the .vsix holds other files than expected:" >&2
    diff <(echo "$expected") <(echo "$actual") >&2 || true
    exit 1
fi
echo "the .vsix holds the bundle, the grammar, the language configuration, package.json and the README"
