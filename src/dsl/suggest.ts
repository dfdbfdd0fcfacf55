/**
 * "Did you mean" suggestions: the candidates closest to a misspelt name by Levenshtein distance (one
 * row of the dynamic-programming table at a time), within a distance that grows with the name's length.
 */

/** Levenshtein distance between two strings (insert, delete, substitute: cost 1 each). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
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
