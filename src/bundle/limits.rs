//! How big a bundle may be. Kaggle accepts submissions of about 100 MB; the caps leave
//! room for that and stop a hostile archive long before it fills a disk.

/// Bytes a bundle may unpack to, all files together.
pub const MAX_BYTES: u64 = 256 << 20;
/// Entries (files and folders) a bundle may hold.
pub const MAX_FILES: usize = 4096;
/// Folder depth and path length of one entry.
pub const MAX_DEPTH: usize = 16;
pub const MAX_PATH: usize = 1024;
/// Python source a bundle may hold, all modules together (it travels to the cage in the
/// bot's load request).
pub const MAX_SOURCE_BYTES: u64 = 8 << 20;
/// Unpacked bytes per archive byte beyond [`RATIO_FLOOR`]: weights compress a few times,
/// a zip bomb thousands of times.
pub const MAX_RATIO: u64 = 200;
/// Unpacked bytes allowed whatever the ratio (a small archive of zeros is no bomb).
pub const RATIO_FLOOR: u64 = 16 << 20;

/// The caps one bundle is read with.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub bytes: u64,
    pub files: usize,
    /// The archive's own size, when the bundle is one (the ratio cap's base).
    pub packed: Option<u64>,
}

impl Caps {
    pub fn folder() -> Caps {
        Caps {
            bytes: MAX_BYTES,
            files: MAX_FILES,
            packed: None,
        }
    }

    pub fn archive(packed: u64) -> Caps {
        Caps {
            packed: Some(packed),
            ..Caps::folder()
        }
    }

    /// Refuses `unpacked` bytes from an archive of `packed` bytes when the ratio says
    /// bomb.
    pub fn check_ratio(&self, unpacked: u64) -> Result<(), String> {
        match self.packed {
            Some(packed) if unpacked > RATIO_FLOOR && unpacked / packed.max(1) > MAX_RATIO => Err(
                format!("unpacks to more than {MAX_RATIO} times its size (a zip bomb?); refused"),
            ),
            _ => Ok(()),
        }
    }
}
