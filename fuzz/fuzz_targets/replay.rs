//! A replay file someone hands `cagematch replay`: inflated if it is zstd (never past a
//! cap), parsed, and if accepted, every frame drawn as text by its game's own decoder.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(bytes) = cagematch::replay::inflate(data.to_vec(), 1 << 20) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return;
    };
    if let Ok(record) = cagematch::replay::parse(text) {
        for frame in record.frames.iter().take(64) {
            let _ = record.game.draw(&frame.state);
        }
    }
});
