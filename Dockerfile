# syntax=docker/dockerfile:1
# Multi-stage: bundle the operator with the dev dependencies (scripts/bundle.mjs: src/main.ts and the libraries it
# uses in one file), ship only that file and package.json (`"type": "module"`) on a slim Node 24 image, running as
# a non-root user with a read-only root filesystem. The image holds no node_modules.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/bundle.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
USER 65532:65532
EXPOSE 8080
# Memory before speed, for an operator that mostly waits on the network (measured by `npm run bench -- --only
# scale`, 1,000 Services / 20 Tunnels; docs/operations.md#memory has the numbers):
# - one malloc arena: glibc gives each thread that allocates an arena of its own, and V8's compiler and GC threads
#   keep ~25 MB in theirs;
# - no optimizing compilers (TurboFan, Maglev; WebAssembly stays on its baseline tier): their code, compile memory
#   and optimized code cost ~15 MB; without them bulk work takes more CPU and a single change 10-40 ms longer;
# - a 1 MiB young generation (V8's default grows to 16 MiB per semi-space) and V8's size-over-speed heuristics.
# Source maps stay off (dist/main.js.map is beside the bundle for `node --enable-source-maps`, at a cost of ~30 MB).
# The benchmarks run the operator with exactly this environment and these flags (bench/node-flags.ts reads them).
ENV MALLOC_ARENA_MAX=1
ENTRYPOINT ["node", "--max-semi-space-size=1", "--optimize-for-size", "--no-turbofan", "--no-maglev", "--no-wasm-tier-up", "dist/main.js"]
