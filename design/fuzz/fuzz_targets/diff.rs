//! Two designs (the input split at its first NUL byte), each read and, when both read,
//! compared: structure, reachability and exposure, as text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(at) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let (Ok(old), Ok(new)) = (
        std::str::from_utf8(&data[..at]),
        std::str::from_utf8(&data[at + 1..]),
    ) else {
        return;
    };
    if let (Ok(old), Ok(new)) = (design::parse_document(old), design::parse_document(new)) {
        let _ = design::diff::diff(&old, &new).to_text();
    }
});
