//! The `custom_transport` example runs to the end and succeeds, tested by including it as a
//! module (examples' own tests do not run under `cargo test`): its blocking transport
//! carries a create, get, list and delete against the fake server, and maps a refused
//! connection and a silent server to the right `TransportError`s. Its `main` builds its own
//! runtime, so the test is a plain `#[test]`.

#[path = "../examples/custom_transport.rs"]
mod custom_transport;

#[test]
fn custom_transport_runs_against_the_embedded_fake_server() {
    assert_eq!(custom_transport::main(), std::process::ExitCode::SUCCESS);
}
