/** Cached hardware costs are keyed on the configs and the simulator's code: a changed table is a cache miss. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardwareFingerprint } from '../../src/dps/evaluate/hardware-fingerprint.js';

describe('hardware fingerprint', () => {
  it('is stable for the same files and changes with any config or technology table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnsim-fp-'));
    mkdirSync(join(dir, 'tech'));
    writeFileSync(join(dir, 'epur.yaml'), 'clock_mhz: 500\n');
    writeFileSync(join(dir, 'tech', '28nm.yaml'), 'add_32b_pj: 0.1\n');
    const first = hardwareFingerprint(dir);
    expect(hardwareFingerprint(dir)).toBe(first);
    writeFileSync(join(dir, 'tech', '28nm.yaml'), 'add_32b_pj: 0.2\n');
    const second = hardwareFingerprint(dir);
    expect(second).not.toBe(first);
    writeFileSync(join(dir, 'notes.txt'), 'not read by the simulator\n');
    expect(hardwareFingerprint(dir)).toBe(second);
  });
});
