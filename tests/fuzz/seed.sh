#!/usr/bin/env bash
# Refreshes the committed seed corpora in tests/fuzz/seeds/<target>/ from the
# project's policy files: every tests/fixtures/**/*.crmpol and policies/**/*.crmpol
# as one seed each, named after its path. For the targets that read a policy
# set of one file or two (fix, render), each fixture directory of exactly two
# files also becomes one two-file seed: the byte 0xC0 (cut the rest in half),
# then both files, the shorter padded with line breaks to the longer's length.
set -euo pipefail
cd "$(dirname "$0")/../.."

targets=(analyze fmt_round_trip fix render)
two_file_targets=(fix render)

for target in "${targets[@]}"; do
    rm -rf "tests/fuzz/seeds/$target"
    mkdir -p "tests/fuzz/seeds/$target"
done

mapfile -t files < <(find tests/fixtures policies -name '*.crmpol' -type f | LC_ALL=C sort)
for file in "${files[@]}"; do
    name=$(echo "${file#tests/}" | tr '/' '-')
    for target in "${targets[@]}"; do
        cp "$file" "tests/fuzz/seeds/$target/$name"
    done
done

# Writes `count` line breaks.
breaks() {
    local count=$1
    while ((count > 0)); do
        printf '\n'
        count=$((count - 1))
    done
}

mapfile -t dirs < <(printf '%s\n' "${files[@]}" | sed 's|/[^/]*$||' | LC_ALL=C sort | uniq -c | awk '$1 == 2 { print $2 }')
for dir in "${dirs[@]}"; do
    mapfile -t pair < <(find "$dir" -maxdepth 1 -name '*.crmpol' -type f | LC_ALL=C sort)
    first=$(wc -c <"${pair[0]}")
    second=$(wc -c <"${pair[1]}")
    name="two-files-$(echo "${dir#tests/}" | tr '/' '-')"
    for target in "${two_file_targets[@]}"; do
        {
            printf '\xc0'
            cat "${pair[0]}"
            breaks $((second > first ? second - first : 0))
            cat "${pair[1]}"
            breaks $((first > second ? first - second : 0))
        } >"tests/fuzz/seeds/$target/$name"
    done
done

# The diff target reads one policy (compared with its canonical layout) or,
# after a first byte 0xC0, two halves (fuzz_targets/diff.rs): the example
# policies as single seeds, and each old/new pair of tests/fixtures/diff
# whose sides are one file each as a pair, padded like the two-file seeds.
rm -rf tests/fuzz/seeds/diff
mkdir -p tests/fuzz/seeds/diff
for file in policies/*.crmpol; do
    cp "$file" "tests/fuzz/seeds/diff/$(basename "$file")"
done
for case in tests/fixtures/diff/*/; do
    old=("$case"old/*.crmpol)
    new=("$case"new/*.crmpol)
    ((${#old[@]} == 1 && ${#new[@]} == 1)) || continue
    first=$(wc -c <"${old[0]}")
    second=$(wc -c <"${new[0]}")
    {
        printf '\xc0'
        cat "${old[0]}"
        breaks $((second > first ? second - first : 0))
        cat "${new[0]}"
        breaks $((first > second ? first - second : 0))
    } >"tests/fuzz/seeds/diff/pair-$(basename "$case")"
done

# The lsp target reads editor actions (fuzz_targets/lsp.rs): for each of
# the example policies, a seed that opens it as the first document, types
# a letter into its second line, asks for a hover there, opens a short
# second document, then replaces the first document's text with its own.
rm -rf tests/fuzz/seeds/lsp
mkdir -p tests/fuzz/seeds/lsp
for file in policies/*.crmpol tests/fixtures/diagnostics/E0101-*.crmpol; do
    python3 - "$file" "tests/fuzz/seeds/lsp/$(basename "$file")" <<'PY'
import sys
text = open(sys.argv[1], 'rb').read()[:255]
second = b'crm: zendesk\nqueue "A"\n'
seed = bytes([0])                                   # UTF-16 positions
seed += bytes([0, len(text)]) + text                # open a.crmpol
seed += bytes([1, 1, 4, 1, 4, 1]) + b'x'            # type `x` at 1:4
seed += bytes([5, 0, 1, 4, 1, 4])                   # hover at 1:4
seed += bytes([8, len(second)]) + second            # open b.crmpol
seed += bytes([3, len(text)]) + text                # a.crmpol's text again
open(sys.argv[2], 'wb').write(seed)
PY
done
# The analyze target also reads its bytes as a policy and a queue catalog
# (fuzz_targets/analyze.rs): one seed per tests/fixtures/catalog-tables
# folder, a first byte that puts the cut right after the policy, then the
# policy, then the catalog.
for dir in tests/fixtures/catalog-tables/*/; do
    python3 - "$dir" "tests/fuzz/seeds/analyze/catalog-$(basename "$dir")" <<'PY'
import sys
policy = open(sys.argv[1] + 'policy.crmpol', 'rb').read()
catalog = open(sys.argv[1] + 'menus.json', 'rb').read()
total = 1 + len(policy) + len(catalog)
first = next(b for b in range(256) if b * total // 256 >= 1 + len(policy))
open(sys.argv[2], 'wb').write(bytes([first]) + policy + catalog)
PY
done
targets+=(lsp diff)

for target in "${targets[@]}"; do
    echo "$target: $(find "tests/fuzz/seeds/$target" -type f | wc -l) seeds"
done
