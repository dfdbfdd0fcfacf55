/**
 * The bound on what the rtl backends hand to Verilator. A Verilator model's build time and memory grow with the
 * design's logic, and an example at its declared size is far past what a verification run can build:
 * svdquant_w4a4 at 16 × 16 PEs of 64 lanes (about 54 M gate equivalents of logic) made Verilator run 8 minutes
 * and write 773 MB of C++ (session 19), and Verilator itself grew past 20 GB resident within 6 minutes (2026-12-08,
 * stopped at 21.3 GB on a 24 GB machine). So before building, each rtl backend estimates the
 * model's logic with the analytic estimate's own model (src/estimate/logic-size.ts: PEs, tile engine, buffer
 * ports and controller, RAMs apart) and refuses a design above the bound with one line that states the bound,
 * the estimate, how to verify a smaller instance of the same design (`--set` on the params that size it) and
 * how to raise the bound (`--rtl-max-gates`).
 */
import { targetLogicSize } from '../estimate/logic-size.js';
import type { VerifyTarget } from './cases.js';
import { VerifyError } from './errors.js';

/**
 * The default bound, GE of logic: every example at its declared size but svdquant's (about 54 M) is below it.
 * Cold builds measured on 2 cores (2026-12-08; `qacc verify --backends golden,rtl --vectors 0 -w gemm:m=8,k=64,n=8`,
 * build and cases): bitmod 8 × 8 (0.9 M GE) 21 s, mac_fp16 (1.7 M) 62 s, svdquant_w4a4 4 × 4 × 16 lanes (2.2 M)
 * 37 s, xr_npe (4.2 M) 69 s, bitmod at 32 × 32 (11.1 M) 253 s with Verilator itself at 3.6 GB resident; svdquant_w4a4
 * at 16 × 16 × 64 lanes (53.7 M): Verilator at 10 GB after one minute and 21.3 GB after seven, still running. docs/verification.md
 * "How large a design the rtl backends build".
 */
export const DEFAULT_RTL_MAX_GATES = 16_000_000;

/** A design parameter as `--set` names it. */
export interface SettableParam {
  readonly name: string;
  readonly value: string;
}

/** `53.7 M`, `850 k`, `900`: a gate count to three significant digits. */
export function formatGates(ge: number): string {
  if (ge >= 1e6) return `${Number((ge / 1e6).toPrecision(3))} M`;
  if (ge >= 1e3) return `${Number((ge / 1e3).toPrecision(3))} k`;
  return String(Math.round(ge));
}

/** `n` rounded up to two significant digits (a bound to suggest). */
function ceilTwoDigits(n: number): number {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / unit) * unit;
}

/**
 * Throws the one-line refusal when any target's RTL is above `limit` GE of logic, naming each such target.
 * `level`: the whole accelerator (`program`, the rtl backend) or one PE (`pe`, rtl-pe and the PE-level
 * fallback). `params`: the design's, for the hint (integer-valued ones are what `--set` usually shrinks).
 */
export function checkRtlSize(targets: readonly VerifyTarget[], level: 'program' | 'pe', limit: number, params: readonly SettableParam[]): void {
  // one model per accelerator (every SIMD mode of a simd_mac PE runs on the same RTL): its first target stands for it
  const firstOfEach = targets.filter((t, i) => targets.findIndex((x) => x.accelerator.name === t.accelerator.name) === i);
  const over = firstOfEach.flatMap((t) => {
    const size = targetLogicSize(t.target);
    const ge = level === 'pe' ? size.pe : size.total;
    const parts = level === 'pe' ? 'one PE' : `${size.pes} PEs × ${formatGates(size.pe)}${size.engine !== undefined ? ` + tile engine ${formatGates(size.engine)}` : ''} + ports and controller ${formatGates(size.outside)}`;
    return ge > limit ? [{ label: t.accelerator.name, ge, parts }] : [];
  });
  if (over.length === 0) return;
  const largest = Math.max(...over.map((o) => o.ge));
  const numeric = params.filter((p) => /^\d+$/.test(p.value));
  const shrink = numeric.length ? `Verify a smaller instance with --set (the design's params: ${numeric.map((p) => `${p.name}=${p.value}`).join(', ')})` : 'Verify a smaller instance (fewer PEs or lanes)';
  const listed = over.slice(0, 3).map((o, i) => `${o.label} about ${formatGates(o.ge)}${i === 0 ? ' gate equivalents of logic' : ''} (${o.parts})`);
  const more = over.length > 3 ? `, and ${over.length - 3} more` : '';
  throw new VerifyError(
    'bad-options',
    `${level === 'pe' ? 'rtl-pe' : 'rtl'} backend: the RTL is too large for a Verilator build: ${listed.join(', ')}${more}; ` +
      `the bound is ${formatGates(limit)} (--rtl-max-gates, on qacc estimate's model; measured: an 11 M model builds in about 4 minutes on 2 cores with Verilator at 3.6 GB, at 54 M Verilator passed 20 GB). ` +
      `${shrink}, or raise the bound with --rtl-max-gates ${ceilTwoDigits(largest)}`,
  );
}
