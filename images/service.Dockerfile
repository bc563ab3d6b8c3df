# One image recipe for the four services (and the migration job): scripts/images/build.sh stages
# the context with production dependencies only (`npm ci --omit=dev -w <workspace>` on the
# staged sources), so this file only lays it out. Node 24 strips the TypeScript types at run
# time: there is no build step.
ARG NODE_IMAGE
FROM ${NODE_IMAGE}
ARG WORKDIR
ARG PORT=8080
ENV NODE_ENV=production
COPY app /app
# Non-root and numeric (Kubernetes' runAsNonRoot can verify it); nothing is written under /app,
# so the root filesystem can be mounted read-only.
USER 10001:10001
WORKDIR /app/${WORKDIR}
EXPOSE ${PORT}
CMD ["node", "src/main.ts"]
