//! The settings file and the setting types shared with the command line.
//!
//! Every key of the file is optional; a key that is absent leaves the choice
//! to the command line or to the built-in default, which the caller decides.
//! Errors carry the file, the 1-based line and column, and a one-line message
//! that says what the key expected, so the caller can print them as they are.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::fsread::{self, ReadLimitError};
use crate::text::sanitize::{ITEM_MAX, one_line, quote, quote_path};

/// How the screen is mirrored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayoutSetting {
    /// Lets qari choose the direction.
    Auto,
    /// Mirrors the screen: the list on the right, the text beside it.
    Rtl,
    /// Keeps the list on the left.
    Ltr,
}

/// Who puts right-to-left text into visual order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BidiSetting {
    /// Chooses per terminal.
    Auto,
    /// qari reorders and shapes the text and puts the terminal in explicit mode.
    App,
    /// qari sends logical order and base letters to a terminal that does implicit bidi.
    Terminal,
}

/// Whether Arabic letters are sent as contextual presentation forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeSetting {
    /// Shapes when qari does the bidi, not when the terminal does.
    Auto,
    /// Always shapes.
    On,
    /// Never shapes; the letters go out as base letters.
    Off,
}

/// Whether and how harakat (Arabic vowel marks, Hebrew points) are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HarakatSetting {
    /// Chosen for the terminal: shown, unless it misdraws them.
    Auto,
    /// Shown, sent with their letter.
    On,
    /// Hidden.
    Off,
    /// Shown, sent with the cell left of their letter's, for terminals that
    /// draw a mark one cell to the right (Alacritty).
    Shifted,
}

impl<'de> Deserialize<'de> for HarakatSetting {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `true`/`false` as before, or one of the names.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Flag(bool),
            Name(String),
        }
        match Either::deserialize(deserializer)? {
            Either::Flag(true) => Ok(HarakatSetting::On),
            Either::Flag(false) => Ok(HarakatSetting::Off),
            Either::Name(name) => HarakatSetting::from_str(&name, false)
                .map_err(|_| serde::de::Error::custom(format!("invalid value {name:?}"))),
        }
    }
}

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    /// Light text on a dark background.
    Dark,
    /// Dark text on a light background.
    Light,
}

/// What separates the paragraphs of a document in the reading pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphsSetting {
    /// Every line is a paragraph, with a blank row after it (a heading-like
    /// line stays with the paragraph it heads).
    #[default]
    Line,
    /// Only blank lines in the file make a blank row; lines follow one
    /// another as they are (for files wrapped by hand).
    Blank,
}

/// The measure qari uses unless told otherwise: the upper end of the 45 to
/// 90 characters a line that typographers advise.
pub const DEFAULT_MEASURE: u16 = 90;

/// The settings read from the config file; `None` where the file is silent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Screen mirroring (`layout`).
    pub layout: Option<LayoutSetting>,
    /// Who does the bidi (`bidi`).
    pub bidi: Option<BidiSetting>,
    /// Arabic presentation forms (`shape`).
    pub shape: Option<ShapeSetting>,
    /// Whether and how vowel marks are shown (`harakat`).
    pub harakat: Option<HarakatSetting>,
    /// The colour theme (`theme`).
    pub theme: Option<ThemeName>,
    /// The widest the reading pane's text runs, in cells; 0 for no limit
    /// (`measure`).
    pub measure: Option<u16>,
    /// What separates paragraphs (`paragraphs`).
    pub paragraphs: Option<ParagraphsSetting>,
    /// A command that takes copied text on its standard input
    /// (`copy_command`), instead of the terminal's clipboard.
    pub copy_command: Option<String>,
}

/// The keys of the file, in the order the documentation lists them.
const KEYS: [&str; 8] = [
    "layout",
    "bidi",
    "shape",
    "harakat",
    "theme",
    "measure",
    "paragraphs",
    "copy_command",
];

/// Why a config could not be used; its `Display` is the whole line the user
/// sees, with what it quotes from outside (the path, a key, a value) shown
/// by [`quote`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file the settings came from.
    pub path: PathBuf,
    /// The 1-based line of the fault, when it lies in the text.
    pub line: Option<usize>,
    /// The 1-based column, in characters, of the fault, when it lies in the text.
    pub column: Option<usize>,
    /// What is wrong and what was expected, on one line.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "qari: {}", quote_path(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Returns where the config is read from: `$XDG_CONFIG_HOME/qari/config.toml`,
/// else `qari/config.toml` under the platform's config directory.
pub fn default_path() -> Option<PathBuf> {
    default_path_from(std::env::var_os("XDG_CONFIG_HOME"), dirs::config_dir())
}

/// Picks the config path from `$XDG_CONFIG_HOME` and the platform's config directory.
fn default_path_from(
    xdg: Option<std::ffi::OsString>,
    platform: Option<PathBuf>,
) -> Option<PathBuf> {
    // The XDG base directory spec says a relative value is invalid and is to
    // be ignored, like an empty one.
    let xdg = xdg.map(PathBuf::from).filter(|dir| dir.is_absolute());
    xdg.or(platform)
        .map(|dir| dir.join("qari").join("config.toml"))
}

/// The largest config file qari reads: a config is a few lines, and a file
/// larger than this is something else (a link to a device, a log).
pub const CONFIG_LIMIT: u64 = 1 << 20;

/// Reads and parses a config file. A missing file is `Ok(None)` unless it was
/// named explicitly (`explicit`, from `--config PATH`), when it is an error.
/// Anything but a regular file of at most [`CONFIG_LIMIT`] bytes is an
/// error, found without waiting: a FIFO is not opened, a device not read.
pub fn load(path: &Path, explicit: bool) -> Result<Option<Config>, ConfigError> {
    let bytes = match fsread::read_limited(path, CONFIG_LIMIT) {
        Ok(bytes) => bytes,
        Err(ReadLimitError::Io(err)) if err.kind() == io::ErrorKind::NotFound && !explicit => {
            return Ok(None);
        }
        Err(ReadLimitError::Io(err)) => return Err(whole_file_error(path, read_failure(&err))),
        Err(err) => return Err(whole_file_error(path, err.to_string())),
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| whole_file_error(path, "not UTF-8 text".to_owned()))?;
    parse(&text, path).map(Some)
}

/// Parses config text (no I/O); `path` is only used in error messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let located = |offset: Option<usize>, message: String| {
        let (line, column) = offset.map(|offset| line_column(text, offset)).unzip();
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let start = |err: &toml::de::Error| err.span().map(|span| span.start);
    let table =
        DeTable::parse(text).map_err(|err| located(start(&err), one_line(err.message())))?;
    // The entries are checked here rather than left to serde, whose messages
    // do not name the key and which visits keys in sorted order; this way the
    // first fault in the file is the one reported.
    let first_fault = table
        .get_ref()
        .iter()
        .filter_map(|(key, value)| fault(key.get_ref(), key.span(), value))
        .min_by_key(|(offset, _)| *offset);
    if let Some((offset, message)) = first_fault {
        return Err(located(Some(offset), message));
    }
    Config::deserialize(toml::de::Deserializer::from(table))
        .map_err(|err| located(start(&err), one_line(err.message())))
}

/// Words a failed read of the whole file.
fn read_failure(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => format!("cannot read: {err}"),
    }
}

/// Builds an error about the file as a whole, with no position.
fn whole_file_error(path: &Path, message: String) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        message,
    }
}

/// Returns the 1-based line and character column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |nl| nl + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// What a key accepts.
enum Accepts {
    /// A string naming one of these values.
    OneOf(Vec<String>),
    /// `true`, `false`, or a string naming one of these values.
    BooleanOrOneOf(Vec<String>),
    /// A whole number of cells, from 0 to `u16::MAX`.
    Cells,
    /// A command: a program and its arguments, separated by spaces.
    Command,
}

/// Returns what `key` accepts, or `None` for a key the file does not have.
fn accepts(key: &str) -> Option<Accepts> {
    match key {
        "layout" => Some(Accepts::OneOf(names::<LayoutSetting>())),
        "bidi" => Some(Accepts::OneOf(names::<BidiSetting>())),
        "shape" => Some(Accepts::OneOf(names::<ShapeSetting>())),
        "harakat" => Some(Accepts::BooleanOrOneOf(names::<HarakatSetting>())),
        "theme" => Some(Accepts::OneOf(names::<ThemeName>())),
        "measure" => Some(Accepts::Cells),
        "paragraphs" => Some(Accepts::OneOf(names::<ParagraphsSetting>())),
        "copy_command" => Some(Accepts::Command),
        _ => None,
    }
}

/// Returns the names a setting enum takes, as the command line spells them.
fn names<T: ValueEnum>() -> Vec<String> {
    T::value_variants()
        .iter()
        .filter_map(|value| value.to_possible_value())
        .map(|value| value.get_name().to_owned())
        .collect()
}

/// Checks one top-level entry against what its key accepts. Returns the
/// byte offset to report and the message, or `None` when the entry is valid.
fn fault(
    key: &str,
    key_span: Range<usize>,
    value: &Spanned<DeValue<'_>>,
) -> Option<(usize, String)> {
    let Some(accepts) = accepts(key) else {
        let message = format!(
            "unknown key `{}`: expected one of {}",
            quote(key, ITEM_MAX),
            KEYS.join(", ")
        );
        return Some((key_span.start, message));
    };
    let at = value.span().start;
    let found = match (value.get_ref(), &accepts) {
        (DeValue::String(text), Accepts::OneOf(choices) | Accepts::BooleanOrOneOf(choices)) => {
            if choices.iter().any(|choice| choice == text.as_ref()) {
                return None;
            }
            let message = format!(
                "invalid value \"{}\" for `{key}`: expected one of {}",
                quote(text, ITEM_MAX),
                choices.join(", ")
            );
            return Some((at, message));
        }
        (DeValue::Boolean(_), Accepts::BooleanOrOneOf(_)) => return None,
        (DeValue::String(text), Accepts::Command) => {
            if text.split_whitespace().next().is_some() && !text.contains(char::is_control) {
                return None;
            }
            return Some((
                at,
                format!(
                    "invalid value \"{}\" for `{key}`: expected a program and its arguments, separated by spaces, such as \"wl-copy\"",
                    quote(text, ITEM_MAX)
                ),
            ));
        }
        (DeValue::Integer(n), Accepts::Cells) => {
            if u16::from_str_radix(n.as_str(), n.radix()).is_ok() {
                return None;
            }
            let message = format!(
                "invalid value {n} for `{key}`: expected a number of cells from 0 to {}",
                u16::MAX
            );
            return Some((at, message));
        }
        (DeValue::String(_), _) => "a string",
        (DeValue::Integer(_), _) => "an integer",
        (DeValue::Float(_), _) => "a float",
        (DeValue::Boolean(_), _) => "a boolean",
        (DeValue::Datetime(_), _) => "a date-time",
        (DeValue::Array(_), _) => "an array",
        (DeValue::Table(_), _) => "a table",
    };
    let expected = match accepts {
        Accepts::OneOf(choices) => format!("a string (one of {})", choices.join(", ")),
        Accepts::BooleanOrOneOf(choices) => format!(
            "a boolean (true or false) or a string (one of {})",
            choices.join(", ")
        ),
        Accepts::Cells => "an integer (a number of cells, 0 for no limit)".to_owned(),
        Accepts::Command => "a string (a program and its arguments)".to_owned(),
    };
    let message = format!("invalid type for `{key}`: expected {expected}, found {found}");
    Some((at, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/home/u/.config/qari/config.toml";

    fn parse_ok(text: &str) -> Config {
        parse(text, Path::new(PATH)).expect("the config text is valid")
    }

    fn parse_err(text: &str) -> ConfigError {
        parse(text, Path::new(PATH)).expect_err("the config text is invalid")
    }

    /// A fresh directory under the system temp dir, removed by the caller.
    fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("qari-config-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the temp dir is writable");
        dir
    }

    /// The default config with one change.
    fn with(change: impl FnOnce(&mut Config)) -> Config {
        let mut config = Config::default();
        change(&mut config);
        config
    }

    #[test]
    fn each_key_takes_each_value() {
        let cases = [
            (
                "layout = \"auto\"",
                with(|c| c.layout = Some(LayoutSetting::Auto)),
            ),
            (
                "layout = \"rtl\"",
                with(|c| c.layout = Some(LayoutSetting::Rtl)),
            ),
            (
                "layout = \"ltr\"",
                with(|c| c.layout = Some(LayoutSetting::Ltr)),
            ),
            (
                "bidi = \"auto\"",
                with(|c| c.bidi = Some(BidiSetting::Auto)),
            ),
            ("bidi = \"app\"", with(|c| c.bidi = Some(BidiSetting::App))),
            (
                "bidi = \"terminal\"",
                with(|c| c.bidi = Some(BidiSetting::Terminal)),
            ),
            (
                "shape = \"auto\"",
                with(|c| c.shape = Some(ShapeSetting::Auto)),
            ),
            ("shape = \"on\"", with(|c| c.shape = Some(ShapeSetting::On))),
            (
                "shape = \"off\"",
                with(|c| c.shape = Some(ShapeSetting::Off)),
            ),
            (
                "harakat = true",
                with(|c| c.harakat = Some(HarakatSetting::On)),
            ),
            (
                "harakat = false",
                with(|c| c.harakat = Some(HarakatSetting::Off)),
            ),
            (
                "harakat = \"auto\"",
                with(|c| c.harakat = Some(HarakatSetting::Auto)),
            ),
            (
                "harakat = \"shifted\"",
                with(|c| c.harakat = Some(HarakatSetting::Shifted)),
            ),
            (
                "theme = \"dark\"",
                with(|c| c.theme = Some(ThemeName::Dark)),
            ),
            (
                "theme = \"light\"",
                with(|c| c.theme = Some(ThemeName::Light)),
            ),
            (
                "theme = 'light' # literal",
                with(|c| c.theme = Some(ThemeName::Light)),
            ),
            ("measure = 72", with(|c| c.measure = Some(72))),
            ("measure = 0", with(|c| c.measure = Some(0))),
            ("measure = 0x50", with(|c| c.measure = Some(80))),
            (
                "paragraphs = \"line\"",
                with(|c| c.paragraphs = Some(ParagraphsSetting::Line)),
            ),
            (
                "paragraphs = \"blank\"",
                with(|c| c.paragraphs = Some(ParagraphsSetting::Blank)),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_ok(text), expected, "{text}");
        }
    }

    #[test]
    fn all_keys_together() {
        let text = "# qari\nlayout = \"rtl\"\nbidi = \"terminal\"\nshape = \"off\"\nharakat = false\ntheme = \"light\"\nmeasure = 100\nparagraphs = \"blank\"\ncopy_command = \"xclip -selection clipboard\"\n";
        let Config {
            layout,
            bidi,
            shape,
            harakat,
            theme,
            measure,
            paragraphs,
            copy_command,
        } = parse_ok(text);
        assert_eq!(copy_command.as_deref(), Some("xclip -selection clipboard"));
        assert_eq!(measure, Some(100));
        assert_eq!(paragraphs, Some(ParagraphsSetting::Blank));
        assert_eq!(layout, Some(LayoutSetting::Rtl));
        assert_eq!(bidi, Some(BidiSetting::Terminal));
        assert_eq!(shape, Some(ShapeSetting::Off));
        assert_eq!(harakat, Some(HarakatSetting::Off));
        assert_eq!(theme, Some(ThemeName::Light));
    }

    #[test]
    fn empty_file_sets_nothing() {
        assert_eq!(parse_ok(""), Config::default());
        assert_eq!(parse_ok("\n  \n# only a comment\n"), Config::default());
    }

    /// Every value the command line accepts is accepted by the file, with the same meaning.
    #[test]
    fn command_line_and_file_spell_values_alike() {
        fn check<T: ValueEnum + PartialEq + fmt::Debug>(key: &str, of: fn(&Config) -> Option<T>) {
            for variant in T::value_variants() {
                let value = variant.to_possible_value().expect("no variant is hidden");
                let config = parse_ok(&format!("{key} = \"{}\"", value.get_name()));
                assert_eq!(
                    of(&config).as_ref(),
                    Some(variant),
                    "{key} = {}",
                    value.get_name()
                );
            }
        }
        check("layout", |c| c.layout);
        check("bidi", |c| c.bidi);
        check("shape", |c| c.shape);
        check("theme", |c| c.theme);
        check("paragraphs", |c| c.paragraphs);
    }

    #[test]
    fn unknown_key_is_named_with_its_position_and_the_known_keys() {
        let err = parse_err("harakat = true\n\n  colour = \"red\"\n");
        assert_eq!((err.line, err.column), (Some(3), Some(3)));
        assert_eq!(
            err.message,
            "unknown key `colour`: expected one of layout, bidi, shape, harakat, theme, measure, paragraphs, copy_command"
        );
    }

    #[test]
    fn copy_command_is_a_program_and_its_arguments() {
        for (text, column, message) in [
            (
                "copy_command = \"  \"",
                16,
                "invalid value \"  \" for `copy_command`: expected a program and its arguments, separated by spaces, such as \"wl-copy\"",
            ),
            (
                "copy_command = [\"xclip\"]",
                16,
                "invalid type for `copy_command`: expected a string (a program and its arguments), found an array",
            ),
        ] {
            let err = parse_err(text);
            assert_eq!((err.line, err.column), (Some(1), Some(column)), "{text}");
            assert_eq!(err.message, message, "{text}");
        }
        // A control character in the command is refused, and shown, not sent.
        let err = parse_err("copy_command = \"wl-copy\\u001b[2J\"");
        assert!(err.message.contains("wl-copy"), "{}", err.message);
        assert!(!err.message.contains('\u{1b}'), "{}", err.message);
    }

    #[test]
    fn measure_is_a_number_of_cells() {
        let err = parse_err("measure = -4");
        assert_eq!((err.line, err.column), (Some(1), Some(11)));
        assert_eq!(
            err.message,
            "invalid value -4 for `measure`: expected a number of cells from 0 to 65535"
        );
        let err = parse_err("\nmeasure = 70000");
        assert_eq!((err.line, err.column), (Some(2), Some(11)));
        let err = parse_err("measure = \"wide\"");
        assert_eq!(
            err.message,
            "invalid type for `measure`: expected an integer (a number of cells, 0 for no limit), found a string"
        );
        let err = parse_err("paragraphs = \"double\"");
        assert_eq!(
            err.message,
            "invalid value \"double\" for `paragraphs`: expected one of line, blank"
        );
    }

    #[test]
    fn unknown_table_is_an_unknown_key() {
        let err = parse_err("theme = \"dark\"\n[colours]\nbg = 1\n");
        assert_eq!((err.line, err.column), (Some(2), Some(2)));
        assert!(err.message.contains("`colours`"), "{}", err.message);
    }

    #[test]
    fn bad_value_lists_the_expected_ones() {
        let err = parse_err("theme = \"dark\"\nlayout   = \"sideways\"\n");
        assert_eq!((err.line, err.column), (Some(2), Some(12)));
        assert_eq!(
            err.to_string(),
            "qari: /home/u/.config/qari/config.toml:2:12: invalid value \"sideways\" for `layout`: expected one of auto, rtl, ltr"
        );
        let err = parse_err("bidi = \"both\"");
        assert_eq!((err.line, err.column), (Some(1), Some(8)));
        assert!(
            err.message.contains("auto, app, terminal"),
            "{}",
            err.message
        );
        let err = parse_err("shape = \"On\"");
        assert!(err.message.contains("auto, on, off"), "{}", err.message);
        let err = parse_err("theme = \"blue\"");
        assert!(err.message.contains("dark, light"), "{}", err.message);
    }

    #[test]
    fn wrong_type_names_the_expected_type() {
        let err = parse_err("harakat = 2");
        assert_eq!((err.line, err.column), (Some(1), Some(11)));
        assert!(err.message.contains("`harakat`"), "{}", err.message);
        assert!(
            err.message.contains(
                "expected a boolean (true or false) or a string (one of auto, on, off, shifted)"
            ),
            "{}",
            err.message
        );
        assert!(err.message.contains("found an integer"), "{}", err.message);
        let err = parse_err("harakat = \"yes\"");
        assert!(
            err.message.contains(
                "invalid value \"yes\" for `harakat`: expected one of auto, on, off, shifted"
            ),
            "{}",
            err.message
        );

        let err = parse_err("\nlayout = 3\n");
        assert_eq!((err.line, err.column), (Some(2), Some(10)));
        assert!(err.message.contains("expected a string"), "{}", err.message);
        assert!(err.message.contains("found an integer"), "{}", err.message);
    }

    #[test]
    fn table_for_a_plain_key_is_a_wrong_type() {
        let err = parse_err("[layout]\nvalue = \"rtl\"\n");
        assert_eq!((err.line, err.column), (Some(1), Some(1)));
        assert!(err.message.contains("found a table"), "{}", err.message);
        let err = parse_err("theme.name = \"dark\"\n");
        assert!(err.message.contains("found a table"), "{}", err.message);
    }

    /// Serde visits keys in sorted order; the report follows the file.
    #[test]
    fn first_fault_in_the_file_is_reported() {
        let err = parse_err("theme = \"blue\"\nbidi = \"both\"\n");
        assert_eq!((err.line, err.column), (Some(1), Some(9)));
        assert!(err.message.contains("`theme`"), "{}", err.message);
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = parse_err("layout = ");
        assert_eq!((err.line, err.column), (Some(1), Some(10)));
        assert!(!err.message.is_empty());
        let err = parse_err("bidi = \"app\"\nlayout = ");
        assert_eq!((err.line, err.column), (Some(2), Some(10)));
        let err = parse_err("theme = \"dark\"\ntheme = \"light\"\n");
        assert_eq!((err.line, err.column), (Some(2), Some(1)));
        assert!(err.message.contains("duplicate"), "{}", err.message);
    }

    #[test]
    fn messages_are_one_line() {
        for text in [
            "layout = ",
            "layout = \"x\"",
            "x = 1",
            "harakat = 1",
            "[a\n",
            "a = \"\n\"",
        ] {
            let err = parse_err(text);
            assert!(!err.to_string().contains('\n'), "{text:?}: {err}");
        }
    }

    /// Columns count characters, not bytes: `"حركات"` is 7 characters and 12 bytes.
    #[test]
    fn column_counts_characters() {
        let err = parse_err("\"حركات\" = ");
        assert_eq!((err.line, err.column), (Some(1), Some(11)));
    }

    #[test]
    fn display_without_a_position() {
        let err = ConfigError {
            path: PathBuf::from("/etc/qari.toml"),
            line: None,
            column: None,
            message: "permission denied".to_owned(),
        };
        assert_eq!(err.to_string(), "qari: /etc/qari.toml: permission denied");
    }

    #[test]
    fn load_reads_a_file() {
        let dir = scratch_dir("read");
        let path = dir.join("config.toml");
        std::fs::write(&path, "layout = \"ltr\"\n").expect("the temp file is writable");
        let loaded = load(&path, true);
        let _ = std::fs::remove_dir_all(&dir);
        let expected = Config {
            layout: Some(LayoutSetting::Ltr),
            ..Config::default()
        };
        assert_eq!(loaded, Ok(Some(expected)));
    }

    #[test]
    fn load_reports_the_path_of_a_bad_file() {
        let dir = scratch_dir("bad");
        let path = dir.join("config.toml");
        std::fs::write(&path, "theme = \"grey\"\n").expect("the temp file is writable");
        let err = load(&path, false).expect_err("the value is invalid");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(err.path, path);
        assert_eq!((err.line, err.column), (Some(1), Some(9)));
    }

    #[test]
    fn missing_file_is_an_error_only_when_named() {
        let dir = scratch_dir("missing");
        let path = dir.join("qari").join("config.toml");
        let quiet = load(&path, false);
        let named = load(&path, true);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(quiet, Ok(None));
        let err = named.expect_err("a named file must exist");
        assert_eq!((err.line, err.column), (None, None));
        assert_eq!(err.path, path);
        assert!(err.message.contains("no such file"), "{}", err.message);
    }

    #[test]
    fn directory_is_not_a_config_file() {
        let dir = scratch_dir("directory");
        let explicit = load(&dir, true);
        let default = load(&dir, false);
        let _ = std::fs::remove_dir_all(&dir);
        for result in [explicit, default] {
            let err = result.expect_err("a directory is not a file");
            assert_eq!((err.line, err.column), (None, None));
            assert!(err.message.contains("directory"), "{}", err.message);
        }
    }

    #[test]
    fn fifos_devices_and_large_files_are_refused_at_once() {
        let dir = scratch_dir("special");
        let fifo = dir.join("config.toml");
        let name = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("a path");
        // SAFETY: mkfifo reads a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let large = dir.join("large.toml");
        std::fs::write(&large, "# \n".repeat(CONFIG_LIMIT as usize)).expect("a large file");
        let zero = dir.join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("a link");
        let results = [
            (
                load(&fifo, false),
                "is a FIFO (named pipe), not a regular file",
            ),
            (
                load(&zero, true),
                "is a character device, not a regular file",
            ),
            (load(&large, true), "is larger than 1 MiB"),
        ];
        let _ = std::fs::remove_dir_all(&dir);
        for (result, message) in results {
            let err = result.expect_err("not a config file");
            assert_eq!((err.line, err.column), (None, None));
            assert_eq!(err.message, message);
        }
    }

    #[test]
    fn non_utf8_file_is_an_error() {
        let dir = scratch_dir("latin1");
        let path = dir.join("config.toml");
        // "thème" in Latin-1.
        std::fs::write(&path, b"harakat = true\ntheme = \"th\xe8me\"\n")
            .expect("the temp file is writable");
        let loaded = load(&path, true);
        let _ = std::fs::remove_dir_all(&dir);
        let err = loaded.expect_err("the file is not UTF-8");
        assert_eq!((err.line, err.column), (None, None));
        assert!(err.message.contains("UTF-8"), "{}", err.message);
    }

    #[test]
    fn default_path_prefers_an_absolute_xdg_config_home() {
        let platform = Some(PathBuf::from("/platform/config"));
        assert_eq!(
            default_path_from(Some("/xdg".into()), platform.clone()),
            Some(PathBuf::from("/xdg/qari/config.toml"))
        );
        assert_eq!(
            default_path_from(Some("relative".into()), platform.clone()),
            Some(PathBuf::from("/platform/config/qari/config.toml"))
        );
        assert_eq!(
            default_path_from(Some("".into()), platform.clone()),
            Some(PathBuf::from("/platform/config/qari/config.toml"))
        );
        assert_eq!(
            default_path_from(None, platform),
            Some(PathBuf::from("/platform/config/qari/config.toml"))
        );
        assert_eq!(default_path_from(None, None), None);
    }
}
