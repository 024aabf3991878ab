//! Offboarding (placeholder until the seat and revoke calls land).

fn main() {}
