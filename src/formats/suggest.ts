/**
 * "Did you mean" suggestions: the candidates closest to a misspelt name by edit distance (with adjacent
 * transpositions), within a distance that grows with the name's length.
 *
 * It lives in src/formats only because that is the bottom of the pipeline: every layer (format
 * registry, language, assembler, CLI) can import this one implementation.
 */

/**
 * Optimal-string-alignment distance: insert, delete, substitute or swap two adjacent characters, each
 * costing 1 (so the common typo `rwos` is one edit from `rows`). Three rolling rows of the DP table.
 */
export function editDistance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** Up to three candidates nearest to `name` (case-insensitive), best first; empty when none is close. */
export function suggest(name: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  const scored: Array<[string, number]> = [];
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name || Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d <= limit) scored.push([c, d]);
  }
  scored.sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
  return scored.slice(0, 3).map(([c]) => c);
}

/** A hint like "did you mean 'rows'?" or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const s = suggest(name, candidates);
  return s.length ? `did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : undefined;
}
