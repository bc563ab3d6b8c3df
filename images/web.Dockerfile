# The web service: the service recipe (service.Dockerfile) plus its pages. Two stages:
#  - ui: the staged sources with the workspace's dev dependencies (Vite, React, Mantine), staged
#    by scripts/images/build.sh, run the Vite build; nothing of this stage but its output ships.
#  - runtime: production dependencies only, the built pages in services/web/ui/dist (where
#    src/main.ts looks by default), non-root, nothing written under /app (read-only root works).
ARG NODE_IMAGE
FROM ${NODE_IMAGE} AS ui
COPY ui-build /build
WORKDIR /build/services/web
RUN node /build/node_modules/vite/bin/vite.js build --config ui/vite.config.ts \
 && test -s ui/dist/index.html

FROM ${NODE_IMAGE}
ARG WORKDIR
ARG PORT=8080
ENV NODE_ENV=production
COPY app /app
COPY --from=ui /build/services/web/ui/dist /app/services/web/ui/dist
USER 10001:10001
WORKDIR /app/${WORKDIR}
EXPOSE ${PORT}
CMD ["node", "src/main.ts"]
