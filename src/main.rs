//! The `qari` command: argument parsing, then the reader or `render`.

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use qari::app::App;
use qari::library::Library;
use qari::library::decode::decode;
use qari::render::{RenderOptions, render_document};
use qari::text::sanitize::printable;
use qari::text::{BaseDirection, LayoutOptions};

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
    /// Screen layout: rtl puts the list on the right [default: rtl when most
    /// documents are right to left]
    #[arg(long, value_enum)]
    layout: Option<ScreenLayout>,
    /// Do not capture the mouse (the wheel then scrolls nothing)
    #[arg(long)]
    no_mouse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScreenLayout {
    Rtl,
    Ltr,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print documents laid out as the reading pane shows them.
    Render(RenderArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DirectionArg {
    Auto,
    Rtl,
    Ltr,
}

#[derive(Debug, clap::Args)]
struct RenderArgs {
    /// Line width in cells [default: the terminal's, else $COLUMNS, else 80]
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

fn read_input(path: &PathBuf) -> io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path)
    }
}

fn render(args: RenderArgs) -> ExitCode {
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
        let name = printable(&path.to_string_lossy()).into_owned();
        let bytes = match read_input(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                let _ = out.flush();
                eprintln!("qari: cannot read {name}: {e}");
                failed = true;
                continue;
            }
        };
        let decoded = decode(bytes, None);
        if decoded.had_invalid {
            eprintln!(
                "qari: warning: {name} is not valid {}; invalid bytes are shown as U+FFFD",
                decoded.encoding.name()
            );
        }
        let result = render_document(&decoded.text, &options, &mut out);
        if let Err(e) = result {
            return write_error(&e);
        }
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
    eprintln!("qari: cannot write output: {e}");
    ExitCode::from(2)
}

fn read(cli: Cli) -> ExitCode {
    if !io::IsTerminal::is_terminal(&io::stdout()) {
        let _ = writeln!(
            io::stderr(),
            "qari: standard output is not a terminal; use `qari render` to print documents"
        );
        return ExitCode::from(2);
    }
    let library = if cli.paths.is_empty() {
        Library::bundled()
    } else {
        Library::open(&cli.paths)
    };
    if library.documents.is_empty() && !library.errors.is_empty() {
        for (name, error) in &library.errors {
            let _ = writeln!(
                io::stderr(),
                "qari: cannot read {}: {error}",
                printable(name)
            );
        }
        return ExitCode::from(2);
    }
    let list_right = cli.layout.map(|l| l == ScreenLayout::Rtl);
    let mut app = App::new(library, list_right, LayoutOptions::default());
    let setup = qari::term::Setup {
        mouse: !cli.no_mouse,
        explicit_bidi: true,
        tmux: std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()),
    };
    match qari::tui::run(&mut app, setup) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "qari: terminal error: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Render(args)) => render(args),
        None => read(cli),
    }
}
