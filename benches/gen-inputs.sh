#!/usr/bin/env bash
# Generates large inputs for `cargo bench --bench layout` and
# `cargo bench --bench scale` into target/bench-inputs/ (not committed):
#
#   arabic-40mb.txt    the documents in assets/*.txt, each ending with a line
#                      feed, concatenated in name order, and the whole
#                      repeated until the file holds at least 40,000,000
#                      bytes;
#   arabic-2mb.txt     the same, at least 2,000,000 bytes: small enough for
#                      valgrind --tool=callgrind;
#   arabic-200mb.txt   the same, at least 200,000,000 bytes: the huge
#                      document of `scale` and benches/peak-memory.sh;
#   long-line-50mb.txt the same documents with every line ending turned into
#                      a space and runs of spaces squeezed, repeated until
#                      there are at least 50,000,000 bytes: one line of
#                      Arabic words, no line feed anywhere;
#   tree-100k/         100,000 small Arabic documents, d000/f0000.txt to
#                      d099/f0999.txt: a title line of 3 to 9 words, a blank
#                      line, then 2 to 8 lines of 10 to 40 words, the words
#                      drawn from the documents in assets/ (ASCII punctuation
#                      dropped) by a fixed-seed Park-Miller generator, so
#                      every run and every awk writes the same tree (about
#                      400 MB on disk with 4 KB blocks; 10 to 30 s).
#
# Existing files are kept (delete one to have it written again). Runs from
# any directory. The layout benchmark builds arabic-40mb.txt byte for byte
# the same way when it is missing, and the scale benchmark runs this script
# when its inputs are missing, so running it first is optional.
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
line=$(mktemp "$out_dir/.line.XXXXXX")
tmp=$(mktemp "$out_dir/.input.XXXXXX")
tree_tmp=""
trap 'rm -f -- "$unit" "$line" "$tmp" "$tmp.2"; [[ -z $tree_tmp ]] || rm -rf -- "$tree_tmp"' EXIT

# One copy of every document, each ending with exactly one added line feed
# when it lacks one, so that documents never run into each other.
for doc in "${docs[@]}"; do
    cat -- "$doc" >>"$unit"
    if [[ -s "$doc" && $(tail -c 1 -- "$doc" | od -An -tx1 | tr -d ' \n') != 0a ]]; then
        printf '\n' >>"$unit"
    fi
done

# The documents as one line: line endings become spaces, runs of spaces one.
tr '\r\n' '  ' <"$unit" | tr -s ' ' >"$line"

# generate NAME MIN_BYTES [SOURCE]: whole copies of SOURCE (by default the
# documents), at least MIN_BYTES.
generate() {
    local out="$out_dir/$1" min_bytes=$2 source=${3:-$unit}
    if [[ -s "$out" ]]; then
        echo "gen-inputs: $out already exists, skipping"
        return
    fi
    local unit_bytes
    unit_bytes=$(wc -c <"$source")
    local copies=$(((min_bytes + unit_bytes - 1) / unit_bytes)) have=1
    # Doubling keeps this fast: append the file to itself while that does
    # not overshoot, then top up with single copies.
    cp -- "$source" "$tmp"
    while ((have * 2 <= copies)); do
        cat -- "$tmp" "$tmp" >"$tmp.2"
        mv -- "$tmp.2" "$tmp"
        have=$((have * 2))
    done
    while ((have < copies)); do
        cat -- "$source" >>"$tmp"
        have=$((have + 1))
    done
    chmod 644 -- "$tmp"
    mv -- "$tmp" "$out"
    echo "gen-inputs: wrote $out ($(wc -c <"$out") bytes, $copies copies of $unit_bytes bytes)"
}

generate arabic-40mb.txt 40000000
generate arabic-2mb.txt 2000000
generate arabic-200mb.txt 200000000
generate long-line-50mb.txt 50000000 "$line"

# make_tree NAME FOLDERS FILES_PER_FOLDER: the small documents, written
# aside and renamed when complete.
make_tree() {
    local out="$out_dir/$1" folders=$2 files=$3
    if [[ -d "$out" ]]; then
        echo "gen-inputs: $out already exists, skipping"
        return
    fi
    tree_tmp=$(mktemp -d "$out_dir/.tree.XXXXXX")
    local d
    for ((d = 0; d < folders; d++)); do
        mkdir -- "$tree_tmp/$(printf 'd%03d' "$d")"
    done
    # Park-Miller's minimal standard generator: every product stays below
    # 2^46, exact in the doubles awk computes with, so mawk, gawk and
    # busybox awk draw the same numbers.
    awk -v root="$tree_tmp" -v folders="$folders" -v files="$files" -v seed=20261124 '
        function draw(k) {
            seed = (seed * 16807) % 2147483647
            return seed % k
        }
        function words(count,   s, i) {
            s = word[draw(n)]
            for (i = 1; i < count; i++) s = s " " word[draw(n)]
            return s
        }
        {
            for (i = 1; i <= NF; i++) {
                w = $i
                gsub(/[][(){}.,:;!?"-]/, "", w)
                if (w != "") word[n++] = w
            }
        }
        END {
            if (n == 0) exit 1
            for (d = 0; d < folders; d++) {
                for (f = 0; f < files; f++) {
                    path = sprintf("%s/d%03d/f%04d.txt", root, d, f)
                    printf "%s\n\n", words(3 + draw(7)) > path
                    lines = 2 + draw(7)
                    for (l = 0; l < lines; l++) print words(10 + draw(31)) > path
                    close(path)
                }
            }
        }' "$unit"
    chmod 755 -- "$tree_tmp"
    mv -- "$tree_tmp" "$out"
    tree_tmp=""
    echo "gen-inputs: wrote $out ($((folders * files)) documents in $folders folders)"
}

make_tree tree-100k 100 1000
