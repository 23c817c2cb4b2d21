import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start the bundled action and loopback servers; give them room on busy machines.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
