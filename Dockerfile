# syntax=docker/dockerfile:1
# Sluice in a container (docs/deploy.md "Docker"). Two stages: `build` installs every dependency and
# compiles the server (src/ → dist/) and the admin console (web/ → web/dist); the runtime image gets
# production dependencies only, the two builds, and runs as the unprivileged `node` user.
# test/deploy/ runs these same steps without a container engine (rehearse-dockerfile.ts).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/
# The npm cache is a BuildKit cache mount: kept between builds, never in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin bin
COPY src src
COPY web web
RUN npm run build && npm run build:web

FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# web/package.json is left out on purpose: the console is prebuilt, so its build tools stay out too.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
# bin/sluice.js runs dist/ when dist/.source-digest matches src/ and the tsconfigs, so they come too.
COPY tsconfig.json tsconfig.build.json ./
COPY bin bin
COPY src src
COPY --from=build /app/dist dist
COPY --from=build /app/web/dist web/dist
COPY deploy/sluice.docker.yaml /etc/sluice/sluice.yaml
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
# node:24-slim has no curl or wget: Node's own fetch asks /readyz (store writable, a channel usable).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/sluice.js", "--config", "/etc/sluice/sluice.yaml"]
