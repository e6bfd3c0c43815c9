# syntax=docker/dockerfile:1
#
# Concord's container image: the `concord` binary, running `concord serve`.
#
#   docker build -t concord:0.1.0 .
#
# Kubernetes manifests that run it are in deploy/ (see deploy/README.md). BuildKit is needed for
# the cache mounts below (it is Docker's default builder since Docker 23).

# The builder's Rust. The workspace declares rust-version 1.89, but a locked dependency needs
# more (redb 4.6 wants 1.90); 1.95 is the toolchain the project's own tests run with.
# crates/concord/tests/deploy.rs checks that this is no older than the rust-version of the
# workspace or of any dependency the binary is built from.
ARG RUST_VERSION=1.95

# The web UI goes here once web/ exists: the SPA is built by npm and embedded into the binary
# (rust-embed reads web/dist at compile time), so a stage
#
#   FROM node:22-bookworm-slim AS web
#   WORKDIR /src/web
#   COPY web/package.json web/package-lock.json ./
#   RUN --mount=type=cache,target=/root/.npm npm ci
#   COPY web/ ./
#   RUN npm run build
#
# and, in the build stage below, before cargo runs:
#
#   COPY --from=web /src/web/dist web/dist

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
# The whole workspace: `cargo --locked` needs every member's manifest, and the binary is built
# from most of the crates.
COPY Cargo.toml Cargo.lock ./
COPY crates crates
# Dependency caching with BuildKit cache mounts rather than cargo-chef: the registry and the
# target directory persist between builds, so an edit recompiles only the crates it touches
# (cargo's own incremental rules, for dependencies and workspace crates alike), with no extra
# tool and no recipe that has to mirror the workspace's layout. cargo-chef caches dependencies
# as an image layer keyed on every manifest, so any manifest change rebuilds all of them, and
# every source change still rebuilds every workspace crate. The mounts' contents are not part of
# the image, hence the copy out of target/ in the same step. (A CI whose builders start empty
# each time should persist BuildKit's cache, e.g. with --cache-to/--cache-from.)
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p concord \
    && install -D -m 0755 target/release/concord /out/concord

# Runtime: glibc and libgcc from Debian 12, CA certificates, no shell, no package manager. The
# binary needs nothing else (TLS is rustls, the allocator is compiled in).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/concord /usr/local/bin/concord
# distroless's "nonroot" user; deploy/03-deployment.yaml runs as the same uid.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/concord", "serve"]
