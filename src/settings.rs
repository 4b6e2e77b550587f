//! The settings qari runs with: the command line over the config file over
//! the defaults, with `auto` resolved for the terminal at hand.
//!
//! Resolving is pure (the terminal detection and `NO_COLOR` come in as
//! values), so every combination can be tested without a terminal.

use crate::app::{App, Look, TerminalNote};
use crate::config::{
    BidiSetting, Config, DEFAULT_MEASURE, HarakatSetting, LayoutSetting, ParagraphsSetting,
    ShapeSetting, ThemeName,
};
use crate::library::Library;
use crate::term::Setup;
use crate::term::detect::{Applies, BidiMode, Detection, Hint, Known, Marks};
use crate::term::output::Adapt;
use crate::text::{LayoutOptions, Order};

/// Choices given on the command line (`None`: not given).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--layout`.
    pub layout: Option<LayoutSetting>,
    /// `--bidi`.
    pub bidi: Option<BidiSetting>,
    /// `--shape`.
    pub shape: Option<ShapeSetting>,
    /// `--harakat`, or `--no-harakat` (off).
    pub harakat: Option<HarakatSetting>,
    /// `--theme`.
    pub theme: Option<ThemeName>,
    /// `--measure`.
    pub measure: Option<u16>,
    /// `--paragraphs`.
    pub paragraphs: Option<ParagraphsSetting>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The command line.
    CommandLine,
    /// The config file.
    Config,
    /// Chosen for this terminal (`auto`).
    Auto,
    /// The built-in default.
    Default,
}

impl Source {
    /// Words for `--check-terminal`.
    pub fn describe(self) -> &'static str {
        match self {
            Source::CommandLine => "from the command line",
            Source::Config => "from the config file",
            Source::Auto => "chosen for this terminal",
            Source::Default => "the default",
        }
    }
}

/// Everything the reader needs to know about how to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The list on the right (`Some(true)`), on the left, or by the
    /// documents' direction (`None`).
    pub list_right: Option<bool>,
    /// Who lays out right-to-left text.
    pub bidi: BidiMode,
    /// Where `bidi` came from.
    pub bidi_source: Source,
    /// Arabic presentation forms.
    pub shape: bool,
    /// Where `shape` came from.
    pub shape_source: Source,
    /// Vowel marks (harakat, Hebrew points) shown.
    pub harakat: bool,
    /// Marks sent with the cell on the left of their letter's.
    pub marks_left: bool,
    /// Where the choice about marks came from.
    pub harakat_source: Source,
    /// The theme.
    pub theme: ThemeName,
    /// Colour on (false under `NO_COLOR`).
    pub color: bool,
    /// The widest the reading pane's text runs, in cells (0: no limit).
    pub measure: u16,
    /// What separates paragraphs in the reading pane.
    pub paragraphs: ParagraphsSetting,
    /// What was found about the terminal.
    pub detection: Detection,
}

impl Settings {
    /// The notes about the terminal that apply with these settings: a hint
    /// about one bidi mode not in the other, a note on harakat only when
    /// they were left to qari.
    pub fn notes(&self) -> Vec<Hint> {
        self.detection
            .hints
            .iter()
            .filter(|hint| match hint.applies {
                Applies::Mode(mode) => mode == self.bidi,
                Applies::MarksAuto => self.harakat_source == Source::Auto,
            })
            .copied()
            .collect()
    }

    /// The order lines are painted in.
    pub fn order(&self) -> Order {
        match self.bidi {
            BidiMode::App => Order::Visual,
            BidiMode::Terminal => self.detection.logical,
        }
    }

    /// How text is laid out with these settings.
    pub fn layout_options(&self) -> LayoutOptions {
        LayoutOptions {
            shape: self.shape,
            harakat: self.harakat,
            order: self.order(),
            ..LayoutOptions::default()
        }
    }

    /// The terminal reorders every row itself, with a left-to-right base.
    fn reordered_rows(&self) -> bool {
        self.bidi == BidiMode::App && self.detection.reorders_rows
    }

    /// The reader over `library` as these settings make it: layout, look,
    /// one pane where the terminal would mix two panes' text.
    pub fn reader(&self, library: Library) -> App {
        let mut app = App::new(library, self.list_right, self.layout_options());
        app.set_measure(self.measure);
        app.set_paragraphs(self.paragraphs);
        app.look = Look {
            theme: self.theme,
            color: self.color,
        };
        app.one_pane = self.bidi == BidiMode::Terminal || self.reordered_rows();
        app
    }

    /// The notes about the terminal, as the reader shows them.
    pub fn terminal_notes(&self) -> Vec<TerminalNote> {
        self.notes()
            .into_iter()
            .map(|hint| TerminalNote {
                id: hint.id,
                text: hint.text,
            })
            .collect()
    }

    /// The terminal's modes for these settings (`mouse`: mouse reporting;
    /// `tmux_rows`: the rows of the terminal around tmux, when known).
    pub fn setup(&self, mouse: bool, tmux_rows: impl FnOnce() -> u16) -> Setup {
        let explicit_bidi = self.bidi == BidiMode::App;
        Setup {
            mouse,
            explicit_bidi,
            mlterm_layout_off: explicit_bidi && self.detection.terminal == Known::Mlterm,
            adapt: Adapt {
                whole_rows: self.bidi == BidiMode::Terminal,
                marks_left: self.marks_left,
                reordered_rows: self.reordered_rows(),
            },
            tmux_rows: (explicit_bidi && self.detection.multiplexer == Some("tmux"))
                .then(tmux_rows),
        }
    }
}

/// Resolves the settings: command line first, then the config file, then
/// `auto` (for bidi: the detected terminal's mode; for shaping: on, since a
/// terminal that reorders lays out presentation forms as it would its own
/// shaping, and the lam-alef ligature then takes the one cell qari counts;
/// for harakat: what the terminal draws well).
pub fn resolve(cli: &Overrides, config: &Config, detection: Detection, color: bool) -> Settings {
    fn pick<T: Copy>(cli: Option<T>, config: Option<T>) -> Option<(T, Source)> {
        cli.map(|v| (v, Source::CommandLine))
            .or(config.map(|v| (v, Source::Config)))
    }
    let list_right = match pick(cli.layout, config.layout) {
        Some((LayoutSetting::Rtl, _)) => Some(true),
        Some((LayoutSetting::Ltr, _)) => Some(false),
        Some((LayoutSetting::Auto, _)) | None => None,
    };
    let (bidi, bidi_source) = match pick(cli.bidi, config.bidi) {
        Some((BidiSetting::App, source)) => (BidiMode::App, source),
        Some((BidiSetting::Terminal, source)) => (BidiMode::Terminal, source),
        Some((BidiSetting::Auto, _)) | None => (detection.mode, Source::Auto),
    };
    let (shape, shape_source) = match pick(cli.shape, config.shape) {
        Some((ShapeSetting::On, source)) => (true, source),
        Some((ShapeSetting::Off, source)) => (false, source),
        Some((ShapeSetting::Auto, _)) | None => (true, Source::Auto),
    };
    let (marks, harakat_source) = match pick(cli.harakat, config.harakat) {
        Some((HarakatSetting::On, source)) => (Marks::WithLetter, source),
        Some((HarakatSetting::Off, source)) => (Marks::Hidden, source),
        Some((HarakatSetting::Shifted, source)) => (Marks::CellToTheLeft, source),
        Some((HarakatSetting::Auto, _)) | None => (detection.marks, Source::Auto),
    };
    Settings {
        list_right,
        bidi,
        bidi_source,
        shape,
        shape_source,
        harakat: marks != Marks::Hidden,
        // Only cells in visual order sit where the terminal draws them.
        marks_left: marks == Marks::CellToTheLeft && bidi == BidiMode::App,
        harakat_source,
        theme: pick(cli.theme, config.theme).map_or(ThemeName::Dark, |(t, _)| t),
        color,
        measure: pick(cli.measure, config.measure).map_or(DEFAULT_MEASURE, |(m, _)| m),
        paragraphs: pick(cli.paragraphs, config.paragraphs)
            .map_or_else(Default::default, |(p, _)| p),
        detection,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::detect::detect;

    fn konsole() -> Detection {
        detect(|name| (name == "KONSOLE_VERSION").then(|| "230800".to_string()))
    }

    fn xterm() -> Detection {
        detect(|name| (name == "TERM").then(|| "xterm-256color".to_string()))
    }

    fn alacritty() -> Detection {
        detect(|name| (name == "TERM").then(|| "alacritty".to_string()))
    }

    #[test]
    fn auto_follows_the_terminal_and_shapes_in_both_modes() {
        let s = resolve(&Overrides::default(), &Config::default(), konsole(), true);
        assert_eq!((s.bidi, s.bidi_source), (BidiMode::Terminal, Source::Auto));
        assert!(s.shape, "presentation forms take the cells qari counts");
        assert_eq!(s.order(), Order::LogicalMirrored);
        let s = resolve(&Overrides::default(), &Config::default(), xterm(), true);
        assert_eq!((s.bidi, s.shape), (BidiMode::App, true));
        assert_eq!(s.order(), Order::Visual);
        assert_eq!(
            (s.list_right, s.harakat, s.marks_left, s.theme),
            (None, true, false, ThemeName::Dark)
        );
        assert_eq!((s.measure, s.paragraphs), (90, ParagraphsSetting::Line));
    }

    #[test]
    fn harakat_follow_the_terminal_unless_set() {
        let s = resolve(&Overrides::default(), &Config::default(), alacritty(), true);
        assert_eq!((s.harakat, s.marks_left), (true, true));
        assert_eq!(s.harakat_source, Source::Auto);
        let config = Config {
            harakat: Some(HarakatSetting::On),
            ..Config::default()
        };
        let s = resolve(&Overrides::default(), &config, alacritty(), true);
        assert_eq!((s.harakat, s.marks_left), (true, false));
        assert_eq!(s.harakat_source, Source::Config);
        let cli = Overrides {
            harakat: Some(HarakatSetting::Shifted),
            bidi: Some(BidiSetting::Terminal),
            ..Overrides::default()
        };
        // Shifting needs cells in visual order: not in terminal mode.
        let s = resolve(&cli, &config, xterm(), true);
        assert_eq!((s.harakat, s.marks_left), (true, false));
        let foot = detect(|name| (name == "TERM").then(|| "foot".to_string()));
        let s = resolve(&Overrides::default(), &Config::default(), foot, true);
        assert!(!s.harakat);
    }

    #[test]
    fn the_command_line_wins_over_the_config_which_wins_over_auto() {
        let config = Config {
            bidi: Some(BidiSetting::App),
            shape: Some(ShapeSetting::Off),
            layout: Some(LayoutSetting::Ltr),
            harakat: Some(HarakatSetting::Off),
            theme: Some(ThemeName::Light),
            measure: Some(0),
            paragraphs: Some(ParagraphsSetting::Blank),
            copy_command: None,
        };
        let s = resolve(&Overrides::default(), &config, konsole(), true);
        assert_eq!((s.bidi, s.bidi_source), (BidiMode::App, Source::Config));
        assert_eq!((s.shape, s.shape_source), (false, Source::Config));
        assert_eq!((s.measure, s.paragraphs), (0, ParagraphsSetting::Blank));
        assert_eq!(
            (s.list_right, s.harakat, s.theme),
            (Some(false), false, ThemeName::Light)
        );
        let cli = Overrides {
            bidi: Some(BidiSetting::Terminal),
            shape: Some(ShapeSetting::Auto),
            layout: Some(LayoutSetting::Rtl),
            harakat: None,
            theme: Some(ThemeName::Dark),
            measure: Some(70),
            paragraphs: None,
        };
        let s = resolve(&cli, &config, xterm(), false);
        assert_eq!(
            (s.bidi, s.bidi_source),
            (BidiMode::Terminal, Source::CommandLine)
        );
        assert_eq!((s.shape, s.shape_source), (true, Source::Auto));
        assert_eq!(
            (s.list_right, s.harakat, s.theme),
            (Some(true), false, ThemeName::Dark)
        );
        assert!(!s.color);
        assert_eq!((s.measure, s.paragraphs), (70, ParagraphsSetting::Blank));
        // `auto` on the command line hands the choice back to the terminal.
        let cli = Overrides {
            bidi: Some(BidiSetting::Auto),
            ..Overrides::default()
        };
        let s = resolve(&cli, &config, konsole(), true);
        assert_eq!((s.bidi, s.bidi_source), (BidiMode::Terminal, Source::Auto));
    }
}
