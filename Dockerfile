# issue-planner serve: the Task Planning Service (see README, "Run your own planner service").
# The CLI bundle in dist/cli is self-contained: the image needs Node 24 and those files, no npm install.
# Build from a checkout whose dist/ is current (npm run build): docker build -t issue-planner .
FROM node:24-slim
WORKDIR /app
COPY dist/cli/ /app/dist/cli/
ENV NODE_ENV=production ISSUE_PLANNER_HOST=0.0.0.0 ISSUE_PLANNER_PORT=8080
USER node
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/cli/index.js", "serve"]
