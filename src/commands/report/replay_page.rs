//! A match as one self-contained HTML page to share: the board of every step drawn in
//! the page, step controls (buttons, a slider, the arrow keys, `#step=N` links), the move
//! list (every move selectable, faults and noise flips inline, intended and played side
//! by side) and the running scores as a chart with a cursor. Inline script and style
//! only; the Content-Security-Policy allows nothing else: no network, no fonts, no other
//! script than this one (by its hash).
//!
//! The page's data is built here, game by game, into shapes the script draws without
//! knowing the game: a grid of seat-coloured cells, a history of rounds, or text.
//! Every string in it came from a replay file — a bot's name, action, printed line or
//! fault — and reaches the page as JSON text the script puts in with `textContent`,
//! never as markup.

use crate::game::connectx::BoardFrame;
use crate::game::tron::ArenaFrame;
use crate::game::GameKind;
use crate::referee::describe::{noise_played, round, scores, short_action, step_text};
use crate::referee::{Frame, MatchRecord};
use serde::Serialize;
use sha2::{Digest, Sha256};

const SCRIPT: &str = include_str!("page/player.js");
const STYLE: &str = include_str!("page/player.css");
/// Printed lines kept per move (the rest are counted).
const LOGS: usize = 8;

#[derive(Serialize)]
struct Page {
    title: String,
    game: String,
    bots: Vec<String>,
    result: String,
    /// How the script draws a frame: "grid", "rounds" or "text".
    kind: &'static str,
    frames: Vec<PageFrame>,
}

#[derive(Serialize, Default)]
struct PageFrame {
    step: String,
    /// Grid games: the cells that changed since the frame before (all of them in frame
    /// 0) as `[index, value]`, 0 empty and 1 to 8 a seat's.
    #[serde(skip_serializing_if = "Option::is_none")]
    grid: Option<Grid>,
    /// RPS and IPD: this frame's round (letters, winner, flips).
    #[serde(skip_serializing_if = "Option::is_none")]
    round: Option<Round>,
    /// Text games: the frame as the terminal draws it.
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// Each seat's running score, where the game keeps one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scores: Vec<f64>,
    moves: Vec<PageMove>,
}

#[derive(Serialize, Default)]
struct Grid {
    rows: usize,
    cols: usize,
    changes: Vec<[usize; 2]>,
    /// Cells drawn with a ring: ConnectX's winning line, Tron's heads (`[index, seat,
    /// crashed]`).
    marks: Vec<[usize; 3]>,
    /// Round discs (ConnectX) or square cells (Tron).
    discs: bool,
}

#[derive(Serialize)]
struct Round {
    shown: [String; 2],
    winner: i8,
    flipped: [bool; 2],
}

#[derive(Serialize)]
struct PageMove {
    seat: usize,
    action: String,
    /// What was played instead (IPD's noise).
    #[serde(skip_serializing_if = "Option::is_none")]
    played: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fault: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    think_ms: Option<f64>,
    logs: Vec<String>,
}

/// The page for `record`, titled `title` (a file name, shown escaped).
pub fn render(record: &MatchRecord, title: &str) -> String {
    let page = page(record, title);
    // Inside a <script> element: no `<`, `>` or `&` that could end it or open a comment.
    let data = serde_json::to_string(&page)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let hash = script_hash(SCRIPT);
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — replay</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1 id=\"title\"></h1>\n<p class=\"meta\" id=\"meta\"></p>\n\
         <div id=\"player\">\n<div id=\"board\" aria-label=\"board\"></div>\n\
         <div id=\"side\">\n<div id=\"controls\">\
         <button id=\"first\" title=\"first (Home)\">|◀</button><button id=\"prev\" title=\"back (←)\">◀</button>\
         <button id=\"play\" title=\"play (space)\">play</button><button id=\"next\" title=\"forward (→)\">▶</button>\
         <button id=\"last\" title=\"last (End)\">▶|</button> <span id=\"stepno\"></span></div>\n\
         <input id=\"slider\" type=\"range\" min=\"0\" value=\"0\" aria-label=\"step\">\n\
         <div id=\"current\"></div>\n<div id=\"chart\"></div>\n\
         <table id=\"moves\"><thead></thead><tbody></tbody></table>\n</div>\n</div>\n\
         <script type=\"application/json\" id=\"data\">{data}</script>\n\
         <script>{SCRIPT}</script>\n</body>\n</html>\n",
        crate::markup::html(title)
    )
}

fn page(record: &MatchRecord, title: &str) -> Page {
    let game = record.game;
    let kind = match game {
        GameKind::Connectx | GameKind::Tron => "grid",
        GameKind::Rps | GameKind::Ipd => "rounds",
        GameKind::Env(_) => "text",
    };
    let mut before: Vec<u8> = Vec::new();
    let frames = record
        .frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut out = PageFrame {
                step: step_text(&record.frames, i),
                moves: moves(game, f),
                ..PageFrame::default()
            };
            match game {
                GameKind::Connectx => out.grid = Some(connectx(record, f, &mut before)),
                GameKind::Tron => out.grid = Some(tron(f, &mut before)),
                GameKind::Rps | GameKind::Ipd => {
                    out.round = round(game, f).map(|r| Round {
                        shown: r.shown.map(String::from),
                        winner: r.winner,
                        flipped: r.flipped,
                    });
                    out.scores = scores(game, f).map(Vec::from).unwrap_or_default();
                }
                GameKind::Env(_) => {
                    out.text = Some(game.draw(&f.state).join("\n"));
                    out.scores = env_rewards(f);
                }
            }
            out
        })
        .collect();
    Page {
        title: title.to_string(),
        game: game.to_string(),
        bots: record
            .bots
            .iter()
            .map(|b| crate::cage::sanitize(b.name.as_bytes()))
            .collect(),
        result: crate::cage::sanitize(record.result.reason.as_bytes()),
        kind,
        frames,
    }
}

fn moves(game: GameKind, f: &Frame) -> Vec<PageMove> {
    f.moves
        .iter()
        .map(|m| PageMove {
            seat: m.seat,
            action: short_action(game, &m.action),
            played: noise_played(game, f, m.seat),
            fault: m
                .fault
                .as_ref()
                .map(|x| crate::cage::sanitize(format!("{}: {}", x.kind, x.detail).as_bytes())),
            think_ms: m.timing.map(|t| t.think_ms),
            logs: m
                .logs
                .iter()
                .take(LOGS)
                .map(|l| crate::cage::sanitize(l.as_bytes()))
                .chain(
                    (m.logs.len() > LOGS).then(|| format!("… {} more lines", m.logs.len() - LOGS)),
                )
                .collect(),
        })
        .collect()
}

/// The cells of `now` that differ from `before` (all of them when the size changed),
/// and `before` updated.
fn changes(now: Vec<u8>, before: &mut Vec<u8>) -> Vec<[usize; 2]> {
    let all = now.len() != before.len();
    let changed = now
        .iter()
        .enumerate()
        .filter(|&(i, &c)| all || before[i] != c)
        .map(|(i, &c)| [i, usize::from(c)])
        .collect();
    *before = now;
    changed
}

fn connectx(record: &MatchRecord, f: &Frame, before: &mut Vec<u8>) -> Grid {
    let board = BoardFrame::decode(&f.state);
    let cols = board.columns.max(1);
    let rows = board.board.len() / cols;
    let inarow = record
        .configuration
        .get("inarow")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(4) as usize;
    let marks = board
        .winning_cells(rows, inarow)
        .into_iter()
        .map(|(r, c)| {
            [
                r * cols + c,
                usize::from(board.board[r * cols + c]).saturating_sub(1),
                0,
            ]
        })
        .collect();
    let cells = board.board.iter().map(|&c| c.min(8)).collect();
    Grid {
        rows,
        cols,
        changes: changes(cells, before),
        marks,
        discs: true,
    }
}

fn tron(f: &Frame, before: &mut Vec<u8>) -> Grid {
    let arena = ArenaFrame::decode(&f.state);
    let rows = arena.rows.len();
    let cols = arena.rows.first().map_or(0, String::len);
    let mut cells = Vec::with_capacity(rows * cols);
    for y in 0..rows {
        for x in 0..cols {
            cells.push(arena.trail(x, y).map_or(0, |seat| (seat + 1).min(8) as u8));
        }
    }
    let marks = (0..2)
        .filter_map(|seat| {
            let (x, y) = arena.head(seat)?;
            Some([y * cols + x, seat, usize::from(arena.crashed[seat])])
        })
        .collect();
    Grid {
        rows,
        cols,
        changes: changes(cells, before),
        marks,
        discs: false,
    }
}

fn env_rewards(f: &Frame) -> Vec<f64> {
    f.state
        .get("rewards")
        .and_then(serde_json::Value::as_array)
        .map(|r| r.iter().map(|v| v.as_f64().unwrap_or(0.0)).collect())
        .unwrap_or_default()
}

/// A script's hash as a Content-Security-Policy names it (`'sha256-…'` without quotes).
pub fn script_hash(script: &str) -> String {
    base64(&Sha256::digest(script.as_bytes()))
}

/// Match `number`'s page in a run's folder of pages.
pub fn file_name(number: usize) -> String {
    format!("{number:05}.html")
}

/// Writes a page for each played match of a run into `dir` (the `cap` newest); the
/// numbers of the matches it wrote. A replay that cannot be read gets no page (the
/// report still lists its match). A page already in `reuse` (the previous batch's
/// folder of a watched ladder: a played match's page never changes) is linked from
/// there instead of drawn again, so a batch costs its new matches, not every match.
pub fn write_run(
    run_dir: &std::path::Path,
    entries: &[crate::tournament::Entry],
    dir: &std::path::Path,
    cap: usize,
    reuse: Option<&std::path::Path>,
) -> Result<std::collections::BTreeSet<usize>, crate::error::Error> {
    std::fs::create_dir_all(dir).map_err(|e| {
        crate::error::Error::Runtime(format!("cannot make {}: {e}", crate::files::shown(dir)))
    })?;
    let mut newest: Vec<&crate::tournament::Entry> =
        entries.iter().filter(|e| !e.replay.is_empty()).collect();
    newest.sort_by_key(|e| std::cmp::Reverse(e.id));
    let mut written = std::collections::BTreeSet::new();
    for e in newest.into_iter().take(cap) {
        let name = file_name(e.id + 1);
        let linked = reuse.is_some_and(|from| {
            // symlink_metadata: a link planted there is not followed, only a page of ours.
            let page = from.join(&name);
            std::fs::symlink_metadata(&page).is_ok_and(|m| m.is_file())
                && std::fs::hard_link(&page, dir.join(&name)).is_ok()
        });
        if linked {
            written.insert(e.id + 1);
            continue;
        }
        let Ok(record) = crate::replay::read_beneath(run_dir, &e.replay) else {
            continue;
        };
        let title = format!("match {} · {}", e.id + 1, e.names.join(" vs "));
        let page = render(&record, &crate::cage::sanitize(title.as_bytes()));
        crate::files::write_replacing(&dir.join(name), &page, "replay page")?;
        written.insert(e.id + 1);
    }
    Ok(written)
}

/// Standard base64 (a CSP hash source).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| (n << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
