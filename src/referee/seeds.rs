//! The seeds bots get, derived so that knowing its own tells a bot nothing about its
//! opponent's. A seat's seed is HMAC-SHA256 of (match seed, seat) under a 256-bit
//! [`SeedKey`] that no bot ever sees. This machine's key is made at random once and kept
//! in the user's state folder: `match` and `check` use it (so `--seed N` replays a match
//! byte for byte here), and a tournament uses a key derived from it and the tournament's
//! seed (so the same file and seed play the same matches here), kept in the run's
//! `run.json` so a resumed run plays on with it. Replays never hold a key: they are shared.
//!
//! Before this, a seat's seed was one SplitMix64 step of the public match seed: a bot
//! could invert it, derive its opponent's seed and replay its opponent's `random`.

use crate::error::ConfigError;
use crate::files::Links;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

const BLOCK: usize = 64;

/// The secret mixed into every seed a bot sees.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SeedKey([u8; 32]);

/// Never printed: a key in a log would be a key in a bot author's hands.
impl std::fmt::Debug for SeedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeedKey(…)")
    }
}

impl SeedKey {
    /// 32 bytes from the kernel's generator.
    pub fn random() -> std::io::Result<SeedKey> {
        let mut key = [0u8; 32];
        let mut got = 0;
        while got < key.len() {
            // SAFETY: getrandom fills the rest of our own buffer.
            let n = unsafe { libc::getrandom(key[got..].as_mut_ptr().cast(), key.len() - got, 0) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            } else {
                got += n as usize;
            }
        }
        Ok(SeedKey(key))
    }

    /// 64 hexadecimal digits, as `run.json` keeps it.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Option<SeedKey> {
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(SeedKey(key))
    }

    /// The key this process uses for `match`, `check` and new tournaments: the one
    /// `--seed-key` (or `CAGEMATCH_SEED_KEY`) names — a key file, or `none` for the
    /// public key ([`SeedKey::public`], with a warning) — else this machine's key,
    /// read from the user's state folder and made there (readable by the user only) the
    /// first time. Bots cannot read it: they have no file access at all.
    pub fn local() -> Result<SeedKey, ConfigError> {
        match chosen() {
            Choice::File(path) => SeedKey::from_file(&path),
            Choice::Public => {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    eprintln!(
                        "cagematch: seed key: the public one (--seed-key none): anyone can work out every seat's seed from the match seed; for docs and examples, never for a competition"
                    );
                });
                Ok(SeedKey::public())
            }
            Choice::Machine => SeedKey::machine(),
        }
    }

    /// The public key: SHA-256 of `cagematch public seed key v1`. Anyone can compute it,
    /// so anyone can replay a match made with it — and any bot can compute its
    /// opponents' seeds: for documentation and examples only.
    pub fn public() -> SeedKey {
        SeedKey(Sha256::digest(b"cagematch public seed key v1").into())
    }

    /// A key from a file: 64 hexadecimal digits in a regular file (not a link, nor a
    /// FIFO), the user's own and readable by no one else — a key others can read or swap
    /// tells them seeds.
    pub fn from_file(path: &std::path::Path) -> Result<SeedKey, ConfigError> {
        let at = |what: String| ConfigError::new(path.display(), what);
        use std::os::unix::fs::MetadataExt;
        let (bytes, meta) =
            crate::files::read_capped(path, KEY_FILE_BYTES, "seed key", Links::Refuse)?;
        // SAFETY: geteuid cannot fail.
        if meta.uid() != unsafe { libc::geteuid() } {
            return Err(at(
                "the seed key belongs to another user; delete it to make a new one".into(),
            ));
        }
        if meta.mode() & 0o077 != 0 {
            return Err(at(format!(
                "the seed key can be read by others (mode {:o}); make it private: chmod 600 {}",
                meta.mode() & 0o777,
                crate::files::shown(path)
            )));
        }
        let text = String::from_utf8_lossy(&bytes);
        SeedKey::from_hex(text.trim()).ok_or_else(|| {
            at("not a seed key (64 hexadecimal digits); delete it to make a new one".into())
        })
    }

    /// This machine's key (see [`SeedKey::local`]), made the first time.
    fn machine() -> Result<SeedKey, ConfigError> {
        let path = local_key_path().ok_or_else(|| {
            ConfigError::setting("no HOME or XDG_STATE_HOME to keep this machine's seed key in")
        })?;
        let at = |path: &std::path::Path, what: String| ConfigError::new(path.display(), what);
        let read = |path: &std::path::Path| SeedKey::from_file(path);
        match std::fs::symlink_metadata(&path) {
            Ok(_) => return read(&path),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(at(&path, e.to_string()))
            }
            Err(_) => {}
        }
        let random = || {
            SeedKey::random()
                .map_err(|e| ConfigError::setting(format!("cannot make a seed key: {e}")))
        };
        let key = random()?;
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // Written whole under a private name, then linked into place: a concurrent
        // `cagematch` either wins the link or reads a complete key, never half of one.
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        // A name of its own per attempt: racing threads of one process share a pid.
        let draft = path.with_extension(format!(
            "new-{}-{}",
            std::process::id(),
            &random()?.hex()[..16]
        ));
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&draft)
            .and_then(|mut f| writeln!(f, "{}", key.hex()))
            .map_err(|e| at(&draft, format!("cannot keep the seed key: {e}")))?;
        let linked = std::fs::hard_link(&draft, &path);
        let _ = std::fs::remove_file(&draft);
        match linked {
            Ok(()) => Ok(key),
            // Another process made it first: use theirs, so both agree.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(&path),
            Err(e) => Err(at(&path, format!("cannot keep the seed key: {e}"))),
        }
    }

    /// The seed of seat `seat`'s `random` in a match seeded `seed`: distinct per seat,
    /// fixed per match and key, below 2^63 so every language reads it as a plain integer.
    pub fn seat_seed(&self, seed: u64, seat: usize) -> u64 {
        let mut message = Vec::with_capacity(32);
        message.extend_from_slice(b"cagematch seat seed\0");
        message.extend_from_slice(&seed.to_le_bytes());
        message.extend_from_slice(&(seat as u64).to_le_bytes());
        let mac = self.hmac(&message);
        u64::from_le_bytes(mac[..8].try_into().expect("eight bytes")) >> 1
    }

    /// The key of a tournament seeded `seed` on this machine: the same tournament file
    /// and seed play the same matches here, as they always did; elsewhere, or to anyone
    /// without this machine's key, the seats' seeds say nothing.
    pub fn for_tournament(&self, seed: u64) -> SeedKey {
        let mut message = Vec::with_capacity(32);
        message.extend_from_slice(b"cagematch tournament key\0");
        message.extend_from_slice(&seed.to_le_bytes());
        SeedKey(self.hmac(&message))
    }

    /// HMAC-SHA256 (RFC 2104) with this key.
    fn hmac(&self, message: &[u8]) -> [u8; 32] {
        let mut inner = [0x36u8; BLOCK];
        let mut outer = [0x5cu8; BLOCK];
        for (i, k) in self.0.iter().enumerate() {
            inner[i] ^= k;
            outer[i] ^= k;
        }
        let inner_hash = Sha256::new()
            .chain_update(inner)
            .chain_update(message)
            .finalize();
        Sha256::new()
            .chain_update(outer)
            .chain_update(inner_hash)
            .finalize()
            .into()
    }
}

/// Where the key comes from, as the command line or the environment chose it.
#[derive(Debug, Clone, PartialEq)]
enum Choice {
    Machine,
    File(PathBuf),
    Public,
}

static CHOSEN: std::sync::OnceLock<Choice> = std::sync::OnceLock::new();

/// `--seed-key FILE|none`: this process's key source from now on (the first choice
/// stands).
pub fn choose(source: &str) {
    let _ = CHOSEN.set(parse_choice(source));
}

fn parse_choice(source: &str) -> Choice {
    match source {
        "" => Choice::Machine,
        "none" => Choice::Public,
        path => Choice::File(PathBuf::from(path)),
    }
}

/// The key source: `--seed-key`, else `CAGEMATCH_SEED_KEY`, else this machine's.
fn chosen() -> Choice {
    CHOSEN.get().cloned().unwrap_or_else(|| {
        std::env::var("CAGEMATCH_SEED_KEY").map_or(Choice::Machine, |v| parse_choice(&v))
    })
}

/// Whether this process plays with the public key (`--seed-key none`).
pub fn public_chosen() -> bool {
    chosen() == Choice::Public
}

/// The most a seed key file may hold (64 hex digits and a line break, with room).
const KEY_FILE_BYTES: u64 = 256;

/// `$XDG_STATE_HOME/cagematch/seed-key`, or `~/.local/state/cagematch/seed-key` (the
/// home folder from `HOME`, or from the user database when it is unset).
fn local_key_path() -> Option<PathBuf> {
    let home = || {
        std::env::var_os("HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                nix::unistd::User::from_uid(nix::unistd::getuid())
                    .ok()
                    .flatten()
                    .map(|u| u.dir)
            })
    };
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".local/state")))?;
    Some(state.join("cagematch").join("seed-key"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::SplitMix64;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2 uses a short key; ours are 32 bytes, zero-padded like
        // HMAC pads them: key "Jefe" followed by zeros is the same key.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let mac = SeedKey(key).hmac(b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn seeds_are_reproducible_per_key_and_unrelated_across_keys() {
        let a = SeedKey([7; 32]);
        let b = SeedKey([8; 32]);
        assert_eq!(a.seat_seed(5, 0), a.seat_seed(5, 0));
        assert_ne!(a.seat_seed(5, 0), a.seat_seed(5, 1));
        assert_ne!(a.seat_seed(5, 0), b.seat_seed(5, 0));
        assert!(a.seat_seed(u64::MAX, 1) < 1 << 63);
        assert_eq!(SeedKey::from_hex(&a.hex()), Some(a));
        assert_eq!(SeedKey::from_hex("zz"), None);
        assert_eq!(format!("{a:?}"), "SeedKey(…)");
    }

    #[test]
    fn the_machine_key_is_made_once_even_by_racing_processes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // Only this test reads XDG_STATE_HOME in this test binary.
        std::env::set_var("XDG_STATE_HOME", dir.path());
        let keys: Vec<SeedKey> = std::thread::scope(|s| {
            let racers: Vec<_> = (0..8).map(|_| s.spawn(SeedKey::local)).collect();
            racers
                .into_iter()
                .map(|r| r.join().unwrap().unwrap())
                .collect()
        });
        assert!(keys.iter().all(|k| *k == keys[0]));
        let file = dir.path().join("cagematch/seed-key");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            SeedKey::local().unwrap(),
            keys[0],
            "read back, not made again"
        );
        std::fs::write(&file, "short").unwrap();
        assert!(SeedKey::local()
            .unwrap_err()
            .to_string()
            .contains("not a seed key"));
        assert_eq!(
            std::fs::read_dir(dir.path().join("cagematch"))
                .unwrap()
                .count(),
            1
        );
    }

    /// The attack that worked on the old derivation: invert one SplitMix64 step from
    /// my seat's seed back to the match seed, then derive my opponent's seed.
    fn predict_opponent(my_seed: u64, my_seat: usize) -> Vec<u64> {
        let mix = |seat: usize| (seat as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F);
        let unmix = |mut z: u64| {
            z ^= z >> 31 ^ z >> 62;
            z = z.wrapping_mul(0x3196_42B2_D24D_8EC3);
            z ^= z >> 27 ^ z >> 54;
            z = z.wrapping_mul(0x96DE_1B17_3F11_9089);
            z ^ (z >> 30) ^ (z >> 60)
        };
        // The top bit was dropped: two candidates.
        [my_seed << 1, my_seed << 1 | 1]
            .into_iter()
            .map(|out| {
                let match_seed = unmix(out).wrapping_sub(0x9E37_79B9_7F4A_7C15) ^ mix(my_seat);
                SplitMix64::new(match_seed ^ mix(1 - my_seat)).next_u64() >> 1
            })
            .collect()
    }

    #[test]
    fn a_bot_cannot_predict_its_opponent_from_its_own_seed() {
        // The attack itself is right: against the old derivation it finds the opponent.
        let old = |seed: u64, seat: usize| {
            SplitMix64::new(seed ^ (seat as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F)).next_u64()
                >> 1
        };
        for seed in [0, 7, 123_456_789, u64::MAX / 3] {
            assert!(predict_opponent(old(seed, 0), 0).contains(&old(seed, 1)));
        }
        // Against the keyed derivation it finds nothing.
        let key = SeedKey::random().unwrap();
        for seed in 0..1000 {
            for seat in 0..2 {
                let guesses = predict_opponent(key.seat_seed(seed, seat), seat);
                assert!(
                    !guesses.contains(&key.seat_seed(seed, 1 - seat)),
                    "seed {seed}"
                );
            }
        }
    }
}
