//! Bundles read from folders and archives, and the archives a bundle refuses.

use super::*;
use std::io::Write;
use std::path::PathBuf;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const MAIN: &str = "from helper import f\n\ndef agent(o, c):\n    return f()\n";

/// A tar entry: its raw name, its kind and its bytes.
type Entry<'a> = (&'a str, tar::EntryType, &'a [u8]);

/// A `.tar.gz` of `entries`, each written raw on a fresh header.
fn tar_gz(dir: &Path, entries: &[Entry]) -> PathBuf {
    let path = dir.join("bot.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::best(),
    );
    let mut builder = tar::Builder::new(gz);
    for (name, kind, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(*kind);
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        if matches!(kind, tar::EntryType::Symlink | tar::EntryType::Link) {
            header.set_link_name("/etc/passwd").unwrap();
        }
        // Written raw: the builder's own path checks would refuse `..` and `/`.
        let bytes = name.as_bytes();
        header.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
        header.set_cksum();
        builder.append(&header, *data).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap();
    path
}

fn zip_of(dir: &Path, entries: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join("bot.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (name, data) in entries {
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
    path
}

#[test]
fn a_folder_is_copied_read_only_with_its_modules_and_an_identity() {
    let dir = folder(&[
        ("main.py", MAIN),
        ("helper.py", "def f():\n    return 1\n"),
        ("net/__init__.py", "X = 1\n"),
        ("net/layers.py", "Y = 2\n"),
        ("deep/inner/m.py", "Z = 3\n"),
        ("weights.bin", "\u{1}\u{2}"),
        (".git/config", "hidden"),
        ("__pycache__/helper.cpython-311.pyc", "cache"),
        ("not-a-module.py", "data"),
    ]);
    let bundle = Bundle::read(dir.path()).unwrap();
    assert_eq!(bundle.main, MAIN);
    let names: Vec<&str> = bundle.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "deep",
            "deep.inner",
            "deep.inner.m",
            "helper",
            "net",
            "net.layers"
        ]
    );
    let net = bundle.modules.iter().find(|m| m.name == "net").unwrap();
    assert!(net.package && net.code == "X = 1\n" && net.path == "net/__init__.py");
    let paths: Vec<&str> = bundle.members.iter().map(|m| m.path.as_str()).collect();
    assert!(!paths
        .iter()
        .any(|p| p.contains(".git") || p.contains("__pycache__")));
    assert!(paths.contains(&"weights.bin") && paths.contains(&"not-a-module.py"));
    // The copy is read-only and holds the same bytes.
    let copied = bundle.copy.root().join("helper.py");
    assert_eq!(
        std::fs::read_to_string(&copied).unwrap(),
        "def f():\n    return 1\n"
    );
    assert!(
        std::fs::OpenOptions::new()
            .append(true)
            .open(&copied)
            .is_err()
            || is_root()
    );
    assert!(bundle.copy.root().ends_with(AGENT_DIR));
    // The identity is the files': the same again, another with one byte changed.
    assert_eq!(Bundle::read(dir.path()).unwrap().sha256, bundle.sha256);
    std::fs::write(dir.path().join("weights.bin"), "\u{1}\u{3}").unwrap();
    assert_ne!(Bundle::read(dir.path()).unwrap().sha256, bundle.sha256);
    // Dropping the last clone removes the copy.
    let base = bundle.copy.base().to_path_buf();
    drop(bundle);
    assert!(!base.exists());
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn an_archive_of_one_folder_is_that_folder_and_both_archive_kinds_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let tar = tar_gz(
        dir.path(),
        &[
            ("submission/", tar::EntryType::Directory, b""),
            (
                "submission/main.py",
                tar::EntryType::Regular,
                MAIN.as_bytes(),
            ),
            (
                "submission/helper.py",
                tar::EntryType::Regular,
                b"def f():\n    return 1\n",
            ),
        ],
    );
    let from_tar = Bundle::read(&tar).unwrap();
    let zip = zip_of(
        dir.path(),
        &[
            ("main.py", MAIN.as_bytes()),
            ("helper.py", b"def f():\n    return 1\n"),
        ],
    );
    let from_zip = Bundle::read(&zip).unwrap();
    assert_eq!(from_tar.sha256, from_zip.sha256);
    assert_eq!(from_tar.modules, from_zip.modules);
    let plain = folder(&[("main.py", MAIN), ("helper.py", "def f():\n    return 1\n")]);
    assert_eq!(Bundle::read(plain.path()).unwrap().sha256, from_tar.sha256);
}

#[test]
fn hostile_archives_are_refused_in_one_line() {
    use tar::EntryType::*;
    let dir = tempfile::tempdir().unwrap();
    let main: Entry = ("main.py", Regular, MAIN.as_bytes());
    let cases: Vec<(Vec<Entry>, &str)> = vec![
        (vec![main, ("evil", Symlink, b"")], "is a link"),
        (vec![main, ("evil", Link, b"")], "is a link"),
        (vec![main, ("dev", Char, b"")], "device or a FIFO"),
        (vec![main, ("fifo", Fifo, b"")], "device or a FIFO"),
        (
            vec![main, ("/etc/cron.d/x", Regular, b"x")],
            "absolute path",
        ),
        (
            vec![main, ("../../escape.py", Regular, b"x")],
            "leaves the bundle",
        ),
        (vec![("helper.py", Regular, b"x")], "no `main.py`"),
    ];
    for (entries, expected) in cases {
        let err = Bundle::read(&tar_gz(dir.path(), &entries)).unwrap_err();
        assert!(err.contains(expected), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
    assert!(!dir.path().parent().unwrap().join("escape.py").exists());
    // A zip's link (by its Unix mode) and path tricks.
    let link = dir.path().join("link.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&link).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("main.py", options).unwrap();
    zip.write_all(MAIN.as_bytes()).unwrap();
    zip.add_symlink("evil", "/etc/passwd", options).unwrap();
    zip.finish().unwrap();
    assert!(Bundle::read(&link).unwrap_err().contains("link"));
    let up = zip_of(dir.path(), &[("main.py", MAIN.as_bytes()), ("../x", b"x")]);
    assert!(Bundle::read(&up).unwrap_err().contains("leaves the bundle"));
    // Not an archive at all.
    std::fs::write(dir.path().join("junk.zip"), "not a zip").unwrap();
    assert!(Bundle::read(&dir.path().join("junk.zip"))
        .unwrap_err()
        .contains("not a readable .zip"));
}

#[test]
fn too_many_entries_and_bombs_stop_at_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..limits::MAX_FILES + 10)
        .map(|i| format!("f{i}"))
        .collect();
    let mut entries: Vec<Entry> = vec![("main.py", tar::EntryType::Regular, MAIN.as_bytes())];
    entries.extend(
        names
            .iter()
            .map(|n| (n.as_str(), tar::EntryType::Regular, &b""[..])),
    );
    let err = Bundle::read(&tar_gz(dir.path(), &entries)).unwrap_err();
    assert!(err.contains("more than 4096 files"), "{err}");
    let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let err = Bundle::read(&zip_of(dir.path(), &many)).unwrap_err();
    assert!(
        err.contains("entries; a bundle holds at most 4096"),
        "{err}"
    );
    // 24 MiB of zeros packs into a few KiB: refused as a bomb, mid-member.
    let zeros = vec![0u8; 24 << 20];
    let bomb = tar_gz(
        dir.path(),
        &[
            ("main.py", tar::EntryType::Regular, MAIN.as_bytes()),
            ("weights.bin", tar::EntryType::Regular, &zeros),
        ],
    );
    let err = Bundle::read(&bomb).unwrap_err();
    assert!(err.contains("zip bomb"), "{err}");
}

#[test]
fn a_folder_with_a_link_inside_is_refused() {
    let dir = folder(&[("main.py", MAIN)]);
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd")).unwrap();
    let err = Bundle::read(dir.path()).unwrap_err();
    assert!(err.contains("`passwd` is a link"), "{err}");
}

#[test]
fn a_library_error_about_a_hostile_header_stays_one_printable_line() {
    // Found by the fuzzer: the tar crate's message carries a newline and the entry's
    // raw name.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bot.tar.gz");
    let mut header = tar::Header::new_gnu();
    header.as_old_mut().name[..8].copy_from_slice(b"a\nb\x1b[2J\x07");
    header.as_old_mut().cksum.copy_from_slice(b"s\n\x1b[31m\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(header.as_bytes()).unwrap();
    gz.write_all(&[0u8; 1024]).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let err = Bundle::read(&path).unwrap_err();
    assert!(
        !err.contains('\n') && !err.contains('\u{1b}') && !err.contains('\u{7}'),
        "{err:?}"
    );
    assert!(err.starts_with("not a readable .tar.gz"), "{err}");
}
