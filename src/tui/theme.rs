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
    pub gauge: Color,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
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
    gauge: String,
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

    pub fn seat(&self, seat: usize) -> Color {
        if seat == 0 {
            self.seat1
        } else {
            self.seat2
        }
    }
}
