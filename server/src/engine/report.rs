//! The shape every engine command's result shares: data to serialise, text to print, and
//! whether it passed (the command line's exit code, the browser's verdict).

use std::fmt;

use serde::Serialize;

/// A result of plan, apply, verify, drift, destroy or engine info.
pub trait Report: Serialize + fmt::Display {
    /// True when the command did what it should (exit code 0).
    fn passed(&self) -> bool;

    /// The report as pretty JSON.
    fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}

/// `Display` through the type's `text()`, and `Report` with `passed` as given.
macro_rules! report {
    ($ty:ty, |$r:ident| $passed:expr) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.text())
            }
        }

        impl $crate::engine::report::Report for $ty {
            fn passed(&self) -> bool {
                let $r = self;
                $passed
            }
        }
    };
}

pub(crate) use report;
