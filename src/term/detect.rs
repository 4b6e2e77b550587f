//! Which terminal qari runs in, and who should lay out right-to-left text:
//! qari (`app`) or the terminal (`terminal`).
//!
//! Most terminals neither reorder nor shape, so qari sends lines in visual
//! order with Arabic presentation forms and switches terminals that do
//! implicit bidi to explicit mode (`CSI 8 l`, the terminal-wg "BiDi in
//! Terminal Emulators" recommendation). A few terminals reorder whatever
//! they are sent; there qari sends logical order with base letters and lets
//! the terminal lay the text out.
//!
//! Detection reads the environment the terminal sets. Over SSH only `TERM`
//! (and, on most systems, `LC_*`) crosses, so a terminal that cannot be
//! recognised gets `app`, right for most; `--bidi` and the config override
//! the choice. What each terminal does, and how it was established, is in
//! the README's table of terminals.

/// Who lays out right-to-left text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidiMode {
    /// qari reorders and shapes; the terminal is put in explicit mode.
    App,
    /// qari sends logical order and base letters; the terminal reorders
    /// and shapes (implicit mode).
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

/// A terminal qari knows something about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// xterm.
    Xterm,
    /// A VTE terminal (GNOME Terminal, Tilix, Ptyxis…), with VTE's version
    /// as it sets it (7600 for 0.76).
    Vte(u32),
    /// KDE's Konsole.
    Konsole,
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
            Known::Kitty => "kitty",
            Known::WezTerm => "WezTerm",
            Known::Alacritty => "Alacritty",
            Known::WindowsTerminal => "Windows Terminal",
            Known::ITerm2 => "iTerm2",
            Known::AppleTerminal => "macOS Terminal",
            Known::Mlterm => "mlterm",
            Known::Foot => "foot",
            Known::Mintty => "mintty",
            Known::LinuxConsole => "the Linux console",
            Known::Unknown => "an unrecognised terminal",
        }
    }
}

/// What was found, and the choice made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The terminal.
    pub terminal: Known,
    /// The variable that gave it away, as `NAME=value` (empty when none did).
    pub evidence: String,
    /// Inside tmux or GNU screen: they draw on an outer terminal that qari
    /// cannot see.
    pub multiplexer: Option<&'static str>,
    /// The mode `auto` picks.
    pub mode: BidiMode,
    /// Why, in a sentence.
    pub reason: &'static str,
    /// A setting the person could change for better Arabic, shown once.
    pub hint: Option<Hint>,
}

/// A one-time suggestion about the terminal's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// A stable name, so the hint is shown only once ever.
    pub id: &'static str,
    /// What to do.
    pub text: &'static str,
    /// The mode it is about: in the other one it does not apply.
    pub mode: BidiMode,
}

/// kitty reverses every right-to-left word it receives already in visual order.
const KITTY_HINT: Hint = Hint {
    id: "kitty-force-ltr",
    text: "kitty: add `force_ltr yes` to kitty.conf so Arabic is not reversed twice",
    mode: BidiMode::App,
};

/// Konsole reorders lines itself unless its bidi rendering is off.
const KONSOLE_HINT: Hint = Hint {
    id: "konsole-bidi",
    text: "Konsole: for shaped lam-alef, untick Profile > Appearance > Bi-Directional text rendering and use --bidi app",
    mode: BidiMode::Terminal,
};

/// Inside tmux, `CSI 8 l` reaches the outer terminal only through passthrough.
const TMUX_HINT: Hint = Hint {
    id: "tmux-passthrough",
    text: "tmux: if Arabic shows reversed, `set -g allow-passthrough on` lets qari switch the outer terminal's bidi off",
    mode: BidiMode::App,
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

    // Variables that only one terminal sets come first; inside a
    // multiplexer they are inherited from the terminal that started it.
    let found: Option<(Known, String)> = None
        .or_else(|| evidence("MLTERM").map(|e| (Known::Mlterm, e)))
        .or_else(|| evidence("KONSOLE_VERSION").map(|e| (Known::Konsole, e)))
        .or_else(|| evidence("KITTY_WINDOW_ID").map(|e| (Known::Kitty, e)))
        .or_else(|| (term == "xterm-kitty").then(|| (Known::Kitty, format!("TERM={term}"))))
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
        .or_else(|| (term == "alacritty").then(|| (Known::Alacritty, format!("TERM={term}"))))
        .or_else(|| {
            term.starts_with("foot")
                .then(|| (Known::Foot, format!("TERM={term}")))
        })
        .or_else(|| evidence("XTERM_VERSION").map(|e| (Known::Xterm, e)))
        .or_else(|| (term == "linux").then(|| (Known::LinuxConsole, format!("TERM={term}"))));
    let (terminal, evidence) = found.unwrap_or((Known::Unknown, String::new()));

    let (mode, reason, hint) = match terminal {
        Known::Mlterm => (
            BidiMode::Terminal,
            "mlterm reorders right-to-left text even in explicit mode (it ignores CSI 8 l), so qari sends logical order and lets it lay the text out",
            None,
        ),
        Known::Konsole => (
            BidiMode::Terminal,
            "Konsole reorders and shapes lines itself unless its bidi rendering is turned off in the profile, and it does not take CSI 8 l",
            Some(KONSOLE_HINT),
        ),
        Known::AppleTerminal => (
            BidiMode::Terminal,
            "macOS Terminal is reported to reorder right-to-left text itself and has no known way to turn that off",
            None,
        ),
        Known::Kitty => (
            BidiMode::App,
            "kitty neither reorders lines nor takes CSI 8 l, but it reverses each right-to-left word unless force_ltr is set",
            Some(KITTY_HINT),
        ),
        Known::Vte(v) if v >= 5800 => (
            BidiMode::App,
            "VTE 0.58 and later reorder in implicit mode; qari switches it to explicit mode (CSI 8 l) and sends lines already ordered and shaped",
            None,
        ),
        Known::WezTerm | Known::ITerm2 | Known::Mintty => (
            BidiMode::App,
            "this terminal takes CSI 8 l, so it does not reorder the lines qari has already ordered and shaped",
            None,
        ),
        Known::Unknown => (
            BidiMode::App,
            "most terminals neither reorder nor shape, so qari orders and shapes the lines itself",
            None,
        ),
        _ => (
            BidiMode::App,
            "this terminal neither reorders nor shapes, so qari orders and shapes the lines itself",
            None,
        ),
    };
    let hint = hint.or((multiplexer == Some("tmux") && mode == BidiMode::App).then_some(TMUX_HINT));
    Detection {
        terminal,
        evidence,
        multiplexer,
        mode,
        reason,
        hint,
    }
}

/// Detects the terminal qari runs in.
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

    #[test]
    fn terminals_that_reorder_anyway_get_terminal_mode() {
        let d = with(&[("TERM", "xterm"), ("MLTERM", "3.9.3")]);
        assert_eq!((d.terminal, d.mode), (Known::Mlterm, BidiMode::Terminal));
        assert_eq!(d.evidence, "MLTERM=3.9.3");
        let d = with(&[("TERM", "xterm-256color"), ("KONSOLE_VERSION", "230800")]);
        assert_eq!((d.terminal, d.mode), (Known::Konsole, BidiMode::Terminal));
        assert_eq!(d.hint.map(|h| h.id), Some("konsole-bidi"));
        let d = with(&[("TERM_PROGRAM", "Apple_Terminal")]);
        assert_eq!(d.mode, BidiMode::Terminal);
    }

    #[test]
    fn kitty_gets_app_mode_and_the_force_ltr_hint() {
        for vars in [
            &[("TERM", "xterm-kitty")][..],
            &[("TERM", "xterm-256color"), ("KITTY_WINDOW_ID", "1")][..],
        ] {
            let d = with(vars);
            assert_eq!((d.terminal, d.mode), (Known::Kitty, BidiMode::App));
            assert_eq!(d.hint.map(|h| h.id), Some("kitty-force-ltr"));
        }
    }

    #[test]
    fn vte_and_the_rest_get_app_mode() {
        let d = with(&[("TERM", "xterm-256color"), ("VTE_VERSION", "7600")]);
        assert_eq!((d.terminal, d.mode), (Known::Vte(7600), BidiMode::App));
        assert!(d.reason.contains("CSI 8 l"));
        for (vars, known) in [
            (&[("TERM_PROGRAM", "WezTerm")][..], Known::WezTerm),
            (&[("LC_TERMINAL", "iTerm2")][..], Known::ITerm2),
            (&[("WT_SESSION", "abc")][..], Known::WindowsTerminal),
            (&[("TERM", "alacritty")][..], Known::Alacritty),
            (&[("TERM", "foot")][..], Known::Foot),
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
        assert_eq!(d.multiplexer, Some("tmux"));
        assert_eq!(d.terminal, Known::Vte(7600));
        assert_eq!(d.hint.map(|h| h.id), Some("tmux-passthrough"));
        let d = with(&[("TERM", "screen-256color"), ("STY", "1.pts-0")]);
        assert_eq!((d.multiplexer, d.mode), (Some("GNU screen"), BidiMode::App));
        assert_eq!(d.hint, None);
        // Nested: no tmux passthrough (screen would print it), no tmux hint.
        let d = with(&[("TMUX", "x"), ("STY", "1.pts-0")]);
        assert_ne!(d.multiplexer, Some("tmux"));
        assert_eq!(d.hint, None);
        // mlterm under tmux still reorders what tmux draws.
        let d = with(&[("TMUX", "x"), ("MLTERM", "3.9")]);
        assert_eq!(d.mode, BidiMode::Terminal);
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let d = with(&[("MLTERM", ""), ("TERM", "xterm")]);
        assert_eq!(d.terminal, Known::Unknown);
    }
}
