// Mutation testing of the simulator's core (issue 12): `npm run mutate`.
// Not part of `npm test` or CI: a full run takes tens of minutes on 2 cores.
// Each mutant is tested only by the tests that cover it (per-test coverage). No type checker:
// on 2 cores it would take one of the two slots, and a mutant that would not compile is then
// counted like any other (killed or survived at run time), which can only lower the score.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/engine/simulator.ts',
    'src/engine/resource.ts',
    'src/components/dram.ts',
    'src/components/sram-buffer.ts',
    'src/components/systolic-array.ts',
    // Since the core rebuild, energy and area live apart from timing: mutated with their component.
    'src/energy/prices/dram.ts',
    'src/energy/prices/sram-buffer.ts',
    'src/energy/prices/systolic-array.ts',
    'src/dataflows/ese/spmv-timing.ts',
    'src/functional/fixed-point.ts',
    'src/dps/policy.ts',
    'src/reports/invariants.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level declarations: parameter tables, descriptions) would each need the
  // whole suite; they are reported as ignored, not counted. See docs/mutation-testing.md.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'results/mutation/mutation.html' },
  jsonReporter: { fileName: 'results/mutation/mutation.json' },
  // Reruns test only the mutants whose code or covering tests changed (`npm run mutate -- --force` for all).
  incremental: true,
  incrementalFile: 'results/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
