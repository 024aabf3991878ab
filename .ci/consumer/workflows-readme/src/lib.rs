//! crates/workflows/README.md's examples live in `src/bin/`, copied there by `.ci/run`.
