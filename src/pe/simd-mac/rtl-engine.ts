/**
 * The tile engine of the `simd_mac` PE kind (docs/array-rtl.md "Engine interface"): a rows × cols array
 * of the reconfigurable SIMD MAC PEs (./rtl-pe.ts, reused unchanged), their quires being the
 * accumulator entries (entry e = i·n + j in the PE of row j, column i), with operand staging in front and
 * an output mux behind. It executes `simd_tile` (single pass: m ≤ cols, n ≤ rows, acc = 0) and
 * `writeback` (relu off, acc = 0) and traps on every other instruction (simd_mac programs never dequant).
 *
 * Schedule of a simd_tile started in cycle s (the simulator's simdTileCycles, ./timing.ts, is the
 * same closed form, D = simdFetchExposed + ceil(k / lanes) + S + 1, S = pipeline_stages; described here for
 * S = 3, the default, pipelineView for the others):
 * - s: the command and the tile registers are taken (or a trap is raised and cmd_done is combinational).
 * - FETCH from s + 1, in rounds: round r reads chunk r of activation row i (RB = rowBytes(k, 16 / lanes)
 *   bytes at act + i·RB) into column i's staging RAM for every i, while the weight rows' chunks go into
 *   the rows' RAMs, both ports in parallel; a chunk is the even part of the port's bytes, so an operand
 *   word never straddles two chunk rows. A round counts as staged at the edge that writes its last row.
 * - STEP, overlapping the fetch: one staging read per operand word (ceil(k / lanes) words), each in the
 *   first cycle after the word before in which its chunk's round is staged for both operands; the word is
 *   selected and its lanes beyond k zeroed into the operand registers the next cycle, and the PEs (all m·n
 *   in parallel) take the word the cycle after: `first` = clear on word 0 (the quire restarts), `last` on
 *   the final word (the PE's y then holds its entry rounded to the output format).
 * Writeback started in cycle s writes `slots` entries (one per column, as many as the out port holds) per
 * cycle from a registered mux over the PEs' y: D = ceil(m·n / slots) + 2 (simdWritebackCycles).
 *
 * The engine's geometry (chunks, slots) is ./microarch.ts's, shared with the simulator's timing; what it can run is ./compile-engine.ts's.
 * the engine self-bench (test/codegen/engine-simd-mac.test.ts) checks RTL cycles = simulator cycles.
 */
import type { Target } from '../../compile/target.js';
import { engineBufferPorts, type EngineContext } from '../../codegen/verilog/engine.js';
import { isaDecoderParams } from '../../codegen/verilog/isa-decoder.js';
import { bitsFor, type RtlModule } from '../../codegen/verilog/module-set.js';
import { rtlInvariant } from '../../codegen/verilog/invariant.js';
import { simdEngineProblem } from './compile-engine.js';
import { simdChunkBytes, simdStagingDepths, simdWritebackSlots } from './microarch.js';
import { simdMacPe, simdPeSpecOf } from './rtl-pe.js';

/** The engine's trap codes (1..127; the top reports 0x80 | code). */
export const SIMD_ENGINE_TRAPS = {
  /** An instruction this engine does not execute (anything but simd_tile and writeback). */
  unsupported: 1,
  /** A tile larger than the array (m > cols or n > rows): the RTL runs single-pass tiles only. */
  multiPass: 2,
  /** acc ≠ 0: the accumulators are the PE registers, one tile at entry 0. */
  accBase: 3,
  /** k beyond the operand staging (Target.maxTileK elements). */
  tileK: 4,
  /** setmode simd names a mode the PE does not have. */
  mode: 5,
  /** An operand or output tile outside its buffer space. */
  bounds: 6,
  /** writeback relu (not implemented, as in the simulator). */
  relu: 7,
} as const;


const log2 = (x: number): number => Math.round(Math.log2(x));

/** The engine's geometry, as the simulator's timing formulas count it. */
export interface SimdEngineGeometry {
  /** Bytes fetched per read (the even part of the port). */
  readonly chunkAct: number;
  readonly chunkWgt: number;
  /** Entries written back per cycle. */
  readonly slots: number;
  /** Output bytes per entry. */
  readonly outBytes: number;
}

/**
 * Geometry of the simd_mac engine of a target. Its ports are wide enough: compile.ts diagnose reports an
 * activations or weights port under one 16-bit operand word, or an out port under one result, at the
 * buffer's width (E414).
 */
export function simdEngineGeometry(t: Target): SimdEngineGeometry {
  const chunkAct = simdChunkBytes(t.portBytes.act);
  const chunkWgt = simdChunkBytes(t.portBytes.wgt);
  rtlInvariant(
    chunkAct >= 2 && chunkWgt >= 2,
    `the simd_mac tile engine needs activation and weight buffer ports of at least 2 bytes (has ${t.portBytes.act} and ${t.portBytes.wgt})`,
  );
  const outBytes = t.bits.out / 8;
  rtlInvariant(t.portBytes.out >= outBytes, `the simd_mac tile engine needs an output buffer port of at least ${outBytes} bytes (has ${t.portBytes.out})`);
  return { chunkAct, chunkWgt, slots: simdWritebackSlots(t), outBytes };
}

/**
 * The operand pipeline of S = pipeline_stages stages (./timing.ts simdEngineLatency counts them): S = 3
 * registers the staging read (q), the selected and masked word (d1 -> word) and steps the PEs (d2); S = 2
 * selects the word combinationally (the PEs step with d1); S = 1 also reads the staging RAM
 * combinationally (the PEs step in the read's cycle, s0); S > 3 adds S − 3 registers (xr) before the PEs.
 */
function pipelineView(stages: number): Record<string, unknown> {
  rtlInvariant(Number.isInteger(stages) && stages >= 1, `simd_mac: pipeline_stages = ${stages}`); // schema.ts: 1..64
  const extra = Math.max(0, stages - 3);
  const ctl = stages === 1 ? 's0' : stages === 2 ? 'd1' : stages === 3 ? 'd2' : 'x';
  const further = `${extra} further register(s)`;
  return {
    stagingReg: stages >= 2,
    operandReg: stages >= 3,
    extraStages: extra,
    extraLast: extra - 1,
    selKr: stages >= 2 ? 'd1_kr' : 'kr',
    aShift: `q >> {${stages >= 2 ? 'd1_aoff' : 'a_so'}, 3'b000}`,
    wShift: `q >> {${stages >= 2 ? 'd1_woff' : 'w_so'}, 3'b000}`,
    peValid: `${ctl}_valid`,
    peFirst: `${ctl}_first`,
    peLast: `${ctl}_last`,
    peA: extra > 0 ? 'x_a' : 'op_a',
    peB: extra > 0 ? 'x_b' : 'op_b',
    scheduleText: [
      'staging read, word select and lane mask -> PE step',
      'staging read -> word select and lane mask, PE step',
      'staging read -> word select and lane mask -> PE step',
      `staging read -> word select and lane mask -> ${further} -> PE step`,
    ][Math.min(stages, 4) - 1],
    pipelineText: [
      '',
      'staging read (S_STEP) -> select + mask and PE step (d1)',
      'staging read (S_STEP) -> select + mask (d1) -> PE step (d2)',
      `staging read (S_STEP) -> select + mask (d1) -> operand register (d2) -> ${further} (xr) -> PE step`,
    ][Math.min(stages, 4) - 1],
  };
}

/** The simd_mac tile engine module (EngineGenerator). */
export function simdMacEngine(t: Target, ctx: EngineContext): RtlModule {
  const pe = t.pe;
  const cfg = t.golden;
  // the RTL facet registry dispatches on the PE kind
  rtlInvariant(pe.kind === 'simd_mac' && cfg.kind === 'simd_mac', `simd_mac engine for a ${pe.kind} PE`);
  // every mode passed the compile layer's simdEngineProblem (compile.ts diagnose reports it at its span)
  for (const m of pe.modes) {
    const problem = simdEngineProblem(pe.operandWidth, m.lanes, m.laneBits, t.bits.out);
    rtlInvariant(problem === undefined, `PE '${pe.name}': ${problem?.message ?? ''}`);
  }
  const geo = simdEngineGeometry(t);
  const rows = t.array.rows;
  const cols = t.array.cols;
  const spec = simdPeSpecOf(pe, cfg);
  const modes = spec.modes;
  // The PE module under the PE-level design's name: the same spec gives the same module, kept once.
  const peModule = simdMacPe(spec, ctx.peModuleName, pe.name);
  const { act: depthAct, wgt: depthWgt } = simdStagingDepths(t);
  const { fields: portFields } = engineBufferPorts(t);
  const modeWidth = Math.max(1, bitsFor(modes.length - 1));
  const outBits = t.bits.out;
  const traps = Object.entries(SIMD_ENGINE_TRAPS).map(([name, code]) => ({
    name: name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
    code,
  }));
  return {
    name: ctx.moduleName,
    template: 'simd-mac/engine_simd_mac.v.hbs',
    deps: [peModule],
    view: {
      isaParams: isaDecoderParams(),
      peModule: peModule.name,
      peName: pe.name,
      modeList: pe.modes.map((m) => `${m.lanes} x ${m.format.name}`).join(' | '),
      output: cfg.output.name,
      accumulation: cfg.accumulation,
      rows,
      cols,
      modeCount: modes.length,
      modeMsb: modeWidth - 1,
      modes: pe.modes.map((m, i) => ({ key: `${modeWidth}'d${i}`, lanes: m.lanes, shift: log2(m.laneBits) })),
      maxTileK: t.maxTileK,
      chunkAct: geo.chunkAct,
      chunkWgt: geo.chunkWgt,
      chunkActMsb: 8 * geo.chunkAct - 1,
      chunkWgtMsb: 8 * geo.chunkWgt - 1,
      depthAct,
      depthWgt,
      depthActMsb: bitsFor(depthAct - 1) - 1,
      depthWgtMsb: bitsFor(depthWgt - 1) - 1,
      depthActW: bitsFor(depthAct - 1),
      depthWgtW: bitsFor(depthWgt - 1),
      roundsActW: bitsFor(depthAct - 1) + 1,
      roundsWgtW: bitsFor(depthWgt - 1) + 1,
      offActMsb: bitsFor(geo.chunkAct) - 1,
      offWgtMsb: bitsFor(geo.chunkWgt) - 1,
      offActW: bitsFor(geo.chunkAct),
      offWgtW: bitsFor(geo.chunkWgt),
      ...portFields,
      outBits,
      outMsb: outBits - 1,
      outBytes: geo.outBytes,
      slots: geo.slots,
      traps,
      ...pipelineView(pe.pipelineStages),
    },
  };
}
