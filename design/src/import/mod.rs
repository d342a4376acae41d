//! Reading other formats into designs: Compose files.

mod compose;

pub use compose::{ComposeImport, ImportError, ImportNote, compose};
