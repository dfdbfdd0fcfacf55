/**
 * `npm run calibrate [-- --check] [--recorded]`: the PE area calibration of issue 15, reproducible.
 * For every PE kind (the cost facets' `areaModel`, declared in src/pe/<folder>/cost-area.ts) it elaborates the
 * kind's calibration points, synthesizes each PE the point's array is made of (src/estimate/synth/design.ts
 * `synthesizeArrayPe`: the tile engine's own PE where the kind declares one, CostFacet.arrayPeModule; Yosys
 * generic flow, every flip-flop priced; cached by RTL hash, src/estimate/synth), fits the kind's coefficients by least squares (src/estimate/calibration.ts) and
 * prints the table (point, synthesized vs analytic GE and µm², error) and the coefficients, committed vs fitted.
 * - default: also records the synthesis in test/estimate/pe-synth-calibration.json (atomically), which the
 *   suite's test/estimate/pe-area-calibration.test.ts checks the committed models against without Yosys.
 * - `--check`: writes nothing; exits 1 when a point's error exceeds 15%, a committed coefficient differs from
 *   the fit beyond its written rounding, or the recording differs from this synthesis.
 * - `--recorded`: takes the synthesized areas from the recording instead of running Yosys (seconds).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { calibrateKind, calibrationProblems, formatCalibrationTable, type CalibrationSample, type KindCalibration } from '../src/estimate/calibration.js';
import { declaredPart, elaborateCalibrationPoint, type CalibrationRecord, type RecordedCalibrationPoint } from '../src/estimate/calibration-point.js';
import { synthGateEquivalents } from '../src/estimate/synth/area.js';
import { synthesizeArrayPe } from '../src/estimate/synth/design.js';
import { yosysVersion } from '../src/estimate/synth/synthesize.js';
import type { SynthStats } from '../src/estimate/synth/types.js';
import { peAreaUm2 } from '../src/arch/gate-area.js';
import { costFacet } from '../src/pe/facets/cost.js';
import { PE_KINDS, type PeKind } from '../src/pe/kinds.js';

const ROOT = resolve(import.meta.dirname, '..');
const EXAMPLES = resolve(ROOT, 'examples');
const RECORD = resolve(ROOT, 'test/estimate/pe-synth-calibration.json');
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check' && a !== '--recorded');
if (unknown.length > 0) {
  console.error(`usage: npm run calibrate -- [--check] [--recorded]   (unknown: ${unknown.join(' ')})`);
  process.exit(1);
}
const check = args.includes('--check');
const recorded = args.includes('--recorded');

/** Flip-flops of a generic netlist (every one a plain $_DFF_P_/$_DFF_N_ since the flow's dffunmap). */
const flipFlops = (s: SynthStats): number => Object.entries(s.cell_types).filter(([t]) => /DFF/.test(t)).reduce((n, [, k]) => n + k, 0);
const round2 = (x: number): number => Math.round(x * 100) / 100;

function readRecord(): CalibrationRecord {
  try {
    return JSON.parse(readFileSync(RECORD, 'utf8')) as CalibrationRecord;
  } catch (err) {
    console.error(`error: cannot read ${RECORD}: ${(err as Error).message}`);
    process.exit(1);
  }
}

/** Synthesizes (or, `--recorded`, looks up) every declared point; the recording of what was synthesized. */
async function measure(): Promise<RecordedCalibrationPoint[]> {
  const record = recorded ? new Map(readRecord().points.map((p) => [p.label, p])) : undefined;
  const out: RecordedCalibrationPoint[] = [];
  for (const kind of PE_KINDS) {
    for (const point of costFacet(kind).areaModel.points) {
      const accel = elaborateCalibrationPoint(EXAMPLES, point);
      const pe = accel.arrays[0].pe;
      if (pe.kind !== kind) throw new Error(`${point.label}: declared by ${kind}, elaborates a ${pe.kind} PE`);
      if (record) {
        const r = record.get(point.label);
        if (!r) throw new Error(`${point.label}: not in ${RECORD}; run \`npm run calibrate\` to synthesize it`);
        if (JSON.stringify(declaredPart(r)) !== JSON.stringify(declaredPart(point))) throw new Error(`${point.label}: changed since it was recorded in ${RECORD}; run \`npm run calibrate\``);
        out.push({ ...declaredPart(point), kind, ge: r.ge, memoryBits: r.memoryBits, flipFlops: r.flipFlops, synthUm2: r.synthUm2 });
        continue;
      }
      const t0 = performance.now();
      const report = await synthesizeArrayPe(accel, { flow: 'generic', onUnit: (u) => console.error(`  synthesizing ${u} (${point.label})`) });
      const cached = report.units.every((u) => u.cached);
      console.error(`  ${point.label}: ${((performance.now() - t0) / 1000).toFixed(1)} s${cached ? ' (cached)' : ''}`);
      const ge = synthGateEquivalents(report.total);
      const memoryBits = report.total.memory_bits;
      out.push({ ...declaredPart(point), kind, ge: round2(ge), memoryBits, flipFlops: flipFlops(report.total), synthUm2: round2(peAreaUm2(ge, memoryBits)) });
    }
  }
  return out;
}

function calibrate(points: readonly RecordedCalibrationPoint[]): KindCalibration[] {
  return PE_KINDS.map((kind: PeKind) => {
    const samples = points
      .filter((p) => p.kind === kind)
      .map((p): CalibrationSample => {
        const array = elaborateCalibrationPoint(EXAMPLES, p).arrays[0];
        return { point: declaredPart(p), pe: array.pe, array, synthGe: p.ge, synthMemoryBits: p.memoryBits };
      });
    return calibrateKind(kind, samples);
  });
}

/** Where this synthesis and the recording disagree (a point added, removed, changed or synthesized differently). */
function recordDrift(points: readonly RecordedCalibrationPoint[]): string[] {
  const old = new Map(readRecord().points.map((p) => [p.label, p]));
  const drift: string[] = [];
  for (const p of points) {
    const r = old.get(p.label);
    if (!r) drift.push(`${p.label}: not recorded in ${RECORD}`);
    else if (JSON.stringify(declaredPart(r)) !== JSON.stringify(declaredPart(p)) || r.ge !== p.ge || r.memoryBits !== p.memoryBits || r.flipFlops !== p.flipFlops) {
      drift.push(`${p.label}: recorded ${r.ge} GE, ${r.memoryBits} RAM bits, ${r.flipFlops} flip-flops; synthesized ${p.ge}, ${p.memoryBits}, ${p.flipFlops}${JSON.stringify(declaredPart(r)) === JSON.stringify(declaredPart(p)) ? '' : ' (the point changed)'}`);
    }
    old.delete(p.label);
  }
  for (const label of old.keys()) drift.push(`${label}: recorded but no longer declared`);
  return drift;
}

function writeRecord(points: readonly RecordedCalibrationPoint[]): void {
  const record: CalibrationRecord = {
    comment: 'Written by `npm run calibrate` (scripts/calibrate.ts): the calibration points each PE kind declares (src/pe/<folder>/cost-area.ts), the PE that the array of each point is made of (the tile engine PE where the kind declares one) synthesized alone with the Yosys generic flow, every flip-flop priced (dffunmap); µm² at 28 nm (GE / 3.9 + RAM bits as SRAM), flip-flops counted. Read by test/estimate/pe-area-calibration.test.ts and `npm run calibrate -- --recorded`.',
    date: new Date().toISOString().slice(0, 10),
    yosys: `@yowasp/yosys ${yosysVersion()}`,
    flow: 'generic',
    points,
  };
  try {
    writeFileSync(`${RECORD}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(`${RECORD}.tmp`, RECORD);
  } catch (err) {
    console.error(`error: cannot write ${RECORD}: ${(err as Error).message}`);
    process.exit(1);
  }
  console.error(`  wrote ${RECORD}`);
}

const points = await measure();
const results = calibrate(points);
console.log(formatCalibrationTable(results));
const problems = calibrationProblems(results);
if (!recorded) {
  if (check) problems.push(...recordDrift(points));
  else writeRecord(points);
}
for (const p of problems) console.error(`${check ? 'error' : 'warning'}: ${p}`);
if (check) {
  console.error(problems.length === 0 ? 'calibration holds: every point within 15%, every committed coefficient the fit as rounded' : `calibration check failed: ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
