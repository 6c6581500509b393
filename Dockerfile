# syntax=docker/dockerfile:1
# The Airlock dashboard (Next.js + REST API + socket.io on one port).
# The build stage runs the same commands as CI (.ci/run): `npm install --no-audit --no-fund`, then `npm run build`.
# Nothing is downloaded at run time: Prisma runs with engine "js" and driver adapters.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# The manifests first, so the dependency layer is cached until they change. `npm install` runs the postinstall
# (schema check + `prisma generate` for both providers), which needs the Prisma schemas and the render script.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000 AIRLOCK_DATA_DIR=/data
# tini forwards SIGTERM so the dashboard closes its sockets and HTTP server cleanly on `docker stop`.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data && chown node:node /data
COPY --from=build --chown=node:node /app /app
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# VAR_FILE → VAR for the secrets listed in deploy/docker-entrypoint.sh (Docker and Kubernetes secrets as files).
ENTRYPOINT ["/usr/bin/tini", "--", "/app/deploy/docker-entrypoint.sh"]
# --no-build: the image already holds the build; a stale or missing one is an image bug, not something to fix at start.
CMD ["node", "bin/airlock.js", "start", "--no-build"]
