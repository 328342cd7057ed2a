# Production image: compiled JavaScript, production dependencies only, non-root.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci installs the workspaces the lockfile names: the client package's manifest must be there.
COPY packages/client/package.json packages/client/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY connectors connectors
COPY normalizers normalizers
COPY workers workers
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
USER node
EXPOSE 3000
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["start"]
