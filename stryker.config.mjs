// Mutation testing of the simulator's core (issue 12): `npm run mutate` (scripts/mutate.mjs) runs
// Stryker once per group of scripts/mutation-groups.mjs, RNNSIM_MUTATE_GROUP naming the group.
// Not part of `npm test` or CI. docs/mutation-testing.md explains the setup and the results.
import { mutationGroup } from './scripts/mutation-groups.mjs';

const name = process.env.RNNSIM_MUTATE_GROUP ?? 'engine';
const group = mutationGroup(name);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: group.mutate,
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  // Each mutant runs only the tests that execute it. No type checker: on 2 cores it would take
  // one of the two slots, and a mutant that would not compile is then counted like any other
  // (killed or survived at run time), which can only lower the score.
  coverageAnalysis: group.coverageAnalysis ?? 'perTest',
  // Static mutants would each need every test of the group; with per-test coverage they are
  // reported as ignored, not counted (Stryker allows ignoring them only with per-test coverage).
  ignoreStatic: (group.coverageAnalysis ?? 'perTest') === 'perTest',
  concurrency: 2,
  // An engine mutant that loops forever is a kill; waiting a minute for each wasted most of a run.
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `results/mutation/${name}.html` },
  jsonReporter: { fileName: `results/mutation/${name}.json` },
  // Reruns test only the mutants whose code or covering tests changed (`npm run mutate -- --force` for all).
  incremental: true,
  incrementalFile: `results/mutation/${name}.incremental.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
