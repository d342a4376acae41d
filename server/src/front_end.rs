//! Which front end a site directory holds, read from the marker the build compiles into its
//! WebAssembly (`app::front_end`): `make test` builds a debug one beside `make run`'s release
//! one, and serving the wrong one makes every page several times slower.

use std::fmt;
use std::path::Path;

/// The front end found in a site directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontEnd {
    /// An optimised build.
    Release,
    /// A debug build: about four times larger and several times slower in the browser.
    Debug,
    /// A WebAssembly file without Bulkhead's marker (built from other sources).
    Unmarked,
    /// No front end at all: pages render but are not interactive.
    Missing,
}

impl FrontEnd {
    /// Reads `<site>/pkg/bulkhead.wasm` and looks for the build's marker.
    pub fn inspect(site_root: &Path) -> FrontEnd {
        match std::fs::read(site_root.join("pkg").join("bulkhead.wasm")) {
            Ok(bytes) => Self::of_wasm(&bytes),
            Err(_) => FrontEnd::Missing,
        }
    }

    /// The kind of front end a WebAssembly module was built as: the whole marker of one
    /// build or the other, anywhere in it.
    pub fn of_wasm(bytes: &[u8]) -> FrontEnd {
        let holds = |marker: &str| {
            let marker = marker.as_bytes();
            bytes.windows(marker.len()).any(|w| w == marker)
        };
        if holds(app::front_end::RELEASE) {
            FrontEnd::Release
        } else if holds(app::front_end::DEBUG) {
            FrontEnd::Debug
        } else {
            FrontEnd::Unmarked
        }
    }
}

impl fmt::Display for FrontEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FrontEnd::Release => "release build",
            FrontEnd::Debug => "debug build",
            FrontEnd::Unmarked => "build of unknown kind",
            FrontEnd::Missing => "not built",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each marker is recognised anywhere in the module; a module without one is unmarked.
    #[test]
    fn reads_the_marker() {
        let module = |marker: &str| {
            let mut bytes = b"\0asm\x01\0\0\0 some code ".to_vec();
            bytes.extend_from_slice(marker.as_bytes());
            bytes.extend_from_slice(b" more data");
            bytes
        };
        assert_eq!(
            FrontEnd::of_wasm(&module(app::front_end::RELEASE)),
            FrontEnd::Release
        );
        assert_eq!(
            FrontEnd::of_wasm(&module(app::front_end::DEBUG)),
            FrontEnd::Debug
        );
        assert_eq!(FrontEnd::of_wasm(&module("")), FrontEnd::Unmarked);
        // The prefix alone, whatever follows it, is no marker.
        let prefix_then = format!("{}there", app::front_end::MARKER);
        assert_eq!(FrontEnd::of_wasm(&module(&prefix_then)), FrontEnd::Unmarked);
    }

    /// A directory without a built front end says so.
    #[test]
    fn missing_site() {
        let dir = std::env::temp_dir().join("bulkhead-no-such-site");
        assert_eq!(FrontEnd::inspect(&dir), FrontEnd::Missing);
    }
}
