/**
 * Runs a sweep's points on a pool of worker threads, min(os.availableParallelism(), points) of them,
 * each fed the next point as soon as it returns one (points differ in cost: a large array is not slower
 * to estimate, but an invalid point is much faster). Results come back in grid order whatever order the
 * workers finish in.
 *
 * Where the worker's code is: next to this module, as worker.js when qacc runs from dist/ (bin/qacc.js),
 * or as worker.ts when this module itself is TypeScript run by tsx or vitest. Node 20 cannot load .ts in a
 * worker by itself, so then the worker is a small inline script that registers tsx's loader
 * (`tsx/esm/api` register, a devDependency present wherever .ts sources run) and imports worker.ts.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Program } from '../../dsl/program.js';
import type { SweepPoint } from './grid.js';
import type { PointResult, SweepSpec } from './point.js';
import type { SweepWorkerData, SweepWorkerReply } from './worker.js';

export interface PoolOptions {
  /** Worker threads to use at most (default os.availableParallelism()). */
  readonly threads?: number;
  /** Called after each point with the number done so far and the result. */
  readonly onPoint?: (done: number, result: PointResult) => void;
}

/**
 * The path of tsx's ESM register API: the `import` entry of `./esm/api` in tsx's package.json exports
 * (require.resolve would give the CommonJS entry, whose register cannot be used from a worker here).
 */
function tsxEsmApi(from: string): string {
  const req = createRequire(from);
  const pkgPath = req.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const entry = pkg.exports?.['./esm/api']?.import?.default;
  if (!entry) throw new Error(`tsx at ${dirname(pkgPath)} has no ESM register API (./esm/api); the sweep's workers cannot run the TypeScript sources`);
  return join(dirname(pkgPath), entry);
}

/** Starts one worker thread running worker.ts/worker.js with `data`. */
function startWorker(data: SweepWorkerData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(tsxEsmApi(here)).href;
    const worker = new URL('./worker.ts', here).href;
    const shim = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); });`;
    return new Worker(shim, { eval: true, workerData: data });
  }
  return new Worker(new URL('./worker.js', here), { workerData: data });
}

/** Evaluates `points` of `program` in worker threads; resolves to one result per point, in grid order. */
export function runSweepPool(program: Program, points: readonly SweepPoint[], spec: SweepSpec, options: PoolOptions = {}): Promise<PointResult[]> {
  const sources: [string, string][] = [...program.files].map(([path, f]) => [path, f.source.text]);
  const data: SweepWorkerData = { sources, root: program.root, spec };
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), points.length));
  const results: PointResult[] = new Array(points.length);
  if (points.length === 0) return Promise.resolve(results);
  return new Promise((resolveAll, rejectAll) => {
    const workers: Worker[] = [];
    const busy = new Set<Worker>();
    const position = new Map(points.map((p, i) => [p.index, i]));
    let next = 0;
    let done = 0;
    let failed = false;
    const stop = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      rejectAll(err);
    };
    const feed = (w: Worker) => {
      if (next < points.length) {
        busy.add(w);
        w.postMessage(points[next++]);
      } else void w.terminate();
    };
    for (let i = 0; i < threads; i++) {
      const w = startWorker(data);
      workers.push(w);
      w.on('message', (reply: SweepWorkerReply) => {
        if ('fatal' in reply) return stop(new Error(`a sweep worker failed: ${reply.fatal}`));
        busy.delete(w);
        const r = reply.result;
        results[position.get(r.index) ?? -1] = r;
        done++;
        options.onPoint?.(done, r);
        if (done === points.length) {
          for (const x of workers) void x.terminate();
          resolveAll(results);
        } else feed(w);
      });
      w.on('error', (err) => stop(err));
      w.on('exit', (code) => {
        if (busy.has(w)) stop(new Error(`a sweep worker exited with code ${code} before the sweep ended`));
      });
      feed(w);
    }
  });
}
