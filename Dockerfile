# syntax=docker/dockerfile:1
# devenv-scaler's image: one binary that serves (`serve`), runs the shutdown CronJobs' command (`stop <ns>`)
# and the AWS inventory refresher (`cacher`). Build:  docker build -t devenv-scaler .
# The runtime stage's package list is checked against the libraries the release binary links by
# tests/deploy/check_dockerfile.py (ctest -R dockerfile), because no image is built in the test suite.

ARG DEBIAN_IMAGE=debian:bookworm-slim

FROM ${DEBIAN_IMAGE} AS build
# The build dependencies of scripts/install-deps.sh without the test, benchmark and browser tools.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates \
      libboost1.74-dev libboost-context1.74-dev libssl-dev libcurl4-openssl-dev \
      nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev libhowardhinnant-date-dev \
      libpugixml-dev libsqlite3-dev libexpected-dev \
      nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only the production npm dependency (swagger-ui-dist, compiled into /docs), pinned by the lock file.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY . .
RUN cmake --preset release -DDEVENV_BUILD_BENCH=OFF \
 && cmake --build --preset release --target devenv-scaler \
 && strip build/release/src/app/devenv-scaler \
 && build/release/src/app/devenv-scaler --help >/dev/null

FROM ${DEBIAN_IMAGE} AS runtime
# Exactly the shared libraries the binary links (their own dependencies come with them), CA certificates
# for Slack, AWS and the Kubernetes API, and the time zone database (schedules are in IANA zones).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates tzdata \
      libc6 libstdc++6 libgcc-s1 libssl3 libcurl4 libyaml-cpp0.7 libspdlog1.10 libfmt9 libdate-tz3 \
      libpugixml1v5 libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log
COPY --from=build /src/build/release/src/app/devenv-scaler /usr/local/bin/devenv-scaler
# The AWS inventory's SQLite file (aws.sqlite_path) lives here; Kubernetes mounts an emptyDir over it.
RUN mkdir -p /var/lib/devenv-scaler && chown 10001:10001 /var/lib/devenv-scaler
# A numeric non-root user (Kubernetes' runAsNonRoot can verify a number, not a name). The root filesystem
# may be read-only: the server writes only under /tmp (self-signed certificates) and /var/lib/devenv-scaler
# (the AWS inventory); mount emptyDirs there.
USER 10001:10001
ENV TZ=UTC
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/devenv-scaler"]
CMD ["serve"]
