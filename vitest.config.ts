import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fixture repositories hold their own (never run) tests: they are data for the tests here.
    exclude: [...configDefaults.exclude, 'test/fixtures/**'],
    // End-to-end tests start the bundled action and loopback servers; give them room on busy machines.
    testTimeout: 30_000,
    // Most end-to-end time is spent waiting on GitHub's write pacing (about a second per write), not on
    // the CPU: more files at once than cores keeps CI short on a 2-core runner.
    maxWorkers: 4,
    hookTimeout: 30_000,
    // @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which Node refuses;
    // letting Vite load it (the README workflow test) handles the JSON import.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
})
