/**
 * The front-end fuzzer, shared by test/dsl/fuzz.test.ts (a fixed budget in the suite) and
 * scripts/fuzz.ts (`npm run fuzz`, as many cases as asked). Each case mutates one example with 1–3 edits
 * (delete, duplicate or swap a token, insert random bytes or a hostile token, replace a character,
 * truncate), compiles it through an in-memory host, and checks the contract: no exception, every
 * diagnostic from the catalog, every error located inside a loaded file, and every rejected input
 * explained by at least one located error. Tokens for the edits come from a plain regex, not from the
 * lexer under test; randomness from a seeded xorshift generator, so a failing case is reproducible.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Diag } from '../../src/dsl/diagnostics.js';
import { memoryHost } from '../../src/dsl/program.js';
import { compileFile } from '../../src/ir/elaborate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EXAMPLES = ['bitmod.qacc', 'xr-npe.qacc', 'svdquant.qacc'].map((f) => ({ name: f, text: readFileSync(join(ROOT, 'examples', f), 'utf8') }));

const CODES = new Set(Object.values(Diag).map((e) => e.code));

/** xorshift32: tiny, seeded, reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const HOSTILE = [
  '(', ')', '[', ']', '{', '}', ';', ',', '=', ':', '|', 'x', '×', '*', '/', '%', '-', '+', '"', '/*', '*/', '//',
  'pe', 'array', 'buffer', 'accelerator', 'import "bitmod.qacc";', 'import "nowhere.qacc";', 'scheme', 'param', 'const', 'format',
  '0', '-1', '99999999999999999999', '1e400', '0x', '0.5', '1 GiB', '4096 GiB', '1 KB', 'GHz', 'b/cycle',
  'fp(e=0,m=1)', 'posit(40, 9)', 'lut[1,2,3]', 'mixture([])', 'per_group(int4, group=0)', 'nvfp4()', 'mx(fp4_e2m1, block = 7)',
  'rows', 'bitmod_pe', 'true', 'none', '\u0000', '\ud800', '\u2028', 'é', '@', '#', '$', '`', '\\', "'", '\t\t', '\n\n',
  '('.repeat(80), '-'.repeat(300) + '1', Array(300).fill('1').join('+'),
];

const tokenCache = new Map<string, Array<{ start: number; end: number }>>();

function tokens(text: string): Array<{ start: number; end: number }> {
  const cached = tokenCache.get(text);
  if (cached) return cached;
  const out: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|"[^"\n]*"|\/\/[^\n]*|\S/g)) out.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  // The unmutated examples are tokenized over and over; mutated texts are seen once.
  if (EXAMPLES.some((e) => e.text === text)) tokenCache.set(text, out);
  return out;
}

/** One random edit. */
function mutateOnce(text: string, r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const toks = tokens(text);
  if (toks.length === 0) return text + pick(HOSTILE);
  const t = pick(toks);
  switch (Math.floor(r() * 8)) {
    case 0: // delete a token
      return text.slice(0, t.start) + text.slice(t.end);
    case 1: // duplicate a token
      return text.slice(0, t.end) + ' ' + text.slice(t.start, t.end) + text.slice(t.end);
    case 2: {
      // swap two tokens
      const u = pick(toks);
      const [a, b] = t.start < u.start ? [t, u] : [u, t];
      if (a.end > b.start) return text;
      return text.slice(0, a.start) + text.slice(b.start, b.end) + text.slice(a.end, b.start) + text.slice(a.start, a.end) + text.slice(b.end);
    }
    case 3: {
      // random bytes (any UTF-16 code units, lone surrogates included)
      const n = 1 + Math.floor(r() * 6);
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(r() < 0.7 ? Math.floor(r() * 128) : Math.floor(r() * 0x10000));
      const at = Math.floor(r() * (text.length + 1));
      return text.slice(0, at) + s + text.slice(at);
    }
    case 4: {
      // replace one character
      const at = Math.floor(r() * text.length);
      return text.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + text.slice(at + 1);
    }
    case 5: // truncate
      return text.slice(0, Math.floor(r() * text.length));
    case 6: // replace a token with a hostile one
      return text.slice(0, t.start) + pick(HOSTILE) + text.slice(t.end);
    default: {
      // insert a hostile token
      const at = pick(toks).start;
      return text.slice(0, at) + pick(HOSTILE) + ' ' + text.slice(at);
    }
  }
}

export function mutate(text: string, r: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(r() * 3);
  for (let i = 0; i < edits; i++) out = mutateOnce(out, r);
  return out;
}

/** Runs one case; returns a problem description, or undefined when the contract held. */
export function runCase(seed: number): { problem?: string; rejected: boolean } {
  const r = rng(seed);
  const base = EXAMPLES[Math.floor(r() * EXAMPLES.length)];
  const text = mutate(base.text, r);
  const files: Record<string, string> = {};
  for (const e of EXAMPLES) files[e.name] = e.text;
  files[base.name] = text;
  const overrides = r() < 0.05 ? [['rows=', 'size=0', 'rank=8', 'x=1', '=', 'rows=(', 'cols=1 GHz'][Math.floor(r() * 7)]] : [];
  try {
    const c = compileFile(base.name, memoryHost(files), { overrides });
    const rejected = c.design === undefined;
    for (const d of c.diagnostics) {
      if (!CODES.has(d.code)) return { problem: `seed ${seed}: unknown code ${d.code}`, rejected };
      if (d.severity !== 'error') continue;
      if (!d.span) {
        // Only a malformed --set has nothing to point at.
        if (d.code !== Diag.badOverride.code) return { problem: `seed ${seed}: unlocated ${d.code}: ${d.message}`, rejected };
        continue;
      }
      const src = c.source(d.span.file);
      if (!src) return { problem: `seed ${seed}: ${d.code} points into unknown file ${d.span.file}`, rejected };
      if (d.span.start.offset < 0 || d.span.end.offset > src.text.length || d.span.start.line < 1 || d.span.start.line > src.lineCount) {
        return { problem: `seed ${seed}: ${d.code} span out of bounds`, rejected };
      }
    }
    if (rejected && !c.diagnostics.some((d) => d.severity === 'error' && d.span)) {
      if (!c.diagnostics.some((d) => d.code === Diag.badOverride.code)) return { problem: `seed ${seed}: rejected without a located error`, rejected };
    }
    return { rejected };
  } catch (err) {
    return { problem: `seed ${seed}: threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, rejected: true };
  }
}
