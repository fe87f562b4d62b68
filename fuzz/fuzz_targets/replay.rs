//! A replay file someone hands `cagematch replay`: parsed, and if accepted, every frame
//! drawn as text by its game's own decoder.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(record) = cagematch::replay::parse(text) {
        for frame in record.frames.iter().take(64) {
            let _ = record.game.draw(&frame.state);
        }
    }
});
