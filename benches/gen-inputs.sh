#!/usr/bin/env bash
# Generates large inputs for `cargo bench --bench layout` into
# target/bench-inputs/ (not committed):
#
#   arabic-40mb.txt  the documents in assets/*.txt, each ending with a line
#                    feed, concatenated in name order, and the whole repeated
#                    until the file holds at least 40,000,000 bytes;
#   arabic-2mb.txt   the same, at least 2,000,000 bytes: small enough for
#                    valgrind --tool=callgrind.
#
# Existing files are kept. Runs from any directory. The benchmark builds
# arabic-40mb.txt byte for byte the same way when it is missing, so running
# this script first is optional.
set -euo pipefail
export LC_ALL=C

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
out_dir="$repo/target/bench-inputs"

shopt -s nullglob
docs=("$repo"/assets/*.txt)
if ((${#docs[@]} == 0)); then
    echo "gen-inputs: no documents in $repo/assets" >&2
    exit 1
fi

mkdir -p -- "$out_dir"
unit=$(mktemp "$out_dir/.unit.XXXXXX")
tmp=$(mktemp "$out_dir/.input.XXXXXX")
trap 'rm -f -- "$unit" "$tmp" "$tmp.2"' EXIT

# One copy of every document, each ending with exactly one added line feed
# when it lacks one, so that documents never run into each other.
for doc in "${docs[@]}"; do
    cat -- "$doc" >>"$unit"
    if [[ -s "$doc" && $(tail -c 1 -- "$doc" | od -An -tx1 | tr -d ' \n') != 0a ]]; then
        printf '\n' >>"$unit"
    fi
done
unit_bytes=$(wc -c <"$unit")

# generate NAME MIN_BYTES: whole copies of the documents, at least MIN_BYTES.
generate() {
    local out="$out_dir/$1" min_bytes=$2
    if [[ -s "$out" ]]; then
        echo "gen-inputs: $out already exists, skipping"
        return
    fi
    local copies=$(((min_bytes + unit_bytes - 1) / unit_bytes)) have=1
    # Doubling keeps this fast: append the file to itself while that does
    # not overshoot, then top up with single copies.
    cp -- "$unit" "$tmp"
    while ((have * 2 <= copies)); do
        cat -- "$tmp" "$tmp" >"$tmp.2"
        mv -- "$tmp.2" "$tmp"
        have=$((have * 2))
    done
    while ((have < copies)); do
        cat -- "$unit" >>"$tmp"
        have=$((have + 1))
    done
    chmod 644 -- "$tmp"
    mv -- "$tmp" "$out"
    echo "gen-inputs: wrote $out ($(wc -c <"$out") bytes, $copies copies of $unit_bytes bytes)"
}

generate arabic-40mb.txt 40000000
generate arabic-2mb.txt 2000000
