# Sesame's production image. The steps are scripts/release.sh's, which CI also runs in a temporary folder
# (test/operations/production-path.test.ts): build with the dev dependencies, then run the built files
# with the production dependencies only.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN scripts/release.sh build /release

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build /release ./
# Installed as root and run as node: the server cannot change its own code or dependencies.
RUN scripts/release.sh install && npm cache clean --force
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["/bin/sh", "-c", "READY_WAIT_SECONDS=0 scripts/release.sh check"]
# What npm start runs, with the server exec'd in place: SIGTERM reaches it, and it
# drains (SHUTDOWN_DRAIN_SECONDS), closes and exits 0. (Under npm the exit would be the re-raised signal.)
CMD ["scripts/release.sh", "start"]
