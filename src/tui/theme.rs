//! Colour themes, named by meaning. `themes/*.yaml` are embedded, so the binary works
//! without the folder; a file in `./themes/` with the same name overrides the built-in.

use crate::error::ConfigError;
use crate::files::{read_text, Links};
use ratatui::style::Color;
use serde::Deserialize;
use std::path::Path;
use std::str::FromStr;

const BUILT_IN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.yaml")),
    ("light", include_str!("../../themes/light.yaml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.yaml"),
    ),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// Painted under everything, so a theme reads the same on any terminal.
    pub background: Color,
    pub title: Color,
    pub text: Color,
    pub muted: Color,
    pub border: Color,
    pub highlight: Color,
    pub win: Color,
    pub loss: Color,
    pub draw: Color,
    pub fault: Color,
    pub seat1: Color,
    pub seat2: Color,
    /// Seats 3 to 8 of a free-for-all (`seat3` … `seat8` in the file).
    pub more_seats: [Color; 6],
    pub gauge: Color,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    /// Optional for themes written before it existed: `reset` (the terminal's own).
    #[serde(default = "reset")]
    background: String,
    title: String,
    text: String,
    muted: String,
    border: String,
    highlight: String,
    win: String,
    loss: String,
    draw: String,
    fault: String,
    seat1: String,
    seat2: String,
    /// Optional (themes written before free-for-alls): [`MORE_SEATS`] where missing.
    seat3: Option<String>,
    seat4: Option<String>,
    seat5: Option<String>,
    seat6: Option<String>,
    seat7: Option<String>,
    seat8: Option<String>,
    gauge: String,
}

/// Seats 3 to 8 of a theme file that does not name them.
const MORE_SEATS: [&str; 6] = [
    "#87d75f", "#d7005f", "#00af87", "#af87ff", "#ff5f5f", "#d7af00",
];

fn reset() -> String {
    "reset".into()
}

impl Theme {
    /// Parses a theme file's text; errors are one line naming `origin`, the field and
    /// the line.
    pub fn parse(origin: &str, text: &str) -> Result<Theme, ConfigError> {
        let f: ThemeFile = crate::yaml::parse(origin, text)?;
        let color = |field: &str, value: &str| -> Result<Color, ConfigError> {
            Color::from_str(value).map_err(|_| {
                let message = format!(
                    "{field}: `{value}` is not a colour; use a name like `red` or `#rrggbb`"
                );
                match text
                    .lines()
                    .position(|l| l.trim_start().starts_with(&format!("{field}:")))
                {
                    Some(i) => ConfigError::at(origin, i + 1, message),
                    None => ConfigError::new(origin, message),
                }
            })
        };
        Ok(Theme {
            background: color("background", &f.background)?,
            title: color("title", &f.title)?,
            text: color("text", &f.text)?,
            muted: color("muted", &f.muted)?,
            border: color("border", &f.border)?,
            highlight: color("highlight", &f.highlight)?,
            win: color("win", &f.win)?,
            loss: color("loss", &f.loss)?,
            draw: color("draw", &f.draw)?,
            fault: color("fault", &f.fault)?,
            seat1: color("seat1", &f.seat1)?,
            seat2: color("seat2", &f.seat2)?,
            more_seats: {
                let given = [&f.seat3, &f.seat4, &f.seat5, &f.seat6, &f.seat7, &f.seat8];
                let mut more = [Color::Reset; 6];
                for (i, value) in given.iter().enumerate() {
                    let field = format!("seat{}", i + 3);
                    more[i] = color(&field, value.as_deref().unwrap_or(MORE_SEATS[i]))?;
                }
                more
            },
            gauge: color("gauge", &f.gauge)?,
            name: f.name,
        })
    }

    /// The built-in themes, in cycling order.
    pub fn built_in() -> Vec<Theme> {
        BUILT_IN
            .iter()
            .map(|(name, text)| {
                Theme::parse(&format!("themes/{name}.yaml"), text).expect("built-in themes parse")
            })
            .collect()
    }

    /// `name` is a built-in name, a name found as `themes/NAME.yaml` in the current
    /// folder (which wins), or a path to a `.yaml` file.
    pub fn load(name: &str) -> Result<Theme, ConfigError> {
        let path = if name.ends_with(".yaml") || name.contains('/') {
            Some(Path::new(name).to_path_buf())
        } else {
            let local = Path::new("themes").join(format!("{name}.yaml"));
            local.is_file().then_some(local)
        };
        if let Some(path) = path {
            let max = crate::yaml::MAX_BYTES as u64;
            let text = read_text(&path, max, "theme", Links::Follow)?;
            return Theme::parse(&path.display().to_string(), &text);
        }
        Theme::built_in()
            .into_iter()
            .find(|t| t.name == name)
            .ok_or_else(|| {
                ConfigError::setting(format!(
                    "unknown theme `{name}`: the built-in themes are {}, or give a .yaml file",
                    BUILT_IN.map(|(n, _)| n).join(", ")
                ))
            })
    }

    /// Seat `seat`'s colour (0 is seat 1), for up to eight seats.
    pub fn seat(&self, seat: usize) -> Color {
        match seat {
            0 => self.seat1,
            1 => self.seat2,
            n => self.more_seats[(n - 2).min(5)],
        }
    }
}

/// The colours that carry meaning and must be told apart, by slot name.
pub const MEANINGFUL: [&str; 6] = ["seat1", "seat2", "win", "loss", "fault", "title"];
/// The seats' colours, which a free-for-all's board and charts must tell apart.
pub const SEAT_SLOTS: [&str; 8] = [
    "seat1", "seat2", "seat3", "seat4", "seat5", "seat6", "seat7", "seat8",
];

/// How far apart two colours look ("redmean" weighted RGB distance, 0 to ~765); `None`
/// when either is the terminal's own colour (unknown here).
pub fn distance(a: Color, b: Color) -> Option<f64> {
    let (a, b) = (rgb(a)?, rgb(b)?);
    let mean = (a.0 + b.0) / 2.0;
    let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2);
    Some(
        ((2.0 + mean / 256.0) * dr * dr + 4.0 * dg * dg + (2.0 + (255.0 - mean) / 256.0) * db * db)
            .sqrt(),
    )
}

/// A colour as xterm draws it by default.
fn rgb(c: Color) -> Option<(f64, f64, f64)> {
    let (r, g, b) = match c {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Black => (0, 0, 0),
        Color::Red => (205, 0, 0),
        Color::Green => (0, 205, 0),
        Color::Yellow => (205, 205, 0),
        Color::Blue => (0, 0, 238),
        Color::Magenta => (205, 0, 205),
        Color::Cyan => (0, 205, 205),
        Color::Gray => (229, 229, 229),
        Color::DarkGray => (127, 127, 127),
        Color::LightRed => (255, 0, 0),
        Color::LightGreen => (0, 255, 0),
        Color::LightYellow => (255, 255, 0),
        Color::LightBlue => (92, 92, 255),
        Color::LightMagenta => (255, 0, 255),
        Color::LightCyan => (0, 255, 255),
        Color::White => (255, 255, 255),
        Color::Indexed(_) | Color::Reset => return None,
    };
    Some((f64::from(r), f64::from(g), f64::from(b)))
}

impl Theme {
    /// A colour slot by name (for checks that go over slots).
    pub fn slot(&self, name: &str) -> Option<Color> {
        Some(match name {
            "background" => self.background,
            "title" => self.title,
            "text" => self.text,
            "muted" => self.muted,
            "seat1" => self.seat1,
            "seat2" => self.seat2,
            "seat3" => self.more_seats[0],
            "seat4" => self.more_seats[1],
            "seat5" => self.more_seats[2],
            "seat6" => self.more_seats[3],
            "seat7" => self.more_seats[4],
            "seat8" => self.more_seats[5],
            "win" => self.win,
            "loss" => self.loss,
            "fault" => self.fault,
            _ => return None,
        })
    }
}
