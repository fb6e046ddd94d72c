import { defineConfig } from 'vitest/config';
// @ts-expect-error: a plain .mjs module shared with stryker.config.mjs (no type declarations)
import { mutationGroup } from './scripts/mutation-groups.mjs';

// The tests one group of `npm run mutate` runs against its mutants (scripts/mutation-groups.mjs).
const group = mutationGroup(process.env.RNNSIM_MUTATE_GROUP ?? 'engine') as { tests: string[] };

export default defineConfig({
  test: {
    include: group.tests,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
