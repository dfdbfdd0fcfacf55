/**
 * `--shard i/n`: the i-th (1-based) of n deterministic slices of the case list, so a CI matrix can spread
 * a regression over machines. Slicing is round-robin over the planned order (case j goes to shard
 * j mod n + 1): the plan order is deterministic (cases.ts), so every machine computes the same slices,
 * the n slices are disjoint and together cover every case, and neighbouring cases of one kind (e.g. the
 * large tile-edge shapes of one accelerator) spread over the shards instead of piling into one.
 */
import { VerifyError } from './errors.js';

/** One slice: `index` in 1..count. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n); throws VerifyError('bad-shard') otherwise. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new VerifyError('bad-shard', `--shard must be i/n (e.g. 2/4), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 1_000_000) throw new VerifyError('bad-shard', `--shard ${text}: n must be in 1..1000000`);
  if (index < 1 || index > count) throw new VerifyError('bad-shard', `--shard ${text}: i must be in 1..${count}`);
  return { index, count };
}

/** The items of `shard`, in their original order. */
export function shardSlice<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, j) => j % shard.count === shard.index - 1);
}

/** `i/n` text of a shard. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
