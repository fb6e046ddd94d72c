#!/usr/bin/env node
// `npm run mutate [-- GROUP ...] [-- --force]`: StrykerJS once per group of
// scripts/mutation-groups.mjs (all groups when none is named), then one table of mutation
// scores per file from the groups' JSON reports, printed and written to
// results/mutation/scores.md. Extra flags (e.g. --force) go to every Stryker run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { MUTATION_GROUPS } from './mutation-groups.mjs';

const args = process.argv.slice(2);
const named = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
for (const n of named) if (!(n in MUTATION_GROUPS)) {
  console.error(`mutate: unknown group '${n}'; groups: ${Object.keys(MUTATION_GROUPS).join(', ')}`);
  process.exit(1);
}
const groups = named.length > 0 ? named : Object.keys(MUTATION_GROUPS);

for (const name of groups) {
  console.log(`\n== mutation group ${name}: ${MUTATION_GROUPS[name].mutate.join(', ')}`);
  const r = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', 'stryker.config.mjs', ...flags], {
    stdio: 'inherit',
    env: { ...process.env, RNNSIM_MUTATE_GROUP: name },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Mutation score as Stryker defines it: detected (killed + timed out) over valid mutants
// (detected + survived + no coverage); ignored (static) and compile errors are outside it.
// A group that `replaces` another's results on some line ranges (the declarations group) is
// counted there instead of it: its mutants for those lines, the other group's for the rest.
const rows = [];
const total = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0 };
const replaced = new Map(); // "group|file" -> ranges taken over by another group's report
for (const [name, g] of Object.entries(MUTATION_GROUPS)) {
  if (!g.replaces || !existsSync(`results/mutation/${name}.json`)) continue;
  for (const r of g.replaces.ranges()) replaced.set(`${g.replaces.group}|${r.file}`, [...(replaced.get(`${g.replaces.group}|${r.file}`) ?? []), r]);
}
const byFile = new Map();
for (const [name, g] of Object.entries(MUTATION_GROUPS)) {
  const file = `results/mutation/${name}.json`;
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const [path, entry] of Object.entries(report.files)) {
    const ranges = replaced.get(`${name}|${path}`) ?? [];
    const mutants = entry.mutants.filter((m) => !ranges.some((r) => m.location.start.line >= r.start && m.location.start.line <= r.end));
    const target = g.replaces ? g.replaces.group : name;
    const key = `${target}|${path}`;
    byFile.set(key, { group: target, path, mutants: [...(byFile.get(key)?.mutants ?? []), ...mutants] });
  }
}
for (const { group: name, path, mutants } of byFile.values()) {
  const c = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0 };
  for (const m of mutants) {
    const key = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage', Ignored: 'ignored' }[m.status];
    if (key) c[key]++;
  }
  for (const k of Object.keys(total)) total[k] += c[k];
  rows.push({ group: name, path, ...c });
}
const score = (c) => {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? 'n/a' : `${((100 * (c.killed + c.timeout)) / valid).toFixed(1)}%`;
};
const lines = [
  '| file | group | killed | timed out | survived | no coverage | ignored (static) | score |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.path} | ${r.group} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.ignored} | ${score(r)} |`),
  `| all | | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} | ${total.ignored} | ${score(total)} |`,
];
mkdirSync('results/mutation', { recursive: true });
writeFileSync('results/mutation/scores.md', `${lines.join('\n')}\n`);
console.log(`\n${lines.join('\n')}\n\nwritten to results/mutation/scores.md; every mutant: results/mutation/<group>.html`);
