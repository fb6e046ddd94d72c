import { defineConfig } from 'vitest/config';

// The tests `npm run mutate` runs against each mutant: every in-process test that can reach the
// mutated files. Left out: tests that only drive child processes of the built CLI (a mutant in
// src/ never reaches dist/), the fuzz suite, the headless-browser report test and the Slurm job.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/fuzz/**',
      'test/sweep/slurm.test.ts',
      'test/report/report-html.test.ts',
      'test/output/result-folder-kill.test.ts',
      'test/dps/evaluate-cli.test.ts',
      'test/models/export-tool.test.ts',
      'test/training/**',
      // These use the compiled dist/ (test/helpers/built.ts), which would be rebuilt from the
      // instrumented sources in Stryker's sandbox.
      'test/accuracy/design-workers.test.ts',
      'test/cli/command-table.test.ts',
      'test/config/compiled-validators.test.ts',
      'test/sweep/sweep-cli.test.ts',
      'test/e2e/path-spelling.test.ts',
      // Whole-system runs that cover every core file and take minutes: each mutant of the engine
      // would run them all. Their cycle counts are checked by smaller hand-worked tests too.
      'test/e2e/deepbench.test.ts',
      'test/baselines/validation-table.test.ts',
      'test/dps/evaluate-*.test.ts',
      'test/accuracy/**',
    ],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
