//! What a bot sends the host: bytes cut into frames and lines, in chunks of any size, and
//! then read as replies of either dialect. Nothing may panic or buffer past the cap.
#![no_main]
use cagematch::cage::frame::{FrameBuffer, LineBuffer};
use cagematch::cage::protocol::{Hello, NativeReply, Reply};
use libfuzzer_sys::fuzz_target;

fn read(value: serde_json::Value) {
    let _ = serde_json::from_value::<Reply>(value.clone());
    let _ = serde_json::from_value::<NativeReply>(value.clone());
    let _ = serde_json::from_value::<Hello>(value);
}

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, bytes)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk).max(1);
    let mut frames = FrameBuffer::new(4096);
    let mut lines = LineBuffer::new(4096);
    for piece in bytes.chunks(chunk) {
        match frames.push(&piece[..piece.len().min(frames.want())]) {
            Ok(Some(v)) => read(v),
            Ok(None) => {}
            Err(_) => frames = FrameBuffer::new(4096),
        }
        assert!(frames.pending() <= 4 + 4096);
        match lines.push(&piece[..piece.len().min(lines.want())]) {
            Ok(Some(v)) => read(v),
            Ok(None) => {}
            Err(_) => lines = LineBuffer::new(4096),
        }
    }
});
