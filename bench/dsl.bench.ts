/**
 * Front-end benchmarks: parse + elaborate a generated 10,000-line .qacc description (params, chains of
 * constants, formats, schemes, PEs of all four kinds, arrays, buffers, accelerators), parse alone, and
 * elaborate an accelerator with a 256×256-PE array (the IR describes arrays, not individual PEs, so
 * this costs what a small array costs). Then `check` of generated files of 1, 4 and 15 MiB, each in a
 * child process that reports its time and peak RSS (the front end must stay proportional in memory and
 * near-linear in time up to the 16 Mi-character limit); the ratio row compares the 15 MiB throughput
 * with the 1 MiB one (1.0× is linear).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryHost } from '../src/dsl/program.js';
import { parseSource } from '../src/dsl/parse.js';
import { SourceFile } from '../src/dsl/source.js';
import { compileFile } from '../src/ir/elaborate.js';
import type { BenchCase, BenchRatio, OnceMeasurement } from './harness.js';

/** A valid description of about `lines` lines: blocks of 50 lines, each with its own names. */
export function generateDescription(lines: number): string {
  const out: string[] = ['// generated for bench/dsl.bench.ts', 'param scale = 2;'];
  for (let b = 0; out.length < lines; b++) {
    out.push(
      `const k${b} = ${b} * scale + 16;`,
      `const w${b} = k${b} * 4;`,
      `format f${b} = fp(e = 2, m = 1, bias = 1, variant = fn);`,
      `scheme g${b} = per_group(int4, group = 64, scale = fp16);`,
      `scheme m${b} : mixture {`,
      '  candidates = [bitmod_fp4_er_pos, bitmod_fp4_er_neg, bitmod_fp4_ea_pos, bitmod_fp4_ea_neg];',
      '  group = 128;',
      '  scale = uint8;',
      '}',
      `pe bsm${b} : bit_serial_mod {`,
      '  lanes = 4;',
      `  weights = m${b};`,
      '  activations = fp16;',
      '}',
      `pe simd${b} : simd_mac {`,
      '  operand_width = 16;',
      '  modes = 4 x fp4_e2m1 | 4 x posit(4, 1) | 2 x posit8_0 | 1 x posit16_1;',
      '  output = fp32;',
      '}',
      `pe lr${b} : lowrank_gemm {`,
      `  weights = g${b};`,
      '  rank = 32;',
      '  branch = bf16;',
      '}',
      `pe mac${b} : mac {`,
      `  weights = per_channel(fp4_e2m1, scale = fp16);`,
      '  activations = fp16;',
      '  accumulator = fp32;',
      '}',
      `array a${b} {`,
      `  pe = bsm${b};`,
      `  rows = 16 + k${b} % 16;`,
      '  cols = 16;',
      '  dataflow = output_stationary;',
      '}',
      `array s${b} { pe = simd${b}; rows = 8; cols = 8; }`,
      `array l${b} { pe = lr${b}; rows = 4; cols = 4; }`,
      `array c${b} { pe = mac${b}; rows = 2; cols = w${b}; }`,
      `buffer wb${b} {`,
      `  size = (k${b} + 16) * 8 KiB;`,
      '  width = 256;',
      '  banks = 8;',
      '  role = weights;',
      '}',
      // check requires activation and weight space, and a low-rank branch a unified buffer
      `buffer xb${b} { size = (k${b} + 16) * 8 KiB; width = 256; banks = 8; role = activations; }`,
      `buffer ub${b} { size = 64 KiB; width = 256; banks = 2; role = unified; }`,
      // one PE array per accelerator (the rest is rejected by check, E311)
      ...[`a${b}`, `s${b}`, `l${b}`, `c${b}`].map((a) => `accelerator acc_${a} { arrays = [${a}]; buffers = [wb${b}, xb${b}, ub${b}]; clock = 1 GHz; dram = 256 b/cycle; }`),
      '',
    );
  }
  return out.join('\n');
}

/** A valid description of at most `chars` characters: whole 50-line blocks of generateDescription (blocks end with an empty line). */
export function generateSizedDescription(chars: number): string {
  const perLine = generateDescription(2000).length / 2000;
  const text = generateDescription(Math.ceil(chars / perLine) + 100);
  return text.slice(0, text.lastIndexOf('\n\n', chars) + 1);
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs bench/check-memory.ts on a generated file of `mib` MiB in a child process. */
function checkInChild(mib: number): OnceMeasurement {
  const dir = mkdtempSync(join(tmpdir(), 'qacc-bench-'));
  try {
    const text = generateSizedDescription(mib * 2 ** 20);
    const file = join(dir, 'big.qacc');
    writeFileSync(file, text);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/check-memory.ts'), file], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`check of ${mib} MiB failed: ${r.stderr || r.stdout}`);
    const m = JSON.parse(r.stdout) as { ms: number; peakRssBytes: number; diagnostics: number };
    if (m.diagnostics !== 0) throw new Error(`check of ${mib} MiB reported ${m.diagnostics} diagnostics`);
    return { items: text.length / 2 ** 20, ms: m.ms, peakRssBytes: m.peakRssBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const big = generateDescription(10_000);
const bigLines = big.split('\n').length;
const host = memoryHost({ 'big.qacc': big });

const array256 = `pe p : bit_serial_mod { weights = mixture([bitmod_fp4_er_pos, bitmod_fp4_er_neg, bitmod_fp4_ea_pos, bitmod_fp4_ea_neg], scale = uint8); }
array a { pe = p; rows = 256; cols = 256; }
buffer w { size = 512 KiB; width = 256; banks = 8; }
accelerator x { arrays = a; buffers = w; clock = 1 GHz; dram = 256 b/cycle; }
`;
const arrayHost = memoryHost({ 'a.qacc': array256 });
const bitmod = readFileSync(new URL('../examples/bitmod.qacc', import.meta.url), 'utf8');
const bitmodHost = memoryHost({ 'bitmod.qacc': bitmod });

function mustCompile(path: string, h: typeof host): void {
  const c = compileFile(path, h);
  if (!c.design || c.diagnostics.length) throw new Error(`${path}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
}

const checkCase = (mib: number): BenchCase => ({
  group: 'dsl: check',
  name: `check a generated ${mib} MiB file (child process)`,
  unit: 'MiB',
  setup: () => () => 0,
  once: () => checkInChild(mib),
});

export const ratios: BenchRatio[] = [
  {
    name: 'check throughput, 15 MiB / 1 MiB (1.0× = linear time)',
    numerator: { group: 'dsl: check', name: checkCase(15).name },
    denominator: { group: 'dsl: check', name: checkCase(1).name },
  },
];

export const cases: BenchCase[] = [
  checkCase(1),
  checkCase(4),
  checkCase(15),
  {
    group: 'dsl',
    name: `parse+elaborate generated ${bigLines}-line description`,
    unit: 'lines',
    minMs: 1000,
    setup: () => () => {
      mustCompile('big.qacc', host);
      return bigLines;
    },
  },
  {
    group: 'dsl',
    name: `parse only, ${bigLines} lines`,
    unit: 'lines',
    minMs: 1000,
    setup: () => () => {
      parseSource(new SourceFile('big.qacc', big));
      return bigLines;
    },
  },
  {
    group: 'dsl',
    name: 'parse+elaborate a 256x256-PE array',
    unit: 'designs',
    setup: () => () => {
      mustCompile('a.qacc', arrayHost);
      return 1;
    },
  },
  {
    group: 'dsl',
    name: 'parse+elaborate examples/bitmod.qacc',
    unit: 'designs',
    setup: () => () => {
      mustCompile('bitmod.qacc', bitmodHost);
      return 1;
    },
  },
];
