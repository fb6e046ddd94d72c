#!/usr/bin/env python3
"""Generate rnnsim's SRAM tables (configs/tech/cacti/*.json) by running CACTI over a grid.

Usage (the exact command that produced the committed tables is recorded in each table):

    python3 tools/cacti/generate.py --cacti /path/to/cacti/cacti [--out configs/tech/cacti]
                                    [--jobs 1] [--nodes 45,32,28,22] [--cells itrs-hp,...]
    python3 tools/cacti/generate.py --cacti /path/to/cacti/cacti --preset accelergy --out DIR

The CACTI binary is run from its own directory (CACTI reads tech_params/*.dat relative to
the working directory). Build it from https://github.com/HewlettPackard/cacti (see
tools/cacti/README.md); this repository never contains CACTI's code and CI never builds it.

One table per (node, cell type). Each row is one CACTI run of a RAM ("cache type ram") of
`size_bytes` in total, `word_bits` per access (block size = output bus width = one word),
`rw_ports` read/write ports and `banks` UCA banks. With banks = 1 the row describes one
array; with banks > 1 the whole banked macro: CACTI prices an access as one bank plus the
H-tree from the macro's port to that bank, and its area covers every bank and the H-tree.

Only the standard library is used, so /usr/bin/python3 (or any Python >= 3.8) runs it.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CACTI_REPOSITORY = 'https://github.com/HewlettPackard/cacti'
TABLE_FORMAT = 'rnnsim-cacti-sram/1'

# --- the settings -----------------------------------------------------------------------
#
# rnnsim preset: the settings of the CACTI 7 runs behind /work/shared/reference/energy-area.md
# ("ram, 1 read/write port, 1 bank, 64-bit port, itrs-hp cells, 350 K, optimised for dynamic
# energy, no ECC"). "Optimised for dynamic energy" is the design objective 0:100:0:0:0; CACTI
# also needs a maximum deviation from the fastest organisation. energy-area.md does not state
# it: a search over it (tools/cacti/README.md) found that any delay deviation from 54% to 70%
# reproduces all five 45 nm points of energy-area.md (read/write energy and leakage within
# 0.4%, area within 1.5%, access time within 0.9%); 60% is used. The other deviations are
# left unconstrained.
RNNSIM_SETTINGS = {
    'cache type': 'ram',
    'associativity': '1',
    'temperature_k': '350',
    'design objective (delay, dynamic power, leakage power, cycle time, area)': '0:100:0:0:0',
    'deviate (delay, dynamic power, leakage power, cycle time, area)': '60:100000:100000:100000:100000',
    'Optimize ED or ED^2': 'NONE',
    'access mode': 'normal',
    'Add ECC': 'false',
    'Interconnect projection': 'conservative',
    'Wire signaling': 'Global_30',
    'Wire inside mat': 'semi-global',
    'Wire outside mat': 'semi-global',
    'Core count': '8',
    'power gating': 'false (array, wordline, column, bitline floating, interconnect)',
}

# Accelergy preset: the settings of Accelergy's CACTI plug-in (Accelergy-Project/
# accelergy-cacti-plug-in, default_cfg.cfg at commit 291018b): itrs-lstp cells and
# periphery, 300 K, optimised for leakage, ED^2, "fast" access mode. Used only to check that
# this generator reproduces Accelergy's published reference outputs (tools/cacti/README.md).
ACCELERGY_SETTINGS = {
    'cache type': 'ram',
    'associativity': '1',
    'temperature_k': '300',
    'design objective (delay, dynamic power, leakage power, cycle time, area)': '0:0:1000000:0:0',
    'deviate (delay, dynamic power, leakage power, cycle time, area)': '20:10:100000:100:100',
    'Optimize ED or ED^2': 'ED^2',
    'access mode': 'fast',
    'Add ECC': 'false',
    'Interconnect projection': 'normal',
    'Wire signaling': 'Global_30',
    'Wire inside mat': 'semi-global',
    'Wire outside mat': 'semi-global',
    'Core count': '1',
    'power gating': 'false (array, wordline, column, bitline floating, interconnect)',
}

CONFIG_TEMPLATE = """\
-size (bytes) {size_bytes}
-block size (bytes) {block_bytes}
-associativity {associativity}
-read-write port {rw_ports}
-exclusive read port 0
-exclusive write port 0
-single ended read ports 0
-UCA bank count {banks}
-technology (u) {technology_um}
-page size (bits) 8192
-burst length 8
-internal prefetch width 8
-Data array cell type - "{cell}"
-Data array peripheral type - "{cell}"
-Tag array cell type - "{cell}"
-Tag array peripheral type - "{cell}"
-output/input bus width {word_bits}
-operating temperature (K) {temperature_k}
-cache type "{cache_type}"
-tag size (b) "default"
-access mode (normal, sequential, fast) - "{access_mode}"
-design objective (weight delay, dynamic power, leakage power, cycle time, area) {objective}
-deviate (delay, dynamic power, leakage power, cycle time, area) {deviate}
-NUCAdesign objective (weight delay, dynamic power, leakage power, cycle time, area) 100:100:0:0:100
-NUCAdeviate (delay, dynamic power, leakage power, cycle time, area) 10:10000:10000:10000:10000
-Optimize ED or ED^2 (ED, ED^2, NONE): "{optimize}"
-Cache model (NUCA, UCA)  - "UCA"
-NUCA bank count 0
-Wire signaling (fullswing, lowswing, default) - "{wire_signaling}"
-Wire inside mat - "{wire_inside}"
-Wire outside mat - "{wire_outside}"
-Interconnect projection - "{projection}"
-Core count {core_count}
-Cache level (L2/L3) - "L3"
-Add ECC - "{ecc}"
-Print level (DETAILED, CONCISE) - "DETAILED"
-Print input parameters - "true"
-Force cache config - "false"
-Ndwl 1
-Ndbl 1
-Nspd 0
-Ndcm 1
-Ndsam1 0
-Ndsam2 0
-Array Power Gating - "false"
-WL Power Gating - "false"
-CL Power Gating - "false"
-Bitline floating - "false"
-Interconnect Power Gating - "false"
-Power Gating Performance Loss 0.01
-dram_type "DDR3"
-io state "WRITE"
-addr_timing 1.0
-mem_density 4 Gb
-bus_freq 800 MHz
-duty_cycle 1.0
-activity_dq 1.0
-activity_ca 0.5
-num_dq 72
-num_dqs 18
-num_ca 25
-num_clk  2
-num_mem_dq 2
-mem_data_width 8
-rtt_value 10000
-ron_value 34
-tflight_value
-num_bobs 1
-capacity 80
-num_channels_per_bob 1
-first metric "Cost"
-second metric "Bandwidth"
-third metric "Energy"
-DIMM model "ALL"
-mirror_in_bob "F"
"""
# The DRAM I/O (CACTI-IO) and MemCAD lines above are not used for a RAM but CACTI 7 reads
# them unconditionally (without them it divides by zero); the values are cache.cfg's.


@dataclass(frozen=True)
class Point:
    size_bytes: int
    word_bits: int
    rw_ports: int
    banks: int


# --- the grid ---------------------------------------------------------------------------

KIB = 1024
WORD_BITS = [16, 32, 64, 128, 256, 512]
RW_PORTS = [1, 2]
BANKS = [1, 2, 4, 8, 16, 32]
# CACTI 7 (HewlettPackard/cacti) has technology files for 22, 32, 45, 65, 90 and 180 nm; a
# node in between (28 nm) is CACTI's own linear interpolation of the two neighbouring files.
# 16 nm is commented out in its technology selection, so it is not generated here.
NODES_NM = [45, 28, 32, 22]
CELLS = ['itrs-hp', 'itrs-lstp', 'itrs-lop']


def grid_sizes() -> list[int]:
    """Powers of two from 256 B to 16 MiB and 1.5x each (384 B ... 12 MiB)."""
    sizes = []
    size = 256
    while size <= 16 * KIB * KIB:
        sizes.append(size)
        if size * 3 // 2 < 16 * KIB * KIB:
            sizes.append(size * 3 // 2)
        size *= 2
    return sorted(sizes)


# A bank must hold at least this many words; below it CACTI finds no organisation for wide
# words anyway, and no buffer of interest is that shallow.
MIN_WORDS_PER_BANK = 32
# Banked macros start at this total size (a smaller buffer is not split into banks).
MIN_MACRO_BYTES = 16 * KIB


def grid_points() -> list[Point]:
    points = []
    for size in grid_sizes():
        for banks in BANKS:
            if banks > 1 and size < MIN_MACRO_BYTES:
                continue
            if size % banks:
                continue
            for word_bits in WORD_BITS:
                if (size // banks) * 8 // word_bits < MIN_WORDS_PER_BANK:
                    continue
                for ports in RW_PORTS:
                    points.append(Point(size, word_bits, ports, banks))
    return points


# The components of Accelergy's published reference designs (timeloop-accelergy-exercises,
# example_designs/*/ref_outputs) priced by its CACTI plug-in, as the plug-in calls CACTI:
# 45 nm; size = width x depth / 8 after its rounding (width up to a multiple of 8 and at
# least 32 bits, depth at least 64 x banks); block = width / 8; one bank.
ACCELERGY_POINTS = {
    45: [
        Point(131072, 64, 1, 1),   # simple_weight_stationary shared_glb: 16384 x 64 bits
        Point(768, 32, 1, 1),      # simple_weight_stationary pe_spad: 192 x 16 bits, called as 192 x 32
        Point(65536, 256, 1, 1),   # simba_like global_buffer: 2048 x 256 bits
    ],
    32: [
        Point(131072, 64, 1, 1),   # eyeriss_like shared_glb: 16384 x 64 bits at 32 nm
    ],
}

# --- running CACTI ----------------------------------------------------------------------

CSV_COLUMNS = {
    'access_ns': 'Access time (ns)',
    'cycle_ns': 'Random cycle time (ns)',
    'read_energy_nj': 'Dynamic read energy (nJ)',
    'write_energy_nj': 'Dynamic write energy (nJ)',
    'standby_leakage_per_bank_mw': 'Standby leakage per bank(mW)',
    'area_mm2': 'Area (mm2)',
    'ndwl': 'Ndwl',
    'ndbl': 'Ndbl',
    'nspd': 'Nspd',
    'ndcm': 'Ndcm',
}

STDOUT_FIELDS = {
    'subthreshold_leakage_per_bank_mw': re.compile(r'^\s*Total leakage power of a bank \(mW\): (\S+)', re.M),
    'gate_leakage_per_bank_mw': re.compile(r'^\s*Total gate leakage power of a bank \(mW\): (\S+)', re.M),
    'htree_leakage_mw': re.compile(r'^\s*Total leakage power in H-tree \(that includes both address and data network\) \(\(mW\)\): (\S+)', re.M),
    'htree_gate_leakage_mw': re.compile(r'^\s*Total gate leakage power in H-tree \(that includes both address and data network\) \(\(mW\)\): (\S+)', re.M),
}


def config_text(point: Point, node_nm: int, cell: str, settings: dict[str, str]) -> str:
    return CONFIG_TEMPLATE.format(
        size_bytes=point.size_bytes,
        block_bytes=point.word_bits // 8,
        associativity=settings['associativity'],
        rw_ports=point.rw_ports,
        banks=point.banks,
        technology_um=f'{node_nm / 1000:.3f}',
        cell=cell,
        word_bits=point.word_bits,
        temperature_k=settings['temperature_k'],
        cache_type=settings['cache type'],
        access_mode=settings['access mode'],
        objective=settings['design objective (delay, dynamic power, leakage power, cycle time, area)'],
        deviate=settings['deviate (delay, dynamic power, leakage power, cycle time, area)'],
        optimize=settings['Optimize ED or ED^2'],
        wire_signaling=settings['Wire signaling'],
        wire_inside=settings['Wire inside mat'],
        wire_outside=settings['Wire outside mat'],
        projection=settings['Interconnect projection'],
        core_count=settings['Core count'],
        ecc=settings['Add ECC'],
    )


def run_point(cacti: Path, workdir: Path, point: Point, node_nm: int, cell: str, settings: dict[str, str]) -> dict:
    """One CACTI run. Returns the parsed figures, or {'error': ...} when CACTI finds none."""
    name = f'{node_nm}nm-{cell}-{point.size_bytes}B-{point.word_bits}b-{point.rw_ports}p-{point.banks}bk.cfg'
    cfg = workdir / name
    cfg.write_text(config_text(point, node_nm, cell, settings))
    out_csv = Path(str(cfg) + '.out')
    if out_csv.exists():
        out_csv.unlink()  # CACTI appends to an existing file
    proc = subprocess.run([str(cacti), '-infile', str(cfg)], cwd=cacti.parent, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not out_csv.exists():
        last = (proc.stdout.strip().splitlines() or ['(no output)'])[-1]
        return {'error': f'CACTI exit {proc.returncode}: {last[:160]}'}
    with out_csv.open(newline='') as f:
        rows = list(csv.reader(f))
    header = [c.strip() for c in rows[0]]
    values = dict(zip(header, [c.strip() for c in rows[-1]]))
    result: dict = {}
    for key, column in CSV_COLUMNS.items():
        result[key] = float(values[column]) if key not in ('ndwl', 'ndbl', 'nspd', 'ndcm') else int(values[column])
    for key, pattern in STDOUT_FIELDS.items():
        match = pattern.search(proc.stdout)
        if not match:
            return {'error': f'CACTI output has no "{key}" line'}
        result[key] = float(match.group(1))
    cfg.unlink()
    out_csv.unlink()
    return result


# --- tables -----------------------------------------------------------------------------

COLUMNS = [
    ('size_bytes', 'bytes', 'total capacity (all banks)'),
    ('word_bits', 'bits', 'width of one access (CACTI block size and output/input bus width)'),
    ('rw_ports', 'count', 'read/write ports (of each bank)'),
    ('banks', 'count', 'UCA banks; > 1: the whole banked macro including the H-tree to the banks'),
    ('read_energy_pj', 'pJ', 'one read of one word, CACTI "Dynamic read energy" x 1000'),
    ('write_energy_pj', 'pJ', 'one write of one word, CACTI "Dynamic write energy" x 1000'),
    ('leakage_mw', 'mW', 'whole structure: banks x CACTI "Standby leakage per bank" (subthreshold + gate); see leakage_note'),
    ('area_mm2', 'mm^2', 'whole structure (all banks and the H-tree), CACTI "Area"'),
    ('access_ns', 'ns', 'random access time, CACTI "Access time"'),
    ('cycle_ns', 'ns', 'random cycle time, CACTI "Random cycle time"'),
    ('subthreshold_leakage_per_bank_mw', 'mW', 'CACTI "Total leakage power of a bank" (one bank + the routing to the banks)'),
    ('gate_leakage_per_bank_mw', 'mW', 'CACTI "Total gate leakage power of a bank"'),
    ('htree_leakage_mw', 'mW', 'CACTI "Total leakage power in H-tree" (subthreshold; in-bank and routing H-trees)'),
    ('htree_gate_leakage_mw', 'mW', 'CACTI "Total gate leakage power in H-tree"'),
    ('ndwl', 'count', 'CACTI organisation: wordline divisions'),
    ('ndbl', 'count', 'CACTI organisation: bitline divisions'),
    ('nspd', 'count', 'CACTI organisation: sets per wordline'),
    ('ndcm', 'count', 'CACTI organisation: column mux degree'),
]

LEAKAGE_NOTE = (
    "CACTI's per-bank leakage of a banked RAM is one bank plus the whole routing H-tree to the "
    "banks; leakage_mw multiplies it by the bank count, so it counts the routing leakage "
    "banks times instead of once. The overcount is at most (banks - 1) x (htree_leakage_mw + "
    "htree_gate_leakage_mw), which bounds it from the same row."
)


def row_for(point: Point, result: dict) -> list:
    per_bank_total = result['standby_leakage_per_bank_mw']
    derived = {
        'size_bytes': point.size_bytes,
        'word_bits': point.word_bits,
        'rw_ports': point.rw_ports,
        'banks': point.banks,
        'read_energy_pj': round_sig(result['read_energy_nj'] * 1000),
        'write_energy_pj': round_sig(result['write_energy_nj'] * 1000),
        'leakage_mw': round_sig(per_bank_total * point.banks),
        'area_mm2': result['area_mm2'],
        'access_ns': result['access_ns'],
        'cycle_ns': result['cycle_ns'],
    }
    merged = {**result, **derived}
    return [merged[name] for name, _, _ in COLUMNS]


def round_sig(value: float, digits: int = 6) -> float:
    """CACTI prints 6 significant digits; keep no more after a unit conversion."""
    return float(f'{value:.{digits}g}')


def cacti_commit(cacti: Path) -> str:
    try:
        out = subprocess.run(['git', '-C', str(cacti.parent), 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return 'unknown (the CACTI directory is not a git checkout)'


def cacti_version(cacti: Path) -> str:
    header = cacti.parent / 'version_cacti.h'
    if not header.exists():
        return 'unknown'
    text = header.read_text(errors='replace')
    fields = dict(re.findall(r'#define\s+(VER_\w+)\s+(.+?)\s*(?:/\*.*)?$', text, re.M))
    return f"CACTI {fields.get('VER_MAJOR_CACTI', '?')}.{fields.get('VER_MINOR_CACTI', '?')} ({fields.get('VER_COMMENT_CACTI', '').strip()})".replace('"', '')


CACTI_TECH_FILES_NM = [180, 90, 65, 45, 32, 22]
CELL_COLUMN = {'itrs-hp': 0, 'itrs-lstp': 1, 'itrs-lop': 2}


def tech_file_vdd(cacti_dir: Path, node_nm: int, cell: str) -> float:
    """The periphery supply "-Vdd (V)" of one technology file, column of the cell type."""
    text = (cacti_dir / 'tech_params' / f'{node_nm}nm.dat').read_text()
    match = re.search(r'^-Vdd \(V\)\s+(.+)$', text, re.M)
    if not match:
        raise RuntimeError(f'no -Vdd line in tech_params/{node_nm}nm.dat')
    return float(match.group(1).split()[CELL_COLUMN[cell]])


def supply_voltage(cacti_dir: Path, node_nm: int, cell: str) -> float:
    """CACTI's supply at a node: its file's, or between two files alpha*lo + (1-alpha)*hi with
    alpha = (node - hi)/(lo - hi), as CACTI interpolates every technology parameter."""
    if node_nm in CACTI_TECH_FILES_NM:
        return tech_file_vdd(cacti_dir, node_nm, cell)
    lo = min(n for n in CACTI_TECH_FILES_NM if n > node_nm)
    hi = max(n for n in CACTI_TECH_FILES_NM if n < node_nm)
    alpha = (node_nm - hi) / (lo - hi)
    return round(alpha * tech_file_vdd(cacti_dir, lo, cell) + (1 - alpha) * tech_file_vdd(cacti_dir, hi, cell), 6)


def build_table(node_nm: int, cell: str, preset: str, settings: dict[str, str], rows: list, failures: list, args, command: str) -> dict:
    return {
        'format': TABLE_FORMAT,
        'node_nm': node_nm,
        'cell_type': cell,
        'preset': preset,
        'generated_by': 'tools/cacti/generate.py',
        'command': command,
        'cacti': {
            'repository': CACTI_REPOSITORY,
            'commit': cacti_commit(args.cacti),
            'version': cacti_version(args.cacti),
            'build': args.build_note,
        },
        'settings': {
            **settings,
            'cell type': f'{cell} (data array cells and periphery)',
            'technology': f'{node_nm} nm' + (' (CACTI interpolates its 32 and 22 nm technology files linearly)' if node_nm == 28 else ''),
            'block size': 'one word (word_bits / 8 bytes); output/input bus width = word_bits',
        },
        'supply_voltage_v': supply_voltage(args.cacti.parent, node_nm, cell),
        'supply_voltage_note': "CACTI's periphery supply (-Vdd in tech_params/<node>nm.dat, the cell type's column; interpolated between files as CACTI does); the energies are at this voltage",
        'leakage_note': LEAKAGE_NOTE,
        'columns': [{'name': n, 'unit': u, 'description': d} for n, u, d in COLUMNS],
        'rows': rows,
        'no_solution': failures,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--cacti', type=Path, required=True, help='path of the CACTI binary (its directory must hold tech_params/)')
    parser.add_argument('--out', type=Path, default=Path('configs/tech/cacti'), help='output directory')
    parser.add_argument('--jobs', type=int, default=1, help='CACTI runs in parallel')
    parser.add_argument('--nodes', default=','.join(map(str, NODES_NM)), help='comma-separated nodes in nm (22..180)')
    parser.add_argument('--cells', default=','.join(CELLS), help='comma-separated CACTI cell types')
    parser.add_argument('--preset', choices=['rnnsim', 'accelergy'], default='rnnsim',
                        help="rnnsim: energy-area.md's settings over the full grid; accelergy: Accelergy's plug-in settings at its reference designs' points")
    parser.add_argument('--build-note', default='make opt (stock makefile)', help='how the binary was built, recorded in the tables')
    args = parser.parse_args()
    args.cacti = args.cacti.resolve()
    if not args.cacti.is_file() or not (args.cacti.parent / 'tech_params').is_dir():
        print(f'error: {args.cacti} is not a CACTI binary beside a tech_params/ directory', file=sys.stderr)
        return 1
    nodes = [int(n) for n in args.nodes.split(',')]
    cells = args.cells.split(',')
    settings = RNNSIM_SETTINGS if args.preset == 'rnnsim' else ACCELERGY_SETTINGS
    if args.preset == 'accelergy':
        nodes, cells = sorted(ACCELERGY_POINTS, reverse=True), ['itrs-lstp']
    command = 'python3 tools/cacti/generate.py --cacti <path to the CACTI binary>' + (
        f' --preset {args.preset}' if args.preset != 'rnnsim' else '') + (
        f' --nodes {args.nodes}' if args.nodes != ','.join(map(str, NODES_NM)) else '') + (
        f' --cells {args.cells}' if args.cells != ','.join(CELLS) else '') + f' --out {args.out.as_posix()}'
    args.out.mkdir(parents=True, exist_ok=True)
    points_at = (lambda node: grid_points()) if args.preset == 'rnnsim' else (lambda node: ACCELERGY_POINTS[node])
    total = sum(len(points_at(node)) for node in nodes) * len(cells)
    done = 0
    with tempfile.TemporaryDirectory(prefix='rnnsim-cacti-') as tmp:
        workdir = Path(tmp)
        for node_nm in nodes:
            points = points_at(node_nm)
            for cell in cells:
                with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
                    results = list(pool.map(lambda p: run_point(args.cacti, workdir, p, node_nm, cell, settings), points))
                rows, failures = [], []
                for point, result in zip(points, results):
                    if 'error' in result:
                        failures.append([point.size_bytes, point.word_bits, point.rw_ports, point.banks, result['error']])
                    else:
                        rows.append(row_for(point, result))
                done += len(points)
                name = f'sram-{node_nm}nm-{cell}.json' if args.preset == 'rnnsim' else f'accelergy-check-{node_nm}nm-{cell}.json'
                table = build_table(node_nm, cell, args.preset, settings, rows, failures, args, command)
                write_table(args.out / name, table)
                print(f'[{done}/{total}] {name}: {len(rows)} points, {len(failures)} without a CACTI solution', flush=True)
    return 0


def write_table(path: Path, table: dict) -> None:
    """JSON with one row per line (diffable), written atomically."""
    rows = table.pop('rows')
    failures = table.pop('no_solution')
    head = json.dumps(table, indent=2)[:-2]
    body = ',\n'.join('    ' + json.dumps(r) for r in rows)
    fails = ',\n'.join('    ' + json.dumps(f) for f in failures)
    text = f'{head},\n  "rows": [\n{body}\n  ],\n  "no_solution": [\n{fails}\n  ]\n}}\n'
    json.loads(text)  # must parse
    tmp = path.with_suffix('.json.tmp')
    tmp.write_text(text)
    os.replace(tmp, path)


if __name__ == '__main__':
    sys.exit(main())
