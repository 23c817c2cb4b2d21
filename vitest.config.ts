import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start the bundled action and loopback servers; give them room on busy machines.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which Node refuses;
    // letting Vite load it (the README workflow test) handles the JSON import.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
})
