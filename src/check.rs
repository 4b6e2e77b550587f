//! `qari --check-terminal`: what qari found out about the terminal, the
//! choices it made and why, and a sample line in each mode, so a person
//! sees at once which one reads right and what to put in the config.
//!
//! On a terminal the report itself is laid out as the reader would lay it
//! out (its Arabic words in visual order in app mode), and each sample goes
//! in its own bidi mode. Through a pipe or into a file nothing but text
//! goes out: the report and the samples in logical order, no escape
//! sequence.

use std::io::{self, Write};
use std::path::Path;

use crate::settings::{Settings, Source};
use crate::term::detect::{BidiMode, Known};
use crate::term::probe::BdsmReport;
use crate::text::sanitize::{ITEM_MAX, quote, quote_path};
use crate::text::{Layout, LayoutOptions, Order};

/// The sample: Arabic with a lam-alef (لا), joined letters, brackets that
/// mirror, Arabic-Indic digits and a Latin word inside.
pub const SAMPLE: &str = "قارئ: السلام عليكم (مرحبا) ١٢٣ qari";

/// How a sample line is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// A label for people.
    pub label: &'static str,
    /// The settings that give it.
    pub flags: &'static str,
    /// The order the line is sent in.
    pub order: Order,
    /// Presentation forms.
    pub shape: bool,
    /// Sent in explicit mode (the terminal must not reorder it).
    pub explicit: bool,
}

/// The three ways qari can send Arabic, in the order they are shown.
pub const SAMPLES: [Sample; 3] = [
    Sample {
        label: "app mode, shaped by qari",
        flags: "bidi = \"app\"",
        order: Order::Visual,
        shape: true,
        explicit: true,
    },
    Sample {
        label: "app mode, shaped by the terminal",
        flags: "bidi = \"app\" and shape = \"off\"",
        order: Order::Visual,
        shape: false,
        explicit: true,
    },
    Sample {
        label: "terminal mode",
        flags: "bidi = \"terminal\"",
        order: Order::Logical,
        shape: true,
        explicit: false,
    },
];

/// The sample laid out as `sample` sends it, on one line.
pub fn sample_line(sample: &Sample) -> String {
    let options = LayoutOptions {
        wrap: false,
        shape: sample.shape,
        order: sample.order,
        ..LayoutOptions::default()
    };
    let layout = Layout::new(SAMPLE, &options);
    layout.line(0).map(|l| l.text()).unwrap_or_default()
}

/// What was read of the terminal's own settings, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// kitty's `force_ltr`, as qari found it.
    pub kitty_force_ltr: Option<bool>,
    /// tmux's `allow-passthrough`.
    pub tmux_passthrough: Option<bool>,
    /// Where `y` copies go, in a sentence.
    pub copying: String,
}

/// The report's text (logical order), without the sample lines. What it
/// quotes from outside (variables, the terminal's answers, the config's
/// path) is shown by [`quote`].
pub fn report(
    settings: &Settings,
    bdsm: BdsmReport,
    findings: &Findings,
    config: Option<&Path>,
) -> String {
    let d = &settings.detection;
    let mut out = String::new();
    let found = if d.evidence.is_empty() {
        format!(
            "{} (no telling variable set and no answer naming it; TERM={})",
            d.terminal.name(),
            quote(&term(), ITEM_MAX)
        )
    } else {
        format!("{} ({})", d.terminal.name(), quote(&d.evidence, ITEM_MAX))
    };
    out.push_str(&format!("Terminal:        {found}\n"));
    if let Some(multiplexer) = d.multiplexer {
        out.push_str(&format!(
            "Multiplexer:     {multiplexer} (it draws on an outer terminal; variables set by that terminal may be stale)\n"
        ));
    }
    if bdsm != BdsmReport::NoAnswer || d.terminal != Known::QTerminal {
        out.push_str(&format!(
            "Bidi mode query: {} (CSI 8 $ p)\n",
            bdsm.describe()
        ));
    }
    let why = match settings.bidi_source {
        Source::Auto => d.reason.to_string(),
        source => source.describe().to_string(),
    };
    out.push_str(&format!(
        "Mode:            {} — {why}\n",
        settings.bidi.name()
    ));
    out.push_str(&format!(
        "Shaping:         {} ({})\n",
        if settings.shape {
            "on: Arabic presentation forms"
        } else {
            "off: base letters"
        },
        settings.shape_source.describe()
    ));
    let harakat = match (settings.harakat, settings.marks_left) {
        (false, _) => "hidden",
        (true, false) => "shown, sent with their letter",
        (true, true) => "shown, sent with the cell on the left of their letter's",
    };
    out.push_str(&format!(
        "Harakat:         {harakat} ({})\n",
        settings.harakat_source.describe()
    ));
    if d.terminal == Known::Kitty {
        let state = match findings.kitty_force_ltr {
            Some(true) => "set (found in kitty's config or command line)",
            Some(false) | None => {
                "not found set in ~/.config/kitty/kitty.conf or kitty's command line"
            }
        };
        out.push_str(&format!(
            "kitty force_ltr: {state}; `kitty --debug-config | grep force_ltr` shows what kitty itself uses\n"
        ));
    }
    if let Some(on) = findings.tmux_passthrough {
        out.push_str(&format!(
            "tmux passthrough: {} (`tmux show-options -Apv allow-passthrough`)\n",
            if on { "on" } else { "off" }
        ));
    }
    out.push_str(&format!("Copying:         {}\n", findings.copying));
    for hint in settings.notes() {
        out.push_str(&format!("Note:            {}.\n", hint.text));
    }
    out.push('\n');
    out.push_str(&format!(
        "Below, the same Arabic line is sent three ways. The right one reads right to left \
         with its letters joined, \"قارئ:\" at the right end, the brackets opening on the right \
         and \"qari\" at the left. Current mode: {}.\n",
        settings.bidi.name()
    ));
    if d.terminal == Known::Mlterm {
        out.push_str(
            "mlterm's own layout is a setting for the whole window: qari turns it off while it runs, \
             and it is on here, so here the terminal mode line reads right.\n",
        );
    }
    let place = config.map_or_else(|| "the config file".to_string(), quote_path);
    out.push_str(&format!(
        "Put the setting of the line that reads right into {place}, or pass it as --bidi/--shape.\n"
    ));
    out
}

fn term() -> String {
    std::env::var("TERM").unwrap_or_else(|_| "(unset)".to_string())
}

/// One line of the report as the reader would send it with `settings`,
/// broken into lines of at most `width` cells (a terminal that wrapped a
/// line in visual order would cut a right-to-left word the wrong way).
fn laid_out(line: &str, settings: &Settings, width: usize) -> Vec<String> {
    let options = LayoutOptions {
        width,
        shape: settings.shape,
        harakat: settings.harakat,
        order: settings.order(),
        ..LayoutOptions::default()
    };
    Layout::new(line, &options)
        .lines()
        .map(|l| l.text())
        .collect()
}

/// Prints the report and the sample lines. On a terminal (`interactive`)
/// the report is laid out for the mode in use and each sample is sent in
/// its mode; the terminal is left in implicit mode (its default) unless it
/// said it was in explicit mode before. Otherwise only text goes out.
pub fn run(
    settings: &Settings,
    bdsm: BdsmReport,
    findings: &Findings,
    config: Option<&Path>,
    interactive: bool,
) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let text = report(settings, bdsm, findings, config);
    let tmux = settings.detection.in_tmux();
    let mode = |out: &mut io::StdoutLock<'_>, explicit: bool| -> io::Result<()> {
        let mode: &[u8] = if explicit { b"\x1b[8l" } else { b"\x1b[8h" };
        out.write_all(mode)?;
        if tmux {
            out.write_all(b"\x1bPtmux;\x1b")?;
            out.write_all(mode)?;
            out.write_all(b"\x1b\\")?;
        }
        Ok(())
    };
    if interactive {
        mode(&mut out, settings.bidi == BidiMode::App)?;
        let width = crossterm::terminal::size().map_or(80, |(cols, _)| usize::from(cols.max(20)));
        for line in text.lines() {
            for piece in laid_out(line, settings, width) {
                writeln!(out, "{piece}")?;
            }
        }
    } else {
        out.write_all(text.as_bytes())?;
    }
    out.write_all(b"\n")?;
    for (i, sample) in SAMPLES.iter().enumerate() {
        let line = if interactive {
            mode(&mut out, sample.explicit)?;
            sample_line(sample)
        } else {
            SAMPLE.to_string()
        };
        writeln!(out, "  {}. {:<34} {line}", i + 1, sample.label)?;
        writeln!(out, "     {:<34} {}", "", sample.flags)?;
    }
    if interactive && bdsm != BdsmReport::Explicit {
        mode(&mut out, false)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::settings::{Overrides, resolve};
    use crate::term::detect::detect;

    #[test]
    fn the_samples_differ_as_the_modes_do() {
        let shaped = sample_line(&SAMPLES[0]);
        let visual = sample_line(&SAMPLES[1]);
        let logical = sample_line(&SAMPLES[2]);
        // Visual order starts (at the left) with the Latin word and ends
        // with the first Arabic word; logical order is the text as typed,
        // shaped.
        assert!(visual.starts_with("qari"), "{visual}");
        assert!(visual.ends_with(":ئراق"), "{visual}");
        assert!(logical.ends_with("qari"), "{logical}");
        assert!(logical.contains("(\u{FEE3}"), "{logical}");
        // Shaping uses presentation forms, including the lam-alef ligature.
        assert!(
            shaped.contains('\u{FEFB}') || shaped.contains('\u{FEFC}'),
            "{shaped}"
        );
        assert!(
            !visual
                .chars()
                .any(|c| ('\u{FB50}'..='\u{FEFF}').contains(&c))
        );
    }

    #[test]
    fn the_report_names_the_terminal_the_mode_and_why() {
        let detection = detect(|name| (name == "KONSOLE_VERSION").then(|| "230800".to_string()));
        let settings = resolve(&Overrides::default(), &Config::default(), detection, true);
        let text = report(&settings, BdsmReport::NoAnswer, &Findings::default(), None);
        assert!(text.contains("Konsole (KONSOLE_VERSION=230800)"), "{text}");
        assert!(
            text.contains("Mode:            terminal — Konsole reorders"),
            "{text}"
        );
        assert!(
            text.contains("on: Arabic presentation forms (chosen for this terminal)"),
            "{text}"
        );
        assert!(text.contains("no answer about the bidi mode"), "{text}");
        assert!(text.contains("Note:            Konsole lays out"), "{text}");
    }

    #[test]
    fn the_report_tells_kitty_users_how_to_see_force_ltr() {
        let detection = detect(|name| (name == "TERM").then(|| "xterm-kitty".to_string()));
        let settings = resolve(&Overrides::default(), &Config::default(), detection, true);
        let text = report(&settings, BdsmReport::Unknown, &Findings::default(), None);
        assert!(
            text.contains("kitty --debug-config | grep force_ltr"),
            "{text}"
        );
        assert!(text.contains("add the line `force_ltr yes`"), "{text}");
    }

    #[test]
    fn the_explanation_is_laid_out_for_the_mode() {
        let detection = detect(|name| (name == "TERM").then(|| "xterm".to_string()));
        let settings = resolve(&Overrides::default(), &Config::default(), detection, true);
        let line = "the right end is \"قارئ:\" here";
        let sent = laid_out(line, &settings, 80).concat();
        // App mode: the Arabic word in visual order, shaped, in place.
        assert!(sent.starts_with("the right end is \""), "{sent}");
        assert!(!sent.contains("قارئ"), "{sent}");
        assert!(sent.contains('\u{FE8E}'), "{sent}");
        // Broken to the terminal's width.
        let long = format!("{line} {}", "word ".repeat(30));
        assert!(
            laid_out(&long, &settings, 40)
                .iter()
                .all(|l| l.chars().count() <= 40)
        );
    }
}
