# The failover controller: `fcp controller --config /etc/fcp/config.yaml --region $AWS_REGION`.
# The project ships TypeScript and runs it through tsx (a production dependency), so there is no
# build stage: production dependencies plus the sources the controller loads.
FROM node:22-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# What `fcp controller` loads: the kernel, the controller and the CLI. The sandbox (an AWS emulator
# for development and drills) is not shipped; the CLI loads its commands only when asked for them.
COPY tsconfig.json ./
COPY bin ./bin
COPY kernel ./kernel
COPY controller ./controller
COPY cli ./cli
COPY examples ./examples

# `fcp` on the PATH; /etc/fcp writable by the runtime user, who writes the config there at start.
RUN chmod 0755 bin/fcp.js \
 && ln -s /app/bin/fcp.js /usr/local/bin/fcp \
 && mkdir -p /etc/fcp \
 && chown node:node /etc/fcp

# The image's own unprivileged user; nothing in /app is writable by it.
USER node

# api.port (default 8080): GET /healthz.
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz', { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# One replica per region: the region comes from the task's AWS_REGION (the ECS task definition sets it).
CMD ["/bin/sh", "-c", "exec fcp controller --config /etc/fcp/config.yaml --region \"$AWS_REGION\""]
