#!/usr/bin/env bash
# shoot.sh TERMINAL OUTDIR COMMAND [KEY ...]
#
# Runs COMMAND inside a real terminal emulator (100x30 cells, DejaVu Sans Mono 11) on an
# X display and saves what the terminal draws:
#   OUTDIR/calibration.png  a full block in the first and in the last cell (finds the grid)
#   OUTDIR/screen.png       COMMAND's screen once it stopped changing
#   OUTDIR/key-N.png        the screen after the N-th KEY
#   OUTDIR/info.txt         terminal, package version, window geometry, date, cell grid
# KEY: an xdotool key name (j, Return, ctrl+f), type:TEXT, sleep:SECONDS or resize:COLSxROWS.
# Environment: SHOOT_DISPLAY (X display to use), SHOOT_TIMEOUT (total seconds, default 60),
# TERMINATOR_SIZE / QTERMINAL_SIZE (WxH window size in pixels: these two cannot be given cells).
# Exit status: 0 done, 77 terminal not installed, 2 usage, 1 anything else (message on stderr).
set -euo pipefail

usage() { echo "usage: $0 TERMINAL OUTDIR COMMAND [KEY ...]" >&2; exit 2; }
[ $# -ge 3 ] || usage
term=$1 outdir=$2 cmd=$3; shift 3
FONT="DejaVu Sans Mono" COLS=100 ROWS=30
deadline=$((SECONDS + ${SHOOT_TIMEOUT:-60}))

# terminal name -> binary and Debian package
case $term in
  st) bin=stterm pkg=stterm ;;
  urxvt) bin=urxvt pkg=rxvt-unicode ;;
  kitty|kitty-ltr) bin=kitty pkg=kitty ;;
  xterm|gnome-terminal|sakura|terminator|tilix|xfce4-terminal|mate-terminal|lxterminal|mlterm|konsole|qterminal|alacritty|foot)
    bin=$term pkg=$term ;;
  *) echo "$0: unknown terminal '$term'" >&2; usage ;;
esac
command -v "$bin" >/dev/null || { echo "SKIPPED: $term is not installed"; exit 77; }
[ "$term" != foot ] || command -v weston >/dev/null || { echo "SKIPPED: foot is not installed (weston is missing)"; exit 77; }
for tool in Xvfb xdotool import convert xdpyinfo dbus-run-session python3; do
  command -v $tool >/dev/null || { echo "SKIPPED: $tool is not installed"; exit 77; }
done

mkdir -p "$outdir"; rm -f "$outdir"/{calibration,screen,key-*}.png "$outdir"/{info.txt,terminal.log}
T=$(mktemp -d /tmp/shoot.XXXXXX)
H=$T/home R=$T/run          # private HOME (all terminal config lives here) and XDG_RUNTIME_DIR
mkdir -p "$H/.config/gtk-3.0" "$R"; chmod 700 "$R"
# A blinking cursor never gives two identical screenshots: turn blinking off (GTK/VTE terminals here)
printf '[Settings]\ngtk-cursor-blink=false\n' >"$H/.config/gtk-3.0/settings.ini"
xvfb_pid="" term_pid=""

die() {
  echo "shoot.sh: $term: $*" >&2
  [ -s "$T/terminal.log" ] && cp "$T/terminal.log" "$outdir/terminal.log" && echo "shoot.sh: terminal output in $outdir/terminal.log" >&2
  exit 1
}
check_deadline() { [ $SECONDS -lt $deadline ] || die "timed out after ${SHOOT_TIMEOUT:-60} s waiting for $1"; }

# Kill what we started, by PID, leaves first: the terminal's process tree, plus processes that
# left the tree (daemons, D-Bus activated servers) - found by the private HOME in their environment.
tree() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do tree "$c"; done; echo "$1"; }
cleanup() {
  set +e
  local pids="" p
  [ -n "$term_pid" ] && pids=$(tree "$term_pid")
  for p in $(ls /proc | grep -E '^[0-9]+$'); do
    grep -qzx "HOME=$H" /proc/$p/environ 2>/dev/null && case " $pids " in *" $p "*) ;; *) pids="$(tree "$p") $pids";; esac
  done
  if [ -n "$pids" ]; then
    kill $pids 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 $pids 2>/dev/null || break; sleep 0.2; done
    kill -9 $pids 2>/dev/null
  fi
  [ -n "$xvfb_pid" ] && { kill "$xvfb_pid"; wait "$xvfb_pid"; } 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- display: SHOOT_DISPLAY, else a reachable $DISPLAY, else our own Xvfb on a free :N (N >= 90)
reachable() { xdpyinfo -display "$1" >/dev/null 2>&1; }
start_xvfb() { # $1 = display; true once it answers
  Xvfb "$1" -screen 0 1400x900x24 -nolisten tcp -noreset >"$T/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do reachable "$1" && return 0; kill -0 $xvfb_pid 2>/dev/null || break; sleep 0.1; done
  kill $xvfb_pid 2>/dev/null; xvfb_pid=""; return 1
}
if [ -n "${SHOOT_DISPLAY:-}" ]; then
  disp=$SHOOT_DISPLAY; reachable "$disp" || start_xvfb "$disp" || die "cannot start Xvfb on $disp"
elif [ -n "${DISPLAY:-}" ] && reachable "$DISPLAY"; then
  disp=$DISPLAY
else
  disp=""
  for n in $(seq 90 199); do     # another run may grab the same number: then try the next one
    [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ] && continue
    start_xvfb ":$n" && { disp=":$n"; break; }
  done
  [ -n "$disp" ] || die "no free X display number from :90 up"
fi
export DISPLAY=$disp
read -r SW SH < <(xdpyinfo | awk '/dimensions:/ { split($2, a, "x"); print a[1], a[2] }')
xdotool mousemove $((SW - 1)) $((SH - 1))   # the pointer stays off the terminal (no hover effects)

# --- the program the terminal runs: calibration pattern, wait for "go", then COMMAND
cat >"$T/run.sh" <<EOF
#!/bin/bash
printf '\e[2J\e[H\e[?25l\e[1;1H\xe2\x96\x88\e[$ROWS;${COLS}H\xe2\x96\x88'   # U+2588 in the corner cells
touch $T/calibrated
while [ ! -e $T/go ]; do sleep 0.05; done
printf '\e[2J\e[H\e[?25h'   # COMMAND starts on a clean screen with the cursor back
bash -c $(printf %q "$cmd")
exec sleep 100000           # keep the window open until we are done
EOF
chmod +x "$T/run.sh"
run=$T/run.sh

# --- per-terminal launch: command line, extra environment, config files in the private HOME
env_extra=() dbus=0 pre=""
gtk_font="gsettings set org.gnome.desktop.interface monospace-font-name '$FONT 11'"
case $term in
  xterm) tcmd=(xterm -fa "$FONT" -fs 11 -geometry ${COLS}x$ROWS+0+0 -e "$run") ;;
  gnome-terminal) dbus=1   # uses the GNOME system monospace font (set in its private dconf)
    pre="$gtk_font; gsettings set org.gnome.Terminal.Legacy.Settings default-show-menubar false"
    tcmd=(gnome-terminal --wait --geometry=${COLS}x$ROWS+0+0 -- "$run") ;;
  sakura) tcmd=(sakura -c $COLS -r $ROWS -f "$FONT 11" -x "$run") ;;
  terminator) dbus=1       # --geometry is in pixels: 100x30 cells of 9x18 plus a small border
    mkdir -p "$H/.config/terminator"
    printf '[profiles]\n  [[default]]\n    use_system_font = False\n    font = %s 11\n    cursor_blink = False\n    show_titlebar = False\n    scrollbar_position = hidden\n' \
      "$FONT" >"$H/.config/terminator/config"
    tcmd=(terminator -u --geometry=${TERMINATOR_SIZE:-904x544}+0+0 -x "$run") ;;
  tilix) dbus=1 pre=$gtk_font
    tcmd=(tilix --geometry=${COLS}x$ROWS+0+0 -e "$run") ;;
  xfce4-terminal) dbus=1
    tcmd=(xfce4-terminal --disable-server --hide-menubar --hide-toolbar --geometry=${COLS}x$ROWS+0+0 --font="$FONT 11" -x "$run") ;;
  mate-terminal) dbus=1 pre="gsettings set org.mate.interface monospace-font-name '$FONT 11'"
    tcmd=(mate-terminal --disable-factory --hide-menubar --geometry=${COLS}x$ROWS+0+0 -x "$run") ;;
  lxterminal) dbus=1
    mkdir -p "$H/.config/lxterminal"
    printf '[general]\nfontname=%s 11\nhidemenubar=true\n' "$FONT" >"$H/.config/lxterminal/lxterminal.conf"
    tcmd=(lxterminal --no-remote --geometry=${COLS}x$ROWS -e "$run") ;;
  kitty|kitty-ltr) env_extra=(LIBGL_ALWAYS_SOFTWARE=1)
    tcmd=(kitty --config NONE -o "font_family=$FONT" -o font_size=11 -o cursor_blink_interval=0 -o remember_window_size=no
          -o initial_window_width=${COLS}c -o initial_window_height=${ROWS}c)
    [ $term = kitty-ltr ] && tcmd+=(-o force_ltr=yes)
    tcmd+=("$run") ;;
  mlterm)                  # mlterm's font size is in pixels: 15 px is 11 pt at 96 dpi
    mkdir -p "$H/.mlterm"
    printf 'DEFAULT=%s\nISO10646_UCS4_1=%s\n' "$FONT" "$FONT" >"$H/.mlterm/aafont"
    tcmd=(mlterm --type=xft -w 15 -g ${COLS}x$ROWS+0+0 -e "$run") ;;
  konsole) dbus=1 env_extra=(QT_QPA_PLATFORM=xcb)
    tcmd=(konsole --separate --nofork --hide-menubar --hide-tabbar -p TerminalColumns=$COLS -p TerminalRows=$ROWS
          -p "Font=$FONT,11" -e "$run") ;;
  qterminal) dbus=1 env_extra=(QT_QPA_PLATFORM=xcb)   # ignores geometry flags: window size in its ini
    mkdir -p "$H/.config/qterminal.org"
    printf '[General]\nHideTabBarWithOneTab=true\nMenuVisible=false\nfontFamily=%s\nfontSize=11\n[MainWindow]\npos=@Point(0 0)\nsize=@Size(%s)\n' \
      "$FONT" "$(tr x ' ' <<<"${QTERMINAL_SIZE:-924x560}")" >"$H/.config/qterminal.org/qterminal.ini"
    tcmd=(qterminal -e "$run") ;;
  alacritty) env_extra=(LIBGL_ALWAYS_SOFTWARE=1)
    tcmd=(alacritty -o window.dimensions.columns=$COLS -o window.dimensions.lines=$ROWS
          -o "font.normal.family=$FONT" -o font.size=11 -e "$run") ;;
  st) tcmd=(stterm -f "$FONT:size=11" -g ${COLS}x$ROWS+0+0 -e "$run") ;;
  urxvt) tcmd=(urxvt -fn "xft:$FONT:size=11" -geometry ${COLS}x$ROWS+0+0 -e "$run") ;;
  foot)  # Wayland only: a nested weston (kiosk shell: foot fills its output) draws into an X window
    # weston draws foot's mouse pointer into the window: give foot a cursor theme of blank 1x1 images
    mkdir -p "$T/cursors/blank/cursors"
    python3 -c 'import struct, sys; sys.stdout.buffer.write(b"Xcur" + struct.pack("<6I9I", 16, 0x10000, 1,
      0xfffd0002, 24, 28, 36, 0xfffd0002, 24, 1, 1, 1, 0, 0, 0) + bytes(4))' >"$T/cursors/blank/cursors/left_ptr"
    for c in default text xterm ibeam pointer hand1 hand2 top_left_arrow; do ln -s left_ptr "$T/cursors/blank/cursors/$c"; done
    cat >"$T/foot.sh" <<EOF
export XCURSOR_PATH=$T/cursors XCURSOR_THEME=blank
weston --backend=x11-backend.so --use-pixman --shell=kiosk-shell.so --width=$((COLS * 9 + 4)) --height=$((ROWS * 18 + 4)) \
  --socket=wl-shoot --idle-time=0 --log=$T/weston.log &
for _ in \$(seq 100); do [ -S $R/wl-shoot ] && break; sleep 0.1; done
WAYLAND_DISPLAY=wl-shoot exec foot -o 'font=$FONT:size=11' -o dpi-aware=no $(printf %q "$run")
EOF
    tcmd=(bash "$T/foot.sh") ;;
esac
{ [ -n "$pre" ] && echo "$pre"; printf 'exec'; printf ' %q' "${tcmd[@]}"; echo; } >"$T/launch.sh"
launcher=(bash "$T/launch.sh"); [ $dbus = 1 ] && launcher=(dbus-run-session -- "${launcher[@]}")
# clean environment: the terminal sets its own TERM, VTE_VERSION, KITTY_WINDOW_ID, ...
env -i HOME="$H" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8 DISPLAY="$DISPLAY" \
  USER="$(id -un)" SHELL=/bin/bash XDG_RUNTIME_DIR="$R" "${env_extra[@]}" "${launcher[@]}" >"$T/terminal.log" 2>&1 &
term_pid=$!

# --- the terminal window: no window manager runs, so take the largest visible window
win=""
find_window() {
  local w g best=0 WINDOW X Y WIDTH HEIGHT SCREEN
  win=""
  for w in $(xdotool search --onlyvisible --name '' 2>/dev/null); do
    g=$(xdotool getwindowgeometry --shell "$w" 2>/dev/null) && eval "$g" || continue
    [ "$WIDTH" -lt "$SW" ] && [ "$HEIGHT" -lt "$SH" ] || continue   # root-sized helper windows
    [ $((WIDTH * HEIGHT)) -gt $best ] && best=$((WIDTH * HEIGHT)) win=$w
  done
  [ -n "$win" ]
}
geometry() { # sets WX WY WW WH of $win, clipped to the screen
  local g WINDOW X Y WIDTH HEIGHT SCREEN
  g=$(xdotool getwindowgeometry --shell "$win" 2>/dev/null) || { find_window && geometry; return; }
  eval "$g"
  WX=$((X < 0 ? 0 : X)) WY=$((Y < 0 ? 0 : Y))
  WW=$((X + WIDTH > SW ? SW - WX : X + WIDTH - WX)) WH=$((Y + HEIGHT > SH ? SH - WY : Y + HEIGHT - WY))
}
shot() { geometry && import -window root -crop "${WW}x$WH+$WX+$WY" +repage -depth 8 "ppm:$1" 2>/dev/null; }
# Wait at least $1 s, then shoot every 0.5 s until two shots in a row are identical (and differ
# from file $2 if given). Leaves the result in $T/cur.ppm.
stable() {
  sleep "$1"; rm -f "$T/prev.ppm"
  while :; do
    check_deadline "$3"
    kill -0 $term_pid 2>/dev/null || die "the terminal exited (while waiting for $3)"
    shot "$T/cur.ppm" || die "cannot take a screenshot of the terminal window"
    if [ -e "$T/prev.ppm" ] && cmp -s "$T/cur.ppm" "$T/prev.ppm" && { [ -z "$2" ] || ! cmp -s "$T/cur.ppm" "$2"; }; then
      return 0
    fi
    mv "$T/cur.ppm" "$T/prev.ppm"; sleep 0.5
  done
}
focus_window() { # no window manager: give the window the keyboard focus, keep the pointer off it
  xdotool mousemove $((SW - 1)) $((SH - 1)) windowfocus "$win" 2>/dev/null || true
}

# --- 1-2: calibration
until [ -e "$T/calibrated" ]; do
  check_deadline "the terminal to start (calibrated)"
  kill -0 $term_pid 2>/dev/null || die "the terminal exited before showing the calibration pattern"
  sleep 0.1
done
until find_window; do check_deadline "the terminal window"; sleep 0.1; done
focus_window   # every shot shows a focused terminal, as keys need it anyway
stable 0 "" "a stable calibration screen"
cp "$T/cur.ppm" "$T/calibration.ppm"; convert "$T/cur.ppm" "$outdir/calibration.png"

# Find the two full blocks: connected areas of solid colour, different from the background (the
# most common colour), about one cell big; the top-left one is cell 1,1, the other the last cell.
cells=$(python3 - "$T/calibration.ppm" <<'PY'
import sys, collections
data = open(sys.argv[1], 'rb').read()
fields, i = [], 0
while len(fields) < 4:                      # P6 header: magic width height maxval
    while data[i:i+1].isspace(): i += 1
    j = i
    while not data[j:j+1].isspace(): j += 1
    fields.append(data[i:j]); i = j
w, h = int(fields[1]), int(fields[2]); px = data[i+1:i+1+3*w*h]
colors = [px[k:k+3] for k in range(0, 3*w*h, 3)]
bg = collections.Counter(colors).most_common(1)[0][0]
inkmemo = {}
def ink(c):
    if c not in inkmemo: inkmemo[c] = max(abs(c[0]-bg[0]), abs(c[1]-bg[1]), abs(c[2]-bg[2])) > 64
    return inkmemo[c]
mask = bytearray(ink(c) for c in colors)
blocks = []
for start in range(w*h):                    # 4-connected areas of one "ink" colour
    if not mask[start]: continue
    mask[start] = 0; stack = [start]; n = 0; x0 = y0 = 10**9; x1 = y1 = -1; col = colors[start]
    while stack:
        p = stack.pop(); n += 1; y, x = divmod(p, w)
        x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
        for q in ((p-1) if x > 0 else -1, (p+1) if x < w-1 else -1, p-w, p+w):
            if 0 <= q < w*h and mask[q] and colors[q] == col: mask[q] = 0; stack.append(q)
    bw, bh = x1-x0+1, y1-y0+1
    if 3 <= bw <= 64 and 5 <= bh <= 96 and bh >= bw and n == bw*bh:
        blocks.append((x0, y0, bw, bh, col))
best = None
for a in blocks:
    for b in blocks:
        if b[0] > a[0] and b[1] > a[1] and abs(a[2]-b[2]) <= 2 and abs(a[3]-b[3]) <= 2 and a[4] == b[4]:
            if best is None or b[0]-a[0]+b[1]-a[1] > best[1][0]-best[0][0]+best[1][1]-best[0][1]:
                best = (a, b)
if not best:
    print("grid=unknown (full blocks not found: %d candidates)" % len(blocks)); sys.exit()
a, b = best
def count(d, size):
    # A block may be drawn a pixel smaller or larger than its cell (font glyph), so d/size can be
    # off by a cell or more: prefer the count whose pitch is a whole number of pixels, near size.
    ns = [n for n in range(1, d + 1) if size - 1 <= d / n <= size + 3] or [max(1, round(d / size))]
    return min(ns, key=lambda n: (d % n != 0, d / n < size - 0.5, abs(d / n - size))) + 1
cols, rows = count(b[0]-a[0], min(a[2], b[2])), count(b[1]-a[1], min(a[3], b[3]))
fmt = lambda v: ("%.2f" % v).rstrip('0').rstrip('.')
cw, ch = (b[0]-a[0])/(cols-1), (b[1]-a[1])/(rows-1)   # the pitch between the blocks is exact
print("origin=%d %d\ncell=%s %s\ngrid=%d %d\nblocks=%d,%d,%dx%d %d,%d,%dx%d" % (a[0], a[1], fmt(cw), fmt(ch), cols, rows, *a[:4], *b[:4]))
PY
) || cells="grid=unknown (analysis failed)"
geometry
{ echo "terminal=$term"
  echo "version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo unknown)"
  echo "window=$WX $WY $WW $WH"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "$cells"; } >"$outdir/info.txt"
touch "$T/go"

# --- 3: COMMAND's screen: stable, and no longer the calibration pattern
stable 1 "$T/calibration.ppm" "COMMAND's screen to settle"
convert "$T/cur.ppm" "$outdir/screen.png"

# --- 4: keys
n=0
for key in "$@"; do
  n=$((n + 1)); focus_window
  case $key in
    sleep:*) s=${key#sleep:}; sleep "$s"; deadline=$((deadline + ${s%.*} + 1)) ;;   # not part of the timeout
    type:*) xdotool type --delay 50 "${key#type:}" ;;
    resize:*) size=${key#resize:}
      read -r cw ch < <(sed -n 's/^cell=//p' "$outdir/info.txt") || true
      read -r gc gr < <(sed -n 's/^grid=//p' "$outdir/info.txt") || true
      [[ "${ch:-}" && "${gr:-}" =~ ^[0-9]+$ ]] || die "$key: the cell size is unknown (see calibration.png)"
      geometry
      xdotool windowsize "$win" $(awk -v w=$WW -v h=$WH -v cw=$cw -v ch=$ch -v gc=$gc -v gr=$gr -v c=${size%x*} -v r=${size#*x} \
        'BEGIN { printf "%d %d", w + (c - gc) * cw + 0.5, h + (r - gr) * ch + 0.5 }') ;;
    *) xdotool key "$key" ;;
  esac
  stable 0.5 "" "the screen after key $n ($key)"
  convert "$T/cur.ppm" "$outdir/key-$n.png"
done
echo "$outdir: $(grep -E '^(window|grid)=' "$outdir/info.txt" | tr '\n' ' ')"
