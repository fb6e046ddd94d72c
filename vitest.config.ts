import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // A beforeAll may rebuild dist/ (test/helpers/built.ts) after an edit of src/: tsc takes 10-60 s on a busy machine.
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
