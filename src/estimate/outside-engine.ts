/**
 * The parts of every generated accelerator outside its PE array and tile engine, whatever the PE kind
 * (src/codegen/verilog/top.ts and rtl-templates/): the top's RAMs (instruction memory, instruction queues,
 * address registers, loop stack, DMA in-flight tables), the buffers' port logic (each buffer space's byte-lane
 * rotators and row carries; their RAMs are the analytic buffers), and the controller with its queues' logic.
 * The analytic estimate prices them from the same geometry the RTL generator sizes them by
 * (src/arch/top-geometry.ts), without generating RTL:
 * - RAM bits: exact, Σ words × width of arch/top-geometry.ts topMemories (what Yosys keeps as `$mem_v2`);
 * - buffer port logic, per buffer space of L lanes (log2 L = lb), R row bits and w write ports (1, or 2 where
 *   the tile engine writes the space, CostFacet.engineBufferWrites): transistors a + b · mux bits + c · row bits,
 *   mux bits = (w + 1) · 8L · lb (each port's data rotator, lb byte stages) + w · L · lb (the write masks'),
 *   row bits = (w + 1) · L · R (each port's per-lane row increment); a, b, c fitted by least squares on the
 *   recorded buffer syntheses of test/estimate/outside-engine-samples.json (role `fit`); b comes out at the
 *   12 transistors of a generic-flow `$_MUX_`, c at the 18 of a half adder;
 * - controller and queues: the top's own logic, a + b · out-port bits (9 per lane of the out buffer: the write
 *   data byte and mask bit the top selects between the load DMA and the engine; the rest of the dispatch, token,
 *   DMA and compute-unit logic barely varies), fitted on recorded top syntheses, plus three queues' pointer
 *   logic (the same at every entry width: the entries are a RAM).
 * docs/estimate.md "Outside the tile engine" gives the samples, the held-out checks and their errors.
 */
import { bufferLanes, dramOutstanding } from '../arch/microarch.js';
import { bufferRamGeometry, memoryBits, topMemories, type TopMemory } from '../arch/top-geometry.js';
import { IMEM_WORDS } from '../compile/compact.js';
import { resolveTarget, type Target } from '../compile/target.js';
import type { IsaBuffer } from '../isa/index.js';
import type { TargetOf } from '../pe/facets/compile.js';
import { costFacet } from '../pe/facets/cost.js';
import type { PeKind } from '../pe/kinds.js';

/** Where the coefficients below come from (the report's source column). */
export const OUTSIDE_ENGINE_SAMPLES = 'test/estimate/outside-engine-samples.json';

/**
 * The buffers' port logic fitted on recorded syntheses (transistors = constant + perMuxBit · mux bits +
 * perRowBit · row bits; see the file header); test/estimate/synth/outside-engine-model.test.ts re-fits them
 * from the recorded samples.
 */
export const BUFFER_PORT_FIT = { constant: -295.9877, perMuxBit: 12.096669, perRowBit: 17.536325 } as const;

/**
 * The controller's logic: the top's own (its sub-units apart), top + perOutPortBit · 9 · out lanes, fitted on
 * the recorded top syntheses with role `fit`, and one instruction queue's (its entries a RAM), as synthesized
 * (OUTSIDE_ENGINE_SAMPLES).
 */
export const CONTROLLER_FIT = { top: 79888.4313, perOutPortBit: 6.608445, queue: 608 } as const;

/** One buffer space's port logic measure and its modelled transistors. */
export interface BufferPortLogic {
  readonly space: IsaBuffer;
  readonly lanes: number;
  readonly rowBits: number;
  /** 2 where the tile engine writes the space through a port of its own, else 1. */
  readonly writePorts: number;
  readonly muxBits: number;
  readonly carryBits: number;
  readonly transistors: number;
}

/** The port logic measure of a buffer space of `capacity` bytes in `lanes` lanes with `writePorts` write ports. */
export function bufferPortLogic(space: IsaBuffer, capacity: number, lanes: number, writePorts: number): BufferPortLogic {
  const g = bufferRamGeometry(capacity, lanes);
  const ports = writePorts + 1;
  const muxBits = ports * 8 * lanes * g.laneBits + writePorts * lanes * g.laneBits;
  const carryBits = ports * lanes * g.rowBits;
  const f = BUFFER_PORT_FIT;
  return { space, lanes, rowBits: g.rowBits, writePorts, muxBits, carryBits, transistors: Math.max(0, Math.round(f.constant + f.perMuxBit * muxBits + f.perRowBit * carryBits)) };
}

/** What the analytic estimate prices outside the PE array and the tile engine. */
export interface OutsideEngineArea {
  /** The top's RAMs (exact, as the RTL declares them). */
  readonly memories: readonly TopMemory[];
  readonly memoryBits: number;
  /** Every buffer space the RTL builds (capacity > 0), with its port logic. */
  readonly buffers: readonly BufferPortLogic[];
  readonly bufferTransistors: number;
  /** The top's own logic and its three queues'. */
  readonly controllerTransistors: number;
}

const SPACES: readonly IsaBuffer[] = ['act', 'wgt', 'meta', 'lrw', 'out'];

/** The parts outside the engine of target `t`'s generated RTL (see the file header). */
export function outsideEngineAreaOf(t: Target): OutsideEngineArea {
  const memories = topMemories({ imemWords: IMEM_WORDS, outstanding: dramOutstanding(t) });
  const lanes = bufferLanes(t);
  const writes = new Set(costFacet(t.pe.kind).engineBufferWrites?.(t as TargetOf<PeKind>) ?? []);
  const buffers = SPACES.filter((s) => t.capacity[s] > 0).map((s) => bufferPortLogic(s, t.capacity[s], lanes[s], writes.has(s) ? 2 : 1));
  return {
    memories,
    memoryBits: memoryBits(memories),
    buffers,
    bufferTransistors: buffers.reduce((s, b) => s + b.transistors, 0),
    controllerTransistors: Math.round(CONTROLLER_FIT.top + CONTROLLER_FIT.perOutPortBit * 9 * lanes.out) + 3 * CONTROLLER_FIT.queue,
  };
}

/** outsideEngineAreaOf the accelerator's target (its first array). */
export function outsideEngineArea(accel: Parameters<typeof resolveTarget>[0]): OutsideEngineArea {
  return outsideEngineAreaOf(resolveTarget(accel));
}
