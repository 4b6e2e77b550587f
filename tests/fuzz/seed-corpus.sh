#!/usr/bin/env bash
# Writes a small seed corpus for the decode_layout fuzz target into
# tests/fuzz/corpus/decode_layout (ignored by git): the opening lines of the
# bundled documents in UTF-8, with a BOM, in UTF-16 and in the two legacy
# Arabic code pages, and a few hostile byte strings.
#
# Each seed starts with the three bytes the target reads as its case: the
# width (byte % 200 + 1), the flags (1 wrap, 2 shape, 4 harakat, 8 LTR,
# 16 RTL, 32 logical order, 64 padding) and the forced encoding (0 none,
# 1 UTF-8, 2 UTF-16LE, 3 UTF-16BE, 4 windows-1256, 5 ISO-8859-6).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus/decode_layout
mkdir -p "$out"

# seed NAME HEADER: the header (printf escapes), then standard input.
seed() {
  { printf "$2"; cat; } >"$out/$1"
}

n=0
for doc in assets/*.txt; do
  n=$((n + 1))
  sample=$(head -n 3 "$doc")
  # Widths 40 and 80 (bytes 39 and 79), wrapped, shaped, harakat shown.
  printf '%s' "$sample" | seed "utf8-$n" '\x27\x07\x00'
  printf '%s' "$sample" | seed "utf8-padded-$n" '\x4f\x47\x00'
  { printf '\xef\xbb\xbf'; printf '%s' "$sample"; } | seed "utf8-bom-$n" '\x4f\x03\x00'
  { printf '\xff\xfe'; printf '%s' "$sample" | iconv -f UTF-8 -t UTF-16LE; } |
    seed "utf16le-bom-$n" '\x27\x07\x00'
  { printf '\xfe\xff'; printf '%s' "$sample" | iconv -f UTF-8 -t UTF-16BE; } |
    seed "utf16be-$n" '\x27\x07\x03'
  # -c leaves out the few characters a code page lacks.
  printf '%s' "$sample" | iconv -c -f UTF-8 -t CP1256 | seed "cp1256-$n" '\x1d\x17\x00'
  printf '%s' "$sample" | iconv -c -f UTF-8 -t ISO-8859-6 | seed "iso-8859-6-$n" '\x1d\x27\x05'
done

printf 'ESC \x1b[31mred\x1b[0m, OSC \x1b]0;title\x07, 8-bit CSI \xc2\x9b2J, DEL \x7f' |
  seed hostile-escapes '\x13\x07\x00'
printf 'abc \xe2\x80\xaeRLO \xe2\x80\xabRLE \xe2\x81\xa7RLI\xe2\x81\xa9 \xe2\x80\x8fRLM\xe2\x80\xac end' |
  seed hostile-bidi '\x09\x0f\x00'
printf 'one\r\ntwo\rthree\n\r\nfour\xe2\x80\xa8five\xe2\x80\xa9six' |
  seed hostile-line-endings '\x09\x47\x00'
printf 'nul\x00byte \xed\xa0\x80 surrogate \xc0\xaf overlong \xf8\x88\x80\x80\x80 \xe2\x82' |
  seed hostile-invalid-utf8 '\x09\x07\x00'
printf '\xef\xbb\xbf\xef\xbb\xbf\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85' | seed hostile-double-bom '\x09\x07\x00'
printf '\t\t\xd9\x84\xd8\xa7\xd9\x8e\t\xd9\x84\xd8\xa3\xd9\x91\t\xd9\x80\xd9\x80\xe2\x80\x8d\xd8\xa8\t1\t(2)' |
  seed hostile-tabs-lam-alef '\x03\x07\x00'
printf '\xd7\xa9\xd6\xb8\xd7\x81\xd7\x9c\xd7\x95\xd6\xb9\xd7\x9d [1,234.5] (ok) \xe6\x97\xa5\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd' |
  seed hostile-hebrew-wide '\x00\x17\x00'
printf 'A\x00B\x00\xd0\x00' | seed hostile-utf16-no-bom '\x13\x07\x02'
# An unwrapped line wider than 65,535 cells: 9,000 tabs of 8 cells each.
head -c 9000 /dev/zero | tr '\0' '\t' | seed hostile-long-tabs '\x4f\x02\x00'
