//! qari in a real VTE terminal (GNOME Terminal) under Xvfb: no row of the
//! screen may be reordered a second time.
//!
//! VTE reorders right-to-left text itself unless a row was made in
//! explicit bidi mode; qari sends rows already in visual order, so a row
//! VTE reorders again shows every right-to-left run backwards. The check
//! reads that from the pixels, without OCR: every line of the documents
//! below is Hebrew lamed (ל, whose stroke rises above every other letter)
//! followed by vav (ו, a short bar), so on a correct screen the tall ink of
//! each line lies to the right of its middle, and on a reordered one to the
//! left. Each row of the reading pane and of the list is judged on its own,
//! on the first screen and again after the window is resized (which makes
//! the terminal and qari clear and redraw every row).
//!
//! Screenshots come from `tests/terminals/shoot.sh`. The test is skipped,
//! with a message, where Xvfb, the X tools or GNOME Terminal are missing,
//! and fails instead under CI (`CI=true`), whose `.ci/run` installs them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use qari::app::geometry::{Arrangement, panes};
use ratatui::layout::Rect;

/// A screenshot as RGB pixels.
struct Image {
    width: usize,
    height: usize,
    pixels: Vec<[u8; 3]>,
}

impl Image {
    /// Reads a PNG through ImageMagick's `convert` as a binary PPM.
    fn read(path: &Path) -> Image {
        let out = Command::new("convert")
            .arg(path)
            .arg("ppm:-")
            .output()
            .expect("run convert");
        assert!(out.status.success(), "convert {}", path.display());
        let bytes = out.stdout;
        // "P6" width height maxval, separated by whitespace, then the pixels.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
        }
        at += 1;
        assert_eq!(fields[0], "P6");
        let width: usize = fields[1].parse().expect("width");
        let height: usize = fields[2].parse().expect("height");
        assert_eq!(fields[3], "255");
        let pixels = bytes[at..at + width * height * 3]
            .chunks_exact(3)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        Image {
            width,
            height,
            pixels,
        }
    }

    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.pixels[y * self.width + x]
    }
}

/// Where the terminal's cells are in the screenshots (from `info.txt`).
#[derive(Debug, Clone, Copy)]
struct Grid {
    origin: (usize, usize),
    cell: (usize, usize),
    size: (u16, u16),
}

impl Grid {
    fn read(info: &str) -> Grid {
        let field = |name: &str| -> Vec<usize> {
            info.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("{name} in info.txt:\n{info}"))
                .split_whitespace()
                .map(|n| n.parse().expect("a number"))
                .collect()
        };
        let (origin, cell, grid) = (field("origin"), field("cell"), field("grid"));
        Grid {
            origin: (origin[0], origin[1]),
            cell: (cell[0], cell[1]),
            size: (grid[0] as u16, grid[1] as u16),
        }
    }

    /// The pixel rectangle of cells `x0..x1` on row `y`.
    fn pixels(&self, x0: u16, x1: u16, y: u16) -> (usize, usize, usize, usize) {
        let (ox, oy) = self.origin;
        let (w, h) = self.cell;
        (
            ox + usize::from(x0) * w,
            ox + usize::from(x1) * w,
            oy + usize::from(y) * h,
            oy + usize::from(y + 1) * h,
        )
    }
}

fn luminance(p: [u8; 3]) -> i32 {
    (i32::from(p[0]) * 30 + i32::from(p[1]) * 59 + i32::from(p[2]) * 11) / 100
}

/// How one row of lamed-then-vav text shows: `Some(true)` when its tall
/// strokes lie right of the middle of its ink (read right to left, as
/// written), `Some(false)` when left of it (reordered a second time),
/// `None` when the row holds no such text.
fn verdict(image: &Image, (x0, x1, y0, y1): (usize, usize, usize, usize)) -> Option<bool> {
    let (x1, y1) = (x1.min(image.width), y1.min(image.height));
    // The background is the row's most common colour (reverse video too).
    let mut counts = std::collections::HashMap::new();
    for y in y0..y1 {
        for x in x0..x1 {
            *counts.entry(image.at(x, y)).or_insert(0usize) += 1;
        }
    }
    let background = luminance(*counts.iter().max_by_key(|(_, n)| **n)?.0);
    let ink = |x: usize, y: usize| (luminance(image.at(x, y)) - background).abs() > 80;
    // Each inked column's highest ink; lamed's stroke rises above the
    // others (in bold DejaVu Sans Mono 11, by two pixels only).
    let tops: Vec<(usize, usize)> = (x0..x1)
        .filter_map(|x| (y0..y1).find(|&y| ink(x, y)).map(|top| (x, top)))
        .collect();
    let highest = tops.iter().map(|&(_, top)| top).min()?;
    let lowest = tops.iter().map(|&(_, top)| top).max()?;
    if tops.len() < 10 || lowest - highest < 2 {
        return None;
    }
    let tall_line = (highest + lowest) / 2;
    let columns: Vec<f64> = tops.iter().map(|&(x, _)| x as f64).collect();
    let tall_columns: Vec<f64> = tops
        .iter()
        .filter(|&&(_, top)| top <= tall_line)
        .map(|&(x, _)| x as f64)
        .collect();
    if tall_columns.len() < 3 {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    Some(mean(&tall_columns) > mean(&columns))
}

/// Judges every row of the reading pane and of the list on one screenshot.
/// Returns how many rows were judged, or the rows shown reordered.
fn judge(image: &Image, grid: Grid, what: &str) -> Result<usize, String> {
    let area = Rect::new(0, 0, grid.size.0, grid.size.1);
    let p = panes(
        area,
        Arrangement {
            list_right: true,
            ..Arrangement::default()
        },
    );
    let text = p.text.expect("a reading pane");
    // The titles, aligned right in the list's right half (the file names,
    // at its left, would pull the middle of the ink their way).
    let list = p.list_rows.expect("a list");
    let list = Rect {
        x: list.x + list.width / 2,
        width: list.width - list.width / 2,
        ..list
    };
    let mut judged = 0;
    let mut reordered = Vec::new();
    for (name, rect) in [("reading pane", text), ("list", list)] {
        for y in rect.y..rect.bottom() {
            match verdict(image, grid.pixels(rect.x, rect.right(), y)) {
                Some(true) => judged += 1,
                Some(false) => {
                    judged += 1;
                    reordered.push(format!("{name} row {}", y + 1));
                }
                None => {}
            }
        }
    }
    if reordered.is_empty() {
        Ok(judged)
    } else {
        Err(format!(
            "{what}: {} rows reordered a second time: {}",
            reordered.len(),
            reordered.join(", ")
        ))
    }
}

/// Six documents whose every line is lamed then vav.
fn library(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("fixture dir");
    // File names without tall letters, so the list's rows hold none but
    // the titles'.
    for name in ["aa", "ma", "ne", "so", "ve", "wa"] {
        let mut text = String::from("לללללל וווווו\n");
        for _ in 0..40 {
            text.push_str("לללללללללל וווווווווו\n");
        }
        std::fs::write(dir.join(format!("{name}.ru")), text).expect("write a document");
    }
}

fn tools_missing() -> Option<String> {
    let missing: Vec<&str> = [
        "Xvfb",
        "xdotool",
        "convert",
        "import",
        "xdpyinfo",
        "dbus-run-session",
        "python3",
        "gnome-terminal",
    ]
    .into_iter()
    .filter(|tool| !common::have_program(tool))
    .collect();
    (!missing.is_empty()).then(|| missing.join(", "))
}

#[test]
fn gnome_terminal_shows_every_row_once_ordered() {
    if let Some(missing) = tools_missing() {
        assert!(
            !common::under_ci(),
            "CI must install {missing} (see .ci/run)"
        );
        eprintln!("SKIPPED: real terminal test: {missing} not installed");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("qari-real-terminal-{}", std::process::id()));
    let fixture = work.join("library");
    let shots = work.join("shots");
    library(&fixture);
    let command = format!(
        "'{}' --no-state '{}'",
        env!("CARGO_BIN_EXE_qari"),
        fixture.display()
    );
    let run = Command::new(root.join("tests/terminals/shoot.sh"))
        .arg("gnome-terminal")
        .arg(&shots)
        .arg(&command)
        .arg("resize:80x24")
        .env_remove("DISPLAY")
        .env_remove("SHOOT_DISPLAY")
        .output()
        .expect("run shoot.sh");
    assert!(
        run.status.success(),
        "shoot.sh failed: {}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let info = std::fs::read_to_string(shots.join("info.txt")).expect("info.txt");
    let grid = Grid::read(&info);
    assert_eq!(grid.size, (100, 30), "{info}");
    let first = judge(
        &Image::read(&shots.join("screen.png")),
        grid,
        "first screen",
    );
    // After the resize the same cells, fewer of them.
    let resized = Grid {
        size: (80, 24),
        ..grid
    };
    let after = judge(
        &Image::read(&shots.join("key-1.png")),
        resized,
        "after a resize to 80x24",
    );
    let (first, after) = match (first, after) {
        (Ok(first), Ok(after)) => (first, after),
        (first, after) => panic!(
            "{}\nscreenshots in {}",
            [first.err(), after.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n"),
            shots.display()
        ),
    };
    // Every text row was judged: 29 of the reading pane and 6 titles, then
    // 23 and 6.
    assert_eq!(
        (first, after),
        (35, 29),
        "screenshots in {}",
        shots.display()
    );
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn the_verdict_tells_a_reordered_row_from_a_right_one() {
    // Synthetic rows: tall strokes on the right, then on the left.
    let (w, h) = (90, 18);
    let mut pixels = vec![[255u8; 3]; w * h];
    let mut draw = |x: usize, top: usize| {
        for y in top..h - 3 {
            pixels[y * w + x] = [0, 0, 0];
        }
    };
    for x in (10..40).step_by(3) {
        draw(x, 8);
    }
    for x in (50..80).step_by(3) {
        draw(x, 1);
    }
    let image = Image {
        width: w,
        height: h,
        pixels,
    };
    assert_eq!(verdict(&image, (0, w, 0, h)), Some(true));
    let mirrored = Image {
        pixels: (0..w * h)
            .map(|i| image.pixels[(i / w) * w + (w - 1 - i % w)])
            .collect(),
        ..image
    };
    assert_eq!(verdict(&mirrored, (0, w, 0, h)), Some(false));
    let blank = Image {
        pixels: vec![[255u8; 3]; w * h],
        width: w,
        height: h,
    };
    assert_eq!(verdict(&blank, (0, w, 0, h)), None);
}
