/**
 * What an accelerator is made of, priced by qacc's own model: the PE array (the kind's PE cost × PEs), each
 * buffer (SRAM area per bit, src/estimate/technology.ts), the tile engine's own logic and RAMs where the
 * kind's cost facet prices them (CostFacet.engineArea: a fit on recorded engine syntheses), what every generated
 * design holds outside its engine (outside-engine.ts: the buffers' port logic, the controller and its queues,
 * the instruction memory and queue RAMs), and the DRAM interface (not modelled: the DDR PHY
 * and controller lie outside the accelerator's area in the BitMoD accounting). Also the energy rates (per MAC
 * per mode, per byte of each buffer and of DRAM) and the peak rates per mode.
 */
import type { IrAccelerator, IrArray, IrBuffer } from '../ir/types.js';
import { resolveTarget } from '../compile/target.js';
import type { TargetOf } from '../pe/facets/compile.js';
import { costFacet, type PeCost } from '../pe/facets/cost.js';
import type { PeKind } from '../pe/kinds.js';
import { areaScale, DRAM_PJ_PER_BIT, energyScale, GATE_EQUIVALENT_UM2, SOURCES, sramPjPerByte, sramUm2PerBit, TRANSISTORS_PER_GE } from './technology.js';
import { CONTROLLER_FIT, OUTSIDE_ENGINE_SAMPLES, outsideEngineArea } from './outside-engine.js';
import type { ComponentArea, EnergyRate, UnpricedComponent } from './types.js';

/** The array an estimate prices (every example has one; resolveTarget also uses the first). */
export function firstArray(accel: IrAccelerator): IrArray | undefined {
  return accel.arrays[0];
}

/** One PE's cost at `nodeNm`. */
export function peCostAt(array: IrArray, nodeNm: number): PeCost {
  const c = costFacet(array.pe.kind).peCost(array.pe, array);
  return { areaUm2: c.areaUm2 * areaScale(nodeNm), energyPerCyclePj: c.energyPerCyclePj * energyScale(nodeNm), source: c.source };
}

/** A component of `um2` at `nodeNm`; its gate equivalents count NAND2 gates of the same node. */
function area(name: string, um2: number, source: string, nodeNm: number): ComponentArea {
  return { name, gate_equivalents: Math.round(um2 / (GATE_EQUIVALENT_UM2 * areaScale(nodeNm))), area_um2: um2, source };
}

const engineLogicName = (a: IrArray): string => `${a.name} tile engine logic`;
const engineRamName = (a: IrArray): string => `${a.name} tile engine RAMs`;

/**
 * Whether `name` is one of the analytic tile engine components of `accel` (its logic, its RAMs): what
 * `--synth generic` replaces by the synthesized engine and RAMs, and what the authors' model
 * (`--cost-model bitmod2025`, PEs and buffers only) leaves out.
 */
export function isEngineComponent(accel: IrAccelerator, name: string): boolean {
  return accel.arrays.some((a) => name === engineLogicName(a) || name === engineRamName(a));
}

/** The analytic components of what every generated design holds outside its PE array and tile engine (outside-engine.ts). */
export const OUTSIDE_ENGINE_COMPONENTS = {
  bufferPorts: 'buffer port logic',
  controller: 'controller and instruction queues',
  rams: 'instruction memory and queue RAMs',
} as const;

/**
 * Whether `name` is one of the analytic components outside the engine: what `--synth generic` replaces by its
 * synthesized buffers, controller and RAMs, and what the authors' model (PEs and buffers only) leaves out.
 */
export function isOutsideEngineComponent(name: string): boolean {
  return (Object.values(OUTSIDE_ENGINE_COMPONENTS) as string[]).includes(name);
}

/**
 * Area of every component at `nodeNm`: each array's PEs (and its tile engine where priced), each buffer, the
 * buffers' port logic, the controller and queues, the instruction memory and queue RAMs, the DRAM interface.
 */
export function componentAreas(accel: IrAccelerator, nodeNm: number): ComponentArea[] {
  const out: ComponentArea[] = [];
  for (const a of accel.arrays) {
    const pe = peCostAt(a, nodeNm);
    out.push(area(`${a.name} (${a.rows}×${a.cols} ${a.pe.kind} PEs)`, pe.areaUm2 * a.pes, `${pe.source}; × ${a.pes} PEs`, nodeNm));
    const cost = costFacet(a.pe.kind);
    const e = cost.engineArea?.(a.pe, a, resolveTarget(accel) as TargetOf<PeKind>);
    if (e) {
      const ge = e.transistors / TRANSISTORS_PER_GE;
      out.push(area(engineLogicName(a), ge * GATE_EQUIVALENT_UM2 * areaScale(nodeNm), `${e.source}: ${e.transistors} transistors / ${TRANSISTORS_PER_GE} = ${Math.round(ge)} GE at 28 nm`, nodeNm));
      out.push(area(engineRamName(a), e.memoryBits * sramUm2PerBit(nodeNm), `${e.source}: ${e.memoryBits} bits of staging RAM; ${SOURCES.sramArea}`, nodeNm));
    }
  }
  for (const b of accel.buffers) out.push(area(`${b.name} (${b.role}, ${b.bytes} B)`, b.bits * sramUm2PerBit(nodeNm), `${SOURCES.sramArea}; × ${b.bits} bits`, nodeNm));
  if (accel.arrays.length > 0) {
    const o = outsideEngineArea(accel);
    const logic = (transistors: number): number => (transistors / TRANSISTORS_PER_GE) * GATE_EQUIVALENT_UM2 * areaScale(nodeNm);
    const ports = o.buffers.map((b) => `${b.space} ${b.lanes} lanes × ${b.rowBits} row bits${b.writePorts > 1 ? ', engine write port' : ''}: ${b.transistors}`).join('; ');
    out.push(area(OUTSIDE_ENGINE_COMPONENTS.bufferPorts, logic(o.bufferTransistors), `byte-lane rotators and row carries of each buffer space, fitted on recorded buffer syntheses (${OUTSIDE_ENGINE_SAMPLES}): ${ports} transistors; / ${TRANSISTORS_PER_GE} GE at 28 nm`, nodeNm));
    out.push(area(OUTSIDE_ENGINE_COMPONENTS.controller, logic(o.controllerTransistors), `the top's dispatch, token, DMA and compute-unit logic (${o.controllerTransistors - 3 * CONTROLLER_FIT.queue} transistors: ${CONTROLLER_FIT.top} + ${CONTROLLER_FIT.perOutPortBit} × out-port bits, fitted on recorded top syntheses) + 3 instruction queues (${CONTROLLER_FIT.queue} each, as synthesized) (${OUTSIDE_ENGINE_SAMPLES}); / ${TRANSISTORS_PER_GE} GE at 28 nm`, nodeNm));
    out.push(area(OUTSIDE_ENGINE_COMPONENTS.rams, o.memoryBits * sramUm2PerBit(nodeNm), `${o.memoryBits} bits as the RTL declares them (src/arch/top-geometry.ts: ${o.memories.filter((m) => m.words * m.width >= 1024).map((m) => `${m.name} ${m.words}×${m.width}`).join(', ')}, and the address registers, loop stack and DMA tables); ${SOURCES.sramArea}`, nodeNm));
  }
  out.push(area('DRAM interface', 0, 'not modelled (DDR PHY and controller outside the accelerator, as in BitMoD)', nodeNm));
  return out;
}

/**
 * The arrays' tile engines the analytic components leave out (componentAreas adds an engine's logic and RAMs only
 * where its kind's CostFacet.engineArea prices it): one entry per array whose kind has no engine model, or none
 * for this target, and one per priced engine whose model names sub-units it leaves out (EngineArea.leavesOut),
 * so that the report says the area is short by them rather than showing nothing.
 */
export function unpricedComponents(accel: IrAccelerator): UnpricedComponent[] {
  const out: UnpricedComponent[] = [];
  for (const a of accel.arrays) {
    const cost = costFacet(a.pe.kind);
    const e = cost.engineArea?.(a.pe, a, resolveTarget(accel) as TargetOf<PeKind>);
    if (e) {
      if (e.leavesOut) out.push({ component: `${a.name} tile engine sub-units`, reason: `${e.leavesOut}; the area leaves them out` });
      continue;
    }
    const model = cost.engineArea ? 'none for target' : 'no model';
    const why =
      model === 'no model'
        ? `the ${a.pe.kind} PE kind's cost facet has no tile engine model (CostFacet.engineArea)`
        : `the ${a.pe.kind} PE kind's cost facet has no tile engine model for this design (CostFacet.engineArea returns none: no recorded engine syntheses fitted for it)`;
    out.push({ component: `${a.name} tile engine`, reason: `${why}; the area leaves out its logic and RAMs (\`qacc estimate --synth generic\` synthesizes them)` });
  }
  return out;
}

/** Energy of one byte of buffer `b` (one bank's capacity sets the access energy). */
export function bufferPjPerByte(b: IrBuffer, nodeNm: number): number {
  return sramPjPerByte(b.bytesPerBank, nodeNm);
}

/** DRAM energy per byte at any node (a DDR interface figure: not scaled with the logic node). */
export const DRAM_PJ_PER_BYTE = 8 * DRAM_PJ_PER_BIT;

/** The energy rates an estimate uses: per MAC of each mode, per byte of each buffer, per byte of DRAM. */
export function energyRates(accel: IrAccelerator, nodeNm: number): EnergyRate[] {
  const out: EnergyRate[] = [];
  const array = firstArray(accel);
  if (array) {
    const pe = peCostAt(array, nodeNm);
    for (const m of costFacet(array.pe.kind).peakModes(array.pe)) {
      out.push({ name: `MAC ${m.mode}`, pj: pe.energyPerCyclePj / m.macsPerCycle, per: 'multiply_accumulate', source: `${pe.source}; / ${m.macsPerCycle} MACs per PE-cycle` });
    }
  }
  for (const b of accel.buffers) out.push({ name: `SRAM ${b.name}`, pj: bufferPjPerByte(b, nodeNm), per: 'byte', source: `${SOURCES.sramEnergy} (bank ${b.bytesPerBank} B)` });
  out.push({ name: 'DRAM', pj: DRAM_PJ_PER_BYTE, per: 'byte', source: SOURCES.dram });
  return out;
}

/** Peak MACs per cycle of the whole accelerator for each mode of its first array. */
export function peakRates(accel: IrAccelerator): { readonly mode: string; readonly macs_per_cycle: number }[] {
  const array = firstArray(accel);
  if (!array) return [];
  return costFacet(array.pe.kind).peakModes(array.pe).map((m) => ({ mode: m.mode, macs_per_cycle: m.macsPerCycle * array.pes }));
}
