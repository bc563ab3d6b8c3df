# Node 24 on the local Debian base: the binary of the `node` npm package (the version the
# repository pins), nothing else. Built by scripts/images/build.sh.
ARG BASE
FROM ${BASE}
COPY node /usr/local/bin/node
RUN node --version
