//! Browser tests for Bulkhead live in `tests/`; this library is empty.
