// Which files `npm run mutate` mutates, in groups, and the tests each group's mutants run against.
// A group's tests are the unit and hand-worked tests of its files (per-test coverage then picks,
// for each mutant, the ones that execute it). Whole-system tests (the DeepBench kernels, the
// validation table, the DPS evaluation) cover every core line and take minutes: each surviving
// mutant would run them all, which made one run of the whole suite take over two hours on two
// cores. Shared by stryker.config.mjs and vitest.mutate.config.ts.
import { readFileSync } from 'node:fs';

/**
 * The lines of a file's component kind declaration (`defineComponentKind({` to its closing
 * `});`) as a Stryker mutation range, "file:start-end". The declaration runs once, at import, and
 * Stryker's per-test coverage does not run the tests that check it (the schema and reference
 * equality tests) against its mutants, so the declarations group runs them with every test.
 */
export function declarationRange(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => /defineComponentKind\(\{/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^\}\);/.test(l));
  if (start < 0 || end < 0) throw new Error(`${file}: no defineComponentKind({ ... }); block`);
  return { file, start: start + 1, end: end + 1 };
}

const COMPONENT_FILES = ['src/components/dram.ts', 'src/components/sram-buffer.ts', 'src/components/systolic-array.ts'];

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
  // The component kind declarations of the components group's files, every mutant against every
  // test of the group (coverage analysis 'all'); scripts/mutate.mjs counts these results for the
  // declaration lines instead of the components group's.
  declarations: {
    // A getter: the ranges are read from the sources in the project, not in Stryker's sandbox
    // (whose instrumented copies the vitest config also loads this module from).
    get mutate() {
      return COMPONENT_FILES.map((f) => {
        const r = declarationRange(f);
        return `${r.file}:${r.start}-${r.end}`;
      });
    },
    coverageAnalysis: 'all',
    replaces: { group: 'components', ranges: () => COMPONENT_FILES.map(declarationRange) },
    tests: [
      'test/components/**/*.test.ts',
      'test/energy/component-pricing.test.ts',
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
