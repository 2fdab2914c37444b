import { defineConfig } from 'vitest/config';

/**
 * The chaos suite (`npm run test:chaos`): kill -9 under load, chat and API fuzzing, a full disk and a
 * held write lock. Kept apart from `npm test`, which does not include tests/chaos.
 */
export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // The suite spawns processes of its own and times nothing: its files run one after another.
    fileParallelism: false,
  },
});
