# syntax=docker/dockerfile:1
# Minimal images of the `cfzt` command and of the fake server (the README's "Installing").
# Build from the repository's root:
#
#   docker build --target cfzt -t cfzt .
#   docker run --rm -e CLOUDFLARE_API_TOKEN -e CLOUDFLARE_ACCOUNT_ID cfzt users list
#   docker build --target fake-server -t cfzt-fake-server .
#   docker run --rm -p 8787:8787 cfzt-fake-server --host 0.0.0.0 --port 8787
#
# The build stage compiles both binaries with the release profile of Cargo.toml (LTO, one
# codegen unit, stripped) and the lock file (--locked); the runtime stages are distroless:
# glibc, CA certificates and a non-root user, no shell and no package manager.
#
# Not built in CI: the machine CI runs on has no container daemon and cannot pull base
# images (docs/performance.md, "The cfzt binary").

ARG RUST_VERSION=1.88
FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target,id=cfzt-target \
    cargo build --release --locked -p cfzt-cli -p cfzt-fake-server \
    && mkdir -p /out \
    && cp target/release/cfzt target/release/cfzt-fake-server /out/

FROM gcr.io/distroless/cc-debian12:nonroot AS fake-server
COPY --from=build /out/cfzt-fake-server /usr/local/bin/cfzt-fake-server
ENTRYPOINT ["/usr/local/bin/cfzt-fake-server"]

# Last, so that a plain `docker build .` gives the CLI.
FROM gcr.io/distroless/cc-debian12:nonroot AS cfzt
COPY --from=build /out/cfzt /usr/local/bin/cfzt
ENTRYPOINT ["/usr/local/bin/cfzt"]
