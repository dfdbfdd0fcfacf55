/**
 * The scheduler on a weight-stationary mac array (`dataflow = weight_stationary`, src/pe/mac/compile-ws.ts):
 * tiles of up to 256 tokens × cols channels, every candidate computing the golden GEMM on the simulator
 * (ragged shapes, several m, n and k tiles, each residency forced), and the tie-break that keeps the weight
 * panel resident (choose.ts rankedSchedules). The oracle is the golden GEMM on whole tensors.
 */
import { describe, expect, it } from 'vitest';
import { compileGemm, ISA_LIMITS, randomOperands, resolveTarget, type Target } from '../../src/compile/index.js';
import { unpackMatrix } from '../../src/compile/pack.js';
import { chooseSchedule, rankedSchedules, scheduleCandidates } from '../../src/compile/schedule/choose.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../src/golden/index.js';
import { Machine } from '../../src/sim/index.js';
import { sourceAccelerators } from '../sim/helpers.js';

/** examples/mac-ws.qacc's shape: int8 and fp16 (fp32 accumulator) mac PEs, weight-stationary, 64 KiB buffers. */
function wsTarget(rows: number, cols: number, pe: string, bufferKiB = 64): Target {
  const [a] = sourceAccelerators(`
pe p : mac { ${pe} }
array a { pe = p; rows = ${rows}; cols = ${cols}; dataflow = weight_stationary; }
buffer w { size = ${bufferKiB} KiB; width = 128; banks = 1; role = weights; }
buffer x { size = ${bufferKiB} KiB; width = 128; banks = 1; role = activations; }
buffer o { size = ${bufferKiB} KiB; width = 128; banks = 1; role = outputs; }
accelerator acc { arrays = a; buffers = [w, x, o]; clock = 1 GHz; dram = 128 b/cycle; }
`);
  return resolveTarget(a);
}

const INT8 = 'weights = int8; activations = int8;';
const FP16 = 'weights = fp16; activations = fp16; accumulator = fp32;';

describe('the scheduler on a weight-stationary mac array', () => {
  it('tiles stream up to 256 tokens through cols channels of weights', () => {
    const t = wsTarget(4, 6, INT8);
    const s = chooseSchedule(t, { m: 1000, k: 64, n: 50 }, ISA_LIMITS);
    expect(s.tiling.mt).toBe(256);
    expect(s.tiling.nt).toBe(6);
  });

  it('prefers a resident weight panel where the cost model ties (16 × 16 int8, 256 × 1024 × 1024)', () => {
    const t = wsTarget(16, 16, INT8);
    const shape = { m: 256, k: 1024, n: 1024 };
    const all = scheduleCandidates(t, shape, ISA_LIMITS);
    const none = all.find((c) => c.resident === 'none');
    const wgt = all.find((c) => c.resident === 'wgt');
    expect(none && wgt).toBeTruthy();
    // one m tile: both read every weight once and predict the same cycles and bytes; the rule decides
    // between the two-slot schedules (a streamed ring of 4 slots, whose store is cut into pieces, is
    // predicted faster than both since the cost model times such stores piece by piece, and simulates
    // faster: 1,264,970 against 1,316,761 cycles on examples/mac-ws.qacc)
    expect(wgt?.predicted).toEqual(none?.predicted);
    const chosen = rankedSchedules(t, shape, ISA_LIMITS).filter((c) => c.ahead === 2)[0];
    expect([chosen.resident, chosen.order]).toEqual(['wgt', 'n-outer']);
  });

  for (const [name, pe] of [['int8', INT8], ['fp16', FP16]] as const) {
    it(`${name}: every candidate equals golden on a ragged GEMM (several m tiles of more tokens than columns, ragged n, several k tiles)`, () => {
      const t = wsTarget(4, 4, pe, 16);
      const shape = { m: 261, k: 90, n: 11 };
      const residents = [...new Set(scheduleCandidates(t, shape, ISA_LIMITS).map((c) => c.resident))];
      expect(residents.length).toBeGreaterThan(1);
      for (const resident of residents) {
        const ops = randomOperands(t, shape, 5);
        const c = compileGemm(t, shape, ops, { resident });
        expect(c.schedule.resident).toBe(resident);
        expect(c.tiling.mTiles).toBeGreaterThan(1);
        expect(c.tiling.kTiles).toBeGreaterThan(1);
        expect(c.tiling.mt).toBeGreaterThan(t.array.cols);
        new Machine(t, c.program, c.dram).run();
        const got = unpackMatrix(c.dram as Uint8Array, c.layout.y, shape.m, shape.n, t.bits.out);
        const want = goldenGemm(t.golden, ops as GoldenOperands<GoldenConfig>).codes;
        expect({ resident, equal: got.every((v, i) => v === want[i]) }).toEqual({ resident, equal: true });
      }
    });
  }
});
