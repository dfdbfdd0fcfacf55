/**
 * A scale format must be able to hold the scales a scheme computes: a range whose scale rounds to zero
 * (e.g. `scale=int4` for weights below 1) would quantize to all zeros, and one beyond the format's largest
 * value would clip every element at the saturated scale. Both used to pass silently (0 dB SQNR); they are
 * refused here with the range, the scale and the reason, so the user picks a wider scale format.
 */
import type { NumberFormatBase } from '../formats/types.js';
import { QuantError } from './errors.js';

/**
 * Throws QuantError('bad-scheme') when `wanted` (the exact scale a range asks for, > 0) is stored as
 * `stored` in `format` so that the range is lost: rounded to zero (or not a finite positive value), or
 * saturated below a scale that exceeds the format's largest value. `where` names the range.
 */
export function checkScale(wanted: number, stored: number, format: NumberFormatBase, where: string): void {
  if (!(wanted > 0) || !Number.isFinite(wanted)) return;
  const fix = 'pick a scale format that holds it (e.g. scale=fp16, scale=fp32)';
  if (!(stored > 0) || !Number.isFinite(stored)) {
    throw new QuantError('bad-scheme', `scale format ${format.name} cannot hold the scale ${wanted.toPrecision(6)} of ${where}: it becomes ${stored} and the range would quantize to ${stored > 0 ? 'garbage' : 'zero'}; ${fix}`);
  }
  if (wanted > format.max) {
    throw new QuantError('bad-scheme', `scale format ${format.name} cannot hold the scale ${wanted.toPrecision(6)} of ${where}: its largest value is ${format.max}, so every element would clip; ${fix}`);
  }
}

/** "group 3", "channel 0", "the tensor": the name of scale range r in messages. */
export function rangeName(kind: 'tensor' | 'channel' | 'group', r: number): string {
  return kind === 'tensor' ? 'the tensor' : `${kind} ${r}`;
}
