//! A bundle's archive (`.tar.gz` or `.zip`, by the first byte), as the host unpacks it
//! into a private copy: any bytes give a bundle or a one-line error, never a panic, a
//! hang or a file outside the copy.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, archive)) = data.split_first() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let name = if kind % 2 == 0 { "bot.tar.gz" } else { "bot.zip" };
    let path = dir.path().join(name);
    std::fs::write(&path, archive).unwrap();
    if let Err(why) = cagematch::bundle::Bundle::read(&path) {
        assert!(!why.contains('\n'), "{why}");
    }
    // Nothing but the archive itself beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
});
