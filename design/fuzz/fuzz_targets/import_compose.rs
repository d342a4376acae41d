//! Any text read as a Compose file: refused with an error, or imported as a design that is
//! then validated, without a panic, a hang or runaway memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(imported) = design::import::compose(text, "fuzz") {
        let _ = design::validate(&imported.design);
    }
});
