/**
 * The CLI fuzzer, shared by test/cli/cli-fuzz.test.ts (a fixed budget in the suite) and scripts/fuzz.ts
 * (`npm run fuzz cli [cases] [first-seed]`). Each case is a random qacc command line: a command, random
 * flags (also unknown, repeated and missing ones) and random values, paths drawn from a pool holding `.`,
 * `..`, `/`, folders, regular files, the design and its import, a FIFO, a symbolic link, a read-only
 * folder, a build output, `/proc/...`, `/sys/...`, `/dev/zero`, `/dev/null`, `-`, and new names. It runs
 * in-process (runCli) with a sandbox as the working directory and checks the contract: exit code 0 or 1,
 * no "internal error", no stack trace, and nothing changed in the sandbox (or its parent, which `..`
 * names) except the outputs the command line named (and the folders created to hold them). Designs are
 * tiny and workloads small, so a case takes milliseconds; no Verilator and no Yosys (--synth and the rtl
 * backends are never drawn). Randomness from a seeded generator: a failing case is reproducible by seed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { realPathOf } from '../../src/cli/output-paths.js';
import { rng } from '../dsl/fuzz-lib.js';
import { runCli } from './fake-io.js';
import { SMALL_QACC, snapshotTree, withCwd } from './sandbox.js';

/** A sandbox: `root` (what `..` names) holding `box`, the working directory of every case. */
export interface FuzzSandbox {
  readonly root: string;
  readonly box: string;
  dispose(): void;
}

/** Creates the sandbox with its inputs, user files and a previous build output. */
export async function makeSandbox(): Promise<FuzzSandbox> {
  const root = mkdtempSync(join(tmpdir(), 'qacc-clifuzz-'));
  const box = join(root, 'box');
  mkdirSync(box);
  writeFileSync(join(root, 'outside.txt'), 'a file beside the sandbox');
  const w = (p: string, text: string): void => writeFileSync(join(box, p), text);
  w('small.qacc', SMALL_QACC);
  mkdirSync(join(box, 'lib'));
  w('lib/pe.qacc', SMALL_QACC.split('\n')[0] + '\n');
  w('top.qacc', `import "lib/pe.qacc";\n${SMALL_QACC.split('\n').slice(1).join('\n')}`);
  w('bad.qacc', 'param = ;\npe p : mac { weights = nonsense; }\n');
  w('dev-import.qacc', 'import "/dev/zero";\n');
  w('notes.txt', 'a user file');
  mkdirSync(join(box, 'project'));
  w('project/todo.md', 'a user file in a folder');
  mkdirSync(join(box, 'empty'));
  mkdirSync(join(box, 'readonly'));
  w('readonly/keep.txt', 'kept');
  execFileSync('chmod', ['555', join(box, 'readonly')]);
  w('t.json', JSON.stringify({ shape: [2, 8], data: Array.from({ length: 16 }, (_, i) => (i - 7) / 4) }));
  w('p.s', 'halt\n');
  w('garbage.bin', '\u0000\u0001\u0002 not a program');
  execFileSync('mkfifo', [join(box, 'fifo')]);
  symlinkSync('small.qacc', join(box, 'link.qacc'));
  const built = await withCwd(box, () => runCli(['build', 'small.qacc', '-o', 'built']));
  const asm = await withCwd(box, () => runCli(['asm', 'p.s', '-o', 'prog.bin']));
  if (built.code !== 0 || asm.code !== 0) throw new Error(`sandbox setup failed: ${built.stderr}${asm.stderr}`);
  return {
    root,
    box,
    dispose: () => {
      execFileSync('chmod', ['-R', 'u+w', root]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const PATHS = [
  '.', '..', './', '/', '', '-', 'small.qacc', 'top.qacc', 'lib', 'lib/pe.qacc', 'bad.qacc', 'dev-import.qacc', 'link.qacc',
  'notes.txt', 'project', 'project/todo.md', 'empty', 'readonly', 'readonly/out', 'readonly/keep.txt', 'built', 'built/files.f',
  'fifo', 'missing.qacc', 'new-out', 'new/deep/out', 'notes.txt/x', '../outside.txt', '../sibling', 'p.s', 'prog.bin', 'garbage.bin',
  't.json', 'q.json', 'dq.npy', 'dq.bin', 'new/q.json', 'built/q.json', 'project/q.json', 'readonly/q.json', 'out.vcd', 'j.xml',
  '/proc/self/status', '/proc/qacc-x', '/proc/qacc.json', '/sys/qacc-x', '/dev/zero', '/dev/null', '/proc/zero.npy', 'sub/../small.qacc',
];
const NUMBERS = ['0', '1', '2', '-1', '1.5', 'abc', '', '1e309', '99999999999', 'NaN'];
const WORKLOADS = ['gemm:m=2,k=2,n=2', 'gemm:m=3,k=5,n=2', 'gemm:m=0,k=1,n=1', 'gemm:', 'gemm:m=2', 'nonsense', 'model:nope', 'gemm:m=1,k=1,n=1'];
const SETS = ['rows=2', 'cols=1', 'nope=3', 'rows=', '=', 'rows=-1'];
const FORMATS = ['int4', 'int8', 'fp4_e2m1', 'fp8_e4m3', 'nope', ''];
const BLOCKS = ['group:8', 'group:8,scale=fp16', 'channel', 'tensor', 'mx', 'nvfp4', 'group:0', 'nonsense', ''];
const STDINS = ['', '', '', SMALL_QACC, 'param = ;\n', 'halt\n', '\u0000\u00ff\u0001garbage', 'x'.repeat(1000)];
const JUNK = ['--nope', '-x', '--', '--set', '--json', '--force', '--words', '--timing-only'];

/** One generated command line: arguments, standard input, and the paths it names as outputs. */
export interface FuzzCase {
  readonly args: string[];
  readonly stdin: string;
  readonly outputs: string[];
}

/** The command line of case `seed`. */
export function generateCase(seed: number): FuzzCase {
  // Small consecutive seeds give small first draws of xorshift: scramble the seed and warm the generator up.
  const r = rng(Math.imul(seed, 0x9e3779b1) ^ 0x5bd1e995);
  for (let i = 0; i < 4; i++) r();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const maybe = (p: number): boolean => r() < p;
  const args: string[] = [];
  const outputs: string[] = [];
  /** An output flag with a random path (half the time a plausible one), sometimes twice. */
  const out = (flag: string, p: number, plausible: readonly string[]): void => {
    const times = maybe(p) ? (maybe(0.08) ? 2 : 1) : 0;
    for (let i = 0; i < times; i++) {
      const v = maybe(0.5) ? pick(plausible) : pick(PATHS);
      args.push(flag, v);
      outputs.push(v);
    }
  };
  const opt = (flag: string, values: readonly string[], p = 0.3): void => {
    if (maybe(p)) args.push(flag, pick(values));
  };
  const source = (): string => (maybe(0.75) ? pick(['small.qacc', 'top.qacc', 'link.qacc']) : pick(PATHS));
  const command = pick(['check', 'ir', 'sim', 'estimate', 'build', 'verify', 'asm', 'disasm', 'quantize']);
  args.push(command);
  switch (command) {
    case 'check':
      for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) args.push(source());
      opt('--set', SETS);
      break;
    case 'ir':
      args.push(source());
      if (maybe(0.3)) args.push('--json');
      opt('--set', SETS);
      break;
    case 'sim':
      args.push(source());
      if (maybe(0.9)) args.push('-w', maybe(0.6) ? 'gemm:m=2,k=3,n=2' : pick(WORKLOADS));
      out('--vcd', 0.6, ['out.vcd', 'new/t.vcd', 'built/t.vcd', 'project/t.vcd']);
      opt('--seed', NUMBERS);
      opt('--mode', NUMBERS, 0.15);
      opt('--accelerator', ['small', 'nope'], 0.15);
      if (maybe(0.3)) args.push('--json');
      if (maybe(0.2)) args.push('--timing-only');
      break;
    case 'estimate':
      args.push(source());
      if (maybe(0.7)) args.push('-w', maybe(0.6) ? 'gemm:m=2,k=3,n=2' : pick(WORKLOADS));
      opt('--cost-model', ['qacc', 'bitmod2025', 'nope'], 0.4);
      opt('--weight-bits', NUMBERS, 0.15);
      opt('--context', NUMBERS, 0.15);
      opt('--node', NUMBERS, 0.15);
      opt('--mode', NUMBERS, 0.15);
      opt('--accelerator', ['small', 'nope'], 0.15);
      opt('--set', SETS, 0.2);
      if (maybe(0.3)) args.push('--json');
      break;
    case 'build':
      args.push(source());
      out(pick(['-o', '--out']), 0.95, ['built', 'empty', 'new-out', 'new/deep/out', '../sibling']);
      if (maybe(0.25)) args.push('--force');
      opt('--target', ['verilog', 'vhdl', 'verilog,', ''], 0.2);
      opt('--set', SETS, 0.2);
      break;
    case 'verify':
      args.push(source());
      args.push('--vectors', maybe(0.8) ? pick(['0', '1']) : pick(NUMBERS.filter((x) => !/^(2|99999999999|1e309)$/.test(x))));
      opt('--backends', ['golden,sim', 'sim,golden', 'golden', 'nope'], 0.4);
      out('--junit', 0.6, ['j.xml', 'new/j.xml', 'built/j.xml']);
      opt('--shard', ['1/2', '2/2', '9/9', '1000/1000', '0/1', 'x'], 0.3);
      opt('--case', ['nope', ''], 0.1);
      opt('--workload', ['gemm:m=2,k=2,n=2', 'model:opt-1.3b', 'junk'], 0.2);
      break;
    case 'asm': {
      const file = maybe(0.5) ? pick(['p.s', '-']) : pick(PATHS);
      args.push(file);
      const before = outputs.length;
      out(pick(['-o', '--output']), 0.7, ['x.bin', 'prog.bin', 'new/p.bin']);
      if (outputs.length === before && file !== '-' && file !== '') outputs.push(file.replace(/\.(s|asm)$/i, '') + '.bin');
      break;
    }
    case 'disasm':
      args.push(maybe(0.5) ? 'prog.bin' : pick(PATHS));
      if (maybe(0.3)) args.push('--words');
      break;
    case 'quantize':
      if (maybe(0.9)) args.push('--format', maybe(0.6) ? 'int4' : pick(FORMATS));
      if (maybe(0.95)) args.push('--block', maybe(0.6) ? 'group:8' : pick(BLOCKS));
      if (maybe(0.95)) args.push('--in', maybe(0.7) ? 't.json' : pick(PATHS));
      out('--out', 0.95, ['q.json', 'new/q.json', 'built/q.json']);
      out('--dequant-out', 0.4, ['dq.npy', 'dq.bin', 'new/dq.json']);
      opt('--shape', ['2,8', '16', '4x4', '3', 'x'], 0.2);
      opt('--rounding', ['rne', 'stochastic', 'nope'], 0.2);
      opt('--seed', NUMBERS, 0.2);
      break;
  }
  if (maybe(0.1)) args.push(pick(JUNK));
  return { args, stdin: pick(STDINS), outputs };
}

/** True when `path` (relative to the sandbox root) may change: an output, inside one, or a folder made to hold one. */
function allowedChange(rootRel: string, outputs: readonly string[]): boolean {
  const within = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer + sep);
  return outputs.some((o) => within(rootRel, o) || within(o, rootRel));
}

/** The outcome of one case: its command line, exit code, stderr and the sandbox tree before and after. */
export interface FuzzOutcome {
  readonly case: FuzzCase;
  readonly code: number;
  readonly stderr: string;
  readonly before: Record<string, string>;
  readonly after: Record<string, string>;
}

/** The contract violation in an outcome (paths relative to `sb.box`), or undefined. */
export function judgeOutcome(o: FuzzOutcome, sb: FuzzSandbox, seed: number): string | undefined {
  const repro = `seed ${seed}: qacc ${o.case.args.map((a) => JSON.stringify(a)).join(' ')}`;
  if (o.code !== 0 && o.code !== 1) return `${repro}: exit code ${o.code}: ${o.stderr.slice(0, 400)}`;
  if (/internal error/.test(o.stderr)) return `${repro}: ${o.stderr.slice(0, 400)}`;
  if (/\n\s+at .+[:(]/.test(o.stderr)) return `${repro}: a stack trace: ${o.stderr.slice(0, 400)}`;
  // Outputs as paths relative to the sandbox root (where the snapshot is taken); a symbolic link is
  // written through, so its target counts as named too.
  const root = realPathOf(sb.root);
  const outs = o.case.outputs
    .filter((p) => p !== '' && p !== '-')
    .flatMap((p) => [relative(root, resolve(realPathOf(sb.box), p)), relative(root, realPathOf(resolve(sb.box, p)))]);
  const changed = [...new Set([...Object.keys(o.before), ...Object.keys(o.after)])].filter((k) => o.before[k] !== o.after[k]);
  const bad = changed.filter((k) => !allowedChange(k, outs));
  if (bad.length) return `${repro}: changed ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''} (exit ${o.code}; outputs named: ${outs.join(', ') || 'none'})`;
  return undefined;
}

/** Runs case `seed` in `sb`; returns a description of the contract violation, or undefined. */
export async function runFuzzCase(seed: number, sb: FuzzSandbox): Promise<string | undefined> {
  const c = generateCase(seed);
  const before = snapshotTree(sb.root);
  const r = await withCwd(sb.box, () => runCli(c.args, c.stdin));
  return judgeOutcome({ case: c, code: r.code, stderr: r.stderr, before, after: snapshotTree(sb.root) }, sb, seed);
}
