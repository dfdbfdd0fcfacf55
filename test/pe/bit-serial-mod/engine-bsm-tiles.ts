/**
 * The tiles of the bit_serial_mod engine self-bench tests (rtl-engine.test.ts, rtl-engine-ksplit.test.ts):
 * the small test design, random tiles over every candidate type with optional zero / max / inf / NaN
 * activations, their cycles per weight, and `stageModTile`, which packs a tile into the bench's buffer
 * images, queues its mod_tile and runs golden's bitSerialTile on the reference accumulators.
 */
import { readFileSync } from 'node:fs';
import { packMatrix } from '../../../src/compile/pack.js';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import { termSchedule, type BitSerialModConfig } from '../../../src/pe/bit-serial-mod/golden.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { createInstruction, encodeInstruction } from '../../../src/isa/index.js';
import { bitSerialTile } from '../../../src/pe/bit-serial-mod/sim.js';
import type { AccStore } from '../../../src/sim/acc-store.js';
import type { BsmCommand } from './engine-bsm-bench.js';

// A small BitMoD-style design: narrow ports so that a row takes several reads (chunks of 4 activations,
// 8 weight codes, 4 meta bytes), 5 rows with a 4-slot writeback (rows in two chunks), group 16.
export const DESIGN = `
scheme mix : mixture { candidates = [bitmod_fp4_er_pos, bitmod_fp4_ea_neg, int4, fp4_e2m1]; group = 16; scale = uint8; channel_scale = fp16; }
pe p : bit_serial_mod { lanes = 4; weights = mix; activations = fp16; weight_bits_per_cycle = 2; align_bits = 14;
  lane_sum_bits = 17; group_acc_bits = 23; group_mantissa_bits = 15; group_exponent_bits = 6; cross_group = fp32; output = fp16; }
array a { pe = p; rows = 5; cols = 3; dataflow = output_stationary; }
buffer wb { size = 4 KiB; width = 32; banks = 1; role = weights; }
buffer ab { size = 4 KiB; width = 64; banks = 1; role = activations; }
accelerator t { arrays = [a]; buffers = [wb, ab]; clock = 1 GHz; dram = 32 b/cycle; }
`;

/** The accelerator `name` of a design text (with `--set` overrides), its deepest tile `maxTileK`. */
export function designTarget(text: string, name: string, overrides: readonly string[] = [], maxTileK = 64): Target {
  const path = '/virtual/design.qacc';
  const host = { readFile: (p: string) => (p === path ? text : (() => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } })()) };
  const c = compileFile(path, host, { overrides });
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  const a = c.design.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`no accelerator ${name}`);
  return { ...resolveTarget(a), maxTileK };
}

/** An instruction word. */
export const word = (i: Parameters<typeof encodeInstruction>[0]): bigint => encodeInstruction(i);

/**
 * A random fp16 activation code: mostly normals below 0.25 (so most outputs stay finite), some zeros and
 * subnormals; with `special` also fp16 maxima (overflowing outputs), infinities and NaNs.
 */
export function actCode(rnd: () => number, special: boolean): number {
  const r = rnd();
  const sign = rnd() < 0.5 ? 0x8000 : 0;
  if (special && r < 0.003) return 0x7c00 | sign; // inf
  if (special && r < 0.005) return 0x7e00; // NaN
  if (special && r < 0.015) return sign | 0x7bff; // max
  if (r < 0.1) return sign; // zeros
  if (r < 0.15) return sign | Math.floor(rnd() * 0x3ff); // subnormal
  return sign | ((2 + Math.floor(rnd() * 11)) << 10) | Math.floor(rnd() * 1024);
}

/** One mod_tile's operands: fp16 activation codes [m × k], weight codes [n × k], group scales and selectors [n × G]. */
export interface Tile {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly act: Uint32Array;
  readonly wgt: Uint32Array;
  readonly scales: Uint32Array;
  readonly sels: Uint32Array;
}

export function randomTile(cfg: BitSerialModConfig, rnd: () => number, m: number, n: number, k: number, special: boolean): Tile {
  const G = Math.ceil(k / cfg.groupSize);
  const sels = Uint32Array.from({ length: n * G }, () => Math.floor(rnd() * cfg.candidates.length));
  const scales = Uint32Array.from({ length: n * G }, () => (rnd() < 0.1 ? 0 : rnd() < 0.1 ? 255 : Math.floor(rnd() * 256)));
  const act = Uint32Array.from({ length: m * k }, () => actCode(rnd, special));
  const wgt = new Uint32Array(n * k);
  for (let j = 0; j < n; j++) {
    for (let kk = 0; kk < k; kk++) {
      const bits = termSchedule(cfg.candidates[sels[j * G + Math.floor(kk / cfg.groupSize)]]).bits;
      wgt[j * k + kk] = Math.floor(rnd() * 2 ** bits);
    }
  }
  return { m, n, k, act, wgt, scales, sels };
}

/** Cycles per weight of each group: the slowest type the tile's rows select (independent of the sim). */
export function cpwOf(cfg: BitSerialModConfig, tile: Tile): number[] {
  const G = Math.ceil(tile.k / cfg.groupSize);
  return Array.from({ length: G }, (_, g) => {
    let c = 0;
    for (let j = 0; j < tile.n; j++) c = Math.max(c, termSchedule(cfg.candidates[tile.sels[j * G + g]]).cycles);
    return c;
  });
}

/** The operand buffers of an engine bench (bench RAM images). */
export interface BenchBufs { readonly act: Uint8Array; readonly wgt: Uint8Array; readonly meta: Uint8Array; readonly out: Uint8Array }

/**
 * One mod_tile: packs its operands at `at` (activations, weights, group scales then selectors), queues its
 * command and runs golden's bitSerialTile on `acc` (the reference the bench is compared with).
 */
export function stageModTile(t: Target, bufs: BenchBufs, acc: AccStore, commands: BsmCommand[], tile: Tile, at: { act: number; wgt: number; meta: number }, clear: boolean): void {
  const cfg = t.golden as BitSerialModConfig;
  const G = Math.ceil(tile.k / cfg.groupSize);
  packMatrix(tile.act, tile.m, tile.k, 16, bufs.act, at.act);
  packMatrix(tile.wgt, tile.n, tile.k, t.bits.wgt, bufs.wgt, at.wgt);
  packMatrix(tile.scales, 1, tile.n * G, 8, bufs.meta, at.meta);
  packMatrix(tile.sels, 1, tile.n * G, t.bits.selector, bufs.meta, at.meta + tile.n * G);
  commands.push({ word: word(createInstruction('mod_tile', { act: at.act, wgt: at.wgt, meta: at.meta, acc: 0, clear })), m: tile.m, n: tile.n, k: tile.k, group: cfg.groupSize });
  bitSerialTile(cfg, acc, 0, tile.m, tile.n, tile.k, tile.act, tile.wgt, tile.scales, tile.sels, clear);
}

/** Empty buffer images of a target's spaces. */
export function emptyBufs(t: Target): { act: Uint8Array; wgt: Uint8Array; meta: Uint8Array; out: Uint8Array } {
  return { act: new Uint8Array(t.capacity.act), wgt: new Uint8Array(t.capacity.wgt), meta: new Uint8Array(t.capacity.meta), out: new Uint8Array(t.capacity.out) };
}

/** `len` bytes of `b` from `at` as hex (for readable diffs). */
export const hex = (b: Uint8Array, at: number, len: number): string => Array.from(b.subarray(at, at + len), (x) => x.toString(16).padStart(2, '0')).join('');
