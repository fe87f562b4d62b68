//! A run folder handed to `--resume`: `run.json`, a line `=====`, then the journal.
#![no_main]
use cagematch::tournament::journal::{parse_entries, RunInfo};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (run_json, journal) = text.split_once("\n=====\n").unwrap_or((text, ""));
    if let Ok(info) = RunInfo::parse("run.json", run_json) {
        let _ = cagematch::tournament::Tournament::from_run(&info, 1);
        let _ = parse_entries("journal.jsonl", journal, &info);
    }
});
