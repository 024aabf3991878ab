//! Update round trips through `Client` against a bare pooled hyper client, to the same
//! in-process server, one at a time and 32 in flight. See `docs/performance.md`.
//!
//! Variants: `bare_hyper` (the reference: a hand-built request over a pooled hyper client,
//! body read, nothing decoded), `bare_hyper_decode` (the same, decoding the answer as the SDK
//! does), `sdk_hyper` and `sdk_reqwest` (`Client` over `HyperTransport` and
//! `ReqwestTransport`, default retry policy), and `bare_reqwest` (the hand-built request over
//! a bare reqwest client, which bounds what the reqwest backend can reach). The server and
//! the clients are in `common`.

mod common;

use std::time::Duration;

use common::{ACCOUNT, Clients, EMAIL, IN_FLIGHT, NAME, USER, client_runtime, in_flight};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(30).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
}

fn round_trips(c: &mut Criterion) {
    let rt = client_runtime();
    let clients = Clients::start(&rt);
    // The values of one call; the bare clients take them as strings, the SDK as its types.
    let bare_hyper = || clients.bare_hyper.update(ACCOUNT, USER, EMAIL, NAME);
    let bare_hyper_decode = || clients.bare_hyper.update_decoded(ACCOUNT, USER, EMAIL, NAME);
    let bare_reqwest = || clients.bare_reqwest.update(ACCOUNT, USER, EMAIL, NAME);
    let sdk_hyper = || clients.sdk_hyper.update();
    let sdk_reqwest = || clients.sdk_reqwest.update();

    let mut group = c.benchmark_group("update/sequential");
    configure(&mut group);
    group.throughput(Throughput::Elements(1));
    group.bench_function("bare_hyper", |b| b.to_async(&rt).iter(bare_hyper));
    group.bench_function("bare_hyper_decode", |b| b.to_async(&rt).iter(bare_hyper_decode));
    group.bench_function("sdk_hyper", |b| b.to_async(&rt).iter(sdk_hyper));
    group.bench_function("bare_reqwest", |b| b.to_async(&rt).iter(bare_reqwest));
    group.bench_function("sdk_reqwest", |b| b.to_async(&rt).iter(sdk_reqwest));
    group.finish();

    // 32 in flight: a steady pipeline (a new call starts as soon as one ends), measured
    // over whole samples; one element is one call.
    let mut group = c.benchmark_group("update/in_flight_32");
    configure(&mut group);
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    group.bench_function("bare_hyper", |b| b.to_async(&rt).iter_custom(|iters| in_flight(iters, bare_hyper)));
    group.bench_function("bare_hyper_decode", |b| {
        b.to_async(&rt).iter_custom(|iters| in_flight(iters, bare_hyper_decode));
    });
    group.bench_function("sdk_hyper", |b| b.to_async(&rt).iter_custom(|iters| in_flight(iters, sdk_hyper)));
    group.bench_function("bare_reqwest", |b| b.to_async(&rt).iter_custom(|iters| in_flight(iters, bare_reqwest)));
    group.bench_function("sdk_reqwest", |b| b.to_async(&rt).iter_custom(|iters| in_flight(iters, sdk_reqwest)));
    group.finish();
}

criterion_group!(benches, round_trips);
criterion_main!(benches);
