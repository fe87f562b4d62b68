//! A compiled bot's executable, as the host checks it before anything runs.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cagematch::cage::elf_interpreter(data);
});
