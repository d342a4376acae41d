//! Placeholder until the analysis exists; replaced by the real benchmark.
fn main() {}
