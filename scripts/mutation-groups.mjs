// Which files `npm run mutate` mutates, in groups, and the tests each group's mutants run against.
// A group's tests are the unit and hand-worked tests of its files (per-test coverage then picks,
// for each mutant, the ones that execute it). Whole-system tests (the DeepBench kernels, the
// validation table, the DPS evaluation) cover every core line and take minutes: each surviving
// mutant would run them all, which made one run of the whole suite take over two hours on two
// cores. Shared by stryker.config.mjs and vitest.mutate.config.ts.
export const MUTATION_GROUPS = {
  engine: {
    mutate: ['src/engine/simulator.ts', 'src/engine/resource.ts'],
    tests: ['test/engine/**/*.test.ts', 'test/components/**/*.test.ts', 'test/e2e/analytical.test.ts'],
  },
  components: {
    mutate: [
      'src/components/dram.ts',
      'src/components/sram-buffer.ts',
      'src/components/systolic-array.ts',
      'src/energy/prices/dram.ts',
      'src/energy/prices/sram-buffer.ts',
      'src/energy/prices/systolic-array.ts',
    ],
    tests: [
      'test/components/**/*.test.ts',
      'test/energy/component-pricing.test.ts',
      'test/e2e/analytical.test.ts',
      'test/dataflows/**/*.test.ts',
      'test/baselines/systolic-*.test.ts',
      'test/robustness/physics.test.ts',
      // The committed schema and config reference must equal what the declarations generate:
      // a parameter's unit, bounds or description, a stat or an action changed is caught there.
      'test/config/architecture-schema.test.ts',
    ],
  },
  models: {
    mutate: ['src/dataflows/ese/spmv-timing.ts', 'src/functional/fixed-point.ts', 'src/dps/policy.ts', 'src/reports/invariants.ts'],
    tests: [
      'test/ese/**/*.test.ts',
      'test/functional/fixed-point.test.ts',
      'test/functional/activation-tables.test.ts',
      'test/functional/quantizers.test.ts',
      'test/dps/policy.test.ts',
      'test/dps/registers.test.ts',
      'test/dps/agreement.test.ts',
      'test/report/invariants-violated.test.ts',
    ],
  },
};

export function mutationGroup(name) {
  const group = MUTATION_GROUPS[name];
  if (!group) throw new Error(`unknown mutation group '${name}'; groups: ${Object.keys(MUTATION_GROUPS).join(', ')}`);
  return group;
}
