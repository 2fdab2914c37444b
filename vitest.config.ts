import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The chaos suite has its own config and command (`npm run test:chaos`, vitest.chaos.config.ts).
    exclude: [...configDefaults.exclude, 'tests/chaos/**'],
    benchmark: { include: ['tests/bench/**/*.bench.ts'] },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
