//! Frames: a `u32` little-endian length, then that many bytes of UTF-8 JSON (Python
//! bots); lines: one JSON value and a newline (compiled bots).
//!
//! The host treats every frame from a bot as hostile: its size is capped before a byte of
//! the body is buffered, and its JSON is parsed strictly (serde_json's nesting limit, no
//! NaN, no lone surrogates, no duplicate keys).

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::io::{self, Read, Write};

/// Bytes in a frame header.
pub const HEADER: usize = 4;

/// Encodes `value` (a message from `protocol.rs`) as one frame.
pub fn encode(value: &impl Serialize) -> Vec<u8> {
    // The body is written after room for its header, which is filled in once its length
    // is known: one buffer, no copy.
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&[0; HEADER]);
    serde_json::to_writer(&mut out, value).expect("protocol messages always serialise");
    let len = (out.len() - HEADER) as u32;
    out[..HEADER].copy_from_slice(&len.to_le_bytes());
    out
}

/// Writes one frame (used by the trusted side of a pipe).
pub fn write_frame(w: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    w.write_all(&encode(value))
}

/// Reads one frame's body of at most `cap` bytes into `body`, blocking. Used in the bot
/// process for requests from the host, reusing one buffer.
pub fn read_body(r: &mut impl Read, cap: usize, body: &mut Vec<u8>) -> io::Result<()> {
    let mut header = [0u8; HEADER];
    r.read_exact(&mut header)?;
    let len = u32::from_le_bytes(header) as usize;
    if len > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    body.resize(len, 0);
    r.read_exact(body)
}

/// Why bytes from a bot are not a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("announced a {announced}-byte frame; the limit is {cap} bytes")]
    TooLarge { announced: usize, cap: usize },
    #[error("sent a frame that is not valid JSON: {0}")]
    BadJson(String),
    #[error("sent {0} bytes after its reply")]
    Trailing(usize),
    #[error("sent a line longer than the {cap}-byte limit")]
    LineTooLong { cap: usize },
}

/// Incremental frame reader for the host: feed it bytes as they arrive.
#[derive(Debug)]
pub struct FrameBuffer {
    buf: Vec<u8>,
    cap: usize,
}

impl FrameBuffer {
    pub fn new(cap: usize) -> FrameBuffer {
        FrameBuffer {
            buf: Vec::new(),
            cap,
        }
    }

    /// How many bytes the buffer wants next, at most: before the header, a whole frame
    /// of the largest size (so one read usually takes header, body and any bytes a bot
    /// sent after it, which are then refused as trailing); after it, the rest of the
    /// frame. Never more than one largest frame, so a flood is never buffered.
    pub fn want(&self) -> usize {
        match self.announced() {
            None => (HEADER + self.cap).saturating_sub(self.buf.len()),
            Some(len) => (HEADER + len).saturating_sub(self.buf.len()).max(1),
        }
    }

    fn announced(&self) -> Option<usize> {
        (self.buf.len() >= HEADER).then(|| {
            u32::from_le_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]) as usize
        })
    }

    /// Adds bytes; returns a complete frame's JSON once one is there.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Option<Value>, FrameError> {
        self.buf.extend_from_slice(bytes);
        let Some(len) = self.announced() else {
            return Ok(None);
        };
        if len > self.cap {
            return Err(FrameError::TooLarge {
                announced: len,
                cap: self.cap,
            });
        }
        if self.buf.len() < HEADER + len {
            return Ok(None);
        }
        if self.buf.len() > HEADER + len {
            return Err(FrameError::Trailing(self.buf.len() - HEADER - len));
        }
        let value = parse_strict(&self.buf[HEADER..])?;
        self.buf.clear();
        Ok(Some(value))
    }

    /// Bytes of an unfinished frame.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

/// One JSON value per line, encoded for a compiled bot.
pub fn encode_line(value: &impl Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec(value).expect("protocol messages always serialise");
    out.push(b'\n');
    out
}

/// Incremental line reader for the host: a line is at most `cap` bytes, and nothing may
/// follow it (a bot answers one request with one line).
#[derive(Debug)]
pub struct LineBuffer {
    buf: Vec<u8>,
    cap: usize,
}

impl LineBuffer {
    pub fn new(cap: usize) -> LineBuffer {
        LineBuffer {
            buf: Vec::new(),
            cap,
        }
    }

    /// How many bytes to read next: never more than the rest of one line's allowance
    /// (plus one, to see a line that is too long).
    pub fn want(&self) -> usize {
        (self.cap + 1).saturating_sub(self.buf.len()).max(1)
    }

    /// Adds bytes; returns the line's JSON once its newline arrived.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Option<Value>, FrameError> {
        let start = self.buf.len();
        self.buf.extend_from_slice(bytes);
        let Some(at) = self.buf[start..].iter().position(|&b| b == b'\n') else {
            if self.buf.len() > self.cap {
                return Err(FrameError::LineTooLong { cap: self.cap });
            }
            return Ok(None);
        };
        let end = start + at;
        if end > self.cap {
            return Err(FrameError::LineTooLong { cap: self.cap });
        }
        if self.buf.len() > end + 1 {
            return Err(FrameError::Trailing(self.buf.len() - end - 1));
        }
        let line = self.buf[..end]
            .strip_suffix(b"\r")
            .unwrap_or(&self.buf[..end]);
        let value = parse_strict(line)?;
        self.buf.clear();
        Ok(Some(value))
    }
}

/// Parses JSON from an untrusted source: serde_json's limits plus a refusal of duplicate
/// object keys (which would let two readers see two different values).
pub fn parse_strict(bytes: &[u8]) -> Result<Value, FrameError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue::deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v.0))
        .map_err(|e| FrameError::BadJson(e.to_string()))?;
    Ok(value)
}

struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            if out.insert(key.clone(), v).is_some() {
                return Err(de::Error::custom(format!("duplicate key {key:?}")));
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn frame_of(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u32).to_le_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn round_trip_byte_by_byte() {
        let value = json!({"action": [1, 2.5, "x", null, true, {"k": []}]});
        let mut fb = FrameBuffer::new(1 << 20);
        let bytes = encode(&value);
        let (last, head) = bytes.split_last().unwrap();
        for b in head {
            assert_eq!(fb.push(&[*b]).unwrap(), None);
        }
        assert_eq!(fb.push(&[*last]).unwrap(), Some(value));
        assert_eq!(fb.pending(), 0);
    }

    #[test]
    fn oversized_frame_is_refused_from_its_header() {
        let mut fb = FrameBuffer::new(1024);
        let err = fb.push(&(1u32 << 30).to_le_bytes()).unwrap_err();
        assert!(
            matches!(err, FrameError::TooLarge { announced, cap: 1024 } if announced == 1 << 30)
        );
    }

    #[test]
    fn hostile_json_is_refused() {
        let deep = "[".repeat(1_000_000);
        let cases: Vec<Vec<u8>> = vec![
            deep.into_bytes(),
            b"NaN".to_vec(),
            b"{\"a\": Infinity}".to_vec(),
            format!("1{}", "0".repeat(400)).into_bytes(),
            b"\"\\ud800\"".to_vec(),
            vec![b'"', 0xff, 0xfe, b'"'],
            b"{\"action\": 1, \"action\": 2}".to_vec(),
            b"{\"action\": 1} {}".to_vec(),
        ];
        for body in cases {
            let mut fb = FrameBuffer::new(8 << 20);
            let result = fb.push(&frame_of(&body));
            assert!(
                matches!(result, Err(FrameError::BadJson(_))),
                "accepted {:?}: {result:?}",
                String::from_utf8_lossy(&body[..body.len().min(40)])
            );
        }
    }

    #[test]
    fn two_frames_at_once_are_trailing_bytes() {
        let mut fb = FrameBuffer::new(1024);
        let mut bytes = encode(&json!(1));
        bytes.extend(encode(&json!(2)));
        assert!(matches!(fb.push(&bytes), Err(FrameError::Trailing(_))));
    }

    #[test]
    fn lines_arrive_in_pieces_and_are_checked() {
        let mut lb = LineBuffer::new(64);
        assert_eq!(lb.push(b"{\"action\"").unwrap(), None);
        assert_eq!(lb.push(b": 3}\r\n").unwrap(), Some(json!({"action": 3})));
        assert!(matches!(
            lb.push(&[b'x'; 65]),
            Err(FrameError::LineTooLong { cap: 64 })
        ));
        let mut lb = LineBuffer::new(64);
        assert!(matches!(lb.push(b"1\n2\n"), Err(FrameError::Trailing(2))));
        let mut lb = LineBuffer::new(64);
        assert!(matches!(
            lb.push(b"{\"a\": NaN}\n"),
            Err(FrameError::BadJson(_))
        ));
        let mut lb = LineBuffer::new(64);
        assert!(matches!(lb.push(b"\n"), Err(FrameError::BadJson(_))));
        assert!(lb.want() <= 65);
    }

    #[test]
    fn want_never_exceeds_one_frame() {
        let mut fb = FrameBuffer::new(1024);
        assert_eq!(fb.want(), 4 + 1024);
        fb.push(&10u32.to_le_bytes()[..2]).unwrap();
        assert_eq!(fb.want(), 2 + 1024);
        fb.push(&10u32.to_le_bytes()[2..]).unwrap();
        assert_eq!(fb.want(), 10);
    }

    #[test]
    fn bytes_after_a_frame_in_the_same_read_are_trailing() {
        let mut fb = FrameBuffer::new(1024);
        let mut bytes = encode(&serde_json::json!({"action": 1}));
        bytes.extend_from_slice(b"xyz");
        assert_eq!(fb.push(&bytes), Err(FrameError::Trailing(3)));
    }
}
