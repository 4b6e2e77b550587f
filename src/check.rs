//! `qari --check-terminal`: what qari found out about the terminal, the
//! bidi mode it chose and why, and a sample line in each mode, so a person
//! sees at once which one reads right and what to put in the config.

use std::io::{self, Write};
use std::path::Path;

use crate::settings::{Settings, Source};
use crate::term::probe::BdsmReport;
use crate::text::{Layout, LayoutOptions, Order};

/// The sample: Arabic with a lam-alef (لا), joined letters, brackets that
/// mirror, Arabic-Indic digits and a Latin word inside.
pub const SAMPLE: &str = "قارئ: السلام عليكم (مرحبا) ١٢٣ qari";

/// How a sample line is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// A label for people.
    pub label: &'static str,
    /// The `--bidi` and `--shape` settings that give it.
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
        shape: false,
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

/// The report's text, without the sample lines.
pub fn report(settings: &Settings, bdsm: BdsmReport, config: Option<&Path>) -> String {
    let d = &settings.detection;
    let mut out = String::new();
    let found = if d.evidence.is_empty() {
        format!(
            "{} (no telling variable set; TERM={})",
            d.terminal.name(),
            term()
        )
    } else {
        format!("{} ({})", d.terminal.name(), d.evidence)
    };
    out.push_str(&format!("Terminal:        {found}\n"));
    if let Some(multiplexer) = d.multiplexer {
        out.push_str(&format!(
            "Multiplexer:     {multiplexer} (it draws on an outer terminal; variables set by that terminal may be stale)\n"
        ));
    }
    out.push_str(&format!(
        "Bidi mode query: {} (CSI 8 $ p)\n",
        bdsm.describe()
    ));
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
    if let Some(hint) = d.hint.filter(|h| h.mode == settings.bidi) {
        out.push_str(&format!("Hint:            {}\n", hint.text));
    }
    out.push('\n');
    out.push_str(&format!(
        "Below, the same Arabic line is sent three ways. The right one reads right to left \
         with its letters joined, \"قارئ:\" at the right end, the brackets opening on the right \
         and \"qari\" at the left. Current mode: {}.\n",
        settings.bidi.name()
    ));
    let place = config.map_or_else(
        || "the config file".to_string(),
        |p| p.display().to_string(),
    );
    out.push_str(&format!(
        "Put the setting of the line that reads right into {place}, or pass it as --bidi/--shape.\n"
    ));
    out
}

fn term() -> String {
    std::env::var("TERM").unwrap_or_else(|_| "(unset)".to_string())
}

/// Prints the report and the sample lines to the terminal; each sample is
/// sent in its mode, and the terminal is left in implicit mode (its default)
/// unless it said it was in explicit mode before.
pub fn run(settings: &Settings, bdsm: BdsmReport, config: Option<&Path>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(report(settings, bdsm, config).as_bytes())?;
    out.write_all(b"\n")?;
    let tmux = settings.detection.multiplexer == Some("tmux");
    for (i, sample) in SAMPLES.iter().enumerate() {
        let mode: &[u8] = if sample.explicit {
            b"\x1b[8l"
        } else {
            b"\x1b[8h"
        };
        out.write_all(mode)?;
        if tmux {
            out.write_all(b"\x1bPtmux;\x1b")?;
            out.write_all(mode)?;
            out.write_all(b"\x1b\\")?;
        }
        writeln!(
            out,
            "  {}. {:<34} {}",
            i + 1,
            sample.label,
            sample_line(sample)
        )?;
        writeln!(out, "     {:<34} {}", "", sample.flags)?;
    }
    if bdsm != BdsmReport::Explicit {
        out.write_all(b"\x1b[8h")?;
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
        // Logical order is the text as typed; visual order starts (at the
        // left) with the Latin word and ends with the first Arabic word.
        assert_eq!(logical, SAMPLE);
        assert!(visual.starts_with("qari"), "{visual}");
        assert!(visual.ends_with(":ئراق"), "{visual}");
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
        let detection = detect(|name| (name == "MLTERM").then(|| "3.9.3".to_string()));
        let settings = resolve(&Overrides::default(), &Config::default(), detection, true);
        let text = report(&settings, BdsmReport::NoAnswer, None);
        assert!(text.contains("mlterm (MLTERM=3.9.3)"), "{text}");
        assert!(
            text.contains("Mode:            terminal — mlterm reorders"),
            "{text}"
        );
        assert!(
            text.contains("off: base letters (chosen for this terminal)"),
            "{text}"
        );
        assert!(text.contains("no answer about the bidi mode"), "{text}");
    }
}
