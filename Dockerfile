# syntax=docker/dockerfile:1
# Builds the API bundle and the web app, then runs them on a current LTS Node.js as a non-root user.
# The runtime stage holds only the bundle, the built web app and the npm packages the bundle
# imports (tools/scripts/assemble-runtime.mjs): no Angular, rxjs, Nx, esbuild or TypeScript.
# NODE_VERSION must equal .nvmrc (the version CI tests on; a test checks that they match).
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build --projects=api,web --output-style=stream \
  && node tools/scripts/assemble-runtime.mjs /runtime

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 WEB_DIR=public DATA_DIR=/data
WORKDIR /app
# Owned by root, so the server cannot rewrite its own code; only DATA_DIR (the embedded
# database, when DATABASE_URL is unset) is writable by the `node` user.
COPY --from=build /runtime ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "main.mjs"]
