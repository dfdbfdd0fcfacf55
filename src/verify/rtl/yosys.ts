/**
 * Synthesis check with Yosys compiled to WebAssembly (npm @yowasp/yosys, no system install): reads the
 * generated files into Yosys's virtual file system, runs synth's coarse passes (`synth -run begin:fine`,
 * which infers RAMs as $mem_v2 cells), then the fine-grained mapping of everything except memories
 * (`opt -full; techmap; abc -fast`) and `check -assert`, and returns the `stat` report. RAMs stay
 * $mem_v2 macros — what a real flow maps to SRAM compilers — because `memory_map` would turn a 512 KiB
 * buffer into four million flip-flops. Yosys errors (unsupported constructs, missing modules, multiple
 * drivers, combinational loops) become a thrown Error with Yosys's last output lines.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { GeneratedFile } from '../../codegen/verilog/emit.js';

/** Result of a synthesis run. */
export interface SynthReport {
  /** Yosys's `stat` output for the top module and its hierarchy. */
  readonly stat: string;
  /** Total cell count reported by `stat` (the last "Number of cells" line). */
  readonly cells: number;
}

/**
 * Yosys runs in a worker thread: WebAssembly Yosys computes synchronously for seconds to minutes, and on
 * the caller's thread that would stall its event loop (a test worker that cannot answer its runner for
 * a minute is reported as failed). The worker's code is inline JavaScript that imports the package by
 * its resolved path, so it needs no separate build step.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
(async () => {
  let log = '';
  const collect = (bytes) => { if (bytes) log += new TextDecoder().decode(bytes); };
  try {
    const { runYosys } = await import(pathToFileURL(workerData.module).href);
    const out = await runYosys(workerData.args, workerData.tree, { stdout: collect, stderr: collect });
    const files = {};
    for (const name of workerData.outputs) files[name] = String((out && out[name]) || '');
    parentPort.postMessage({ ok: true, files, log });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String(err && err.message || err), log });
  }
})();
`;

/** What a Yosys run in the worker returns. */
export interface YosysReply {
  /** False when Yosys threw (a syntax error, a failed `check -assert`): `message` says why. */
  readonly ok: boolean;
  /** The requested output files of Yosys's virtual file system ('' for one it did not write). */
  readonly files?: Readonly<Record<string, string>>;
  readonly message?: string;
  /** Everything Yosys printed. */
  readonly log: string;
}

/**
 * Runs Yosys with `args` on the virtual file tree `tree` in a worker thread, and returns the files named
 * in `outputs` (e.g. what `tee -o` wrote).
 */
export function runYosysInWorker(args: readonly string[], tree: Record<string, string>, outputs: readonly string[]): Promise<YosysReply> {
  const module = createRequire(import.meta.url).resolve('@yowasp/yosys');
  return new Promise((resolveRun, rejectRun) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, args, tree, outputs } });
    let replied = false;
    worker.once('message', (reply: YosysReply) => {
      replied = true;
      resolveRun(reply);
      void worker.terminate();
    });
    worker.once('error', rejectRun);
    worker.once('exit', (code) => {
      if (!replied) rejectRun(new Error(`the yosys worker exited with code ${code} before replying`));
    });
  });
}

export async function synthesize(top: string, files: readonly GeneratedFile[]): Promise<SynthReport> {
  const tree: Record<string, string> = {};
  for (const f of files) tree[f.path] = f.text;
  const flow = [`synth -top ${top} -run begin:fine`, 'opt -fast -full', 'techmap', 'opt -fast', 'abc -fast', 'opt -fast', 'hierarchy -check', 'check -assert'];
  const script = [...files.map((f) => `read_verilog ${f.path}`), ...flow, 'tee -o stat.txt stat'].join('; ');
  const reply = await runYosysInWorker(['-q', '-p', script], tree, ['stat.txt']);
  const tail = reply.log.trim().split('\n').slice(-10).join('\n');
  if (!reply.ok) throw new Error(`yosys failed on ${top}: ${reply.message ?? ''}\n${tail}`);
  const stat = reply.files?.['stat.txt'] ?? '';
  if (!stat) throw new Error(`yosys produced no statistics for ${top}:\n${tail}`);
  const counts = [...stat.matchAll(/Number of cells:\s+(\d+)/g)].map((m) => Number(m[1]));
  return { stat, cells: counts.length ? counts[counts.length - 1] : 0 };
}
