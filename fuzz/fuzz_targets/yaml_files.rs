//! YAML written by people: a tournament file (its bots in a folder that does not exist,
//! so only the file itself is read), a theme, and the size and nesting gate itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = cagematch::tournament::Tournament::parse(Path::new("/nonexistent/t.yaml"), text);
    let _ = cagematch::tui::theme::Theme::parse("theme.yaml", text);
    let _ = cagematch::yaml::parse::<serde_yaml::Value>("any.yaml", text);
});
