/**
 * Elaborates a kind's calibration point (src/estimate/area-model.ts `CalibrationPoint`): the example's text
 * with the point's replacements applied (each must match, or the point no longer says what it claims),
 * compiled with its parameter overrides, and the accelerator it names. Used by `npm run calibrate`
 * (scripts/calibrate.ts, which synthesizes the accelerator's PE) and by the calibration test (which prices the
 * PE with the analytic model only).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileFile } from '../ir/elaborate.js';
import type { IrAccelerator } from '../ir/types.js';
import type { CalibrationPoint } from './area-model.js';
import { EstimateError } from './errors.js';

/** The accelerator of `point`, its example read from `examplesDir`. Throws an EstimateError naming the point. */
export function elaborateCalibrationPoint(examplesDir: string, point: CalibrationPoint): IrAccelerator {
  const path = resolve(examplesDir, point.file);
  let text = readFileSync(path, 'utf8');
  for (const [from, to] of point.replace ?? []) {
    if (!text.includes(from)) throw new EstimateError(`calibration point '${point.label}': ${point.file} no longer contains ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const host = {
    readFile: (f: string): string | undefined => {
      if (f === path) return text;
      try {
        return readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
  const c = compileFile(path, host, { overrides: [...(point.sets ?? [])] });
  const accel = c.design?.accelerators.find((a) => a.name === point.accel);
  if (!accel) throw new EstimateError(`calibration point '${point.label}': ${c.diagnostics.map((d) => d.message).join('; ') || `no accelerator ${point.accel}`}`);
  return accel;
}

/**
 * The recorded synthesis of one point (test/estimate/pe-synth-calibration.json, written by
 * `npm run calibrate`): the point as declared, its kind, and the synthesized PE's gate equivalents, RAM bits,
 * flip-flops and µm² at 28 nm.
 */
export interface RecordedCalibrationPoint extends CalibrationPoint {
  readonly kind: string;
  readonly ge: number;
  readonly memoryBits: number;
  readonly flipFlops: number;
  readonly synthUm2: number;
}

/** The recording: its provenance and points. */
export interface CalibrationRecord {
  readonly comment: string;
  readonly date: string;
  readonly yosys: string;
  readonly flow: string;
  readonly points: readonly RecordedCalibrationPoint[];
}

/** The point part of a recorded point, in the declared field order (to compare with the declaration). */
export function declaredPart(p: CalibrationPoint): CalibrationPoint {
  return { label: p.label, file: p.file, accel: p.accel, ...(p.sets ? { sets: p.sets } : {}), ...(p.replace ? { replace: p.replace } : {}), fit: p.fit };
}
