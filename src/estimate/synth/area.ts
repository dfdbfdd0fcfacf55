/**
 * Synthesized area in the units of qacc's analytic model (src/estimate/technology.ts): `stat -tech cmos`
 * counts transistors of the static-CMOS gates, a NAND2 (one gate equivalent) being 4; so GE =
 * transistors / 4 and µm² = GE × GATE_EQUIVALENT_UM2 at 28 nm (raw gate density: no placement
 * utilization, no wiring — the same basis as the analytic model's GE figure). Memories kept as macros
 * ($mem_v2) are not gates: they are priced per bit as SRAM (sramUm2PerBit), as the analytic model prices
 * buffers.
 */
import { areaScale, GATE_EQUIVALENT_UM2, sramUm2PerBit, TRANSISTORS_PER_GE } from '../technology.js';
import type { ComponentArea } from '../types.js';
import type { SynthReport, SynthStats, SynthUnitReport } from './types.js';

export { TRANSISTORS_PER_GE };

/** Gate equivalents of a generic-flow netlist's gates. */
export function synthGateEquivalents(s: SynthStats): number {
  return s.transistors / TRANSISTORS_PER_GE;
}

/** µm² of a generic-flow netlist at `nodeNm`: its gates plus its memory macros as SRAM. */
export function synthAreaUm2(s: SynthStats, nodeNm = 28): number {
  return synthGateEquivalents(s) * GATE_EQUIVALENT_UM2 * areaScale(nodeNm) + s.memory_bits * sramUm2PerBit(nodeNm);
}

/** Gates of a set of units (instances × own), and their memory bits. */
function unitsCost(units: readonly SynthUnitReport[]): { ge: number; memoryBits: number } {
  return {
    ge: units.reduce((s, u) => s + u.instances * synthGateEquivalents(u.own), 0),
    memoryBits: units.reduce((s, u) => s + u.instances * u.own.memory_bits, 0),
  };
}

/**
 * The components of `qacc estimate --synth` (replacing the analytic ones of the same name: the array's):
 * the array = the engine's sub-units (PEs and per-row/column units, depth 2 of a whole-design synthesis),
 * the tile engine, the buffers' port logic (their RAMs stay the analytic SRAM buffers), the controller
 * with its instruction queues, and the other memories the RTL holds (instruction memory, operand staging)
 * priced as SRAM. `arrayName` is the analytic array component's name.
 */
export function synthComponentAreas(report: SynthReport, arrayName: string, nodeNm = 28): ComponentArea[] {
  const geUm2 = GATE_EQUIVALENT_UM2 * areaScale(nodeNm);
  const isBuffer = (u: SynthUnitReport): boolean => u.depth === 1 && /_buf_[a-z]+$/.test(u.module);
  const groups: [string, SynthUnitReport[]][] = [
    [arrayName, report.units.filter((u) => u.depth >= 2)],
    ['tile engine (synthesized)', report.units.filter((u) => u.depth === 1 && Object.keys(u.children).length > 0)],
    ['buffer port logic (synthesized)', report.units.filter(isBuffer)],
    ['controller and instruction queues (synthesized)', report.units.filter((u) => u.depth === 0 || (u.depth === 1 && Object.keys(u.children).length === 0 && !isBuffer(u)))],
  ];
  const source = `Yosys ${report.yosys} ${report.flow} synthesis: stat -tech cmos transistors / ${TRANSISTORS_PER_GE} = GE × ${GATE_EQUIVALENT_UM2.toFixed(4)} µm² at 28 nm`;
  const out: ComponentArea[] = groups.map(([name, units]) => {
    const { ge } = unitsCost(units);
    return { name, gate_equivalents: Math.round(ge), area_um2: ge * geUm2, source: `${source} (${units.map((u) => `${u.instances} × ${u.unit}${u.extrapolated ? ` (extrapolated from ${u.extrapolated.points.map((p) => `${p.rows}×${p.cols}`).join(', ')})` : ''}`).join(', ')})` };
  });
  const otherBits = unitsCost(report.units.filter((u) => !isBuffer(u))).memoryBits;
  out.push({ name: 'instruction memory and operand staging (synthesized RAMs)', gate_equivalents: 0, area_um2: otherBits * sramUm2PerBit(nodeNm), source: `${otherBits} bits of $mem_v2 macros outside the buffers, priced as SRAM (src/estimate/technology.ts)` });
  return out;
}
