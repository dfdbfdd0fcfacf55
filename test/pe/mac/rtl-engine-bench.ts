/**
 * Shared pieces of the mac tile engine self-bench (rtl-engine.test.ts; `prebuild` builds asynchronously,
 * so the test worker never blocks on a minute-long build): the small bench designs, the engine + bench sources, running a command list on the
 * built bench, the simulator's reference for the same commands (src/pe/mac/sim.ts / timing.ts) and the
 * random buffer images and programs. The end-to-end target (fp16_baseline of examples/bitmod.qacc on a
 * 2 x 2 array with small buffers) for the program-level top is defined here too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowBytes, unpackMatrix } from '../../../src/compile/pack.js';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import { emitModules, type GeneratedFile } from '../../../src/codegen/verilog/emit.js';
import { RTL } from '../../../src/pe/facets/rtl.js';
import { ModuleSet } from '../../../src/codegen/verilog/module-set.js';
import { renderTemplate } from '../../../src/codegen/verilog/render.js';
import type { TargetOf } from '../../../src/pe/facets/compile.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { createInstruction, encodeInstruction, type Instruction } from '../../../src/isa/index.js';
import { AccStore } from '../../../src/sim/acc-store.js';
import { macDequant, macTile, macWriteback } from '../../../src/pe/mac/sim.js';
import { macDequantCycles, macTileCycles, macWritebackCycles } from '../../../src/pe/mac/timing.js';
import { harnessTemplates, rtlTemplates } from '../../../src/verify/rtl/templates.js';
import { buildProgramSimulationAsync } from '../../../src/verify/rtl/program-bench.js';
import { buildSimulationAsync } from '../../../src/verify/rtl/verilator.js';

/** The repository root (this file is test/pe/mac/rtl-engine-bench.ts; also run by tsx as an ES module). */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export const BY = { source: 'engine-mac.test', version: 'test' };
const BENCH_TOP = 'engine_mac_bench';

const DESIGNS = `
pe p_fma : mac { weights = fp16; activations = fp16; accumulator = fp32; }
pe p_int : mac { weights = per_channel(int4, scale = fp16); activations = fp16; accumulator = fp16; lanes = 2; pipeline_stages = 3; }
pe p_i8 : mac { weights = int8; activations = int8; accumulator = int32; lanes = 4; pipeline_stages = 2; }
array a_fma { pe = p_fma; rows = 2; cols = 2; }
array a_int { pe = p_int; rows = 3; cols = 2; }
array a_i8 { pe = p_i8; rows = 2; cols = 3; }
array a_syn { pe = p_i8; rows = 2; cols = 1; }
buffer wb8 { size = 2 KiB; width = 32; banks = 1; role = weights; }
buffer ab8 { size = 2 KiB; width = 64; banks = 1; role = activations; }
buffer wb3 { size = 1536 B; width = 24; banks = 1; role = weights; }
buffer ab6 { size = 1536 B; width = 48; banks = 1; role = activations; }
buffer wb2 { size = 1 KiB; width = 16; banks = 1; role = weights; }
buffer ab16 { size = 1 KiB; width = 128; banks = 1; role = activations; }
accelerator m_fma { arrays = a_fma; buffers = [wb8, ab8]; clock = 1 GHz; dram = 64 b/cycle; }
accelerator m_int { arrays = a_int; buffers = [wb3, ab6]; clock = 1 GHz; dram = 32 b/cycle; }
accelerator m_i8 { arrays = a_i8; buffers = [wb2, ab16]; clock = 1 GHz; dram = 64 b/cycle; }
accelerator m_syn { arrays = a_syn; buffers = [wb2, ab16]; clock = 1 GHz; dram = 64 b/cycle; }
pe p_fma3 : mac { weights = fp16; activations = fp16; accumulator = fp32; lanes = 3; }
array ws_fma { pe = p_fma3; rows = 2; cols = 3; dataflow = weight_stationary; }
array ws_int { pe = p_int; rows = 3; cols = 2; dataflow = weight_stationary; }
array ws_i8 { pe = p_i8; rows = 2; cols = 3; dataflow = weight_stationary; }
accelerator w_fma { arrays = ws_fma; buffers = [wb8, ab8]; clock = 1 GHz; dram = 64 b/cycle; }
accelerator w_int { arrays = ws_int; buffers = [wb3, ab6]; clock = 1 GHz; dram = 32 b/cycle; }
accelerator w_i8 { arrays = ws_i8; buffers = [wb2, ab16]; clock = 1 GHz; dram = 64 b/cycle; }
`;

/** A design's resolved target, with the staging depth cut to `maxTileK` to keep the model small. */
export function target(name: string, maxTileK: number): TargetOf<'mac'> {
  const c = compileFile('engines.qacc', { readFile: (p) => (p.endsWith('engines.qacc') ? DESIGNS : undefined) }, {});
  const a = c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`${name}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return macTarget({ ...resolveTarget(a), maxTileK });
}

/** Narrows a resolved target to a mac one (every design here is). */
export function macTarget(t: Target): TargetOf<'mac'> {
  if (t.pe.kind !== 'mac' || t.golden.kind !== 'mac') throw new Error(`${t.accelerator.name} is not a mac design`);
  return t as TargetOf<'mac'>;
}

export function engineFiles(t: TargetOf<'mac'>): GeneratedFile[] {
  const set = new ModuleSet();
  // the kind's registered generator: the output- or the weight-stationary engine, by the array's dataflow
  set.add(RTL.mac.engine(t, { moduleName: 'mac_engine', prefix: 'mac_', peModuleName: 'mac_pe' }));
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
export async function buildBench(t: TargetOf<'mac'>): Promise<string> {
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
  return (await buildSimulationAsync({ top: BENCH_TOP, files: [...files, { path: `${BENCH_TOP}.v`, text: bench }], testbench: cpp })).binary;
}

/** One bench command: the settile registers and the instruction. */
export interface Command {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly inst: Instruction;
}

export interface Images {
  readonly act: Uint8Array;
  readonly wgt: Uint8Array;
  readonly meta: Uint8Array;
  readonly out: Uint8Array;
}

export interface BenchResult {
  readonly cycles: number[];
  readonly out: Uint8Array;
  readonly trap: number;
  readonly errors: number;
  readonly log: string;
}

const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('\n') + '\n';

export function runBench(binary: string, images: Images, cmds: readonly Command[]): BenchResult {
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

/** The simulator's view of the same commands: out image and per-command cycles (src/pe/mac/sim.ts, timing.ts). */
export function reference(t: TargetOf<'mac'>, images: Images, cmds: readonly Command[]): { out: Uint8Array; cycles: number[] } {
  const cfg = t.golden;
  const acc = new AccStore(t.accEntries, false);
  const out = images.out.slice();
  const ob = t.bits.out / 8;
  const cycles = cmds.map(({ m, n, k, inst }) => {
    switch (inst.kind) {
      case 'mac_tile':
        macTile(cfg, acc, 0, m, n, k, unpackMatrix(images.act, inst.act, m, k, t.bits.act), unpackMatrix(images.wgt, inst.wgt, n, k, t.bits.wgt), inst.clear);
        return macTileCycles(t, m, n, k);
      case 'dequant':
        if (inst.use_cscale) macDequant(cfg, acc, 0, m, n, unpackMatrix(images.meta, inst.cscale, 1, n, 16));
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
export function images(t: Target, rnd: () => number, specials: number): Images {
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
export function randomProgram(t: Target, rnd: () => number, tiles: number, maxM = t.array.cols, maxN = t.array.rows): Command[] {
  const cmds: Command[] = [];
  const hasScale = t.golden.kind === 'mac' && t.golden.variant !== 'int8';
  const ob = t.bits.out / 8;
  const lanes = t.pe.kind === 'mac' ? t.pe.lanes : 1;
  for (let x = 0; x < tiles; x++) {
    const m = pick(rnd, 1, maxM);
    const n = pick(rnd, 1, maxN);
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


/** The bench designs of the three mac variants and their staging depths. */
export const VARIANTS = [
  { name: 'm_fma', variant: 'fp16_fma', maxTileK: 24 },
  { name: 'm_int', variant: 'fp16_int8', maxTileK: 20 },
  { name: 'm_i8', variant: 'int8', maxTileK: 40 },
] as const;

/**
 * The weight-stationary bench designs (weight passes of rows · lanes = 6, 6, 8 k elements, so the staging
 * depths take up to 5 passes): fp16 FMA with 3 lanes (12-byte act rows in two 8-byte reads, weight columns
 * in three 4-byte reads), fp16 × int8 with channel scales on 3-byte weight and 6-byte act ports, int8 with
 * 4 lanes and 2 stages on 2-byte weight reads.
 */
export const WS_VARIANTS = [
  { name: 'w_fma', variant: 'fp16_fma', maxTileK: 24 },
  { name: 'w_int', variant: 'fp16_int8', maxTileK: 20 },
  { name: 'w_i8', variant: 'int8', maxTileK: 40 },
] as const;

/** Instruction-memory words of the end-to-end top. */
export const E2E_IMEM_WORDS = 1024;

/** The end-to-end accelerators of examples/bitmod.qacc: fp16 FMA, and fp16 x int8 with channel scales. */
export const E2E_ACCELERATORS = ['fp16_baseline', 'ant_baseline'] as const;
export type E2eAccelerator = (typeof E2E_ACCELERATORS)[number];

/** An end-to-end target: the example accelerator on a 2 x 2 array, 8 KiB buffers of 8-byte ports, 64-bit DRAM, maxTileK 32. */
export function e2eTarget(name: E2eAccelerator): Target {
  const c = compileFile(resolve(ROOT, 'examples/bitmod.qacc'), { readFile: (p) => readFileSync(p, 'utf8') }, {});
  const a = c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`examples/bitmod.qacc has no ${name}`);
  const small = a.buffers.map((b) => ({ ...b, bytes: 8192, bits: 8 * 8192, widthBits: 64, banks: 1, depth: 1024, bytesPerBank: 8192 }));
  // a 64-bit DRAM port (8-byte beats) keeps the buffers at 8 byte lanes: a smaller, faster-building top
  return { ...resolveTarget({ ...a, arrays: [{ ...a.arrays[0], rows: 2, cols: 2, pes: 4 }], buffers: small, dramBitsPerCycle: 64 }), maxTileK: 32 };
}

/** Builds the benches of the named variants and, for an E2E_ACCELERATORS name, its program-level top (Verilator as a child process). */
export async function prebuild(names: readonly string[]): Promise<void> {
  for (const name of names) {
    const e2e = E2E_ACCELERATORS.find((x) => x === name);
    if (e2e) {
      await buildProgramSimulationAsync(e2eTarget(e2e), { imemWords: E2E_IMEM_WORDS });
      continue;
    }
    const v = [...VARIANTS, ...WS_VARIANTS].find((x) => x.name === name);
    if (!v) throw new Error(`unknown mac bench ${name}`);
    await buildBench(target(v.name, v.maxTileK));
  }
}
