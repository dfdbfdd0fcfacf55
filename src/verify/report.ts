/**
 * Readable output of `qacc verify`: one block per failed case (backend pair, case id and purpose,
 * accelerator, workload, seed, the first differing output indices with expected and got values in hex and
 * decimal — for a layer chain also the layer —, and a command line that reproduces just that case), and the closing summary (cases per
 * backend pair, notes on directed cases that did not apply, the verdict).
 *
 * The repro line names the same file and `--set` overrides, only the two backends that disagreed, and
 * `--case <id>`: the id spells the whole case (cases.ts), so the line reruns that case alone whatever
 * --vectors, --workload or --shard the original run used.
 */
import type { NumberFormatBase } from '../formats/types.js';
import { verifyFacet } from '../pe/facets/verify.js';
import { caseShapes } from './cases.js';
import type { CaseOutcome, Divergence, OutputDiff, PairStats, VerifyRun } from './run.js';
import { formatShard, type Shard } from './shard.js';

/** What a repro line and the summary need to know about the invocation. */
export interface InvocationInfo {
  /** The .qacc path as the user gave it. */
  readonly file: string;
  /** `--set` overrides, in order. */
  readonly sets: readonly string[];
  readonly backends: readonly string[];
  readonly rtlDir?: string;
  /** `--rtl-max-gates`, when not the default (a repro line of an rtl case repeats it). */
  readonly rtlMaxGates?: number;
  readonly trace: boolean;
  readonly seed: number;
  readonly vectors: number;
  /** The --workload spec, when given. */
  readonly workload?: string;
  /** The --case id, when given (no plan then). */
  readonly caseId?: string;
  readonly shard?: Shard;
  /** Cases planned before sharding. */
  readonly plannedCases: number;
  readonly notes: readonly string[];
}

/** Quotes one shell word when needed (POSIX single quotes). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=,@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The argument list (after `qacc`) that reruns one case with the given backends. */
export function reproArgs(inv: InvocationInfo, caseId: string, backends: readonly string[]): string[] {
  const args = ['verify', inv.file, '--backends', backends.join(',')];
  for (const s of inv.sets) args.push('--set', s);
  const rtl = backends.includes('rtl') || backends.includes('rtl-pe');
  if (inv.rtlDir !== undefined && rtl) args.push('--rtl-dir', inv.rtlDir);
  if (inv.rtlMaxGates !== undefined && rtl) args.push('--rtl-max-gates', String(inv.rtlMaxGates));
  if (inv.trace && backends.includes('rtl') && backends.includes('sim')) args.push('--trace');
  args.push('--case', caseId);
  return args;
}

/** The repro command line. */
export function reproCommand(inv: InvocationInfo, caseId: string, backends: readonly string[]): string {
  return ['npx', 'qacc', ...reproArgs(inv, caseId, backends)].map(shellQuote).join(' ');
}

/** `0x3c00` padded to the format's width. */
export function hexCode(code: number, bits: number): string {
  return `0x${code.toString(16).padStart(Math.ceil(bits / 4), '0')}`;
}

/** The decimal value of a code (NaR for posit NaR, exact shortest float64 text otherwise). */
export function decimalCode(code: number, fmt: NumberFormatBase): string {
  if (code < 0 || code >= 2 ** fmt.bits || !Number.isInteger(code)) return 'not a code';
  if (fmt.isNaR(code)) return 'NaR';
  const v = fmt.decode(code);
  return Object.is(v, -0) ? '-0' : String(v);
}

function codeText(code: number, fmt: NumberFormatBase | undefined): string {
  if (!fmt) return `0x${code.toString(16)} (${code})`;
  return `${hexCode(code, fmt.bits)} (${decimalCode(code, fmt)})`;
}

function targetLine(o: CaseOutcome): string {
  const c = o.case;
  const t = o.target.target;
  const pe = t.pe;
  const mode = verifyFacet(pe.kind).describeVariant(pe, c.mode);
  const shapes = caseShapes(c);
  const dims = shapes.map((s) => `${s.m} × ${s.n}`).join(', ');
  const out = o.prepared ? `, output ${o.prepared.outputFormat.name} [${dims}]` : '';
  const workload = c.chained ? `chain:${shapes.map((s) => `${s.m}x${s.k}x${s.n}`).join(',')} (one program)` : `gemm:m=${c.shape.m},k=${c.shape.k},n=${c.shape.n}`;
  return `  accelerator ${c.accelerator} (${pe.kind} PE${mode}), workload ${workload}, seed ${c.seed}${out}`;
}

function diffLine(d: OutputDiff, div: Extract<Divergence, { kind: 'outputs' }>, fmt: NumberFormatBase | undefined, chain: boolean): string {
  const where = chain ? `layer ${d.layer + 1}, row ${d.row}, col ${d.col}` : `row ${d.row}, col ${d.col}`;
  return `    output ${d.index} (${where}): expected ${codeText(d.expected, fmt)} from ${div.reference}, got ${codeText(d.got, fmt)} from ${div.other}`;
}

/** The report block of one failed or errored case (empty for a passing one). */
export function formatCaseReport(o: CaseOutcome, inv: InvocationInfo): string {
  if (o.status === 'pass') return '';
  const lines: string[] = [];
  const c = o.case;
  if (o.error) {
    lines.push(`ERROR ${o.error.backend}: case ${c.id} (${c.purpose})`, targetLine(o), `  ${o.error.backend} failed: ${o.error.message}`);
    lines.push(`  reproduce: ${reproCommand(inv, c.id, inv.backends)}`);
    return lines.join('\n') + '\n';
  }
  for (const d of o.divergences) {
    switch (d.kind) {
      case 'outputs': {
        lines.push(`MISMATCH ${d.reference} vs ${d.other}: case ${c.id} (${c.purpose})`, targetLine(o));
        const layer = c.chained && d.first[0] ? ` (layer ${d.first[0].layer + 1} of ${caseShapes(c).length})` : '';
        lines.push(`  ${d.count} of ${d.total} outputs differ; first at output ${d.first[0]?.index ?? '?'}${layer}:`);
        for (const diff of d.first) lines.push(diffLine(diff, d, o.prepared?.outputFormat, c.chained !== undefined));
        break;
      }
      case 'cycles':
        lines.push(`MISMATCH cycles ${d.reference} vs ${d.other}: case ${c.id} (${c.purpose})`, targetLine(o));
        lines.push(`  expected ${d.expected} cycles from ${d.reference}, got ${d.got} from ${d.other} (difference ${d.got - d.expected})`);
        break;
      case 'trace':
        lines.push(`MISMATCH trace ${d.reference} vs ${d.other}: case ${c.id} (${c.purpose})`, targetLine(o));
        lines.push(`  first diverging cycle ${d.cycle}${d.layer === undefined ? '' : ` (${d.reference} dispatching layer ${d.layer + 1} of ${caseShapes(c).length})`}, signal ${d.signal}: ${d.reference} ${d.expected}, ${d.other} ${d.got}`);
        break;
      default: {
        const never: never = d;
        throw new Error(`unknown divergence ${JSON.stringify(never)}`);
      }
    }
    lines.push(`  reproduce: ${reproCommand(inv, c.id, [d.reference, d.other])}`);
  }
  return lines.join('\n') + '\n';
}

function pairLine(p: PairStats): string {
  const label = p.kind === 'outputs' ? `${p.reference} = ${p.other}` : `${p.kind} ${p.reference} = ${p.other}`;
  const what = p.kind === 'outputs' ? `${p.outputs} outputs compared` : p.kind === 'cycles' ? 'cycle counts compared' : 'per-cycle traces compared';
  const verdict = p.failed === 0 ? (p.kind === 'outputs' ? 'all bit-identical' : 'all equal') : `${p.failed} MISMATCHING`;
  return `  ${label.padEnd(22)} ${String(p.cases).padStart(5)} cases, ${what}: ${verdict}`;
}

/** The closing summary. */
export function formatSummary(run: VerifyRun, inv: InvocationInfo): string {
  const outcomes = run.outcomes;
  const targets = [...new Set(outcomes.map((o) => o.target.label))];
  const lines: string[] = [];
  const scope = inv.workload ? `workload ${inv.workload}` : 'directed shapes';
  const shard = inv.shard ? ` (shard ${formatShard(inv.shard)} of ${inv.plannedCases} planned)` : '';
  lines.push(`qacc verify ${inv.file}: ${outcomes.length} cases${shard} on ${targets.length} targets${targets.length ? ` (${targets.join(', ')})` : ''}`);
  const what = inv.caseId !== undefined ? `the case given with --case` : `${scope} and ${inv.vectors} random workloads per target, seed ${inv.seed}`;
  lines.push(`  backends ${inv.backends.join(', ')}; ${what}`);
  for (const p of run.pairs) lines.push(pairLine(p));
  const timed = run.pairs.some((p) => p.kind === 'cycles');
  if (!timed) {
    const reporting = run.backends.filter((b) => b.level === 'program').map((b) => b.name);
    lines.push(`  cycles                 ${reporting.length ? `only ${reporting.join(', ')} reports program cycles: nothing to compare them with` : 'no backend reports program cycles'}`);
  }
  for (const b of run.backends.filter((x) => x.level === 'pe')) {
    lines.push(`  ${b.name.padEnd(22)} PE level: ${b.description}; no program cycle count or trace`);
  }
  const errors = outcomes.filter((o) => o.status === 'error').length;
  if (errors > 0) lines.push(`  errors                 ${errors} cases could not run on every backend`);
  for (const n of [...run.notes, ...inv.notes]) lines.push(`  note: ${n}`);
  const failed = outcomes.filter((o) => o.status !== 'pass').length;
  lines.push(failed === 0 ? `OK: all ${outcomes.length} cases match` : `FAILED: ${failed} of ${outcomes.length} cases (${outcomes.length - failed} match)`);
  return lines.join('\n') + '\n';
}
