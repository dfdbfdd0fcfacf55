/**
 * Workload specs: `gemm:m=…,k=…,n=…` (one GEMM Y[m, n] = A[m, k] · W[n, k]ᵀ) and
 * `model:<name>,stage=prefill|decode,tokens=…` (every linear layer of one of the LLMs of
 * ../shared/reference/workloads.md). A model becomes a list of distinct GEMM shapes with a repeat count:
 * per decoder block q, k, v, o and gate/up/down (fc1/fc2 for OPT and Phi-2), times the layer count, plus
 * lm_head. Prefill runs m = tokens rows per layer; decode runs one token at a time (m = 1), `tokens` times.
 * Attention score matmuls (Q·Kᵀ, scores·V) are not weight GEMMs and are not included (they depend on the
 * context length, which the spec does not carry).
 */
import { CompileError } from './errors.js';

/** One GEMM shape: activations [m × k], weights [n × k], outputs [m × n]. */
export interface GemmShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** A named GEMM executed `count` times. */
export interface WorkloadLayer extends GemmShape {
  readonly name: string;
  readonly count: number;
}

export type Workload =
  | { readonly kind: 'gemm'; readonly spec: string; readonly layers: readonly WorkloadLayer[] }
  | {
      readonly kind: 'model';
      readonly spec: string;
      readonly model: string;
      readonly stage: 'prefill' | 'decode';
      readonly tokens: number;
      readonly layers: readonly WorkloadLayer[];
    };

/** Layer-shape facts of one model (workloads.md). */
interface ModelShape {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly mlp: number;
  /** true: gate/up/down; false: fc1/fc2. */
  readonly gated: boolean;
  readonly vocab: number;
}

/** The models of ../shared/reference/workloads.md, by lower-case name. */
export const MODELS: Readonly<Record<string, ModelShape>> = {
  'opt-1.3b': { hidden: 2048, layers: 24, heads: 32, kvHeads: 32, headDim: 64, mlp: 8192, gated: false, vocab: 50272 },
  'phi-2': { hidden: 2560, layers: 32, heads: 32, kvHeads: 32, headDim: 80, mlp: 10240, gated: false, vocab: 51200 },
  'yi-6b': { hidden: 4096, layers: 32, heads: 32, kvHeads: 4, headDim: 128, mlp: 11008, gated: true, vocab: 64000 },
  'llama-2-7b': { hidden: 4096, layers: 32, heads: 32, kvHeads: 32, headDim: 128, mlp: 11008, gated: true, vocab: 32000 },
  'llama-2-13b': { hidden: 5120, layers: 40, heads: 40, kvHeads: 40, headDim: 128, mlp: 13824, gated: true, vocab: 32000 },
  'llama-3-8b': { hidden: 4096, layers: 32, heads: 32, kvHeads: 8, headDim: 128, mlp: 14336, gated: true, vocab: 128256 },
};

/** The largest GEMM dimension a workload spec accepts. */
export const MAX_DIM = 1 << 24;

/** A dimension of a spec: an integer in 1..MAX_DIM; throws CompileError('bad-workload') naming `what`. */
export function positiveInt(text: string | undefined, what: string, spec: string): number {
  if (text === undefined) throw new CompileError('bad-workload', `workload '${spec}': missing ${what}`);
  if (!/^[0-9]+$/.test(text.trim())) throw new CompileError('bad-workload', `workload '${spec}': ${what} must be a positive integer, got '${text}'`);
  const v = Number(text.trim());
  if (v < 1 || v > MAX_DIM) throw new CompileError('bad-workload', `workload '${spec}': ${what} must be in 1..${MAX_DIM}, got ${v}`);
  return v;
}

/** Splits `a=1,b=2` into a map; bare words go to `positional`. */
function keyValues(body: string, spec: string): { map: Map<string, string>; positional: string[] } {
  const map = new Map<string, string>();
  const positional: string[] = [];
  for (const part of body.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      positional.push(part);
      continue;
    }
    const key = part.slice(0, eq).trim().toLowerCase();
    if (map.has(key)) throw new CompileError('bad-workload', `workload '${spec}': '${key}' given twice`);
    map.set(key, part.slice(eq + 1).trim());
  }
  return { map, positional };
}

function rejectUnknown(map: Map<string, string>, known: readonly string[], spec: string): void {
  for (const key of map.keys()) {
    if (!known.includes(key)) throw new CompileError('bad-workload', `workload '${spec}': unknown key '${key}' (expected ${known.join(', ')})`);
  }
}

/** The linear layers of one decoder block plus lm_head for a model. */
export function modelLayers(model: ModelShape, m: number, count: number): WorkloadLayer[] {
  const h = model.hidden;
  const kv = model.kvHeads * model.headDim;
  const q = model.heads * model.headDim;
  const L = model.layers * count;
  const layers: WorkloadLayer[] = [
    { name: 'q', m, k: h, n: q, count: L },
    { name: 'k', m, k: h, n: kv, count: L },
    { name: 'v', m, k: h, n: kv, count: L },
    { name: 'o', m, k: q, n: h, count: L },
  ];
  if (model.gated) {
    layers.push({ name: 'gate', m, k: h, n: model.mlp, count: L }, { name: 'up', m, k: h, n: model.mlp, count: L }, { name: 'down', m, k: model.mlp, n: h, count: L });
  } else {
    layers.push({ name: 'fc1', m, k: h, n: model.mlp, count: L }, { name: 'fc2', m, k: model.mlp, n: h, count: L });
  }
  layers.push({ name: 'lm_head', m, k: h, n: model.vocab, count });
  return layers;
}

/** Parses a workload spec; throws CompileError (user-facing) on a bad one. */
export function parseWorkload(spec: string): Workload {
  const colon = spec.indexOf(':');
  const head = (colon < 0 ? spec : spec.slice(0, colon)).trim().toLowerCase();
  const body = colon < 0 ? '' : spec.slice(colon + 1);
  switch (head) {
    case 'gemm': {
      const { map, positional } = keyValues(body, spec);
      if (positional.length > 0) throw new CompileError('bad-workload', `workload '${spec}': expected key=value pairs, got '${positional[0]}'`);
      rejectUnknown(map, ['m', 'k', 'n'], spec);
      const m = positiveInt(map.get('m'), 'm', spec);
      const k = positiveInt(map.get('k'), 'k', spec);
      const n = positiveInt(map.get('n'), 'n', spec);
      return { kind: 'gemm', spec, layers: [{ name: 'gemm', m, k, n, count: 1 }] };
    }
    case 'model': {
      const { map, positional } = keyValues(body, spec);
      if (positional.length !== 1) throw new CompileError('bad-workload', `workload '${spec}': expected model:<name>,stage=prefill|decode,tokens=N`);
      const name = positional[0].toLowerCase();
      const model = MODELS[name];
      if (!model) throw new CompileError('bad-workload', `workload '${spec}': unknown model '${positional[0]}' (known: ${Object.keys(MODELS).join(', ')})`);
      rejectUnknown(map, ['stage', 'tokens'], spec);
      const stage = map.get('stage') ?? 'prefill';
      if (stage !== 'prefill' && stage !== 'decode') throw new CompileError('bad-workload', `workload '${spec}': stage must be prefill or decode, got '${stage}'`);
      const tokens = positiveInt(map.get('tokens') ?? '1', 'tokens', spec);
      const layers = stage === 'prefill' ? modelLayers(model, tokens, 1) : modelLayers(model, 1, tokens);
      return { kind: 'model', spec, model: name, stage, tokens, layers };
    }
    default:
      throw new CompileError('bad-workload', `workload '${spec}': expected gemm:m=…,k=…,n=… or model:<name>,stage=prefill|decode,tokens=N`);
  }
}
