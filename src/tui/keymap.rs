//! The one key table. Dispatch ([`action`]), the footer's hints ([`hints`]) and the
//! help overlay ([`help`]) are all read from [`KEYS`], so they cannot disagree: a key
//! that is not in the table does nothing, and a key in the table is in the help.

use crossterm::event::KeyCode;

/// The screens, by name: where a key works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    Crosstable,
    Matches,
    Wall,
    Viewer,
    Bot,
}

/// The screens with a tab in the header, in order (key `1` is the first).
pub const TABS: [(Screen, &str); 4] = [
    (Screen::Dashboard, "dashboard"),
    (Screen::Crosstable, "crosstable"),
    (Screen::Matches, "matches"),
    (Screen::Wall, "wall"),
];

/// What a key asks for. Each screen gives the generic verbs (moves, `Open`, `Back`)
/// its own meaning; the rest mean the same everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    /// esc: back to the previous screen (matches: clear the filter; a replay: quit).
    Back,
    Sort,
    CycleFilter,
    BotMatches,
    Back100,
    Forward100,
    PreviousMark,
    NextMark,
    Goto,
    Play,
    Faster,
    Slower,
    /// viewer: the board alone on the whole screen, and back.
    Zoom,
    Search,
    Tv,
    Show(Screen),
    NextTab,
    Export,
    NextTheme,
    Help,
    Quit,
}

/// Where a key works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// Everywhere, in a run and in a replay.
    All,
    /// Every screen of a run (not a replay file's viewer).
    Run,
    /// A replay file's viewer (the only screen a replay has).
    Replay,
    /// One screen.
    Screen(Screen),
}

impl On {
    fn holds(self, screen: Screen, replay: bool) -> bool {
        match self {
            On::All => true,
            On::Run => !replay,
            On::Replay => replay,
            On::Screen(s) => s == screen,
        }
    }
}

/// The footer's words for a key on one screen: `("⏎", "open")`.
pub type Hint = (&'static str, &'static str);

/// One line of the help: its keys, what they do, and where (first match wins, with
/// the footer hint shown there, if any).
pub struct Binding {
    pub codes: &'static [(KeyCode, Action)],
    /// The keys as the help shows them.
    pub keys: &'static str,
    pub help: &'static str,
    pub on: &'static [(On, Option<Hint>)],
    /// A move key: a narrow footer shows its keys without words.
    pub terse: bool,
}

const fn ch(c: char) -> KeyCode {
    KeyCode::Char(c)
}

use Action::*;
use Screen::{Bot, Crosstable, Dashboard, Matches, Viewer, Wall};

const LISTS: [(On, Option<Hint>); 4] = [
    (On::Screen(Dashboard), None),
    (On::Screen(Crosstable), None),
    (On::Screen(Matches), None),
    (On::Screen(Bot), None),
];

/// Every key, in the order of the help and of each screen's footer. Screen-specific
/// lines come before the run-wide ones that use the same key (`m` on the bot page).
pub const KEYS: &[Binding] = &[
    Binding {
        codes: &[
            (KeyCode::Up, Up),
            (ch('k'), Up),
            (KeyCode::Down, Down),
            (ch('j'), Down),
        ],
        keys: "↑ ↓  j k",
        help: "select a row (wall: a card; bot page: scroll)",
        on: &[
            (On::Screen(Dashboard), Some(("↑↓", "select"))),
            (On::Screen(Crosstable), Some(("↑↓←→", "cell"))),
            (On::Screen(Matches), Some(("↑↓", "select"))),
            (On::Screen(Wall), Some(("arrows", "select"))),
            (On::Screen(Bot), Some(("↑↓", "scroll"))),
        ],
        terse: true,
    },
    Binding {
        codes: &[
            (KeyCode::Left, Left),
            (ch('h'), Left),
            (KeyCode::Right, Right),
            (ch('l'), Right),
        ],
        keys: "← →  h l",
        help: "viewer: previous / next frame; dashboard: standings / faults",
        on: &[
            (On::Screen(Dashboard), Some(("←→", "standings/faults"))),
            (On::Screen(Crosstable), None),
            (On::Screen(Wall), None),
            (On::Screen(Viewer), Some(("←→", "step"))),
        ],
        terse: true,
    },
    Binding {
        codes: &[(KeyCode::PageUp, PageUp), (KeyCode::PageDown, PageDown)],
        keys: "pgup pgdn",
        help: "ten rows up / down (viewer: ten frames)",
        on: &[
            LISTS[0],
            LISTS[1],
            LISTS[2],
            LISTS[3],
            (On::Screen(Viewer), Some(("pgup/pgdn", "±10"))),
        ],
        terse: true,
    },
    Binding {
        codes: &[(ch('<'), Back100), (ch('>'), Forward100)],
        keys: "< >",
        help: "viewer: back / forward 100 frames",
        on: &[(On::Screen(Viewer), None)],
        terse: true,
    },
    Binding {
        codes: &[(ch('['), PreviousMark), (ch(']'), NextMark)],
        keys: "[ ]",
        help: "viewer: previous / next fault or marked event",
        on: &[(On::Screen(Viewer), Some(("[ ]", "faults")))],
        terse: true,
    },
    Binding {
        codes: &[(ch('g'), Goto)],
        keys: "g",
        help: "viewer: go to a step number",
        on: &[(On::Screen(Viewer), Some(("g", "go to")))],
        terse: true,
    },
    Binding {
        codes: &[(ch(' '), Play)],
        keys: "space",
        help: "viewer: play / pause",
        on: &[(On::Screen(Viewer), Some(("space", "play")))],
        terse: false,
    },
    Binding {
        codes: &[(ch('+'), Faster), (ch('='), Faster), (ch('-'), Slower)],
        keys: "+ -",
        help: "viewer: faster / slower",
        on: &[(On::Screen(Viewer), Some(("+/-", "speed")))],
        terse: false,
    },
    Binding {
        codes: &[(ch('z'), Zoom)],
        keys: "z",
        help: "viewer: zoom the board to the whole screen, and back",
        on: &[(On::Screen(Viewer), Some(("z", "zoom")))],
        terse: false,
    },
    Binding {
        codes: &[(KeyCode::Home, First), (KeyCode::End, Last)],
        keys: "home end",
        help: "first / last row or frame (viewer: end follows a live match)",
        on: &[
            LISTS[0],
            LISTS[1],
            LISTS[2],
            LISTS[3],
            (On::Screen(Viewer), None),
        ],
        terse: true,
    },
    Binding {
        codes: &[(KeyCode::Enter, Open)],
        keys: "enter",
        help: "open the selected bot, match, cell or fault",
        on: &[
            (On::Screen(Dashboard), Some(("⏎", "open"))),
            (On::Screen(Crosstable), Some(("⏎", "the pair's matches"))),
            (On::Screen(Matches), Some(("⏎", "view"))),
            (On::Screen(Wall), Some(("⏎", "watch"))),
        ],
        terse: false,
    },
    Binding {
        codes: &[(ch('s'), Sort)],
        keys: "s",
        help: "dashboard: sort (or click a header); crosstable: SPRT the pair",
        on: &[
            (On::Screen(Dashboard), Some(("s", "sort"))),
            (On::Screen(Crosstable), Some(("s", "SPRT"))),
        ],
        terse: false,
    },
    Binding {
        codes: &[(ch('f'), CycleFilter), (ch('c'), Back)],
        keys: "f  c",
        help: "matches: filter by bot (cycles); c: show all again",
        on: &[(On::Screen(Matches), Some(("f", "by bot")))],
        terse: false,
    },
    Binding {
        codes: &[(ch('m'), BotMatches)],
        keys: "m",
        help: "bot page: its matches",
        on: &[(On::Screen(Bot), Some(("m", "its matches")))],
        terse: false,
    },
    Binding {
        codes: &[(ch('/'), Search)],
        keys: "/",
        help: "filter standings, matches, a bot's matches as you type",
        on: &[
            (On::Screen(Dashboard), Some(("/", "filter"))),
            (On::Screen(Crosstable), Some(("/", "search"))),
            (On::Screen(Matches), Some(("/", "filter"))),
            (On::Screen(Bot), Some(("/", "filter"))),
            (On::Run, None),
        ],
        terse: false,
    },
    Binding {
        codes: &[(KeyCode::Esc, Back), (KeyCode::Backspace, Back)],
        keys: "esc",
        help: "back (standings, matches: clear the filter; a replay: quit)",
        on: &[
            (On::Replay, Some(("esc/q", "quit"))),
            (On::Screen(Dashboard), None),
            (On::Screen(Matches), Some(("esc", "all"))),
            (On::Screen(Viewer), Some(("esc", "back"))),
            (On::Screen(Bot), Some(("esc", "back"))),
        ],
        terse: false,
    },
    Binding {
        codes: &[(ch('v'), Tv)],
        keys: "v",
        help: "TV mode: the viewer follows live matches by itself",
        on: &[
            (On::Screen(Dashboard), Some(("v", "TV"))),
            (On::Screen(Wall), Some(("v", "TV mode"))),
            (On::Run, None),
        ],
        terse: false,
    },
    Binding {
        codes: &[(KeyCode::Tab, NextTab)],
        keys: "tab",
        help: "next screen",
        on: &[
            (On::Screen(Crosstable), Some(("tab", "screens"))),
            (On::Screen(Matches), Some(("tab", "screens"))),
            (On::Screen(Wall), Some(("tab", "screens"))),
            (On::Run, None),
        ],
        terse: false,
    },
    Binding {
        codes: &[(ch('e'), Export)],
        keys: "e",
        help: "export the standings as YAML",
        on: &[
            (On::Screen(Dashboard), Some(("e", "export"))),
            (On::Screen(Bot), Some(("e", "export"))),
            (On::All, None),
        ],
        terse: false,
    },
    Binding {
        codes: &[(ch('?'), Help)],
        keys: "?",
        help: "this help (any key closes it); ↑↓ scroll it",
        on: &[(On::Replay, None), (On::All, Some(("?", "help")))],
        terse: false,
    },
    Binding {
        codes: &[(ch('q'), Quit)],
        keys: "q / ctrl-c",
        help: "quit (asks while a run is in progress)",
        on: &[
            (On::Replay, None),
            (On::Screen(Viewer), None),
            (On::All, Some(("q", "quit"))),
        ],
        terse: false,
    },
    Binding {
        codes: &[(ch('t'), NextTheme)],
        keys: "t",
        help: "next colour theme",
        on: &[(On::All, None)],
        terse: false,
    },
    Binding {
        codes: &[(ch('1'), Show(Dashboard)), (ch('d'), Show(Dashboard))],
        keys: "1 / d",
        help: "dashboard: standings, charts, running matches, faults",
        on: &[(On::Run, None)],
        terse: false,
    },
    Binding {
        codes: &[(ch('2'), Show(Crosstable)), (ch('x'), Show(Crosstable))],
        keys: "2 / x",
        help: "crosstable: head-to-head points (enter: the pair's matches)",
        on: &[(On::Run, None)],
        terse: false,
    },
    Binding {
        codes: &[(ch('3'), Show(Matches)), (ch('m'), Show(Matches))],
        keys: "3 / m",
        help: "matches: finished and running",
        on: &[(On::Run, None)],
        terse: false,
    },
    Binding {
        codes: &[(ch('4'), Show(Wall)), (ch('w'), Show(Wall))],
        keys: "4 / w",
        help: "live wall: running matches as mini-boards",
        on: &[(On::Run, None)],
        terse: false,
    },
    Binding {
        codes: &[],
        keys: "mouse",
        help: "click tabs, rows, cells, the timeline; wheel scrolls",
        on: &[],
        terse: false,
    },
];

/// What `code` does on `screen` (in a replay file's viewer if `replay`), if anything.
pub fn action(code: KeyCode, screen: Screen, replay: bool) -> Option<Action> {
    KEYS.iter().find_map(|b| {
        let (_, action) = b.codes.iter().find(|(c, _)| *c == code)?;
        b.on.iter()
            .any(|(on, _)| on.holds(screen, replay))
            .then_some(*action)
    })
}

/// A move key's action wherever it is bound (the help overlay scrolls with them).
pub fn movement(code: KeyCode) -> Option<Action> {
    KEYS.iter()
        .filter(|b| b.terse)
        .flat_map(|b| b.codes)
        .find(|(c, _)| *c == code)
        .map(|&(_, action)| action)
}

/// The footer's hints on `screen`, in table order, as `(keys, words, terse)`.
pub fn hints(screen: Screen, replay: bool) -> Vec<(&'static str, &'static str, bool)> {
    KEYS.iter()
        .filter_map(|b| {
            let (_, hint) = b.on.iter().find(|(on, _)| on.holds(screen, replay))?;
            hint.map(|(keys, words)| (keys, words, b.terse))
        })
        .collect()
}

/// The footer's line of keys, fitted to `width` columns: first in full; then move keys
/// without their words; then dropping hints from the end, never help or quit.
pub fn footer(screen: Screen, replay: bool, width: usize) -> String {
    let all = hints(screen, replay);
    let line = |hints: &[(&str, &str, bool)], terse: bool| {
        hints
            .iter()
            .map(|&(keys, words, t)| {
                if terse && t {
                    keys.to_string()
                } else {
                    format!("{keys} {words}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let full = line(&all, false);
    if full.chars().count() <= width {
        return full;
    }
    let mut kept = all;
    loop {
        let text = line(&kept, true);
        let droppable = kept
            .iter()
            .rposition(|&(keys, _, _)| !matches!(keys, "?" | "q" | "esc/q"));
        match droppable {
            Some(i) if text.chars().count() > width && i > 0 => {
                kept.remove(i);
            }
            _ => return text,
        }
    }
}

/// The help's lines: `(keys, what they do)`, every line of the table.
pub fn help() -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYS.iter().map(|b| (b.keys, b.help))
}

/// The help as lazygit's `?` gives it: a heading, the keys that work on `screen`, a
/// heading, then every other key, quitting first (so it is on the first page of a
/// small terminal). `Err` is a heading's line.
pub fn help_for(screen: Screen) -> Vec<Result<(&'static str, &'static str), &'static str>> {
    let here = |b: &&Binding| b.on.iter().any(|(on, _)| *on == On::Screen(screen));
    let quits = |b: &&Binding| b.codes.iter().any(|(_, a)| *a == Action::Quit);
    let mut lines = vec![Err("on this screen")];
    lines.extend(KEYS.iter().filter(here).map(|b| Ok((b.keys, b.help))));
    lines.push(Err("everywhere"));
    let (first, rest): (Vec<&Binding>, Vec<&Binding>) =
        KEYS.iter().filter(|b| !here(b)).partition(quits);
    lines.extend(first.into_iter().chain(rest).map(|b| Ok((b.keys, b.help))));
    lines
}

/// Lines of [`help_for`]: every key and the two headings.
pub const HELP_LINES: usize = KEYS.len() + 2;
