/**
 * Layer names as the models spell them (their Hugging Face module names, e.g.
 * `model.layers.0.self_attn.q_proj`, `model.decoder.layers.3.fc1`, `lm_head`), for the workload layers of
 * src/compile/workload.ts (q, k, v, o, gate, up, down, fc1, fc2, lm_head). A per-block layer of a model with
 * L blocks runs once per block: the estimate reports it once per block (its name carries the block index),
 * each with the per-block count (decode: the tokens; prefill: 1). A `gemm:` workload keeps its name `gemm`.
 */
import { MODELS, type Workload, type WorkloadLayer } from '../compile/workload.js';

/** Module paths per model family: the block prefix and each short name's suffix. */
interface Naming {
  readonly block: (i: number) => string;
  readonly suffix: Readonly<Record<string, string>>;
}

const LLAMA: Naming = {
  block: (i) => `model.layers.${i}.`,
  suffix: { q: 'self_attn.q_proj', k: 'self_attn.k_proj', v: 'self_attn.v_proj', o: 'self_attn.o_proj', gate: 'mlp.gate_proj', up: 'mlp.up_proj', down: 'mlp.down_proj' },
};
const OPT: Naming = {
  block: (i) => `model.decoder.layers.${i}.`,
  suffix: { q: 'self_attn.q_proj', k: 'self_attn.k_proj', v: 'self_attn.v_proj', o: 'self_attn.out_proj', fc1: 'fc1', fc2: 'fc2' },
};
const PHI: Naming = {
  block: (i) => `model.layers.${i}.`,
  suffix: { q: 'self_attn.q_proj', k: 'self_attn.k_proj', v: 'self_attn.v_proj', o: 'self_attn.dense', fc1: 'mlp.fc1', fc2: 'mlp.fc2' },
};

/** The naming of each model of MODELS (OPT and Phi-2 differ from the Llama family). */
function namingOf(model: string): Naming {
  if (model.startsWith('opt')) return OPT;
  if (model.startsWith('phi')) return PHI;
  return LLAMA;
}

/** The block-name prefix of block `i` of `model` (the attention ops of the bitmod2025 model use it too). */
export function blockPrefix(model: string, i: number): string {
  return namingOf(model).block(i);
}

/** One instance of a workload layer under the model's name, with its count. */
export interface NamedLayer {
  readonly name: string;
  readonly layer: WorkloadLayer;
  readonly count: number;
}

/**
 * The workload's layers under the model's names: a per-block layer once per block (in block order, the
 * block's layers in workload order), lm_head last; a `gemm:` workload as is.
 */
export function namedLayers(workload: Workload): NamedLayer[] {
  if (workload.kind !== 'model') return workload.layers.map((layer) => ({ name: layer.name, layer, count: layer.count }));
  const blocks = MODELS[workload.model].layers;
  const naming = namingOf(workload.model);
  const perBlock = workload.layers.filter((l) => l.name in naming.suffix);
  const rest = workload.layers.filter((l) => !(l.name in naming.suffix));
  const out: NamedLayer[] = [];
  for (let i = 0; i < blocks; i++) {
    for (const layer of perBlock) out.push({ name: naming.block(i) + naming.suffix[layer.name], layer, count: layer.count / blocks });
  }
  for (const layer of rest) out.push({ name: layer.name, layer, count: layer.count });
  return out;
}

/** `model.layers.7.self_attn.q_proj` → `model.layers.*.self_attn.q_proj` (the readable table's grouping key). */
export function groupName(name: string): string {
  return name.replace(/\.layers\.[0-9]+\./, '.layers.*.');
}
