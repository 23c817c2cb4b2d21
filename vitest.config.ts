import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fixture repositories hold their own (never run) tests: they are data for the tests here.
    exclude: [...configDefaults.exclude, 'test/fixtures/**'],
    // End-to-end tests start the bundled action and loopback servers; give them room on busy machines.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which Node refuses;
    // letting Vite load it (the README workflow test) handles the JSON import.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
})
