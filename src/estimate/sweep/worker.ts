/**
 * The body of one sweep worker thread (pool.ts starts it): loads the program once from the source texts
 * the main thread read (so no file is read twice and every point sees the same text), then evaluates
 * each point it is sent and posts the result back. An exception (a bug) is posted as `{ fatal }`; the
 * pool stops the sweep with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadProgram } from '../../dsl/program.js';
import { evaluatePoint, type SweepSpec } from './point.js';
import type { SweepPoint } from './grid.js';

/** What the pool gives each worker at start. */
export interface SweepWorkerData {
  /** Every file of the program, by the path the program loaded it under. */
  readonly sources: readonly (readonly [path: string, text: string])[];
  readonly root: string;
  readonly spec: SweepSpec;
}

/** A message from a worker: one result, or a failure that ends the sweep. */
export type SweepWorkerReply = { readonly result: ReturnType<typeof evaluatePoint> } | { readonly fatal: string };

function start(port: NonNullable<typeof parentPort>, data: SweepWorkerData): void {
  const texts = new Map(data.sources);
  const program = loadProgram(data.root, { readFile: (p) => texts.get(p) });
  const cache = new Map<string, { sqnr: number | null; weight: number | null }>();
  port.on('message', (point: SweepPoint) => {
    let reply: SweepWorkerReply;
    try {
      reply = { result: evaluatePoint(program, point, data.spec, cache) };
    } catch (err) {
      reply = { fatal: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    port.postMessage(reply);
  });
}

if (parentPort) start(parentPort, workerData as SweepWorkerData);
