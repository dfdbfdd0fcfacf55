/**
 * What each bit_serial_mod datapath costs: the SQNR of qacc's datapath and of the authors' RTL
 * (`datapath = bitmod_rtl`) against the float64 ideal product (src/golden/ideal.ts, metrics.ts), on the
 * same random operands (Gaussian fp16 activations, uniform weight codes, uint8 group scales, g = 128,
 * fp32 output so the comparison is not one of overflows), printed as a table by `npm run bench`; plus the
 * golden throughput of the bitmod_rtl GEMM. docs/golden.md §bit_serial_mod quotes the table.
 */
import { FP16 } from '../src/formats/float.js';
import { compareToIdeal, goldenGemm } from '../src/golden/index.js';
import { termSchedule, type BitSerialDatapath, type BitSerialModConfig, type BitSerialModOperands, type BitSerialWeightType } from '../src/pe/bit-serial-mod/golden.js';
import type { BenchCase, BenchReport } from './harness.js';

function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
}

const MIXES: Readonly<Record<string, readonly BitSerialWeightType[]>> = {
  'BitMoD fp4 mix': ['bitmod_fp4_er_pos', 'bitmod_fp4_er_neg', 'bitmod_fp4_ea_pos', 'bitmod_fp4_ea_neg'],
  'BitMoD fp3 mix': ['bitmod_fp3_er_pos', 'bitmod_fp3_er_neg', 'bitmod_fp3_ea_pos', 'bitmod_fp3_ea_neg'],
  int8: ['int8'],
};

/** Operands of an M × K × N GEMM for a candidate list, from one seed (the same for both datapaths). */
function operands(candidates: readonly BitSerialWeightType[], m: number, k: number, n: number, seed: number): BitSerialModOperands {
  const r = generator(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const G = Math.ceil(k / 128);
  const selectors = Array.from({ length: n * G }, () => Math.floor(r() * candidates.length));
  return {
    m,
    k,
    n,
    activations: Array.from({ length: m * k }, () => FP16.encode(gauss())),
    weights: Array.from({ length: n * k }, (_, i) => Math.floor(r() * 2 ** termSchedule(candidates[selectors[Math.floor(i / k) * G + Math.floor((i % k) / 128)]]).bits)),
    selectors,
    groupScales: Array.from({ length: n * G }, () => 1 + Math.floor(r() * 255)),
    channelScales: Array.from({ length: n }, () => FP16.encode(1 / 1024)),
  };
}

const config = (candidates: readonly BitSerialWeightType[], datapath: BitSerialDatapath): BitSerialModConfig => ({ kind: 'bit_serial_mod', datapath, groupSize: 128, candidates, output: 'fp32' });

/** The SQNR table: one row per weight mix, both datapaths on the same operands. */
function sqnrTable(): string {
  const [m, k, n] = [16, 1024, 64];
  const rows = [['weights (16×1024×64, g128)', 'qacc SQNR', 'bitmod_rtl SQNR', 'qacc rel. error', 'bitmod_rtl rel. error', 'bitmod_rtl non-finite']];
  for (const [name, candidates] of Object.entries(MIXES)) {
    const ops = operands(candidates, m, k, n, 7);
    const q = compareToIdeal(config(candidates, 'qacc'), ops).metrics;
    const a = compareToIdeal(config(candidates, 'bitmod_rtl'), ops).metrics;
    rows.push([name, `${q.sqnrDb.toFixed(1)} dB`, `${a.sqnrDb.toFixed(1)} dB`, q.relFrobenius.toExponential(2), a.relFrobenius.toExponential(2), `${a.nonFinite} / ${m * n}`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => '| ' + row.map((cell, i) => cell.padEnd(widths[i])).join(' | ') + ' |';
  return [line(rows[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}

export const reports: BenchReport[] = [{ group: 'golden: bit_serial_mod datapath SQNR (qacc vs bitmod_rtl)', render: sqnrTable }];

export const cases: BenchCase[] = [
  {
    group: 'golden: GEMM',
    name: 'bit_serial_mod bitmod_rtl fp4 mix g128 16×1024×256',
    unit: 'MACs',
    minMs: 200,
    setup() {
      const c = config(MIXES['BitMoD fp4 mix'], 'bitmod_rtl');
      const ops = operands(c.candidates, 16, 1024, 256, 1);
      return () => {
        goldenGemm(c, ops);
        return 16 * 1024 * 256;
      };
    },
  },
];
