//! What qari can read of the terminal's own settings, where the terminal
//! runs on this machine: whether a hint has already been acted on.
//!
//! - kitty: `force_ltr` in `kitty.conf` (and the files it includes), or
//!   given with `-o` when kitty was started.
//! - QTerminal: `enabledBidiSupport` in its `qterminal.ini`.
//! - tmux: `allow-passthrough`, as `tmux show-options` gives it.
//!
//! Files are read only when they are regular files, and at most
//! [`MAX_FILE`] bytes of each; nothing here blocks on a FIFO or a device.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The most qari reads of a terminal's settings file.
const MAX_FILE: u64 = 1 << 20;
/// How deep `include` lines are followed in kitty's config.
const MAX_INCLUDE_DEPTH: usize = 4;

/// Reads a small settings file: `None` unless it is a regular file of at
/// most [`MAX_FILE`] bytes of UTF-8 (nothing here blocks on a FIFO).
fn read_small(path: &Path) -> Option<String> {
    let bytes = crate::fsread::read_limited(path, MAX_FILE).ok()?;
    String::from_utf8(bytes).ok()
}

/// The value the last `force_ltr` line of a kitty config gives, following
/// `include` lines (relative to the config's folder); `None` when no line
/// sets it.
pub fn kitty_config_force_ltr(config: &Path) -> Option<bool> {
    fn walk(path: &Path, depth: usize, value: &mut Option<bool>) {
        let Some(text) = read_small(path) else {
            return;
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        for line in text.lines() {
            let line = line.trim();
            let mut words = line.split_whitespace();
            match words.next() {
                Some("force_ltr") => {
                    *value = words.next().map(|v| matches!(v, "yes" | "y" | "true"));
                }
                Some("include") if depth < MAX_INCLUDE_DEPTH => {
                    let rest = line["include".len()..].trim();
                    let included = dir.join(rest);
                    walk(&included, depth + 1, value);
                }
                _ => {}
            }
        }
    }
    let mut value = None;
    walk(config, 0, &mut value);
    value
}

/// Whether kitty's `-o force_ltr=...` options (as its command line holds
/// them) set `force_ltr`; the last one counts.
pub fn kitty_arguments_force_ltr<'a>(arguments: impl Iterator<Item = &'a str>) -> Option<bool> {
    let mut value = None;
    let mut option_follows = false;
    for argument in arguments {
        let option = if option_follows {
            Some(argument)
        } else {
            argument
                .strip_prefix("--override=")
                .or_else(|| argument.strip_prefix("-o").filter(|rest| !rest.is_empty()))
        };
        option_follows = matches!(argument, "-o" | "--override");
        if let Some(setting) = option {
            let setting = setting.trim();
            if let Some(rest) = setting.strip_prefix("force_ltr") {
                let v = rest.trim_start_matches(['=', ' ']).trim();
                value = Some(matches!(v, "yes" | "y" | "true"));
            }
        }
    }
    value
}

/// Whether the kitty qari runs in has `force_ltr` set, as far as this
/// machine tells: its command line (`KITTY_PID`), then its config file.
pub fn kitty_force_ltr(var: impl Fn(&str) -> Option<String>) -> bool {
    let from_arguments = var("KITTY_PID").and_then(|pid| {
        let pid: u32 = pid.trim().parse().ok()?;
        let mut bytes = Vec::new();
        std::fs::File::open(format!("/proc/{pid}/cmdline"))
            .ok()?
            .take(MAX_FILE)
            .read_to_end(&mut bytes)
            .ok()?;
        let text = String::from_utf8_lossy(&bytes);
        kitty_arguments_force_ltr(text.split('\0'))
    });
    if let Some(value) = from_arguments {
        return value;
    }
    kitty_config_path(&var)
        .and_then(|path| kitty_config_force_ltr(&path))
        .unwrap_or(false)
}

/// Where kitty reads its config: `$KITTY_CONFIG_DIRECTORY`, else
/// `$XDG_CONFIG_HOME/kitty`, else `~/.config/kitty`.
fn kitty_config_path(var: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let dir = var("KITTY_CONFIG_DIRECTORY")
        .map(PathBuf::from)
        .or_else(|| var("XDG_CONFIG_HOME").map(|d| PathBuf::from(d).join("kitty")))
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config/kitty")))?;
    Some(dir.join("kitty.conf"))
}

/// Whether QTerminal's bi-directional text support is turned off in its
/// settings file (it is on by default).
pub fn qterminal_bidi_off(var: impl Fn(&str) -> Option<String>) -> bool {
    let dir = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")));
    let Some(text) = dir.and_then(|d| read_small(&d.join("qterminal.org/qterminal.ini"))) else {
        return false;
    };
    ini_bidi_off(&text)
}

/// Reads `enabledBidiSupport` from QTerminal's ini text.
fn ini_bidi_off(text: &str) -> bool {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("enabledBidiSupport="))
        .next_back()
        .is_some_and(|v| v.trim() == "false")
}

/// A tmux option's value as `tmux show-options FLAGS NAME` prints it
/// (`None` outside tmux or when tmux cannot say).
fn tmux_option(flags: &str, name: &str) -> Option<String> {
    Command::new("tmux")
        .args(["show-options", flags, name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// Whether tmux passes qari's sequences to the terminal it draws on
/// (`allow-passthrough`, tmux 3.3 and later, off by default).
pub fn tmux_passthrough_on() -> bool {
    tmux_option("-Apqv", "allow-passthrough").is_some_and(|v| matches!(v.as_str(), "on" | "all"))
}

/// Whether tmux takes a program's clipboard sequence (OSC 52) into its
/// buffers and passes it on (`set-clipboard on`; the default, `external`,
/// ignores programs).
pub fn tmux_clipboard_on() -> bool {
    tmux_option("-gqv", "set-clipboard").is_some_and(|v| v == "on")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("qari-local-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn kitty_config_lines_and_includes_set_force_ltr() {
        let dir = scratch("kitty");
        let conf = dir.join("kitty.conf");
        std::fs::write(&conf, "font_size 11\n# force_ltr yes\n").expect("write");
        assert_eq!(kitty_config_force_ltr(&conf), None);
        std::fs::write(&conf, "force_ltr yes\ninclude extra.conf\n").expect("write");
        std::fs::write(dir.join("extra.conf"), "  force_ltr   no\n").expect("write");
        assert_eq!(
            kitty_config_force_ltr(&conf),
            Some(false),
            "the last line wins"
        );
        std::fs::write(dir.join("extra.conf"), "force_ltr y\n").expect("write");
        assert_eq!(kitty_config_force_ltr(&conf), Some(true));
        // An include that loops stops at the depth limit.
        std::fs::write(dir.join("extra.conf"), "include extra.conf\n").expect("write");
        assert_eq!(kitty_config_force_ltr(&conf), Some(true));
        let home = dir.to_string_lossy().into_owned();
        let var = |name: &str| (name == "KITTY_CONFIG_DIRECTORY").then(|| home.clone());
        assert!(kitty_force_ltr(var));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn kitty_command_line_options_set_force_ltr() {
        let args = |s: &'static str| s.split(' ');
        assert_eq!(
            kitty_arguments_force_ltr(args("kitty -o force_ltr=yes")),
            Some(true)
        );
        assert_eq!(
            kitty_arguments_force_ltr(args("kitty -oforce_ltr=yes")),
            Some(true)
        );
        assert_eq!(
            kitty_arguments_force_ltr(args("kitty --override=force_ltr=no")),
            Some(false)
        );
        assert_eq!(
            kitty_arguments_force_ltr(args("kitty -o font_size=11")),
            None
        );
        assert_eq!(kitty_arguments_force_ltr(args("kitty force_ltr=yes")), None);
    }

    #[test]
    fn qterminal_ini_says_whether_bidi_is_off() {
        assert!(ini_bidi_off("[General]\nenabledBidiSupport=false\n"));
        assert!(!ini_bidi_off("[General]\nenabledBidiSupport=true\n"));
        assert!(!ini_bidi_off("[General]\nfontSize=11\n"));
        let dir = scratch("qterminal");
        std::fs::create_dir_all(dir.join("qterminal.org")).expect("dir");
        std::fs::write(
            dir.join("qterminal.org/qterminal.ini"),
            "[General]\nenabledBidiSupport=false\n",
        )
        .expect("write");
        let config = dir.to_string_lossy().into_owned();
        assert!(qterminal_bidi_off(
            |name| (name == "XDG_CONFIG_HOME").then(|| config.clone())
        ));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn settings_files_that_are_not_regular_files_are_not_read() {
        let dir = scratch("fifo");
        let fifo = dir.join("kitty.conf");
        let name = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: a valid C string; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        // Returns at once (no writer would ever come).
        assert_eq!(read_small(&fifo), None);
        assert_eq!(read_small(Path::new("/dev/zero")), None);
        assert_eq!(read_small(&dir), None);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
