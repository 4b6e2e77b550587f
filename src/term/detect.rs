//! Which terminal qari runs in, and how to draw right-to-left text on it.
//!
//! Most terminals neither reorder nor shape, so qari sends lines in visual
//! order with Arabic presentation forms (`app` mode) and switches terminals
//! that do implicit bidi to explicit mode: `CSI 8 l` for VTE (the
//! terminal-wg "BiDi in Terminal Emulators" recommendation), mlterm's own
//! configuration sequence for mlterm. A few terminals reorder whatever they
//! are sent and cannot be told not to (Konsole, QTerminal); there qari sends
//! logical order (`terminal` mode), shaped, embedded so that the terminal's
//! reordering gives the right result.
//!
//! Detection reads the environment the terminal sets; when that names no
//! terminal (over SSH only `TERM` and, on most systems, `LC_*` cross), the
//! terminal's answers to XTVERSION and Secondary Device Attributes do (see
//! [`super::probe`]). `--bidi`, `--harakat` and the config override every
//! choice. What each terminal does, and how it was established, is in the
//! README's table of terminals.

use super::probe::Identity;
use crate::text::Order;

/// Who lays out right-to-left text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidiMode {
    /// qari reorders and shapes; the terminal is told not to.
    App,
    /// qari sends logical order; the terminal reorders.
    Terminal,
}

impl BidiMode {
    /// The mode's name, as `--bidi` and the config spell it.
    pub fn name(self) -> &'static str {
        match self {
            BidiMode::App => "app",
            BidiMode::Terminal => "terminal",
        }
    }
}

/// How harakat (and other combining marks) are best sent to a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    /// With their letter: the terminal draws them over it.
    WithLetter,
    /// With the cell on the left of their letter's: the terminal draws a
    /// mark one cell to the right of the cell it came with (Alacritty).
    CellToTheLeft,
    /// Not at all: the terminal loses letters that carry a mark (foot) or
    /// leaves marks stray between words (st).
    Hidden,
}

/// A terminal qari knows something about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// xterm.
    Xterm,
    /// A VTE terminal (GNOME Terminal, Tilix, Ptyxis…), with VTE's version
    /// as it sets it (7006 for 0.70.6).
    Vte(u32),
    /// KDE's Konsole.
    Konsole,
    /// QTerminal and other terminals built on QTermWidget.
    QTerminal,
    /// kitty.
    Kitty,
    /// WezTerm.
    WezTerm,
    /// Alacritty.
    Alacritty,
    /// Windows Terminal.
    WindowsTerminal,
    /// iTerm2.
    ITerm2,
    /// macOS Terminal.
    AppleTerminal,
    /// mlterm.
    Mlterm,
    /// foot.
    Foot,
    /// st, the suckless terminal.
    St,
    /// rxvt-unicode.
    Urxvt,
    /// mintty.
    Mintty,
    /// The Linux virtual console.
    LinuxConsole,
    /// Nothing recognisable.
    Unknown,
}

impl Known {
    /// A name for people.
    pub fn name(self) -> &'static str {
        match self {
            Known::Xterm => "xterm",
            Known::Vte(_) => "a VTE terminal (GNOME Terminal, Tilix, Ptyxis…)",
            Known::Konsole => "Konsole",
            Known::QTerminal => "QTerminal (or another QTermWidget terminal)",
            Known::Kitty => "kitty",
            Known::WezTerm => "WezTerm",
            Known::Alacritty => "Alacritty",
            Known::WindowsTerminal => "Windows Terminal",
            Known::ITerm2 => "iTerm2",
            Known::AppleTerminal => "macOS Terminal",
            Known::Mlterm => "mlterm",
            Known::Foot => "foot",
            Known::St => "st",
            Known::Urxvt => "rxvt-unicode",
            Known::Mintty => "mintty",
            Known::LinuxConsole => "the Linux console",
            Known::Unknown => "an unrecognised terminal",
        }
    }
}

/// What was found, and the choices made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The terminal.
    pub terminal: Known,
    /// What gave it away: a variable as `NAME=value`, or the terminal's
    /// answer (empty when nothing did).
    pub evidence: String,
    /// Inside tmux or GNU screen: they draw on an outer terminal that qari
    /// cannot see.
    pub multiplexer: Option<&'static str>,
    /// The mode `auto` picks.
    pub mode: BidiMode,
    /// Why, in a sentence.
    pub reason: &'static str,
    /// In terminal mode, the order lines are sent in (how the terminal lays
    /// out a row and whether it mirrors).
    pub logical: Order,
    /// The terminal lays out every row itself, left to right, and can be
    /// told neither to stop nor where a right-to-left line starts: in app
    /// mode qari sends each row in the order the terminal turns back into
    /// qari's layout, one pane at a time.
    pub reorders_rows: bool,
    /// How harakat are sent when the settings leave it to qari.
    pub marks: Marks,
    /// Settings of the terminal that would make Arabic read better, and
    /// notes on what qari chose for it.
    pub hints: Vec<Hint>,
}

impl Detection {
    /// Whether qari runs inside tmux (and not inside GNU screen as well).
    pub fn in_tmux(&self) -> bool {
        self.multiplexer == Some("tmux")
    }
}

/// When a hint applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// In this bidi mode.
    Mode(BidiMode),
    /// When harakat are left to qari (`harakat = "auto"`).
    MarksAuto,
}

/// A suggestion about the terminal's own settings, or a note on a choice
/// qari made for it; shown until dismissed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// A stable name, so a dismissed hint is not shown again.
    pub id: &'static str,
    /// What to do, or what was done.
    pub text: &'static str,
    /// When it applies.
    pub applies: Applies,
}

/// kitty reverses every right-to-left run it receives already in visual order.
pub const KITTY_HINT: Hint = Hint {
    id: "kitty-force-ltr",
    text: "kitty reverses Arabic that qari has already ordered: add the line `force_ltr yes` to ~/.config/kitty/kitty.conf and restart kitty",
    applies: Applies::Mode(BidiMode::App),
};

/// Konsole reorders lines itself unless its bidi rendering is off.
const KONSOLE_HINT: Hint = Hint {
    id: "konsole-bidi",
    text: "Konsole lays out Arabic itself, without mirrored brackets or even letter widths: for qari's own layout untick Settings > Edit Current Profile > Appearance > Complex Text Layout > Bi-Directional text rendering, and put bidi = \"app\" in qari's config",
    applies: Applies::Mode(BidiMode::Terminal),
};

/// QTerminal reorders lines itself unless its bidi support is off.
const QTERMINAL_HINT: Hint = Hint {
    id: "qterminal-bidi",
    text: "QTerminal lays out every row itself, so qari shows one pane at a time: untick Preferences > Appearance > Enable bi-directional text support for both panes (qari notices it next time)",
    applies: Applies::Mode(BidiMode::App),
};

/// Inside tmux, `CSI 8 l` reaches the outer terminal only through passthrough.
pub const TMUX_HINT: Hint = Hint {
    id: "tmux-passthrough",
    text: "tmux: if Arabic shows reversed (GNOME Terminal and other VTE terminals), put `set -g allow-passthrough on` in ~/.tmux.conf so qari can switch the outer terminal's bidi off",
    applies: Applies::Mode(BidiMode::App),
};

/// Alacritty draws combining marks one cell to the right.
const ALACRITTY_NOTE: Hint = Hint {
    id: "alacritty-marks",
    text: "Alacritty draws harakat one cell to the right of their letter, so qari sends each with the cell on its left; harakat = \"on\" in qari's config turns that off",
    applies: Applies::MarksAuto,
};

/// foot loses a letter that carries a haraka.
const FOOT_NOTE: Hint = Hint {
    id: "foot-marks",
    text: "foot drops a letter that carries a haraka, so qari hides harakat and Hebrew points here; harakat = \"on\" in qari's config shows them",
    applies: Applies::MarksAuto,
};

/// st draws no combining marks and leaves some between words.
const ST_NOTE: Hint = Hint {
    id: "st-marks",
    text: "st does not draw harakat over their letters, so qari hides them here; harakat = \"on\" in qari's config shows them",
    applies: Applies::MarksAuto,
};

/// Recognises the terminal from its environment variables (`var` reads one;
/// tests pass a table, qari passes the process environment).
pub fn detect(var: impl Fn(&str) -> Option<String>) -> Detection {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    let term = set("TERM").unwrap_or_default();
    let program = set("TERM_PROGRAM").unwrap_or_default();
    // tmux sets TMUX, screen sets STY; each passes the other's on when one
    // runs inside the other, so with both nothing tells which is innermost.
    let multiplexer = match (set("TMUX").is_some(), set("STY").is_some()) {
        (true, true) => Some("tmux and GNU screen, one inside the other"),
        (true, false) => Some("tmux"),
        (false, true) => Some("GNU screen"),
        (false, false) => None,
    };
    let evidence = |name: &str| set(name).map(|v| format!("{name}={v}"));
    let by_term = |known: Known| Some((known, format!("TERM={term}")));

    // Variables that only one terminal sets come first; inside a
    // multiplexer they are inherited from the terminal that started it.
    let found: Option<(Known, String)> = None
        .or_else(|| evidence("MLTERM").map(|e| (Known::Mlterm, e)))
        .or_else(|| evidence("KONSOLE_VERSION").map(|e| (Known::Konsole, e)))
        .or_else(|| evidence("KITTY_WINDOW_ID").map(|e| (Known::Kitty, e)))
        .or_else(|| {
            (term == "xterm-kitty")
                .then(|| by_term(Known::Kitty))
                .flatten()
        })
        .or_else(|| evidence("WEZTERM_PANE").map(|e| (Known::WezTerm, e)))
        .or_else(|| {
            (program == "WezTerm").then(|| (Known::WezTerm, format!("TERM_PROGRAM={program}")))
        })
        .or_else(|| {
            (program == "iTerm.app").then(|| (Known::ITerm2, format!("TERM_PROGRAM={program}")))
        })
        .or_else(|| {
            // iTerm2 sends LC_TERMINAL, which crosses SSH on most systems.
            (set("LC_TERMINAL").as_deref() == Some("iTerm2"))
                .then(|| (Known::ITerm2, "LC_TERMINAL=iTerm2".to_string()))
        })
        .or_else(|| {
            (program == "Apple_Terminal")
                .then(|| (Known::AppleTerminal, format!("TERM_PROGRAM={program}")))
        })
        .or_else(|| {
            (program == "mintty").then(|| (Known::Mintty, format!("TERM_PROGRAM={program}")))
        })
        .or_else(|| {
            let version = set("VTE_VERSION")?;
            let number = version.trim().parse().unwrap_or(0);
            Some((Known::Vte(number), format!("VTE_VERSION={version}")))
        })
        .or_else(|| evidence("WT_SESSION").map(|e| (Known::WindowsTerminal, e)))
        .or_else(|| evidence("ALACRITTY_WINDOW_ID").map(|e| (Known::Alacritty, e)))
        // TERM crosses SSH: these terminals are known far away too, when
        // their terminfo entries are installed there.
        .or_else(|| {
            (term == "alacritty")
                .then(|| by_term(Known::Alacritty))
                .flatten()
        })
        .or_else(|| {
            term.starts_with("foot")
                .then(|| by_term(Known::Foot))
                .flatten()
        })
        .or_else(|| {
            (term == "st" || term.starts_with("st-"))
                .then(|| by_term(Known::St))
                .flatten()
        })
        .or_else(|| {
            term.starts_with("rxvt-unicode")
                .then(|| by_term(Known::Urxvt))
                .flatten()
        })
        .or_else(|| (term == "mlterm").then(|| by_term(Known::Mlterm)).flatten())
        .or_else(|| evidence("XTERM_VERSION").map(|e| (Known::Xterm, e)))
        .or_else(|| {
            (term == "linux")
                .then(|| by_term(Known::LinuxConsole))
                .flatten()
        });
    let (terminal, evidence) = found.unwrap_or((Known::Unknown, String::new()));
    for_terminal(terminal, evidence, multiplexer)
}

/// The choices for a terminal known by other means (its answer to a query).
pub fn for_terminal(
    terminal: Known,
    evidence: String,
    multiplexer: Option<&'static str>,
) -> Detection {
    let mut hints = Vec::new();
    let mut marks = Marks::WithLetter;
    let mut reorders_rows = false;
    // The order lines go in when the terminal reorders: most lay each row
    // out left to right and mirror.
    let mut logical = Order::Logical;
    let (mode, reason) = match terminal {
        Known::Mlterm => {
            logical = Order::LogicalFirstStrong;
            (
                BidiMode::App,
                "mlterm lays out right-to-left text itself and ignores CSI 8 l; qari turns that off for the session (OSC 5379 use_ctl=false, restored on exit) and lays the text out itself",
            )
        }
        Known::Konsole => {
            logical = Order::LogicalMirrored;
            hints.push(KONSOLE_HINT);
            (
                BidiMode::Terminal,
                "Konsole reorders and shapes lines itself unless its bidi rendering is turned off in the profile, and it does not take CSI 8 l; qari sends logical order, shaped, with right-to-left lines embedded and brackets mirrored (Konsole does not mirror)",
            )
        }
        Known::QTerminal => {
            hints.push(QTERMINAL_HINT);
            reorders_rows = true;
            (
                BidiMode::App,
                "QTerminal lays out every row itself, left to right (bi-directional text support is on by default), and takes neither CSI 8 l nor embeddings; qari lays the text out and sends each row in the order QTerminal turns back into that layout, one pane at a time",
            )
        }
        Known::AppleTerminal => {
            logical = Order::LogicalFirstStrong;
            (
                BidiMode::Terminal,
                "macOS Terminal is reported to reorder right-to-left text itself and has no known way to turn that off",
            )
        }
        Known::Kitty => {
            hints.push(KITTY_HINT);
            (
                BidiMode::App,
                "kitty neither reorders lines nor takes CSI 8 l, but it reverses each right-to-left run unless force_ltr is set",
            )
        }
        Known::Vte(v) if v >= 5800 => (
            BidiMode::App,
            "VTE 0.58 and later reorder in implicit mode; qari switches it to explicit mode (CSI 8 l) before it makes its screen, and sends lines already ordered and shaped",
        ),
        Known::WezTerm | Known::ITerm2 | Known::Mintty => (
            BidiMode::App,
            "this terminal takes CSI 8 l, so it does not reorder the lines qari has already ordered and shaped",
        ),
        Known::Alacritty => {
            marks = Marks::CellToTheLeft;
            hints.push(ALACRITTY_NOTE);
            (
                BidiMode::App,
                "Alacritty neither reorders nor shapes, so qari orders and shapes the lines itself",
            )
        }
        Known::Foot => {
            marks = Marks::Hidden;
            hints.push(FOOT_NOTE);
            (
                BidiMode::App,
                "foot neither reorders nor shapes, so qari orders and shapes the lines itself",
            )
        }
        Known::St => {
            marks = Marks::Hidden;
            hints.push(ST_NOTE);
            (
                BidiMode::App,
                "st neither reorders nor shapes, so qari orders and shapes the lines itself",
            )
        }
        Known::Unknown => (
            BidiMode::App,
            "most terminals neither reorder nor shape, so qari orders and shapes the lines itself",
        ),
        _ => (
            BidiMode::App,
            "this terminal neither reorders nor shapes, so qari orders and shapes the lines itself",
        ),
    };
    // The terminal around tmux needs qari's sequences only when it would
    // reorder (VTE, mlterm), or when nothing says it would not.
    let outer_reorders = matches!(terminal, Known::Vte(_) | Known::Mlterm | Known::Unknown);
    if multiplexer == Some("tmux") && mode == BidiMode::App && outer_reorders {
        hints.push(TMUX_HINT);
    }
    Detection {
        terminal,
        evidence,
        multiplexer,
        mode,
        reason,
        logical,
        reorders_rows,
        marks,
        hints,
    }
}

/// What the terminal's settings on this machine say (see [`super::local`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocalSettings {
    /// kitty's `force_ltr` is set.
    pub kitty_force_ltr: bool,
    /// QTerminal's bi-directional text support is off.
    pub qterminal_bidi_off: bool,
    /// tmux passes sequences through (`allow-passthrough`).
    pub tmux_passthrough: bool,
}

/// The choices again, knowing the terminal's own settings: a hint already
/// acted on is dropped, and QTerminal without its bidi takes app mode.
pub fn with_local(mut detection: Detection, local: LocalSettings) -> Detection {
    if detection.terminal == Known::QTerminal && local.qterminal_bidi_off {
        detection.reorders_rows = false;
        detection.reason = "QTerminal's bi-directional text support is off in its settings, so qari orders and shapes the lines itself";
    }
    detection.hints.retain(|hint| match hint.id {
        "kitty-force-ltr" => !local.kitty_force_ltr,
        "qterminal-bidi" => !local.qterminal_bidi_off,
        "tmux-passthrough" => !local.tmux_passthrough,
        _ => true,
    });
    detection
}

/// The terminal its answers name (XTVERSION first, which names it, then the
/// Secondary Device Attributes, which identify a few by their numbers).
pub fn from_identity(identity: &Identity) -> Option<(Known, String)> {
    if let Some(version) = &identity.version {
        let known = [
            ("XTerm(", Known::Xterm),
            ("kitty(", Known::Kitty),
            ("foot(", Known::Foot),
            ("Konsole", Known::Konsole),
            ("WezTerm", Known::WezTerm),
            ("iTerm2", Known::ITerm2),
            ("mlterm", Known::Mlterm),
            ("alacritty", Known::Alacritty),
        ]
        .into_iter()
        .find(|(prefix, _)| version.starts_with(prefix));
        if let Some((_, known)) = known {
            return Some((known, format!("XTVERSION answer \"{version}\"")));
        }
    }
    let attributes = identity.attributes.as_ref()?;
    let evidence = format!(
        "device attributes answer >{}c",
        attributes
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(";")
    );
    let known = match attributes.as_slice() {
        [65, version, ..] => Known::Vte(*version),
        [41, ..] => Known::Xterm,
        [24, ..] => Known::Mlterm,
        [85, ..] => Known::Urxvt,
        // Konsole's own answer is 1;115;0; QTermWidget kept an older
        // Konsole's.
        [1, 115, ..] => Known::Konsole,
        [0, 115, ..] => Known::QTerminal,
        [1, version, ..] if *version >= 4000 && *version < 10_000 => Known::Kitty,
        _ => return None,
    };
    Some((known, evidence))
}

/// Detects the terminal qari runs in from the environment.
pub fn detect_from_environment() -> Detection {
    detect(|name| std::env::var(name).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Detection {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        detect(move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    fn hint_ids(d: &Detection) -> Vec<&'static str> {
        d.hints.iter().map(|h| h.id).collect()
    }

    #[test]
    fn terminals_that_reorder_and_cannot_be_told_otherwise_get_terminal_mode() {
        let d = with(&[("TERM", "xterm-256color"), ("KONSOLE_VERSION", "230800")]);
        assert_eq!((d.terminal, d.mode), (Known::Konsole, BidiMode::Terminal));
        assert_eq!(d.logical, Order::LogicalMirrored, "Konsole does not mirror");
        assert_eq!(hint_ids(&d), ["konsole-bidi"]);
        let d = with(&[("TERM_PROGRAM", "Apple_Terminal")]);
        assert_eq!(d.mode, BidiMode::Terminal);
    }

    #[test]
    fn mlterm_is_switched_to_app_mode() {
        let d = with(&[("TERM", "xterm"), ("MLTERM", "3.9.3")]);
        assert_eq!((d.terminal, d.mode), (Known::Mlterm, BidiMode::App));
        assert_eq!(d.evidence, "MLTERM=3.9.3");
        assert!(d.reason.contains("use_ctl=false"));
        // Forced into terminal mode, it takes each row's direction itself.
        assert_eq!(d.logical, Order::LogicalFirstStrong);
    }

    #[test]
    fn kitty_gets_app_mode_and_the_force_ltr_hint() {
        for vars in [
            &[("TERM", "xterm-kitty")][..],
            &[("TERM", "xterm-256color"), ("KITTY_WINDOW_ID", "1")][..],
        ] {
            let d = with(vars);
            assert_eq!((d.terminal, d.mode), (Known::Kitty, BidiMode::App));
            assert_eq!(hint_ids(&d), ["kitty-force-ltr"]);
        }
    }

    #[test]
    fn terminals_that_misdraw_marks_get_them_moved_or_hidden() {
        let d = with(&[("TERM", "alacritty")]);
        assert_eq!(
            (d.terminal, d.marks),
            (Known::Alacritty, Marks::CellToTheLeft)
        );
        assert_eq!(hint_ids(&d), ["alacritty-marks"]);
        let d = with(&[("TERM", "foot")]);
        assert_eq!((d.terminal, d.marks), (Known::Foot, Marks::Hidden));
        let d = with(&[("TERM", "st-256color")]);
        assert_eq!((d.terminal, d.marks), (Known::St, Marks::Hidden));
        let d = with(&[("TERM", "xterm-256color"), ("VTE_VERSION", "7006")]);
        assert_eq!(d.marks, Marks::WithLetter);
    }

    #[test]
    fn vte_and_the_rest_get_app_mode() {
        let d = with(&[("TERM", "xterm-256color"), ("VTE_VERSION", "7600")]);
        assert_eq!((d.terminal, d.mode), (Known::Vte(7600), BidiMode::App));
        assert!(d.reason.contains("CSI 8 l"));
        assert!(d.hints.is_empty());
        for (vars, known) in [
            (&[("TERM_PROGRAM", "WezTerm")][..], Known::WezTerm),
            (&[("LC_TERMINAL", "iTerm2")][..], Known::ITerm2),
            (&[("WT_SESSION", "abc")][..], Known::WindowsTerminal),
            (&[("TERM", "alacritty")][..], Known::Alacritty),
            (&[("TERM", "foot")][..], Known::Foot),
            (&[("TERM", "rxvt-unicode-256color")][..], Known::Urxvt),
            (&[("XTERM_VERSION", "XTerm(379)")][..], Known::Xterm),
            (&[("TERM", "linux")][..], Known::LinuxConsole),
            (&[("TERM", "vt100")][..], Known::Unknown),
            (&[][..], Known::Unknown),
        ] {
            let d = with(vars);
            assert_eq!((d.terminal, d.mode), (known, BidiMode::App), "{vars:?}");
        }
    }

    #[test]
    fn multiplexers_are_noticed_and_keep_the_outer_terminal() {
        let d = with(&[
            ("TERM", "tmux-256color"),
            ("TMUX", "/tmp/tmux-0/default,1,0"),
            ("TERM_PROGRAM", "tmux"),
            ("VTE_VERSION", "7600"),
        ]);
        assert!(d.in_tmux());
        assert_eq!(d.terminal, Known::Vte(7600));
        assert_eq!(hint_ids(&d), ["tmux-passthrough"]);
        let d = with(&[("TERM", "screen-256color"), ("STY", "1.pts-0")]);
        assert_eq!((d.multiplexer, d.mode), (Some("GNU screen"), BidiMode::App));
        assert!(d.hints.is_empty());
        // Nested: no tmux passthrough (screen would print it), no tmux hint.
        let d = with(&[("TMUX", "x"), ("STY", "1.pts-0")]);
        assert!(!d.in_tmux());
        assert!(d.hints.is_empty());
        // Konsole under tmux still reorders what tmux draws.
        let d = with(&[("TMUX", "x"), ("KONSOLE_VERSION", "230800")]);
        assert_eq!(d.mode, BidiMode::Terminal);
    }

    #[test]
    fn hints_acted_on_are_dropped() {
        let kitty = with(&[("TERM", "xterm-kitty"), ("TMUX", "x")]);
        let local = LocalSettings {
            kitty_force_ltr: true,
            ..LocalSettings::default()
        };
        assert!(with_local(kitty.clone(), local).hints.is_empty());
        assert_eq!(
            hint_ids(&with_local(kitty, LocalSettings::default())),
            ["kitty-force-ltr"]
        );
        let vte_in_tmux = with(&[("VTE_VERSION", "7006"), ("TMUX", "x")]);
        let local = LocalSettings {
            tmux_passthrough: true,
            ..LocalSettings::default()
        };
        assert!(with_local(vte_in_tmux, local).hints.is_empty());
        // xterm around tmux does not reorder: nothing to pass through.
        assert!(
            with(&[("XTERM_VERSION", "XTerm(379)"), ("TMUX", "x")])
                .hints
                .is_empty()
        );
        let qterminal = for_terminal(Known::QTerminal, String::new(), None);
        let local = LocalSettings {
            qterminal_bidi_off: true,
            ..LocalSettings::default()
        };
        let d = with_local(qterminal, local);
        assert_eq!((d.mode, d.reorders_rows), (BidiMode::App, false));
        assert!(d.hints.is_empty());
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let d = with(&[("MLTERM", ""), ("TERM", "xterm")]);
        assert_eq!(d.terminal, Known::Unknown);
    }

    #[test]
    fn answers_name_the_terminal() {
        let answer = |version: Option<&str>, attributes: &[u32]| {
            from_identity(&Identity {
                version: version.map(String::from),
                attributes: (!attributes.is_empty()).then(|| attributes.to_vec()),
            })
            .map(|(known, _)| known)
        };
        // Seen from real terminals (Debian 12).
        assert_eq!(
            answer(Some("XTerm(379)"), &[41, 379, 0]),
            Some(Known::Xterm)
        );
        assert_eq!(
            answer(Some("kitty(0.26.5)"), &[1, 4000, 26]),
            Some(Known::Kitty)
        );
        assert_eq!(
            answer(Some("foot(1.13.1)"), &[1, 11301, 0]),
            Some(Known::Foot)
        );
        assert_eq!(
            answer(Some("Konsole 22.12.3"), &[1, 115, 0]),
            Some(Known::Konsole)
        );
        assert_eq!(answer(None, &[65, 7006, 1]), Some(Known::Vte(7006)));
        assert_eq!(answer(None, &[24, 279, 0]), Some(Known::Mlterm));
        assert_eq!(answer(None, &[0, 115, 0]), Some(Known::QTerminal));
        assert_eq!(answer(None, &[85, 95, 0]), Some(Known::Urxvt));
        // Alacritty and st say nothing that names them.
        assert_eq!(answer(None, &[0, 1700, 1]), None);
        assert_eq!(answer(None, &[]), None);
        let d = for_terminal(Known::QTerminal, "answer".into(), None);
        assert_eq!((d.mode, d.reorders_rows), (BidiMode::App, true));
        assert_eq!(d.logical, Order::Logical);
    }
}
