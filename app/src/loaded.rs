//! Data a page loads from the server: a resource whose value the server renders into the page
//! and the browser reads back while hydrating.
//!
//! Leptos reads that value with `serde_json::from_str`, while server function replies are read
//! with `serde_json::from_slice`; the two readers are separate instantiations of every type's
//! `Deserialize`, so each type the pages load was compiled into the WebAssembly twice (about a
//! tenth of its code). [`Loaded`] reads both the same way.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON, read back with the same reader as server function replies.
pub struct SliceJson;

impl<T: Serialize> Encoder<T> for SliceJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for SliceJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A resource loaded from the server (see the module's documentation).
pub type Loaded<T> = Resource<T, SliceJson>;

/// Like [`Resource::new`]: runs `fetcher` whenever `source` changes.
#[track_caller]
pub fn load<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Loaded<T>
where
    S: Clone + PartialEq + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}
