# A Go-built server (NATS, MinIO, stripe-mock) on the local Debian base: the same binary
# scripts/stack.sh runs, copied from the tool cache. Built by scripts/images/build.sh.
ARG BASE
FROM ${BASE}
ARG BIN
COPY bin /usr/local/bin/
RUN mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
WORKDIR /data
