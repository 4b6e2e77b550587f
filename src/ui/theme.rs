//! Colours and text attributes, in one place.
//!
//! Only the sixteen named ANSI colours are used, so every theme works on a
//! 16-colour terminal and over any `TERM`; nothing depends on true colour.
//! Every distinction a theme draws with colour is also drawn with an
//! attribute (reverse, bold, underline), so with colour off (`NO_COLOR`)
//! nothing is lost.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeName;

/// The styles the panes paint with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Pane headers ("Documents: 5").
    pub header: Style,
    /// Heading-like paragraphs in the reading pane.
    pub heading: Style,
    /// Secondary text: file names, separators, hints.
    pub dim: Style,
    /// The selected row while its pane has the keyboard.
    pub selected: Style,
    /// The selected row while the other pane has the keyboard.
    pub selected_idle: Style,
    /// A match or search hit.
    pub hit: Style,
    /// The search hit last jumped to.
    pub current_hit: Style,
    /// The status bar.
    pub status: Style,
    /// A warning or notice in the status bar.
    pub notice: Style,
    /// Why a document cannot be shown.
    pub error: Style,
    /// A bar's prompt ("Filter: ").
    pub prompt: Style,
    /// The cursor in a bar.
    pub cursor: Style,
    /// Text selected in the reading pane.
    pub selection: Style,
    /// The end of the selection that moves.
    pub selection_end: Style,
    /// Code in a structured document.
    pub code: Style,
    /// A link's text.
    pub link: Style,
}

impl Theme {
    /// The built-in theme of that kind; without colour when `color` is false.
    pub fn new(kind: ThemeName, color: bool) -> Theme {
        let theme = match kind {
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
        };
        if color { theme } else { theme.without_color() }
    }

    /// Light text on a dark background.
    pub fn dark() -> Theme {
        Theme {
            heading: bold().fg(Color::LightCyan),
            hit: marked().fg(Color::Black).bg(Color::Yellow),
            current_hit: marked()
                .fg(Color::Black)
                .bg(Color::LightMagenta)
                .add_modifier(Modifier::BOLD),
            notice: reversed().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::LightRed),
            selection: Style::new().fg(Color::White).bg(Color::Blue),
            code: Style::new().fg(Color::LightGreen),
            link: Style::new()
                .fg(Color::LightBlue)
                .add_modifier(Modifier::UNDERLINED),
            selection_end: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            ..Theme::plain()
        }
    }

    /// Dark text on a light background.
    pub fn light() -> Theme {
        Theme {
            heading: bold().fg(Color::Blue),
            hit: marked().fg(Color::Black).bg(Color::LightYellow),
            current_hit: marked()
                .fg(Color::White)
                .bg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            notice: reversed().fg(Color::Red).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::Red),
            selection: Style::new().fg(Color::Black).bg(Color::LightBlue),
            code: Style::new().fg(Color::Green),
            link: Style::new()
                .fg(Color::Blue)
                .add_modifier(Modifier::UNDERLINED),
            selection_end: Style::new()
                .fg(Color::Black)
                .bg(Color::LightBlue)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            ..Theme::plain()
        }
    }

    /// Attributes only, for `NO_COLOR` and as the base of the themes.
    fn plain() -> Theme {
        Theme {
            header: bold(),
            heading: bold(),
            dim: Style::new().add_modifier(Modifier::DIM),
            selected: reversed(),
            selected_idle: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            hit: marked().add_modifier(Modifier::REVERSED),
            current_hit: marked().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            status: reversed(),
            notice: reversed().add_modifier(Modifier::BOLD),
            error: bold(),
            prompt: bold(),
            cursor: reversed(),
            selection: reversed(),
            selection_end: reversed().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            code: Style::new().add_modifier(Modifier::ITALIC),
            link: Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    /// The same theme with every colour taken out (attributes stay). A hit
    /// that was marked by its background becomes reversed instead.
    pub fn without_color(self) -> Theme {
        let plain = Theme::plain();
        let strip = |style: Style, fallback: Style| {
            if style.bg.is_some() {
                fallback
            } else {
                Style {
                    fg: None,
                    bg: None,
                    underline_color: None,
                    ..style
                }
            }
        };
        Theme {
            header: strip(self.header, plain.header),
            heading: strip(self.heading, plain.heading),
            dim: strip(self.dim, plain.dim),
            selected: strip(self.selected, plain.selected),
            selected_idle: strip(self.selected_idle, plain.selected_idle),
            hit: strip(self.hit, plain.hit),
            current_hit: strip(self.current_hit, plain.current_hit),
            status: strip(self.status, plain.status),
            notice: strip(self.notice, plain.notice),
            error: strip(self.error, plain.error),
            prompt: strip(self.prompt, plain.prompt),
            cursor: strip(self.cursor, plain.cursor),
            selection: strip(self.selection, plain.selection),
            selection_end: strip(self.selection_end, plain.selection_end),
            code: strip(self.code, plain.code),
            link: strip(self.link, plain.link),
        }
    }

    /// Every style, for checks that apply to all of them.
    pub fn styles(&self) -> [Style; 16] {
        [
            self.header,
            self.heading,
            self.dim,
            self.selected,
            self.selected_idle,
            self.hit,
            self.current_hit,
            self.status,
            self.notice,
            self.error,
            self.prompt,
            self.cursor,
            self.selection,
            self.selection_end,
            self.code,
            self.link,
        ]
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}

fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

fn reversed() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

fn marked() -> Style {
    Style::new().add_modifier(Modifier::UNDERLINED)
}

/// Whether colour is off: `NO_COLOR` set to anything but the empty string
/// (no-color.org).
pub fn no_color(var: Option<std::ffi::OsString>) -> bool {
    var.is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(color: Option<Color>) -> bool {
        matches!(
            color,
            None | Some(
                Color::Reset
                    | Color::Black
                    | Color::Red
                    | Color::Green
                    | Color::Yellow
                    | Color::Blue
                    | Color::Magenta
                    | Color::Cyan
                    | Color::Gray
                    | Color::DarkGray
                    | Color::LightRed
                    | Color::LightGreen
                    | Color::LightYellow
                    | Color::LightBlue
                    | Color::LightMagenta
                    | Color::LightCyan
                    | Color::White
            )
        )
    }

    #[test]
    fn themes_use_only_the_sixteen_colours() {
        for theme in [Theme::dark(), Theme::light()] {
            for style in theme.styles() {
                assert!(named(style.fg) && named(style.bg), "{style:?}");
            }
        }
    }

    #[test]
    fn without_colour_no_style_has_one_and_hits_still_stand_out() {
        for kind in [ThemeName::Dark, ThemeName::Light] {
            let theme = Theme::new(kind, false);
            for style in theme.styles() {
                assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
            }
            assert!(theme.hit.add_modifier.contains(Modifier::REVERSED));
            assert_ne!(theme.hit, theme.current_hit);
            assert_ne!(theme.selected, Style::new());
        }
    }

    #[test]
    fn no_color_means_set_and_not_empty() {
        assert!(!no_color(None));
        assert!(!no_color(Some("".into())));
        assert!(no_color(Some("1".into())));
    }
}
