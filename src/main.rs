//! The `qari` command: argument parsing, then the reader, `render` or
//! `--check-terminal`.

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use qari::config::{
    self, BidiSetting, Config, HarakatSetting, LayoutSetting, ParagraphsSetting, ShapeSetting,
    ThemeName,
};
use qari::doc::Format;
use qari::library::decode::encoding_for_label;
use qari::library::{Library, path_problem};
use qari::render::{
    RenderError, RenderOptions, STREAM_LINE_LIMIT, render_input, render_structured,
};
use qari::settings::{Overrides, Settings, resolve};
use qari::state::Store;
use qari::term::clipboard;
use qari::term::detect::{self, Detection, Known, LocalSettings};
use qari::term::{local, probe};
use qari::text::BaseDirection;
use qari::text::sanitize::{self, ITEM_MAX, quote, quote_path};
use qari::ui::theme::no_color;

/// A terminal reader for right-to-left documents.
///
/// With no PATH, opens the bundled documents.
#[derive(Debug, Parser)]
#[command(name = "qari", version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Files and folders to open (folders recursively); `-` reads standard input
    paths: Vec<PathBuf>,
    /// Screen layout: rtl puts the list on the right [default: auto, rtl
    /// when most documents are right to left]
    #[arg(long, value_enum)]
    layout: Option<LayoutSetting>,
    /// Who lays out right-to-left text: qari (app) or the terminal
    /// [default: auto, chosen for the terminal; see --check-terminal]
    #[arg(long, value_enum)]
    bidi: Option<BidiSetting>,
    /// Arabic presentation forms [default: auto, on with --bidi app]
    #[arg(long, value_enum)]
    shape: Option<ShapeSetting>,
    /// Harakat (Arabic vowel marks) and Hebrew points: shown, hidden, or
    /// shifted one cell for terminals that draw them one cell too far right
    /// [default: auto, chosen for the terminal]
    #[arg(long, value_enum, conflicts_with = "no_harakat")]
    harakat: Option<HarakatSetting>,
    /// Hide harakat (the same as --harakat off)
    #[arg(long)]
    no_harakat: bool,
    /// Colour theme [default: dark]
    #[arg(long, value_enum)]
    theme: Option<ThemeName>,
    /// The widest the reading pane's text runs, in cells, centred in the
    /// pane; 0 for no limit [default: 90]
    #[arg(long, value_name = "CELLS")]
    measure: Option<u16>,
    /// What separates paragraphs: every line (a blank row after each), or
    /// only blank lines in the file [default: line]
    #[arg(long, value_enum)]
    paragraphs: Option<ParagraphsSetting>,
    /// Decode every file with this encoding (e.g. windows-1256, iso-8859-6,
    /// utf-16le) instead of detecting it
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// Read every file as this format instead of telling it from its name
    /// and its start
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Read settings from this file instead of the default config file
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Neither read nor save reading positions and bookmarks
    #[arg(long)]
    no_state: bool,
    /// Do not capture the mouse (the wheel then scrolls nothing)
    #[arg(long)]
    no_mouse: bool,
    /// Print what qari detects about the terminal, the mode it picks and
    /// why, and a sample line in each mode; then exit
    #[arg(long)]
    check_terminal: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print documents laid out as the reading pane shows them.
    Render(RenderArgs),
    /// Serve the library read-only over SSH: `ssh -p 2222 HOST` reads it.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Where to listen; any address but 127.0.0.1 must be given
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:2222")]
    listen: std::net::SocketAddr,
    /// The server's key, made on the first start and kept [default: in the
    /// state folder]
    #[arg(long, value_name = "PATH")]
    host_key: Option<PathBuf>,
    /// The readers' public keys (one per line, as in ~/.ssh/authorized_keys)
    #[arg(long, value_name = "PATH", required_unless_present = "anonymous")]
    authorized_keys: Option<PathBuf>,
    /// Let anyone who can connect read, without logging in (no places or
    /// bookmarks are kept for them)
    #[arg(long, conflicts_with = "authorized_keys")]
    anonymous: bool,
    /// Readers at once, at most
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    max_sessions: u32,
    /// Seconds a session may go without a key before it is closed
    #[arg(long, value_name = "S", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Read settings from this file instead of the default config file
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Files and folders to serve (folders recursively) [default: the
    /// bundled documents]
    paths: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Plain,
    Markdown,
    Html,
    Openiti,
    Epub,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Plain => Format::Plain,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::Openiti => Format::OpenIti,
            FormatArg::Epub => Format::Epub,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DirectionArg {
    Auto,
    Rtl,
    Ltr,
}

#[derive(Debug, clap::Args)]
struct RenderArgs {
    /// Line width in cells [default: $COLUMNS, else the terminal's width, else 80]
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..))]
    width: Option<u16>,
    /// Arabic presentation forms (off for terminals that shape by themselves)
    #[arg(long, value_enum, default_value = "on")]
    shape: OnOff,
    /// Base direction of paragraphs (auto: first strong character, else the
    /// document's dominant direction)
    #[arg(long, value_enum, default_value = "auto")]
    direction: DirectionArg,
    /// One output line per paragraph, whatever its length
    #[arg(long)]
    no_wrap: bool,
    /// Do not pad right-to-left lines on the left
    #[arg(long)]
    no_pad: bool,
    /// Hide harakat (Arabic vowel marks)
    #[arg(long)]
    no_harakat: bool,
    /// Decode input with this encoding instead of detecting it
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// Read every file as this format instead of telling it from its name
    /// and its start
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Files to print; `-` or nothing reads standard input
    files: Vec<PathBuf>,
}

fn terminal_width() -> usize {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        && cols > 0
    {
        return cols;
    }
    if io::IsTerminal::is_terminal(&io::stdout())
        && let Ok((cols, _)) = crossterm::terminal::size()
        && cols > 0
    {
        return usize::from(cols);
    }
    80
}

/// Opens an input of `qari render`: a file (whatever it is, so that
/// `qari render <(cmd)` works), or standard input for `-`. Returns it with
/// whether it is a stream (not a regular file), which may never end.
fn open_input(path: &PathBuf) -> io::Result<(Box<dyn Read>, bool)> {
    if path.as_os_str() == "-" {
        let stdin = io::stdin();
        // What standard input is, from a copy of its descriptor.
        let regular = std::os::fd::AsFd::as_fd(&stdin)
            .try_clone_to_owned()
            .and_then(|fd| std::fs::File::from(fd).metadata())
            .is_ok_and(|meta| meta.is_file());
        Ok((Box::new(stdin.lock()), !regular))
    } else {
        let file = std::fs::File::open(path)?;
        let regular = file.metadata()?.is_file();
        Ok((Box::new(file), !regular))
    }
}

/// The encoding `--encoding` names, or the message and exit code for a bad name.
fn forced_encoding(name: Option<&str>) -> Result<Option<&'static encoding_rs::Encoding>, ExitCode> {
    match name.map(encoding_for_label).transpose() {
        Ok(encoding) => Ok(encoding),
        Err(message) => {
            report(&format!("qari: --encoding: {message}"));
            Err(ExitCode::from(2))
        }
    }
}

/// Renders an input whose format its name does not give (or gives as
/// structured): its start tells; a structured one is read whole (up to
/// the size `qari render` holds) and laid out as blocks.
fn render_maybe_structured(
    input: &mut Box<dyn Read>,
    stream: bool,
    forced: Option<&'static encoding_rs::Encoding>,
    named: Option<Format>,
    options: &RenderOptions,
    out: &mut impl Write,
    warn: &mut dyn FnMut(&'static encoding_rs::Encoding),
) -> Result<(), RenderError> {
    let mut head = Vec::new();
    input
        .by_ref()
        .take(8192)
        .read_to_end(&mut head)
        .map_err(RenderError::Read)?;
    let format = named.unwrap_or_else(|| Format::sniff(&String::from_utf8_lossy(&head)));
    if format == Format::Plain {
        let mut chained: Box<dyn Read> = Box::new(io::Cursor::new(head).chain(input));
        return render_input(&mut chained, stream, forced, options, out, warn);
    }
    let mut bytes = head;
    input
        .by_ref()
        .take(qari::render::HOLD_BYTES as u64)
        .read_to_end(&mut bytes)
        .map_err(RenderError::Read)?;
    let decoded = qari::library::decode::decode(bytes, forced);
    if decoded.had_invalid {
        warn(decoded.encoding);
    }
    render_structured(&decoded.text, format, options, out).map_err(RenderError::Write)
}

fn render(args: RenderArgs) -> ExitCode {
    let forced = match forced_encoding(args.encoding.as_deref()) {
        Ok(forced) => forced,
        Err(code) => return code,
    };
    let options = RenderOptions {
        width: args.width.map_or_else(terminal_width, usize::from),
        wrap: !args.no_wrap,
        pad: !args.no_pad,
        shape: args.shape == OnOff::On,
        harakat: !args.no_harakat,
        direction: match args.direction {
            DirectionArg::Auto => BaseDirection::Auto,
            DirectionArg::Rtl => BaseDirection::Rtl,
            DirectionArg::Ltr => BaseDirection::Ltr,
        },
        threads: 0,
    };
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut failed = false;
    for path in &files {
        let name = quote_path(path);
        let mut warn = |encoding: &'static encoding_rs::Encoding| {
            report(&format!(
                "qari: warning: {name} is not valid {}; invalid bytes are shown as U+FFFD",
                encoding.name()
            ));
        };
        let result = open_input(path)
            .map_err(RenderError::Read)
            .and_then(|(mut input, stream)| {
                let named = args
                    .format
                    .map(FormatArg::format)
                    .or_else(|| Format::from_name(&path.to_string_lossy()));
                match named {
                    Some(Format::Epub) => {
                        let file = std::fs::File::open(path).map_err(RenderError::Read)?;
                        let book = qari::doc::epub::parse(file).map_err(|why| {
                            RenderError::Read(io::Error::new(io::ErrorKind::InvalidData, why))
                        })?;
                        for problem in &book.problems {
                            report(&format!(
                                "qari: {}: {}",
                                quote_path(path),
                                sanitize::one_line(problem)
                            ));
                        }
                        qari::render::render_doc(book.doc, &options, &mut out)
                            .map_err(RenderError::Write)
                    }
                    Some(Format::Plain) => {
                        render_input(&mut input, stream, forced, &options, &mut out, &mut warn)
                    }
                    named => render_maybe_structured(
                        &mut input, stream, forced, named, &options, &mut out, &mut warn,
                    ),
                }
            });
        let problem = match result {
            Ok(()) => continue,
            Err(RenderError::Write(e)) => return write_error(&e),
            Err(RenderError::Read(e)) => format!("cannot read {name}: {e}"),
            Err(RenderError::EndlessLine) => format!(
                "stopped reading {name}: no line ending in {} of text",
                qari::fsread::size(STREAM_LINE_LIMIT as u64)
            ),
        };
        let _ = out.flush();
        report(&format!("qari: {problem}"));
        failed = true;
    }
    if let Err(e) = out.flush() {
        return write_error(&e);
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// A closed pipe (`qari render | head`) ends the output quietly.
fn write_error(e: &io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    report(&format!("qari: cannot write output: {e}"));
    ExitCode::from(2)
}

/// How long qari waits for a terminal to say which one it is. Every
/// terminal answers at once; over SSH the answer takes a round trip.
const IDENTIFY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1000);

/// Finds out which terminal qari runs in: from the environment, else (when
/// `ask` and standard output is a terminal outside a multiplexer, which
/// would answer for itself) from the terminal's own answers; then reads
/// what its settings on this machine say.
fn detect_terminal(ask: bool) -> Detection {
    let env = |name: &str| std::env::var(name).ok();
    let mut detection = detect::detect(env);
    if ask
        && detection.terminal == Known::Unknown
        && detection.multiplexer.is_none()
        && io::IsTerminal::is_terminal(&io::stdout())
        && let Ok(identity) = probe::identify(IDENTIFY_TIMEOUT)
        && let Some((known, evidence)) = detect::from_identity(&identity)
    {
        detection = detect::for_terminal(known, evidence, None);
    }
    let local = LocalSettings {
        kitty_force_ltr: detection.terminal == Known::Kitty && local::kitty_force_ltr(env),
        qterminal_bidi_off: detection.terminal == Known::QTerminal
            && local::qterminal_bidi_off(env),
        tmux_passthrough: detection.in_tmux() && local::tmux_passthrough_on(),
    };
    detect::with_local(detection, local)
}

/// Reads the config (the file `--config` names, else the default one); an
/// invalid config is reported and ends qari.
fn config(cli: &Cli) -> Result<(Config, Option<PathBuf>), ExitCode> {
    let (path, explicit) = match &cli.config {
        Some(path) => (Some(path.clone()), true),
        None => (config::default_path(), false),
    };
    let config = match &path {
        Some(path) => match config::load(path, explicit) {
            Ok(config) => config.unwrap_or_default(),
            Err(e) => {
                report(&e.to_string());
                return Err(ExitCode::from(2));
            }
        },
        None => Config::default(),
    };
    Ok((config, path))
}

/// Resolves the settings from the command line, the config and the
/// terminal (`ask` lets qari ask the terminal who it is).
fn settings(cli: &Cli, config: &Config, ask: bool) -> Settings {
    let overrides = Overrides {
        layout: cli.layout,
        bidi: cli.bidi,
        shape: cli.shape,
        harakat: cli
            .harakat
            .or(cli.no_harakat.then_some(HarakatSetting::Off)),
        theme: cli.theme,
        measure: cli.measure,
        paragraphs: cli.paragraphs,
    };
    let color = !no_color(std::env::var_os("NO_COLOR"));
    resolve(&overrides, config, detect_terminal(ask), color)
}

/// Where copies go, from the config, the terminal, the multiplexer's
/// settings and the programs on this machine.
fn copy_route(config: &Config, detection: &Detection) -> clipboard::Route {
    let tmux = detection.in_tmux();
    let machine = clipboard::Machine::find(|name| std::env::var(name).ok(), clipboard::on_path);
    clipboard::route(
        config.copy_command.as_deref(),
        detection.terminal,
        clipboard::Multiplexed {
            tmux,
            screen: detection.multiplexer == Some("GNU screen"),
            tmux_clipboard: tmux && local::tmux_clipboard_on(),
            tmux_passthrough: tmux && local::tmux_passthrough_on(),
        },
        &machine,
    )
}

fn check_terminal(cli: &Cli) -> ExitCode {
    // Escape sequences (queries, modes) go only to a terminal; the answers
    // come back on /dev/tty whatever standard input is.
    let interactive = io::IsTerminal::is_terminal(&io::stdout());
    let (config, path) = match config(cli) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let settings = settings(cli, &config, interactive);
    // QTerminal prints the query it does not know ("p").
    let bdsm = if interactive && settings.detection.terminal != Known::QTerminal {
        probe::query_bdsm(std::time::Duration::from_millis(1500))
            .unwrap_or(probe::BdsmReport::NoAnswer)
    } else {
        probe::BdsmReport::NoAnswer
    };
    let env = |name: &str| std::env::var(name).ok();
    let detection = &settings.detection;
    let findings = qari::check::Findings {
        kitty_force_ltr: (detection.terminal == Known::Kitty).then(|| local::kitty_force_ltr(env)),
        tmux_passthrough: detection.in_tmux().then(local::tmux_passthrough_on),
        copying: copy_route(&config, detection).describe(),
    };
    match qari::check::run(&settings, bdsm, &findings, path.as_deref(), interactive) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => write_error(&e),
    }
}

fn read(mut cli: Cli) -> ExitCode {
    if cli.check_terminal {
        return check_terminal(&cli);
    }
    let (config, _) = match config(&cli) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let forced = match forced_encoding(cli.encoding.as_deref()) {
        Ok(forced) => forced,
        Err(code) => return code,
    };
    if !io::IsTerminal::is_terminal(&io::stdout()) {
        report("qari: standard output is not a terminal; use `qari render` to print documents");
        return ExitCode::from(2);
    }
    // `cat file | qari` reads the pipe, as less, bat and glow do; the keys
    // still come from the terminal.
    if cli.paths.is_empty() && !io::IsTerminal::is_terminal(&io::stdin()) {
        cli.paths.push(PathBuf::from("-"));
    }
    // Nothing to open at all (every path missing or unreadable): say so
    // and stop, rather than start on an empty screen.
    let problems: Vec<(String, String)> = cli
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| path_problem(p).map(|e| (p.to_string_lossy().into_owned(), e)))
        .collect();
    if !cli.paths.is_empty() && problems.len() == cli.paths.len() {
        for (name, error) in &problems {
            report(&format!(
                "qari: cannot read {}: {error}",
                quote(name, ITEM_MAX)
            ));
        }
        return ExitCode::from(2);
    }
    // Everything is known to be in order: now the terminal may be asked.
    let settings = settings(&cli, &config, true);
    // Files and folders are scanned in the background; the list grows.
    let (mut library, scanner) = if cli.paths.is_empty() {
        (Library::bundled(), None)
    } else {
        Library::scan(&cli.paths, forced)
    };
    if let Some(format) = cli.format {
        library.force_format(format.format());
    }
    let mut app = settings.reader(library);
    if let Some(scanner) = scanner {
        app.attach_scanner(scanner);
    }
    // Reading positions and bookmarks, saved on quit, on a stop signal, on
    // a hang-up and every few seconds while idle.
    let dir = if cli.no_state {
        None
    } else {
        Store::default_dir()
    };
    let (store, warning) = Store::open(dir);
    let store = Arc::new(Mutex::new(store));
    let on_hang_up = Arc::clone(&store);
    qari::term::on_hang_up(Box::new(move || {
        let _ = qari::app::places::lock(&on_hang_up).save();
    }));
    let notes = settings.terminal_notes();
    app.attach_store(store, warning, notes);
    let setup = settings.setup(!cli.no_mouse, qari::term::tmux_outer_rows);
    let copier = clipboard::Copier::new(copy_route(&config, &settings.detection));
    let result = qari::tui::run(&mut app, setup, copier);
    // The terminal is back; a failure to save can be read now.
    if let Err(message) = app.save_state() {
        report(&format!("qari: {message}"));
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&format!("qari: terminal error: {e}"));
            ExitCode::from(1)
        }
    }
}

/// Writes a message to standard error, the only way qari's own messages
/// get there: every control in it is shown, not obeyed, and each line is
/// cut to a sane length, whatever the message quotes.
fn report(message: &str) {
    let _ = writeln!(io::stderr(), "{}", sanitize::message(message));
}

/// Prints what clap has to say instead of arguments (an error, or the help
/// or version asked for) and returns its exit code. clap quotes arguments
/// as they were typed, controls included: they are shown, as in qari's own
/// messages, and clap's colours kept. The same arguments parsed without
/// styles give the text the styles were inserted into.
fn clap_message(error: &clap::Error) -> ExitCode {
    let styled = error.render().ansi().to_string();
    let plain = Cli::command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches_from(std::env::args_os())
        .err()
        .map_or_else(
            || error.render().to_string(),
            |e| e.render().ansi().to_string(),
        );
    let text = sanitize::styled_message(&styled, &plain);
    // anstream drops the colours where clap would (not a terminal,
    // NO_COLOR…).
    let _ = if error.use_stderr() {
        anstream::stderr().write_all(text.as_bytes())
    } else {
        anstream::stdout().write_all(text.as_bytes())
    };
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// `qari serve`: checks everything it is given, scans the library once,
/// says how to reach it and serves until stopped.
fn serve(args: ServeArgs) -> ExitCode {
    use qari::serve;
    let fail = |message: String| {
        report(&format!("qari serve: {message}"));
        ExitCode::from(2)
    };
    let config = match &args.config {
        Some(path) => match config::load(path, true) {
            Ok(config) => config.unwrap_or_default(),
            Err(e) => return fail(e.to_string()),
        },
        None => match config::default_path().map(|p| config::load(&p, false)) {
            Some(Ok(config)) => config.unwrap_or_default(),
            Some(Err(e)) => return fail(e.to_string()),
            None => Config::default(),
        },
    };
    for path in &args.paths {
        if path.as_os_str() == "-" {
            return fail("serves files and folders, not standard input".into());
        }
        if let Some(problem) = path_problem(path) {
            return fail(format!("cannot read {}: {problem}", quote_path(path)));
        }
    }
    let access = match (&args.authorized_keys, args.anonymous) {
        (_, true) => serve::Access::Anonymous,
        (Some(path), false) => match serve::keys::authorized(path) {
            Ok(keys) => serve::Access::Keys(keys),
            Err(e) => return fail(e),
        },
        (None, false) => return fail("give --authorized-keys PATH or --anonymous".into()),
    };
    let state_dir = Store::default_dir();
    let Some(host_key_path) = args
        .host_key
        .clone()
        .or_else(|| state_dir.as_ref().map(|d| d.join("serve/host_ed25519")))
    else {
        return fail("no state folder to keep a host key in: give --host-key PATH".into());
    };
    let (host_key, made) = match serve::keys::host_key(&host_key_path) {
        Ok(found) => found,
        Err(e) => return fail(e),
    };
    let mut library = if args.paths.is_empty() {
        Library::bundled()
    } else {
        Library::open(&args.paths, None)
    };
    let outside = serve::confine(&mut library, &args.paths);
    let fingerprint = serve::keys::fingerprint(host_key.public_key());
    report(&format!(
        "qari serve: {}{} on {}, read-only",
        serve::describe(&library),
        if outside > 0 {
            format!(" ({outside} left out: their files lie outside the served paths)")
        } else {
            String::new()
        },
        args.listen
    ));
    report(&format!(
        "qari serve: host key {fingerprint} ({} {})",
        if made { "made now, kept in" } else { "from" },
        quote_path(&host_key_path)
    ));
    report(&match &access {
        serve::Access::Anonymous => {
            "qari serve: anonymous: anyone who can reach this address can read these documents, \
             and nothing else; no places are kept"
                .to_string()
        }
        serve::Access::Keys(keys) => format!(
            "qari serve: {} key{} may log in; passwords are refused",
            keys.len(),
            if keys.len() == 1 { "" } else { "s" }
        ),
    });
    let options = serve::Options {
        listen: args.listen,
        access,
        max_sessions: args.max_sessions as usize,
        idle: std::time::Duration::from_secs(args.idle_timeout),
        state_dir: state_dir.map(|d| d.join("serve/readers")),
    };
    match serve::run(library, config, host_key, options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// The setting `qari serve` runs with: mimalloc commits arena memory as
/// it is used. Its default on Linux (committed ahead) keeps the pages each
/// session's thread freed: 7 MB a session, under 1 MB with this. mimalloc
/// reads it from the environment as the process starts, before `main`.
const SERVE_ALLOCATOR: (&str, &str) = ("MIMALLOC_ARENA_EAGER_COMMIT", "0");

/// Starts `qari serve` again with [`SERVE_ALLOCATOR`] in its environment
/// when it is not there; returns only if that cannot be done (qari then
/// serves as it is).
fn serve_with_lazy_commit() {
    use std::os::unix::process::CommandExt;
    let (name, value) = SERVE_ALLOCATOR;
    if std::env::var_os(name).is_some() {
        return;
    }
    let Ok(me) = std::env::current_exe() else {
        return;
    };
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let _ = std::process::Command::new(me)
        .args(args)
        .env(name, value)
        .exec();
}

fn main() -> ExitCode {
    if std::env::args_os().nth(1).is_some_and(|a| a == "serve") {
        serve_with_lazy_commit();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_message(&error),
    };
    match cli.command {
        Some(Command::Render(args)) => render(args),
        Some(Command::Serve(args)) => serve(args),
        None => read(cli),
    }
}
