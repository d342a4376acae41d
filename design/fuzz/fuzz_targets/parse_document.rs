//! Any text read as a design: it is refused with an error or read, and what is read is
//! validated, linted and analysed, all without a panic, a hang or runaway memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(raw) = design::parse_document(text) {
        let (valid, _) = design::validate(&raw);
        let _ = design::findings::lint(&valid);
        let _ = design::reach::matrix_text(&valid, None, None);
        let _ = design::to_canonical_yaml(&raw);
    }
});
