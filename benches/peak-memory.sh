#!/usr/bin/env bash
# Peak memory of the real reader on the large inputs: runs
# target/release/qari in a private tmux server (a 200×60 pane) under
# `/usr/bin/time -v`, drives it with keys as a person would, and prints the
# "Maximum resident set size" of each run.
#
#   huge   qari target/bench-inputs/arabic-200mb.txt: waits for the first
#          screen, presses Enter (focus the reading pane) and G, waits for
#          the last screen ("100%" in the status bar), waits until the
#          paragraph count is exact (`¶ n/N` without `≈`: the index is
#          built), then q. Also prints the peak over the file's size.
#   tree   qari target/bench-inputs/tree-100k/: waits until the scan is over
#          (the header shows "Documents: 100000" and the status bar's
#          "scanning:" is gone), types a filter query and waits for the
#          filtered list, Esc, opens the selected document (Enter),
#          searches every document's text (Ctrl-f, one word) to the full
#          count of paragraphs, then Esc and q.
#
# Usage: benches/peak-memory.sh [RUNS] [huge|tree|all]  (default: 3 all)
#
# Every run gets fresh XDG_STATE_HOME, XDG_CONFIG_HOME and HOME folders, so
# no saved reading position or config changes what it does. The screen is
# polled (every 20 ms) instead of waiting fixed times; the times printed
# beside each step are from starting qari to the screen showing it, as
# seen through tmux, so they are coarse (criterion's `cargo bench --bench
# scale` measures the same steps in process).
#
# Needs tmux and GNU time's /usr/bin/time (Debian and Ubuntu: package
# `time`, `apt-get install time`; the shell's `time` keyword has no -v).
# The binary is ${CARGO_TARGET_DIR:-target}/release/qari, built with
# `cargo build --release` when missing; QARI=path picks another. The inputs
# are written by benches/gen-inputs.sh when missing.
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
inputs="$repo/target/bench-inputs"
target_dir=${CARGO_TARGET_DIR:-$repo/target}
qari=${QARI:-$target_dir/release/qari}
runs=${1:-3}
which_runs=${2:-all}

command -v tmux >/dev/null || { echo "peak-memory: tmux is missing" >&2; exit 1; }
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "peak-memory: /usr/bin/time (GNU time) is missing: apt-get install time" >&2
    exit 1
fi
if [[ ! -x $qari && -z ${QARI:-} ]]; then
    (cd -- "$repo" && cargo build --release)
fi
[[ -x $qari ]] || { echo "peak-memory: no qari binary at $qari" >&2; exit 1; }
if [[ ! -f $inputs/arabic-200mb.txt || ! -d $inputs/tree-100k ]]; then
    "$repo/benches/gen-inputs.sh"
fi

socket="qari-peak-$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/qari-peak.XXXXXX")
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf -- "$work"' EXIT

tm() { tmux -L "$socket" -f /dev/null "$@"; }
screen() { tm capture-pane -p -t peak; }
now_ms() { date +%s%3N; }

# wait_for WHAT SECONDS TEST...: polls the screen until the command TEST
# (given the screen on its standard input) succeeds on two captures in a
# row that are the same (a capture can land mid-frame); prints the time
# since $started. wait_seen does not wait for the screen to hold still
# (for a step the screen shows while it keeps changing).
wait_for() { poll 2 "$@"; }
wait_seen() { poll 1 "$@"; }
poll() {
    local captures=$1 what=$2 seconds=$3
    shift 3
    local deadline=$(($(now_ms) + seconds * 1000)) last="" current
    while :; do
        current=$(screen)
        if { ((captures == 1)) || [[ $current == "$last" ]]; } && "$@" <<<"$current"; then
            printf '  %6d ms  %s\n' $(($(now_ms) - started)) "$what"
            return
        fi
        last=$current
        if (($(now_ms) > deadline)); then
            echo "peak-memory: timed out waiting for: $what; the screen was:" >&2
            echo "$current" >&2
            exit 1
        fi
        sleep 0.02
    done
}

has() { grep -qE -- "$1"; }
lacks() { ! grep -qE -- "$1"; }
scan_over() { local s; s=$(cat); has ' Documents: 100000( |$)' <<<"$s" && lacks 'scanning:' <<<"$s"; }
search_done() { local s; s=$(cat); has '^ [0-9]+ paragraphs?' <<<"$s" && lacks 'so far' <<<"$s"; }
keys() { tm send-keys -t peak "$@"; }

# start RUN NAME ARGS...: a fresh home and a shell in a fresh tmux server,
# then qari under /usr/bin/time.
start() {
    local run=$1
    shift
    home="$work/$run"
    mkdir -p -- "$home/state" "$home/config"
    # A server of its own per run: a new session on a server still
    # shutting down fails with "server exited unexpectedly".
    tm kill-server 2>/dev/null || true
    socket="qari-peak-$$-$run"
    tm new-session -d -s peak -x 200 -y 60 \
        env -i PATH=/usr/bin:/bin TERM=xterm-256color HOME="$home" \
        XDG_STATE_HOME="$home/state" XDG_CONFIG_HOME="$home/config" HISTFILE= \
        bash --norc --noprofile
    keys "PS1='READY$ '" Enter
    started=$(now_ms)
    wait_for "shell" 10 has 'READY\$'
    keys "clear; /usr/bin/time -v -o '$home/time' '$qari' $* ; echo QARI-EXITED" Enter
    started=$(now_ms)
}

# finish: waits for qari to exit; prints and returns its peak RSS in KiB.
finish() {
    wait_for "qari exited" 30 has '^QARI-EXITED'
    local status
    status=$(awk -F': ' '/Exit status/ {print $2}' "$home/time")
    [[ $status == 0 ]] || echo "  qari exited with status $status" >&2
    peak_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$home/time")
    echo "  Maximum resident set size: $peak_kib KiB ($((peak_kib / 1024)) MiB)"
    awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} /Elapsed/ {e = $2}
        END { printf "  CPU time: user %s s, system %s s; qari ran %s (m:ss)\n", u, s, e }' "$home/time"
}

huge_run() {
    local file="$inputs/arabic-200mb.txt" bytes
    bytes=$(stat -c %s -- "$file")
    echo "huge run $1: $file ($bytes bytes)"
    start "huge-$1" "'$file'"
    wait_seen "first screen" 30 has '¶ '
    keys Enter G
    wait_seen "last screen (100%)" 30 has '100% ¶'
    wait_for "index built (¶ n/N, no ≈)" 120 has '100% ¶ [0-9]+/[0-9]+'
    keys q
    finish
    awk -v kib="$peak_kib" -v bytes="$bytes" \
        'BEGIN { printf "  peak / file size: %.3f\n", kib * 1024 / bytes }'
    huge_peaks+=("$peak_kib")
}

tree_run() {
    local dir="$inputs/tree-100k"
    echo "tree run $1: $dir"
    start "tree-$1" "'$dir'"
    wait_seen "first frame (Documents:)" 30 has ' Documents: '
    wait_for "scan over (Documents: 100000)" 120 scan_over
    # A filter query: two common words of the documents.
    keys /
    keys -l 'التعاون الدولي'
    wait_for "filtered list (Documents: n of 100000)" 30 has ' Documents: [0-9]+ of 100000'
    keys Escape
    wait_for "whole list again" 30 has ' Documents: 100000( |$)'
    keys Enter
    wait_for "document open (¶)" 30 has '¶ [0-9]+/[0-9]+'
    # A search of every document's text (Ctrl-f): the index is built, then
    # searched to the full count.
    keys C-f
    keys -l 'الحرية'
    wait_for "library search done (n paragraphs)" 60 search_done
    keys Escape
    keys q
    finish
    tree_peaks+=("$peak_kib")
}

huge_peaks=()
tree_peaks=()
for ((run = 1; run <= runs; run++)); do
    [[ $which_runs == tree ]] || huge_run "$run"
    [[ $which_runs == huge ]] || tree_run "$run"
done

summary() {
    local name=$1
    shift
    (($# > 0)) || return 0
    printf '%s\n' "$@" | sort -n | awk -v name="$name" '
        { v[NR] = $1 }
        END { printf "%s peak RSS over %d runs: min %.1f MiB, median %.1f MiB, max %.1f MiB\n",
              name, NR, v[1] / 1024, v[int((NR + 1) / 2)] / 1024, v[NR] / 1024 }'
}
echo
summary "arabic-200mb.txt" "${huge_peaks[@]}"
summary "tree-100k" "${tree_peaks[@]}"
