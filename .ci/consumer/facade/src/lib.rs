//! The root README's examples live in `src/bin/`, copied there by `.ci/run`.
