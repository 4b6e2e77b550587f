#!/usr/bin/env bash
# osc52.sh [OPTIONS] TERMINAL [PAYLOAD ...]
#
# Measures whether a terminal emulator puts text sent with OSC 52 (ESC ] 52 ; c ; BASE64 BEL)
# into the clipboard, and how much of it. For each PAYLOAD the program running inside the
# terminal prints the sequence, then asks for Primary Device Attributes (ESC [ c) and waits
# for the answer: once it arrives the terminal has parsed the whole sequence. The script then
# reads the CLIPBOARD and PRIMARY selections (xclip; wl-paste for foot) and compares them
# byte for byte with the text. Both selections are cleared before every payload.
# foot runs in a nested weston (X11 backend) on the same Xvfb; weston 10 has no primary
# selection, so foot's PRIMARY always reads as none.
#
# TERMINAL: xterm gnome-terminal sakura terminator tilix xfce4-terminal mate-terminal
#           lxterminal kitty mlterm konsole qterminal alacritty st urxvt foot
# PAYLOAD (default: text):
#   text          قرأتُ الكتاب في 1984 مرتين — می‌خواهم ABC  (Arabic with harakat, ZWNJ, Latin; 70 bytes)
#   lines         Arabic and Latin text over three lines, with a tab (checks that LF and TAB survive)
#   ascii:N       N bytes of ASCII lines ("The quick brown fox ...\n")
#   arabic:N      Arabic lines, cut at a character boundary to at most N bytes
#                 N may end in k (x1000) or m (x1000000). ascii:74991 is the largest text
#                 whose plain sequence stays under 100000 bytes (99996 bytes).
# OPTIONS
#   -c default|enable  terminal configuration (default: default). enable turns OSC 52 on where
#                      the terminal has a setting for it:
#                        xterm   -xrm 'XTerm*disallowedWindowOps: 20,21,SetXprop'
#                                (this also allows window operations 1-19; xterm's default
#                                list without SetSelection allows only OSC 52 writes)
#                        mlterm  --osc52=true
#                      (kitty allows clipboard writes by default: use -x for other options)
#   -x ARG             extra command-line argument for the terminal, repeatable
#                      (e.g. -x -o -x clipboard_max_size=0 for kitty)
#   -w none|tmux|screen  run the payload program inside tmux or GNU screen in the terminal
#   -T 'TMUX COMMANDS' tmux configuration (default: 'set -g set-clipboard on')
#   -s plain|tmux|both|screen  how the sequence is sent (default: plain):
#                      tmux    wrapped for tmux passthrough: ESC P tmux; <ESC doubled> ESC \
#                      both    plain, then the tmux-wrapped one
#                      screen  split into ESC P <76 bytes> ESC \ pieces (GNU screen passthrough;
#                              OSC52_SCREEN_CHUNK=N for pieces of N bytes)
# Environment: OSC52_NOKEY=1 (do not press Shift in the terminal before each payload, see
# press_key), OSC52_SETTLE (seconds to keep polling the clipboard after the terminal
# answered, default 2; 4 with a wrapper), OSC52_KEEP=DIR (keep what was read from the
# selections there), OSC52_START_TIMEOUT (default 60).
#
# Output: one line per payload, tab separated:
#   terminal config wrapper send payload text_bytes seq_bytes reply_ms clipboard primary tmux_buffers
# where clipboard/primary is one of
#   exact             the selection holds exactly the text
#   none              nobody owns the selection (the sequence was ignored)
#   truncated:N       the selection holds the first N bytes of the text
#   altered:N@OFF     N bytes, different from the text from byte OFF on
#   twice             the selection holds the text two times in a row
# reply_ms is the time until the answer to ESC [ c (inside tmux or screen they answer it, not
# the terminal), "hang" when the terminal did not answer within its time limit (it is then
# restarted for the next payload) or "exited" when it quit.
# Exit status: 0 done, 77 terminal not installed, 2 usage, 1 anything else.
set -uo pipefail

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
config=default wrapper=none send=plain tmuxconf='set -g set-clipboard on' extra=()
while getopts c:x:w:T:s:h opt; do
  case $opt in
    c) config=$OPTARG ;; x) extra+=("$OPTARG") ;; w) wrapper=$OPTARG ;;
    T) tmuxconf=$OPTARG ;; s) send=$OPTARG ;; *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
term=$1; shift
payloads=("$@"); [ ${#payloads[@]} -gt 0 ] || payloads=(text)
case $config in default|enable) ;; *) usage ;; esac
case $wrapper in none|tmux|screen) ;; *) usage ;; esac
case $send in plain|tmux|both|screen) ;; *) usage ;; esac
settle=${OSC52_SETTLE:-$([ $wrapper = none ] && echo 2 || echo 4)}
FONT="DejaVu Sans Mono"

case $term in
  st) bin=stterm pkg=stterm ;;
  urxvt) bin=urxvt pkg=rxvt-unicode ;;
  xterm|gnome-terminal|sakura|terminator|tilix|xfce4-terminal|mate-terminal|lxterminal|kitty|mlterm|konsole|qterminal|alacritty|foot)
    bin=$term pkg=$term ;;
  *) echo "$0: unknown terminal '$term'" >&2; usage ;;
esac
command -v "$bin" >/dev/null || { echo "SKIPPED: $term is not installed"; exit 77; }
need=(Xvfb xdotool xdpyinfo python3 dbus-run-session)
if [ $term = foot ]; then need+=(weston wl-paste wl-copy); else need+=(xclip xsel); fi
[ $wrapper = none ] || need+=("$wrapper")
for tool in "${need[@]}"; do command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed"; exit 77; }; done

enable=()
if [ $config = enable ]; then
  case $term in
    xterm) enable=(-xrm 'XTerm*disallowedWindowOps: 20,21,SetXprop') ;;
    mlterm) enable=(--osc52=true) ;;
    *) echo "$0: no setting known that enables OSC 52 in $term" >&2; exit 2 ;;
  esac
fi

T=$(mktemp -d /tmp/osc52.XXXXXX)
H=$T/home R=$T/run          # private HOME (all terminal configuration lives here) and XDG_RUNTIME_DIR
mkdir -p "$H" "$R"; chmod 700 "$R"
xvfb_pid="" term_pid="" weston_pid="" win=""

tree() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do tree "$c"; done; echo "$1"; }
# Kill the terminal: its process tree plus processes that left it (D-Bus activated servers,
# the tmux server), found by the private HOME in their environment. Leaves first, by PID.
kill_terminal() {
  local pids="" p
  [ $wrapper = tmux ] && [ -S "$T/tmux.sock" ] && timeout 5 tmux -S "$T/tmux.sock" kill-server 2>/dev/null
  [ -n "$term_pid" ] && pids=$(tree "$term_pid")
  for p in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$p" = "$weston_pid" ] && continue
    grep -qzx "HOME=$H" /proc/$p/environ 2>/dev/null && case " $pids " in *" $p "*) ;; *) pids="$(tree "$p") $pids" ;; esac
  done
  if [ -n "$pids" ]; then
    kill $pids 2>/dev/null
    for _ in $(seq 25); do kill -0 $pids 2>/dev/null || break; sleep 0.2; done
    kill -9 $pids 2>/dev/null
  fi
  term_pid=""
}
cleanup() {
  set +e
  kill_terminal
  [ -n "$weston_pid" ] && { kill $(tree "$weston_pid") 2>/dev/null; wait "$weston_pid"; } 2>/dev/null
  [ -n "$xvfb_pid" ] && { kill "$xvfb_pid"; wait "$xvfb_pid"; } 2>/dev/null
  if [ -n "${OSC52_KEEP:-}" ]; then mkdir -p "$OSC52_KEEP"; cp "$T"/got.* "$T"/text.* "$T"/*.log "$OSC52_KEEP"/ 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
die() { echo "osc52.sh: $term: $*" >&2; [ -s "$T/terminal.log" ] && tail -20 "$T/terminal.log" >&2; exit 1; }

# --- payloads: text.I (the text) and seq.I (the bytes the terminal receives)
python3 - "$T" "$send" "${payloads[@]}" <<'PY' || die "bad payload"
import sys, os, base64
d, send, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
TEXT = 'قرأتُ الكتاب في 1984 مرتين — می‌خواهم ABC'
LINES = 'سطر أول: قرأتُ الكتاب\nsecond line\twith a tab\nمی‌خواهم — 1984'
ASCII = 'The quick brown fox jumps over the lazy dog 0123456789.\n'
ARABIC = TEXT + '\n'
def size(s):
    m = {'k': 1000, 'm': 1000000}.get(s[-1:].lower(), 1)
    return int(s[:-1] if m > 1 else s) * m
def fill(unit, n):
    b = (unit * (n // len(unit.encode()) + 1)).encode()[:n]
    return b.decode('utf-8', 'ignore').encode()      # cut at a character boundary
for i, spec in enumerate(specs):
    kind, _, arg = spec.partition(':')
    if kind == 'text': t = TEXT.encode()
    elif kind == 'lines': t = LINES.encode()
    elif kind == 'ascii': t = fill(ASCII, size(arg))
    elif kind == 'arabic': t = fill(ARABIC, size(arg))
    else: sys.exit('unknown payload ' + spec)
    plain = b'\x1b]52;c;' + base64.b64encode(t) + b'\x07'
    tmux = b'\x1bPtmux;' + plain.replace(b'\x1b', b'\x1b\x1b') + b'\x1b\\'
    c = int(os.environ.get('OSC52_SCREEN_CHUNK', '76'))
    screen = b''.join(b'\x1bP' + plain[k:k + c] + b'\x1b\\' for k in range(0, len(plain), c))
    seq = {'plain': plain, 'tmux': tmux, 'both': plain + tmux, 'screen': screen}[send]
    open('%s/text.%d' % (d, i), 'wb').write(t)
    open('%s/seq.%d' % (d, i), 'wb').write(seq)
PY

# --- display: our own Xvfb on a free :N (N >= 120)
reachable() { xdpyinfo -display "$1" >/dev/null 2>&1; }
start_xvfb() {
  Xvfb "$1" -screen 0 1400x900x24 -nolisten tcp -noreset >"$T/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do reachable "$1" && return 0; kill -0 $xvfb_pid 2>/dev/null || break; sleep 0.1; done
  kill $xvfb_pid 2>/dev/null; wait $xvfb_pid 2>/dev/null; xvfb_pid=""; return 1
}
disp=""
for n in $(seq 120 199); do
  [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ] && continue
  start_xvfb ":$n" && { disp=":$n"; break; }
done
[ -n "$disp" ] || die "no free X display number from :120 up"
export DISPLAY=$disp

# foot is Wayland only: a nested weston (kiosk shell, X11 backend) gives it a seat with a
# keyboard; weston's headless backend has no seat and foot refuses to start there.
if [ $term = foot ]; then
  env XDG_RUNTIME_DIR="$R" HOME="$H" weston --backend=x11-backend.so --use-pixman --shell=kiosk-shell.so \
    --width=904 --height=544 --socket=wl-osc52 --idle-time=0 --log="$T/weston.log" >/dev/null 2>&1 &
  weston_pid=$!
  for _ in $(seq 100); do [ -S "$R/wl-osc52" ] && break; sleep 0.1; done
  [ -S "$R/wl-osc52" ] || die "weston did not start"
fi
wl() { env -u DISPLAY XDG_RUNTIME_DIR="$R" WAYLAND_DISPLAY=wl-osc52 "$@"; }

# --- the program inside the terminal: for payload I, wait for go.I, print seq.I, then ask for
# Device Attributes and write da.I ("ok" once the answer arrived, else "timeout")
cat >"$T/run.sh" <<EOF
#!/bin/bash
i=\$1
touch $T/ready.\$i
while :; do
  while [ ! -e $T/go.\$i ]; do sleep 0.05; done
  cat $T/seq.\$i
  printf '\e[c'
  if IFS= read -r -s -d c -t \$(cat $T/go.\$i) reply; then r=ok; else r=timeout; fi
  echo \$r >$T/da.\$i.tmp; mv $T/da.\$i.tmp $T/da.\$i
  i=\$((i + 1))
done
EOF
chmod +x "$T/run.sh"
printf '%s\n' "$tmuxconf" >"$T/tmux.conf"
printf 'startup_message off\n' >"$T/screenrc"
mkdir -p "$T/screens"; chmod 700 "$T/screens"

# --- terminal command line
start_terminal() { # $1 = index of the first payload
  local inner=("$T/run.sh" "$1") tcmd env_extra=() dbus=0 pre=""
  case $wrapper in
    tmux) inner=(tmux -S "$T/tmux.sock" -f "$T/tmux.conf" new-session "$T/run.sh $1") ;;
    screen) inner=(screen -c "$T/screenrc" -S osc52 "$T/run.sh" "$1") ;;
  esac
  printf '#!/bin/bash\nexec' >"$T/inner.sh"; printf ' %q' "${inner[@]}" >>"$T/inner.sh"; echo >>"$T/inner.sh"
  chmod +x "$T/inner.sh"
  local run=$T/inner.sh x=("${enable[@]}" "${extra[@]}")
  case $term in
    xterm) tcmd=(xterm -fa "$FONT" -fs 11 -geometry 100x30+0+0 "${x[@]}" -e "$run") ;;
    gnome-terminal) dbus=1; tcmd=(gnome-terminal --wait --geometry=100x30+0+0 "${x[@]}" -- "$run") ;;
    sakura) tcmd=(sakura -c 100 -r 30 -f "$FONT 11" "${x[@]}" -x "$run") ;;
    terminator) dbus=1; tcmd=(terminator -u --geometry=904x544+0+0 "${x[@]}" -x "$run") ;;
    tilix) dbus=1; tcmd=(tilix --geometry=100x30+0+0 "${x[@]}" -e "$run") ;;
    xfce4-terminal) dbus=1; tcmd=(xfce4-terminal --disable-server --geometry=100x30+0+0 "${x[@]}" -x "$run") ;;
    mate-terminal) dbus=1; tcmd=(mate-terminal --disable-factory --geometry=100x30+0+0 "${x[@]}" -x "$run") ;;
    lxterminal) dbus=1; tcmd=(lxterminal --no-remote --geometry=100x30 "${x[@]}" -e "$run") ;;
    kitty) env_extra=(LIBGL_ALWAYS_SOFTWARE=1)
      tcmd=(kitty --config NONE -o "font_family=$FONT" -o font_size=11 "${x[@]}" "$run") ;;
    mlterm) tcmd=(mlterm -g 100x30+0+0 "${x[@]}" -e "$run") ;;
    konsole) dbus=1 env_extra=(QT_QPA_PLATFORM=xcb)
      tcmd=(konsole --separate --nofork --hide-menubar --hide-tabbar "${x[@]}" -e "$run") ;;
    qterminal) dbus=1 env_extra=(QT_QPA_PLATFORM=xcb); tcmd=(qterminal "${x[@]}" -e "$run") ;;
    alacritty) env_extra=(LIBGL_ALWAYS_SOFTWARE=1); tcmd=(alacritty "${x[@]}" -e "$run") ;;
    st) tcmd=(stterm -f "$FONT:size=11" -g 100x30+0+0 "${x[@]}" -e "$run") ;;
    urxvt) tcmd=(urxvt -fn "xft:$FONT:size=11" -geometry 100x30+0+0 "${x[@]}" -e "$run") ;;
    foot) env_extra=(WAYLAND_DISPLAY=wl-osc52); tcmd=(foot -o "font=$FONT:size=11" "${x[@]}" "$run") ;;
  esac
  { [ -n "$pre" ] && echo "$pre"; [ $term = foot ] && echo 'unset DISPLAY'
    printf 'exec'; printf ' %q' "${tcmd[@]}"; echo; } >"$T/launch.sh"
  local launcher=(bash "$T/launch.sh"); [ $dbus = 1 ] && launcher=(dbus-run-session -- "${launcher[@]}")
  env -i HOME="$H" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8 DISPLAY="$DISPLAY" \
    USER="$(id -un)" SHELL=/bin/bash XDG_RUNTIME_DIR="$R" SCREENDIR="$T/screens" "${env_extra[@]}" \
    "${launcher[@]}" >>"$T/terminal.log" 2>&1 &
  term_pid=$!
  local deadline=$((SECONDS + ${OSC52_START_TIMEOUT:-60}))
  until [ -e "$T/ready.$1" ]; do
    [ $SECONDS -lt $deadline ] || die "timed out waiting for the terminal to start"
    kill -0 $term_pid 2>/dev/null || die "the terminal exited before running the payload program"
    sleep 0.1
  done
  # no window manager runs: the terminal window is the largest visible one (for foot: weston's)
  local w g best=0 WINDOW X Y WIDTH HEIGHT SCREEN
  win=""
  for w in $(xdotool search --onlyvisible --name '' 2>/dev/null); do
    g=$(xdotool getwindowgeometry --shell "$w" 2>/dev/null) && eval "$g" || continue
    [ "$WIDTH" -lt 1400 ] && [ $((WIDTH * HEIGHT)) -gt $best ] && best=$((WIDTH * HEIGHT)) win=$w
  done
  [ -n "$win" ] && xdotool windowfocus "$win" 2>/dev/null
  # foot ignores OSC 52 while it has no keyboard focus ("OSC52: client tried to write to
  # clipboard data while window was unfocused"): weston passes the X focus on to it
  if [ $term = foot ]; then sleep 2; else sleep 0.5; fi
}
# A terminal asks for the selection with the time of the last X event (Wayland: the serial of
# the last input event) it received. Clearing the selections makes that time too old, and the
# X server (compositor) then refuses the request silently. A user presses a key before a
# program copies, so press Shift (no input bytes) in the focused terminal window, unless
# OSC52_NOKEY=1.
press_key() {
  [ "${OSC52_NOKEY:-0}" = 1 ] && return
  [ -n "$win" ] && xdotool windowfocus "$win" 2>/dev/null
  xdotool key shift 2>/dev/null
  if [ $term = foot ]; then sleep 0.5; else sleep 0.2; fi
}

# --- selections
clear_selections() {
  if [ $term = foot ]; then wl timeout 10 wl-copy --clear; wl timeout 10 wl-copy --primary --clear 2>/dev/null
  else xsel --clear --clipboard; xsel --clear --primary; fi
}
read_selection() { # $1 = clipboard|primary, $2 = output file; fails if nobody owns the selection
  local p=(); [ "$1" = primary ] && p=(--primary)
  if [ $term = foot ]; then
    wl timeout 60 wl-paste "${p[@]}" --no-newline >"$2" 2>/dev/null; return
  fi
  timeout 60 xclip -o -selection "$1" -t UTF8_STRING >"$2" 2>/dev/null && return
  timeout 60 xclip -o -selection "$1" -t STRING >"$2" 2>/dev/null   # no UTF8_STRING target
}
compare() { # $1 = got (or missing), $2 = expected
  [ -e "$1" ] || { echo none; return; }
  cmp -s "$1" "$2" && { echo exact; return; }
  local n e; n=$(stat -c %s "$1"); e=$(stat -c %s "$2")
  [ "$n" -gt 0 ] && [ "$n" -lt "$e" ] && cmp -s "$1" <(head -c "$n" "$2") && { echo "truncated:$n"; return; }
  [ "$n" = $((2 * e)) ] && cmp -s "$1" <(cat "$2" "$2") && { echo twice; return; }
  local off; off=$(cmp "$1" "$2" 2>/dev/null | sed -n 's/.* byte \([0-9]*\),.*/\1/p')
  [ -n "$off" ] || off=$((n < e ? n : e) + 1)
  echo "altered:$n@$((off - 1))"
}
tmux_buffers() { # names and sizes of tmux's paste buffers, and whether the newest equals $1
  local list top
  list=$(timeout 5 tmux -S "$T/tmux.sock" list-buffers -F '#{buffer_size}' 2>/dev/null | tr '\n' ',' | sed 's/,$//')
  [ -n "$list" ] || { echo "none"; return; }
  timeout 10 tmux -S "$T/tmux.sock" show-buffer >"$T/tmuxbuf" 2>/dev/null
  top=$(compare "$T/tmuxbuf" "$1")
  echo "$top(sizes:$list)"
}

start_terminal 0
for i in "${!payloads[@]}"; do
  [ -n "$term_pid" ] || start_terminal "$i"
  clear_selections
  if [ $wrapper = tmux ]; then
    for _ in $(seq 50); do timeout 5 tmux -S "$T/tmux.sock" delete-buffer 2>/dev/null || break; done
  fi
  press_key
  tb=$(stat -c %s "$T/text.$i") sb=$(stat -c %s "$T/seq.$i")
  limit=$((20 + sb / 50000))                    # seconds for the terminal to answer
  start=$(date +%s%N)
  echo $limit >"$T/go.$i.tmp"; mv "$T/go.$i.tmp" "$T/go.$i"
  reply=""
  deadline=$((SECONDS + limit + 5))
  while [ ! -e "$T/da.$i" ]; do
    kill -0 "$term_pid" 2>/dev/null || { reply=exited; break; }
    [ $SECONDS -lt $deadline ] || { reply=hang; break; }
    sleep 0.05
  done
  [ -z "$reply" ] && [ "$(cat "$T/da.$i")" != ok ] && reply=hang
  [ -z "$reply" ] && reply=$((($(date +%s%N) - start) / 1000000))
  # poll the clipboard until it holds the text, at most $settle seconds
  got=$T/got.$i.clipboard
  end=$((SECONDS + settle))
  while :; do
    rm -f "$got"; read_selection clipboard "$got.tmp" && mv "$got.tmp" "$got"
    [ -e "$got" ] && cmp -s "$got" "$T/text.$i" && break
    [ $SECONDS -lt $end ] || break
    sleep 0.25
  done
  rm -f "$got.tmp" "$T/got.$i.primary"
  read_selection primary "$T/got.$i.primary.tmp" && mv "$T/got.$i.primary.tmp" "$T/got.$i.primary"
  rm -f "$T/got.$i.primary.tmp"
  buffers=-; [ $wrapper = tmux ] && buffers=$(tmux_buffers "$T/text.$i")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$term" "$config${extra[*]:+ ${extra[*]}}" "$wrapper" "$send" \
    "${payloads[$i]}" "$tb" "$sb" "$reply" "$(compare "$got" "$T/text.$i")" \
    "$(compare "$T/got.$i.primary" "$T/text.$i")" "$buffers"
  case $reply in hang|exited) kill_terminal ;; esac
done
