//! A fixed number of update calls, 32 in flight, through one variant of the `round_trip`
//! comparison, for counting instructions with callgrind: unlike wall-clock time on a shared
//! machine, the count repeats to a few parts in ten thousand. See `docs/performance.md`.
//!
//! ```sh
//! cargo bench --bench instructions --no-run        # prints the binary's path
//! valgrind --tool=callgrind <binary> sdk_hyper 0   # start-up only
//! valgrind --tool=callgrind <binary> sdk_hyper 100 # start-up and 100 × 32 calls
//! ```
//!
//! The difference between the two totals, divided by the calls, is the instructions per
//! call (client and server together; the server's share is the same in every variant).
//! Without arguments (`cargo bench`, `cargo test --benches`) it makes a few calls through
//! every variant and prints the time they took.

mod common;

use std::time::Duration;

use common::{ACCOUNT, Clients, EMAIL, IN_FLIGHT, NAME, USER, client_runtime, in_flight};

const VARIANTS: [&str; 5] = ["bare_hyper", "bare_hyper_decode", "sdk_hyper", "bare_reqwest", "sdk_reqwest"];

fn main() {
    // `cargo bench` passes `--bench`; anything starting with `-` is not ours.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let (variants, rounds) = match args.as_slice() {
        [] => (VARIANTS.to_vec(), 10),
        [variant, rounds] if VARIANTS.contains(&variant.as_str()) => match rounds.parse() {
            Ok(rounds) => (vec![variant.as_str()], rounds),
            Err(_) => usage(),
        },
        _ => usage(),
    };
    let rt = client_runtime();
    let clients = Clients::start(&rt);
    for variant in variants {
        let took = rt.block_on(run(&clients, variant, rounds));
        let calls = rounds * IN_FLIGHT as u64;
        let per_call = if calls == 0 { 0.0 } else { took.as_secs_f64() * 1e6 / calls as f64 };
        println!("{variant}: {calls} calls, 32 in flight, {per_call:.2} µs per call");
    }
}

async fn run(clients: &Clients, variant: &str, rounds: u64) -> Duration {
    match variant {
        "bare_hyper" => in_flight(rounds, || clients.bare_hyper.update(ACCOUNT, USER, EMAIL, NAME)).await,
        "bare_hyper_decode" => {
            in_flight(rounds, || clients.bare_hyper.update_decoded(ACCOUNT, USER, EMAIL, NAME)).await
        }
        "sdk_hyper" => in_flight(rounds, || clients.sdk_hyper.update()).await,
        "bare_reqwest" => in_flight(rounds, || clients.bare_reqwest.update(ACCOUNT, USER, EMAIL, NAME)).await,
        _ => in_flight(rounds, || clients.sdk_reqwest.update()).await,
    }
}

fn usage() -> ! {
    eprintln!("usage: instructions [<variant> <rounds of 32 calls>]; variants: {}", VARIANTS.join(", "));
    std::process::exit(2);
}
