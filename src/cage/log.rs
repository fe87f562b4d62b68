//! What bots print: capped per match, split into lines per move, and neutralised so no
//! byte a bot prints can drive a terminal.

/// Longest line kept; the rest of it is cut with a marker.
const LINE_CHARS: usize = 1000;
/// Past the cap, bytes the host still reads (and drops) in one move before it stops
/// reading: then the bot's writes block once the pipe is full, and it is charged that
/// wait like any other. A chatty bot goes on; one that writes forever costs the host at
/// most this much copying per move, and times out.
pub const DRAIN_PER_MOVE: usize = 1024 * 1024;

#[derive(Debug)]
pub struct LogCapture {
    left: usize,
    cap: usize,
    dropped: usize,
    reported_dropped: usize,
    /// `dropped` when the current move began.
    dropped_at_move: usize,
    partial: Vec<u8>,
    lines: Vec<String>,
}

impl LogCapture {
    pub fn new(cap: usize) -> LogCapture {
        LogCapture {
            left: cap,
            cap,
            dropped: 0,
            reported_dropped: 0,
            dropped_at_move: 0,
            partial: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Takes bytes as read from the log pipe.
    pub fn feed(&mut self, bytes: &[u8]) {
        let keep = bytes.len().min(self.left);
        self.left -= keep;
        self.dropped += bytes.len() - keep;
        for chunk in bytes[..keep].split_inclusive(|b| *b == b'\n') {
            if let Some(line) = chunk.strip_suffix(b"\n") {
                self.partial.extend_from_slice(line);
                let line = std::mem::take(&mut self.partial);
                self.lines.push(sanitize(&line));
            } else {
                self.partial.extend_from_slice(chunk);
            }
        }
    }

    /// A move begins: the bot may have [`DRAIN_PER_MOVE`] more bytes read past the cap.
    pub fn begin_move(&mut self) {
        self.dropped_at_move = self.dropped;
    }

    /// True once this move's allowance past the cap is used up: the host stops reading.
    pub fn full(&self) -> bool {
        self.dropped - self.dropped_at_move >= DRAIN_PER_MOVE
    }

    /// The per-match cap on kept bytes.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// The lines printed since the last call (an unfinished line counts as a line).
    pub fn take_move(&mut self) -> Vec<String> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.lines.push(sanitize(&line));
        }
        if self.dropped > self.reported_dropped {
            self.lines.push(format!(
                "[cagematch: {} bytes of output dropped; the log limit is {} bytes per match]",
                self.dropped - self.reported_dropped,
                self.cap
            ));
            self.reported_dropped = self.dropped;
        }
        std::mem::take(&mut self.lines)
    }
}

/// Makes a line safe to show: control characters (ESC, CR, BEL, …) and bidirectional
/// overrides become visible escapes; invalid UTF-8 becomes U+FFFD.
pub fn sanitize(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    for (n, c) in text.chars().enumerate() {
        if n == LINE_CHARS {
            out.push_str(" […]");
            break;
        }
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c == '\t' {
            out.push(c);
        } else if c.is_control() || bidi {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Caps on text taken from a bot.
pub const DETAIL_CHARS: usize = 300;

/// Text from a bot, cut to `max` characters and made safe for a terminal line by line.
pub fn cut(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .collect::<String>()
        .split('\n')
        .map(|l| sanitize(l.as_bytes()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_per_move_and_partial_lines_kept() {
        let mut log = LogCapture::new(1000);
        log.feed(b"one\ntw");
        log.feed(b"o\nthree");
        assert_eq!(log.take_move(), vec!["one", "two", "three"]);
        assert!(log.take_move().is_empty());
    }

    #[test]
    fn terminal_control_is_neutralised() {
        let line = sanitize(b"\x1b[2J\x1b]0;pwned\x07\rok\xff\xe2\x80\xae");
        assert!(!line.chars().any(|c| c.is_control()));
        assert_eq!(line, "\\x1b[2J\\x1b]0;pwned\\x07\\x0dok\u{fffd}\\u{202e}");
    }

    #[test]
    fn the_cap_drops_and_says_so() {
        let mut log = LogCapture::new(10);
        log.feed(&[b'x'; 100]);
        let lines = log.take_move();
        assert_eq!(lines[0], "xxxxxxxxxx");
        assert!(lines[1].contains("90 bytes of output dropped"));
    }

    #[test]
    fn each_move_may_drop_a_bounded_amount_then_the_log_is_full() {
        let mut log = LogCapture::new(10);
        log.begin_move();
        log.feed(&vec![b'x'; 10 + DRAIN_PER_MOVE - 1]);
        assert!(!log.full());
        log.feed(b"x");
        assert!(log.full());
        log.begin_move();
        assert!(!log.full(), "a new move may write again");
    }
}
