/**
 * `rnnsim sweep merge --out DIR SHARD...`: the shards of one sweep (same spec, same rnnsim
 * build, shards 1..N of N, each complete) put back together as one sweep folder. Point folders
 * are copied whole (each written like any result folder), and the tables are built from the
 * point records exactly as a sweep run in one go builds them, so the files are byte-identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeResultFolder, RESULT_MANIFEST } from '../output/result-folder.js';
import { openSweepFolder, pointDir, pointKeysPresent, readSweepManifest, writeSweepFile, POINT_COMMAND, type SweepManifest } from './sweep-folder.js';
import { readPointRecord, type PointRecord } from './record.js';
import { buildTable, tableCsv, tableJson, type PointsTable, type TableRow } from './tables.js';
import { parseShard } from './shard.js';

interface ShardFolder {
  readonly dir: string;
  readonly manifest: SweepManifest;
  readonly table: PointsTable;
}

function readShard(dir: string): ShardFolder {
  const manifest = readSweepManifest(dir);
  if (!manifest) throw new InputError('not an rnnsim sweep folder (no rnnsim-sweep.json)', dir);
  let table: PointsTable;
  try {
    table = JSON.parse(readFileSync(join(dir, 'points.json'), 'utf8')) as PointsTable;
  } catch (err) {
    throw new InputError(`cannot read points.json (${(err as Error).message}): run the shard's sweep again to finish it`, dir);
  }
  if (table.format !== 'rnnsim-sweep-points/1') throw new InputError(`points.json is not a sweep table (format ${String(table.format)})`, dir);
  return { dir, manifest, table };
}

export interface MergeOutcome {
  readonly points: number;
  readonly shards: number;
}

export function mergeShards(out: string, dirs: readonly string[], options: { readonly force: boolean }): MergeOutcome {
  if (dirs.length === 0) throw new InputError('give the shard folders to merge');
  const shards = dirs.map(readShard);
  const first = shards[0];
  for (const s of shards) {
    if (s.manifest.specSha256 !== first.manifest.specSha256) throw new InputError(`is a shard of another spec than ${first.dir} (${s.manifest.name} vs ${first.manifest.name})`, s.dir);
    if (s.table.rnnsim !== first.table.rnnsim) throw new InputError(`was run by rnnsim ${s.table.rnnsim}, ${first.dir} by ${first.table.rnnsim}: shards of one sweep must come from the same build (re-run the older shard)`, s.dir);
    if (s.manifest.shard === '') throw new InputError('is a whole sweep, not a shard: nothing to merge', s.dir);
  }
  const parsed = shards.map((s) => ({ shard: parseShard(s.manifest.shard, `${s.dir}: shard`), folder: s }));
  const count = parsed[0].shard.count;
  const byIndex = new Map<number, ShardFolder>();
  for (const { shard, folder } of parsed) {
    if (shard.count !== count) throw new InputError(`is shard ${shard.index}/${shard.count}, but ${first.dir} is one of ${count}`, folder.dir);
    const twice = byIndex.get(shard.index);
    if (twice) throw new InputError(`shard ${shard.index}/${count} is given twice (${twice.dir} and ${folder.dir})`);
    byIndex.set(shard.index, folder);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new InputError(`shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing: give every shard of the sweep`);
  for (const s of shards) {
    if (s.table.rows.length !== s.table.points_total) {
      throw new InputError(`shard ${s.manifest.shard} has ${s.table.rows.length} of its ${s.table.points_total} points finished: run it again (the same command resumes it) before merging`, s.dir);
    }
  }
  const manifest: SweepManifest = { ...first.manifest, shard: '' };
  openSweepFolder(out, manifest, options);
  const present = new Set(pointKeysPresent(out));
  const rows: TableRow[] = [];
  for (const s of shards) {
    for (const row of s.table.rows) {
      const key = String(row.key);
      const source = pointDir(s.dir, key);
      const record: PointRecord | undefined = readPointRecord(source);
      if (!record) throw new InputError(`point ${String(row.point)} (${key}) is in points.json but its folder points/${key}/ is missing or unreadable`, s.dir);
      if (!present.has(key)) copyPointFolder(source, pointDir(out, key));
      rows.push({ index: Number(row.point), record });
    }
  }
  const table = buildTable({ sweep: first.table.sweep, specSha256: first.table.spec_sha256, build: first.table.rnnsim, total: shards.reduce((n, s) => n + s.table.points_total, 0), parameters: first.table.parameters, rows });
  writeSweepFile(out, 'points.csv', tableCsv(table));
  writeSweepFile(out, 'points.json', tableJson(table));
  return { points: rows.length, shards: shards.length };
}

function copyPointFolder(from: string, to: string): void {
  const manifest = JSON.parse(readFileSync(join(from, RESULT_MANIFEST), 'utf8')) as { files: string[] };
  const files = new Map<string, Uint8Array>();
  for (const f of manifest.files) files.set(f, readFileSync(join(from, f)));
  writeResultFolder(to, files, { command: POINT_COMMAND });
}
