/**
 * The mac tile engine (src/codegen/verilog/engine-mac.ts) alone under Verilator, against the simulator:
 * a self-bench (sims/verilator/engine_mac_bench.v.hbs) gives the engine behavioural buffer memories and
 * runs a command list back to back; every command's cycles must equal the simulator's closed forms
 * (macTileCycles / macDequantCycles / macWritebackCycles, src/sim/timing.ts) and the final out memory
 * must equal the simulator's arithmetic (src/sim/arith.ts macTile / scaleExact / macWriteback on an
 * AccStore — the golden model's mac datapath) applied to the same buffer images. One small design per
 * variant (fp16_fma with fp32 accumulator, lanes 1; fp16_int8 with fp16 accumulator and channel scales,
 * lanes 2, 3 pipeline stages, 6- and 3-byte ports; int8, lanes 4, 2 stages) so chunking, lane masks
 * (k not a multiple of lanes) and the pipeline are all exercised; operands include ±0, ±inf, NaN, the
 * largest finite values and subnormals. Also: -Wall lint, trap codes, Yosys synthesis of a small engine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowBytes, unpackMatrix } from '../../src/compile/pack.js';
import { resolveTarget, type Target } from '../../src/compile/target.js';
import { emitModules, type GeneratedFile } from '../../src/codegen/verilog/emit.js';
import { ENGINES } from '../../src/codegen/verilog/engine.js';
import { MAC_ENGINE_TRAPS, macEngine } from '../../src/codegen/verilog/engine-mac.js';
import { ModuleSet } from '../../src/codegen/verilog/module-set.js';
import { renderTemplate } from '../../src/codegen/verilog/render.js';
import type { MacConfig } from '../../src/golden/types.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { createInstruction, encodeInstruction, type Instruction } from '../../src/isa/index.js';
import { AccStore, macTile, macWriteback, scaleExact } from '../../src/sim/arith.js';
import { macDequantCycles, macTileCycles, macWritebackCycles } from '../../src/sim/timing.js';
import { harnessTemplates, rtlTemplates } from '../../src/verify/rtl/templates.js';
import { buildSimulation, lintVerilog } from '../../src/verify/rtl/verilator.js';
import { synthesize } from '../../src/verify/rtl/yosys.js';
import { prng } from '../verify/rtl-helpers.js';

const BY = { source: 'engine-mac.test', version: 'test' };
const BENCH_TOP = 'engine_mac_bench';

const DESIGNS = `
pe p_fma : mac { weights = fp16; activations = fp16; accumulator = fp32; }
pe p_int : mac { weights = per_channel(int4, scale = fp16); activations = fp16; accumulator = fp16; lanes = 2; pipeline_stages = 3; }
pe p_i8 : mac { weights = int8; activations = int8; accumulator = int32; lanes = 4; pipeline_stages = 2; }
array a_fma { pe = p_fma; rows = 3; cols = 2; }
array a_int { pe = p_int; rows = 4; cols = 3; }
array a_i8 { pe = p_i8; rows = 2; cols = 3; }
buffer wb8 { size = 2 KiB; width = 32; banks = 1; role = weights; }
buffer ab8 { size = 2 KiB; width = 64; banks = 1; role = activations; }
buffer wb3 { size = 1536 B; width = 24; banks = 1; role = weights; }
buffer ab6 { size = 1536 B; width = 48; banks = 1; role = activations; }
buffer wb2 { size = 1 KiB; width = 16; banks = 1; role = weights; }
buffer ab16 { size = 1 KiB; width = 128; banks = 1; role = activations; }
accelerator m_fma { arrays = a_fma; buffers = [wb8, ab8]; clock = 1 GHz; dram = 64 b/cycle; }
accelerator m_int { arrays = a_int; buffers = [wb3, ab6]; clock = 1 GHz; dram = 32 b/cycle; }
accelerator m_i8 { arrays = a_i8; buffers = [wb2, ab16]; clock = 1 GHz; dram = 64 b/cycle; }
`;

/** A design's resolved target, with the staging depth cut to `maxTileK` to keep the model small. */
function target(name: string, maxTileK: number): Target {
  const c = compileFile('engines.qacc', { readFile: (p) => (p.endsWith('engines.qacc') ? DESIGNS : undefined) }, {});
  const a = c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`${name}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return { ...resolveTarget(a), maxTileK };
}

function engineFiles(t: Target): GeneratedFile[] {
  const set = new ModuleSet();
  set.add(macEngine(t, { moduleName: 'mac_engine', prefix: 'mac_' }));
  return emitModules(set, rtlTemplates, BY);
}

const lanesOf = (t: Target, port: number): number => {
  const beat = Math.max(1, Math.floor(t.accelerator.dramBitsPerCycle / 8));
  let l = 1;
  while (l < Math.max(port, beat)) l *= 2;
  return l;
};
const aw = (cap: number): number => Math.max(1, Math.ceil(Math.log2(Math.max(1, cap))));

/** Engine + self-bench, built once per target (Verilator's content-hash cache makes reruns cheap). */
function buildBench(t: Target): string {
  const files = engineFiles(t);
  const c = t.capacity;
  const view = {
    header: `// ${BY.source}`,
    top: BENCH_TOP,
    engine: 'mac_engine',
    capAct: c.act,
    capWgt: c.wgt,
    capMeta: c.meta,
    capOut: c.out,
    maxCommands: 64,
    timeout: 100000,
    maxCycles: 2_000_000,
    awActMsb: aw(c.act) - 1,
    awWgtMsb: aw(c.wgt) - 1,
    awMetaMsb: aw(c.meta) - 1,
    awLrwMsb: aw(c.lrw) - 1,
    awOutMsb: aw(c.out) - 1,
    lanesAct: lanesOf(t, t.portBytes.act),
    lanesWgt: lanesOf(t, t.portBytes.wgt),
    lanesMeta: lanesOf(t, t.portBytes.meta),
    lanesLrw: lanesOf(t, t.portBytes.lrw),
    lanesOut: lanesOf(t, t.portBytes.out),
  };
  const bench = renderTemplate(harnessTemplates, 'engine_mac_bench.v.hbs', view);
  const cpp = renderTemplate(harnessTemplates, 'engine_mac_bench.cpp.hbs', view);
  return buildSimulation({ top: BENCH_TOP, files: [...files, { path: `${BENCH_TOP}.v`, text: bench }], testbench: cpp }).binary;
}

/** One bench command: the settile registers and the instruction. */
interface Command {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly inst: Instruction;
}

interface Images {
  readonly act: Uint8Array;
  readonly wgt: Uint8Array;
  readonly meta: Uint8Array;
  readonly out: Uint8Array;
}

interface BenchResult {
  readonly cycles: number[];
  readonly out: Uint8Array;
  readonly trap: number;
  readonly errors: number;
  readonly log: string;
}

const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('\n') + '\n';

function runBench(binary: string, images: Images, cmds: readonly Command[]): BenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'qacc-engine-mac-'));
  try {
    writeFileSync(join(dir, 'act.hex'), hexBytes(images.act));
    writeFileSync(join(dir, 'wgt.hex'), hexBytes(images.wgt));
    writeFileSync(join(dir, 'meta.hex'), hexBytes(images.meta));
    writeFileSync(join(dir, 'out.hex'), hexBytes(images.out));
    const lines = cmds.map((c) => ((1n << 191n) | (BigInt(c.k) << 160n) | (BigInt(c.n) << 144n) | (BigInt(c.m) << 128n) | encodeInstruction(c.inst)).toString(16).padStart(48, '0'));
    writeFileSync(join(dir, 'cmds.hex'), lines.join('\n') + '\n');
    const r = spawnSync(binary, [], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const end = /END trap=(\d+) errors=(\d+)/.exec(log);
    if (!end) throw new Error(`bench did not finish:\n${log.slice(-2000)}`);
    const cycles: number[] = [];
    for (const m of log.matchAll(/^CMD (\d+) (\d+)$/gm)) cycles[Number(m[1])] = Number(m[2]);
    const words = readFileSync(join(dir, 'out_final.hex'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('//') && !l.startsWith('@'));
    return { cycles, out: Uint8Array.from(words, (w) => parseInt(w, 16)), trap: Number(end[1]), errors: Number(end[2]), log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The simulator's view of the same commands: out image and per-command cycles (arith.ts, timing.ts). */
function reference(t: Target, images: Images, cmds: readonly Command[]): { out: Uint8Array; cycles: number[] } {
  const cfg = t.golden as MacConfig;
  const acc = new AccStore(t.accEntries, false);
  const out = images.out.slice();
  const ob = t.bits.out / 8;
  const cycles = cmds.map(({ m, n, k, inst }) => {
    switch (inst.kind) {
      case 'mac_tile':
        macTile(cfg, acc, 0, m, n, k, unpackMatrix(images.act, inst.act, m, k, t.bits.act), unpackMatrix(images.wgt, inst.wgt, n, k, t.bits.wgt), inst.clear);
        return macTileCycles(t, m, n, k);
      case 'dequant':
        if (inst.use_cscale) scaleExact(acc, 0, m, n, unpackMatrix(images.meta, inst.cscale, 1, n, 16));
        return macDequantCycles(t, n, inst.use_cscale);
      case 'writeback':
        for (let e = 0; e < m * n; e++) {
          let code = macWriteback(cfg, acc, e);
          for (let b = 0; b < ob; b++) {
            out[inst.out + e * ob + b] = code & 0xff;
            code = Math.floor(code / 256);
          }
        }
        return macWritebackCycles(t, m, n);
      default:
        throw new Error(`reference: ${inst.kind}`);
    }
  });
  return { out, cycles };
}

/** fp16 codes: mostly moderate normals (|x| in 2^-6 .. 2^5), some ±0, ±inf, NaN, ±max, subnormals. */
function fp16Code(rnd: () => number, specials: number): number {
  const sign = rnd() < 0.5 ? 0x8000 : 0;
  const r = rnd();
  if (r < specials) {
    const pick = [0, 0x7c00, 0x7e00, 0x7bff, 0x0001, 0x03ff, 0x0200][Math.floor(rnd() * 7)];
    return sign | pick;
  }
  const e = 9 + Math.floor(rnd() * 12);
  return sign | (e << 10) | Math.floor(rnd() * 1024);
}

function fillFp16(img: Uint8Array, rnd: () => number, specials: number): void {
  for (let i = 0; i + 1 < img.length; i += 2) {
    const c = fp16Code(rnd, specials);
    img[i] = c & 0xff;
    img[i + 1] = c >> 8;
  }
}

function fillBytes(img: Uint8Array, rnd: () => number): void {
  for (let i = 0; i < img.length; i++) {
    const r = rnd();
    img[i] = r < 0.05 ? 0x80 : r < 0.1 ? 0x7f : r < 0.15 ? 0 : Math.floor(rnd() * 256);
  }
}

/** Random buffer images for a target (operands, scales, a random out background to catch stray writes). */
function images(t: Target, rnd: () => number, specials: number): Images {
  const img = {
    act: new Uint8Array(t.capacity.act),
    wgt: new Uint8Array(t.capacity.wgt),
    meta: new Uint8Array(t.capacity.meta),
    out: Uint8Array.from({ length: t.capacity.out }, () => Math.floor(rnd() * 256)),
  };
  if (t.bits.act === 16) fillFp16(img.act, rnd, specials);
  else fillBytes(img.act, rnd);
  if (t.bits.wgt === 16) fillFp16(img.wgt, rnd, specials);
  else fillBytes(img.wgt, rnd);
  fillFp16(img.meta, rnd, specials);
  return img;
}

const pick = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

/**
 * Random tiles back to back: each a clear mac_tile, sometimes accumulating k tiles (other k, same m × n),
 * then dequant (use_cscale where the variant has channel scales, sometimes the no-flag form) and writeback.
 */
function randomProgram(t: Target, rnd: () => number, tiles: number): Command[] {
  const cmds: Command[] = [];
  const hasScale = t.golden.kind === 'mac' && t.golden.variant !== 'int8';
  const ob = t.bits.out / 8;
  const lanes = t.pe.kind === 'mac' ? t.pe.lanes : 1;
  for (let x = 0; x < tiles; x++) {
    const m = pick(rnd, 1, t.array.cols);
    const n = pick(rnd, 1, t.array.rows);
    const steps = pick(rnd, 1, 3);
    for (let s = 0; s < steps; s++) {
      // k not a multiple of the lanes half of the time; the full staging depth sometimes
      let k = rnd() < 0.2 ? t.maxTileK : pick(rnd, 1, t.maxTileK);
      if (lanes > 1 && k % lanes === 0 && rnd() < 0.5) k = Math.max(1, k - 1);
      const act = pick(rnd, 0, t.capacity.act - m * rowBytes(k, t.bits.act));
      const wgt = pick(rnd, 0, t.capacity.wgt - n * rowBytes(k, t.bits.wgt));
      cmds.push({ m, n, k, inst: createInstruction('mac_tile', { act, wgt, acc: 0, clear: s === 0 }) });
    }
    if (hasScale && rnd() < 0.7) cmds.push({ m, n, k: 1, inst: createInstruction('dequant', { acc: 0, cscale: pick(rnd, 0, t.capacity.meta - 2 * n), use_cscale: true }) });
    else if (rnd() < 0.3) cmds.push({ m, n, k: 1, inst: createInstruction('dequant', { acc: 0 }) });
    cmds.push({ m, n, k: 1, inst: createInstruction('writeback', { acc: 0, out: pick(rnd, 0, t.capacity.out - m * n * ob) }) });
  }
  return cmds;
}

function expectBenchMatches(t: Target, binary: string, img: Images, cmds: readonly Command[], what: string): void {
  const got = runBench(binary, img, cmds);
  const want = reference(t, img, cmds);
  expect({ what, trap: got.trap, errors: got.errors }).toEqual({ what, trap: 0, errors: 0 });
  expect(got.cycles, `${what}: cycles per command (${cmds.map((c) => c.inst.kind).join(' ')})`).toEqual(want.cycles);
  const diff: string[] = [];
  for (let i = 0; i < want.out.length && diff.length < 8; i++) if (got.out[i] !== want.out[i]) diff.push(`out[${i}] = 0x${got.out[i]?.toString(16)} want 0x${want.out[i].toString(16)}`);
  expect(diff, what).toEqual([]);
  expect(got.out.length).toBe(want.out.length);
}

const VARIANTS = [
  { name: 'm_fma', variant: 'fp16_fma', maxTileK: 24 },
  { name: 'm_int', variant: 'fp16_int8', maxTileK: 20 },
  { name: 'm_i8', variant: 'int8', maxTileK: 40 },
] as const;

describe('mac tile engine', () => {
  it('is registered for the mac PE kind', () => {
    expect(ENGINES.mac).toBe(macEngine);
  });

  it('the documented schedule, by hand: fetch + steps + stages + 2; scales; one token per out-port write', () => {
    const t = target('m_fma', 24); // ports: act 8 B, wgt 4 B, meta 4 B, out 8 B; lanes 1, S 1
    expect([t.portBytes.act, t.portBytes.wgt, t.portBytes.meta, t.portBytes.out]).toEqual([8, 4, 4, 8]);
    // m = 2, n = 3, k = 5: act rows of 10 B → 2 reads each (4), wgt rows → 3 each (9); 9 + 5 + 1 + 2
    expect(macTileCycles(t, 2, 3, 5)).toBe(17);
    expect(macDequantCycles(t, 3, true)).toBe(2 + 2); // 6 scale bytes in two 4-byte reads
    expect(macDequantCycles(t, 3, false)).toBe(2);
    expect(macWritebackCycles(t, 2, 3)).toBe(2 * 1 + 2); // 6 output bytes of a token in one 8-byte write
    const i8 = target('m_i8', 40); // lanes 4, S 2, act 16 B, wgt 2 B, out 16 B (int32 outputs)
    // m = 3, n = 2, k = 7: act 3 × 1, wgt 2 × 4 = 8; ceil(7 / 4) = 2 steps; 8 + 2 + 2 + 2
    expect(macTileCycles(i8, 3, 2, 7)).toBe(14);
    expect(macWritebackCycles(i8, 3, 2)).toBe(3 + 2);
  });

  for (const v of VARIANTS) {
    it(`${v.variant}: lints clean with verilator -Wall`, () => {
      const t = target(v.name, v.maxTileK);
      expect((t.golden as MacConfig).variant).toBe(v.variant);
      expect(lintVerilog('mac_engine', engineFiles(t))).toEqual([]);
    }, 60_000);

    it(`${v.variant}: random tiles back to back = simulator (out bytes and cycles per instruction)`, () => {
      const t = target(v.name, v.maxTileK);
      const binary = buildBench(t);
      for (const seed of [1, 2]) {
        const rnd = prng(seed * 977 + v.maxTileK);
        const img = images(t, rnd, 0.06);
        expectBenchMatches(t, binary, img, randomProgram(t, rnd, 6), `${v.variant} seed ${seed}`);
      }
      // corner content: operands mostly special values (inf − inf, NaN, overflow to inf, signed zeros)
      const rnd = prng(4242);
      const img = images(t, rnd, 0.6);
      expectBenchMatches(t, binary, img, randomProgram(t, rnd, 4), `${v.variant} specials`);
    }, 300_000);
  }

  it('traps: unsupported instruction, multi-pass tile, acc ≠ 0, k beyond staging, bounds, relu, accumulator state', () => {
    const t = target('m_fma', 24);
    const binary = buildBench(t);
    const img = images(t, prng(7), 0);
    const T = MAC_ENGINE_TRAPS;
    const ok = createInstruction('mac_tile', { act: 0, wgt: 0, acc: 0, clear: true });
    const cases: [string, Command[], number][] = [
      ['simd_tile', [{ m: 1, n: 1, k: 1, inst: createInstruction('simd_tile', { act: 0, wgt: 0, acc: 0 }) }], T.unsupported],
      ['dequant use_bias', [{ m: 1, n: 1, k: 1, inst: ok }, { m: 1, n: 1, k: 1, inst: createInstruction('dequant', { acc: 0, use_bias: true }) }], T.unsupported],
      ['m > cols', [{ m: t.array.cols + 1, n: 1, k: 4, inst: ok }], T.multiPass],
      ['acc = 4', [{ m: 1, n: 1, k: 4, inst: createInstruction('mac_tile', { act: 0, wgt: 0, acc: 4, clear: true }) }], T.accBase],
      ['k > maxTileK', [{ m: 1, n: 1, k: 25, inst: ok }], T.tileK],
      ['act past the buffer', [{ m: 2, n: 1, k: 24, inst: createInstruction('mac_tile', { act: t.capacity.act - 60, wgt: 0, acc: 0, clear: true }) }], T.bounds],
      ['relu', [{ m: 1, n: 1, k: 1, inst: ok }, { m: 1, n: 1, k: 1, inst: createInstruction('writeback', { acc: 0, out: 0, relu: true }) }], T.relu],
      ['writeback of another shape', [{ m: 1, n: 2, k: 3, inst: ok }, { m: 2, n: 1, k: 1, inst: createInstruction('writeback', { acc: 0, out: 0 }) }], T.accState],
      ['second channel scaling', [{ m: 1, n: 2, k: 3, inst: ok }, ...[0, 1].map(() => ({ m: 1, n: 2, k: 3, inst: createInstruction('dequant', { acc: 0, cscale: 0, use_cscale: true }) }))], T.accState],
    ];
    for (const [what, cmds, code] of cases) {
      const r = runBench(binary, img, cmds);
      expect({ what, trap: r.trap, errors: r.errors, last: r.cycles[cmds.length - 1] }).toEqual({ what, trap: code, errors: 0, last: 2 });
    }
  }, 300_000);

  it('synthesizes with Yosys (int8, 2 x 3 array)', async () => {
    const t = target('m_i8', 16);
    const r = await synthesize('mac_engine', engineFiles(t));
    expect(r.cells).toBeGreaterThan(100);
  }, 300_000);
});
