/**
 * A deterministic mutator of generated Verilog, for the harness self-test (issue 5): it lists the small
 * faults a hardware engineer could make — swap an operator, flip a constant bit, cut a carry, drop a
 * register stage — as typed records, and applies one at a time to a copy of the files. Whether
 * `qacc verify` catches each mutant (kills it) measures how strong the verification is.
 *
 * Algorithm: the generated RTL writes one statement per line, so the mutator works line by line and only on
 * the expression regions of four statement shapes it recognizes — `assign x = E;`, `wire … x = E;`,
 * `x <= E;` / `x = E;` inside an always block, and the port connections `.p(E)` of an instance line. Each
 * region is scanned into tokens (identifiers, sized and plain literals, operators, brackets); the contents of
 * `[...]` (bit selects, ranges) are skipped, so widths are never mutated. Every operator token with a swap
 * partner and every sized literal without x/z digits is a mutation site; a `wire [H:0] x = E;` whose E holds
 * a `+` or `-` is a carry-cut site; a nonblocking `x <= E;` whose E is not a bare literal (reset values are)
 * is a register-drop site. The mutants come out in file, line and column order, so the list is a pure
 * function of the text; `sampleMutants` picks a seeded, kind-stratified subset.
 *
 * Mutants keep line numbers: every replacement is one line (the carry cut declares its helper wire on the
 * same line). Equivalent mutants (same behaviour, e.g. a constant flip in a bit that is masked later) are
 * not detected here: a mutant that survives verification is reported as survived, never dropped.
 *
 * Running a mutant (`runMutant`): the mutated file set is written to a fresh directory and verified exactly
 * as `qacc verify --rtl-dir DIR` would: at PE level (`--backends golden,rtl-pe`; the subject holds the
 * PE's files), or at program level (`--backends golden,sim,rtl --trace`; the subject holds the accelerator
 * top's files: controller, DMA, buffers, tile engine and its units; outputs, cycle counts and per-cycle
 * traces are compared). Any failed or errored case kills the mutant; a mutant Verilator cannot build is
 * stillborn (counted apart: it is not a fault verification had to find). Builds are cached by
 * content hash (src/verify/rtl/verilator.ts), so rerunning a mutant on more cases costs no build.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GeneratedFile } from '../codegen/verilog/emit.js';
import { createSimBackend, goldenBackend } from './backends.js';
import type { VerifyCase, VerifyTarget } from './cases.js';
import { createRtlBackend } from './rtl-backend.js';
import { createRtlProgramBackend } from './rtl-program-backend.js';
import { ToolError } from './rtl/verilator.js';
import { runVerification } from './run.js';

/** What a mutant does to the RTL. */
export type MutantKind = 'operator-swap' | 'constant-flip' | 'carry-cut' | 'register-drop';

/** Every kind, in report order. */
export const MUTANT_KINDS: readonly MutantKind[] = ['operator-swap', 'constant-flip', 'carry-cut', 'register-drop'];

/** One mutant: a single-line replacement in one file. */
export interface Mutant {
  /** Stable id: `<file>:<line>:<column>:<kind>`. */
  readonly id: string;
  readonly kind: MutantKind;
  /** Path of the file (as in the GeneratedFile list). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** What changed, e.g. `'+' -> '-' in 'wire [5:0] s = a + b;'`. */
  readonly description: string;
  /** The line before and after the mutation (without the newline). */
  readonly original: string;
  readonly replacement: string;
}

/** Operator swaps: each operator's faulty partner (a wrong operator of the same arity and width rules). */
const SWAPS: Readonly<Record<string, string>> = {
  '+': '-',
  '-': '+',
  '&': '|',
  '|': '&',
  '&&': '||',
  '||': '&&',
  '^': '|',
  '<': '<=',
  '<=': '<',
  '>': '>=',
  '>=': '>',
  '==': '!=',
  '!=': '==',
  '<<': '>>',
  '>>': '<<',
  '>>>': '>>',
};

/** Operators, longest first (maximal munch). */
const OPERATORS = ['>>>', '<<<', '===', '!==', '&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '~&', '~|', '~^', '^~', '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '~', '!', '?', ':'];

type Token =
  | { readonly kind: 'op'; readonly text: string; readonly at: number }
  | { readonly kind: 'literal'; readonly text: string; readonly at: number; readonly width: number; readonly signed: boolean; readonly base: 'b' | 'o' | 'd' | 'h'; readonly digits: string }
  | { readonly kind: 'other'; readonly text: string; readonly at: number };

const SIZED = /^(\d+)'([sS]?)([bodhBODH])([0-9a-fA-F_xXzZ?]+)/;

/** Tokens of an expression region; `[...]` contents are skipped (bit selects and ranges are not mutated). */
function tokenize(text: string, offset: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '[') {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text[j] === '[') depth++;
        else if (text[j] === ']' && --depth === 0) break;
      }
      i = j + 1;
      continue;
    }
    const rest = text.slice(i);
    const sized = SIZED.exec(rest);
    if (sized) {
      out.push({ kind: 'literal', text: sized[0], at: offset + i, width: Number(sized[1]), signed: sized[2] !== '', base: sized[3].toLowerCase() as 'b' | 'o' | 'd' | 'h', digits: sized[4] });
      i += sized[0].length;
      continue;
    }
    const word = /^(\$?[A-Za-z_][A-Za-z0-9_$]*|\d+)/.exec(rest);
    if (word) {
      out.push({ kind: 'other', text: word[0], at: offset + i });
      i += word[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      out.push({ kind: 'op', text: op, at: offset + i });
      i += op.length;
      continue;
    }
    out.push({ kind: 'other', text: ch, at: offset + i });
    i++;
  }
  return out;
}

const RADIX = { b: 2, o: 8, d: 10, h: 16 } as const;

/** The literal with bit 0 of its value flipped, or undefined for x/z digits or a zero width. */
function flipLiteral(t: Extract<Token, { kind: 'literal' }>): string | undefined {
  if (t.width < 1 || /[xXzZ?]/.test(t.digits)) return undefined;
  const digits = t.digits.replace(/_/g, '');
  const radix = BigInt(RADIX[t.base]);
  let v = 0n;
  for (const d of digits.toLowerCase()) v = v * radix + BigInt(parseInt(d, 16));
  const flipped = (v ^ 1n) & ((1n << BigInt(t.width)) - 1n);
  return `${t.width}'${t.signed ? 's' : ''}${t.base}${flipped.toString(RADIX[t.base])}`;
}

/** An expression region of a line: [start, end) columns (0-based). */
interface Region {
  readonly start: number;
  readonly end: number;
}

/** The `.port(expr)` regions of an instance line. */
function portRegions(code: string): Region[] {
  const out: Region[] = [];
  const re = /\.\w+\s*\(/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    let depth = 1;
    let j = m.index + m[0].length;
    for (; j < code.length && depth > 0; j++) {
      if (code[j] === '(') depth++;
      else if (code[j] === ')') depth--;
    }
    out.push({ start: m.index + m[0].length, end: j - 1 });
    re.lastIndex = j;
  }
  return out;
}

const ASSIGN = /^(\s*assign\s+[^=]*?=\s*)(.*);\s*$/;
const DECL = /^(\s*wire\b[^=;]*?\b)([A-Za-z_][A-Za-z0-9_$]*)(\s*=\s*)(.*);\s*$/;
const NONBLOCKING = /^(\s*(?:if\s*\([^)]*\)\s*)?)([A-Za-z_][A-Za-z0-9_$]*(?:\[[^\]]*\])?)(\s*<=\s*)(.*);\s*$/;
const BLOCKING = /^(\s*[A-Za-z_][A-Za-z0-9_$]*(?:\[[^\]]*\])?\s*=\s*)(.*);\s*$/;
const INSTANCE = /^\s*[A-Za-z_][A-Za-z0-9_$]*\s+(?:#\s*\(.*\)\s*)?[A-Za-z_][A-Za-z0-9_$]*\s*\(\s*\./;
const BARE_LITERAL = /^\s*(\d+'[sS]?[bodhBODH][0-9a-fA-F_xXzZ]+|\d+)\s*$/;

/** Every mutant of one file, in line then column order. */
function fileMutants(file: GeneratedFile): Mutant[] {
  const out: Mutant[] = [];
  const lines = file.text.split('\n');
  let inAlways = false;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const cut = raw.indexOf('//');
    const code = cut >= 0 ? raw.slice(0, cut) : raw;
    if (/^\s*always\b/.test(code)) inAlways = true;
    if (/^\s*(endmodule|assign|wire)\b/.test(code)) inAlways = false;
    const add = (kind: MutantKind, column: number, description: string, replacement: string): void => {
      out.push({ id: `${file.path}:${lineNo}:${column + 1}:${kind}`, kind, file: file.path, line: lineNo, description: `${description} in '${raw.trim()}'`, original: raw, replacement });
    };
    let regions: Region[] = [];
    const decl = DECL.exec(code);
    const assign = ASSIGN.exec(code);
    const nb = inAlways ? NONBLOCKING.exec(code) : null;
    const blocking = inAlways && !nb ? BLOCKING.exec(code) : null;
    if (decl) regions = [{ start: decl[1].length + decl[2].length + decl[3].length, end: decl[1].length + decl[2].length + decl[3].length + decl[4].length }];
    else if (assign) regions = [{ start: assign[1].length, end: assign[1].length + assign[2].length }];
    else if (nb) regions = [{ start: nb[1].length + nb[2].length + nb[3].length, end: nb[1].length + nb[2].length + nb[3].length + nb[4].length }];
    else if (blocking) regions = [{ start: blocking[1].length, end: blocking[1].length + blocking[2].length }];
    else if (INSTANCE.test(code)) regions = portRegions(code);
    for (const r of regions) {
      for (const t of tokenize(code.slice(r.start, r.end), r.start)) {
        const before = raw.slice(0, t.at);
        const after = raw.slice(t.at + t.text.length);
        if (t.kind === 'op' && SWAPS[t.text] !== undefined) {
          add('operator-swap', t.at, `'${t.text}' -> '${SWAPS[t.text]}'`, `${before}${SWAPS[t.text]}${after}`);
        } else if (t.kind === 'literal') {
          const flipped = flipLiteral(t);
          if (flipped !== undefined) add('constant-flip', t.at, `${t.text} -> ${flipped} (bit 0 flipped)`, `${before}${flipped}${after}`);
        }
      }
    }
    if (decl) {
      // Carry cut: the sum's top bit forced to 0. The full-width sum goes to a helper wire declared with
      // the same type, so the expression still evaluates at its original width and signedness.
      const range = /\[(\d+):0\]/.exec(decl[1]);
      const h = range ? Number(range[1]) : 0;
      const expr = decl[4];
      const arith = tokenize(expr, 0).some((t) => t.kind === 'op' && (t.text === '+' || t.text === '-'));
      if (h >= 1 && arith) {
        const name = decl[2];
        const full = `${name}__qacc_full`;
        add('carry-cut', decl[1].length, `top bit ${h} (carry out or sign) of ${name} forced to 0`, `${decl[1]}${full}${decl[3]}${expr}; ${decl[1].trimStart()}${name} = { 1'b0, ${full}[${h - 1}:0] };`);
      }
    }
    if (nb && !BARE_LITERAL.test(nb[4])) {
      // Register drop: the register holds its value instead of loading its input.
      add('register-drop', nb[1].length, `register ${nb[2]} never loads (holds its value)`, `${nb[1]}${nb[2]}${nb[3]}${nb[2]};`);
    }
  });
  return out;
}

/** Every mutant of the Verilog files (`.v`/`.sv`) of a file set, in file, line and column order. */
export function listMutants(files: readonly GeneratedFile[]): Mutant[] {
  return files.filter((f) => /\.s?v$/.test(f.path)).flatMap(fileMutants);
}

/** The file set with one mutant applied (the other files are returned unchanged). */
export function applyMutant(files: readonly GeneratedFile[], mutant: Mutant): GeneratedFile[] {
  let applied = false;
  const out = files.map((f) => {
    if (f.path !== mutant.file) return f;
    const lines = f.text.split('\n');
    if (lines[mutant.line - 1] !== mutant.original) throw new Error(`mutant ${mutant.id} does not match line ${mutant.line} of ${f.path}`);
    lines[mutant.line - 1] = mutant.replacement;
    applied = true;
    return { path: f.path, text: lines.join('\n') };
  });
  if (!applied) throw new Error(`mutant ${mutant.id}: no file ${mutant.file}`);
  return out;
}

/**
 * A deterministic sample of `n` mutants: each kind's mutants are shuffled with a seeded generator, then
 * the kinds are taken round-robin (so every kind is represented while it has mutants left). The result
 * is sorted by id so reports read in file order.
 */
export function sampleMutants(mutants: readonly Mutant[], n: number, seed: number): Mutant[] {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    // xorshift32: a small, portable deterministic generator
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const pools = MUTANT_KINDS.map((k) => {
    const pool = mutants.filter((m) => m.kind === k);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool;
  });
  const picked: Mutant[] = [];
  while (picked.length < n && pools.some((p) => p.length > 0)) {
    for (const p of pools) {
      const m = p.shift();
      if (m && picked.length < n) picked.push(m);
    }
  }
  return picked.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------------
// Running mutants through verification
// ---------------------------------------------------------------------------------------------------

/** What verification did to a mutant. */
export type MutantStatus = 'killed' | 'survived' | 'stillborn';

/** The outcome of one mutant (or of the unmutated control when `mutant` is undefined). */
export interface MutantOutcome {
  readonly mutant: Mutant | undefined;
  readonly status: MutantStatus;
  /** Cases that failed or errored, of `cases`. */
  readonly failedCases: number;
  readonly cases: number;
  /** The first failed case and why (killed), or the build error's first line (stillborn). */
  readonly evidence: string | undefined;
}

/** At which level mutants are verified: the PE-level bench, or the whole accelerator running programs. */
export type MutationLevel = 'pe' | 'program';

/** What a mutation run verifies: the files as `qacc build` writes them, and the cases to run on them. */
export interface MutationSubject {
  /** The build output (rtl/*.v and files.f). */
  readonly files: readonly GeneratedFile[];
  /** Default 'pe'. */
  readonly level?: MutationLevel;
  readonly targets: readonly VerifyTarget[];
  readonly cases: readonly VerifyCase[];
  /** A scratch directory (each run writes and removes one subdirectory). */
  readonly workDir: string;
}

let runCounter = 0;

/** Verifies `subject.files` with `mutant` applied (none: the control) against the golden model. */
export async function runMutant(subject: MutationSubject, mutant: Mutant | undefined): Promise<MutantOutcome> {
  const files = mutant ? applyMutant(subject.files, mutant) : subject.files;
  const dir = join(subject.workDir, `m${runCounter++}`);
  try {
    for (const f of files) {
      const p = join(dir, f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.text);
    }
    let run;
    try {
      const program = subject.level === 'program';
      const backends = program ? [goldenBackend, createSimBackend(), createRtlProgramBackend()] : [goldenBackend, createRtlBackend()];
      run = await runVerification({ targets: subject.targets, cases: subject.cases, backends, options: { trace: program, rtlDir: dir } });
    } catch (err) {
      if (err instanceof ToolError && /verilator build of/.test(err.message)) {
        return { mutant, status: 'stillborn', failedCases: 0, cases: subject.cases.length, evidence: err.message.split('\n').find((l) => /%Error/.test(l)) ?? err.message.split('\n')[0] };
      }
      throw err;
    }
    const failed = run.outcomes.filter((o) => o.status !== 'pass');
    const first = failed[0];
    const evidence = first === undefined ? undefined : `${first.case.id}: ${first.error ? `${first.error.backend} error: ${first.error.message}` : first.divergences.map((d) => (d.kind === 'outputs' ? `${d.count} of ${d.total} outputs differ` : d.kind === 'trace' ? `trace differs first in cycle ${d.cycle}, signal ${d.signal}` : `cycles ${d.expected} vs ${d.got}`)).join('; ')}`;
    return { mutant, status: failed.length > 0 ? 'killed' : 'survived', failedCases: failed.length, cases: run.outcomes.length, evidence };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Killed, survived and stillborn counts of one kind (or of all kinds). */
export interface KillTally {
  readonly kind: MutantKind | 'all';
  readonly killed: number;
  readonly survived: number;
  readonly stillborn: number;
  /** killed / (killed + survived); NaN when neither. Stillborn mutants are not counted. */
  readonly killRate: number;
}

/** Kill rates per kind (kinds with mutants only) and overall. */
export function tallyMutants(outcomes: readonly MutantOutcome[]): KillTally[] {
  const tally = (kind: MutantKind | 'all', of: readonly MutantOutcome[]): KillTally => {
    const killed = of.filter((o) => o.status === 'killed').length;
    const survived = of.filter((o) => o.status === 'survived').length;
    return { kind, killed, survived, stillborn: of.length - killed - survived, killRate: killed / (killed + survived) };
  };
  const mutated = outcomes.filter((o) => o.mutant !== undefined);
  const kinds = MUTANT_KINDS.filter((k) => mutated.some((o) => o.mutant?.kind === k));
  return [...kinds.map((k) => tally(k, mutated.filter((o) => o.mutant?.kind === k))), tally('all', mutated)];
}
