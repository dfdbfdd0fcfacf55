/**
 * The Pareto front of design points by area (smaller is better) and throughput (larger is better): the
 * points no other point beats on both, with ties on both kept. Sorting by area, then throughput
 * descending, and keeping each point that raises the best throughput seen so far finds it in O(n log n).
 */

/** A point on the area/throughput plane. */
export interface AreaThroughput {
  readonly area: number;
  readonly throughput: number;
}

/** The indices (into `points`) of the Pareto-optimal points, by increasing area. */
export function paretoFront(points: readonly AreaThroughput[]): number[] {
  const order = points.map((_, i) => i).sort((a, b) => points[a].area - points[b].area || points[b].throughput - points[a].throughput);
  const front: number[] = [];
  let best = -Infinity;
  let last: AreaThroughput | undefined;
  for (const i of order) {
    const p = points[i];
    if (p.throughput > best || (last !== undefined && p.area === last.area && p.throughput === last.throughput)) {
      front.push(i);
      best = Math.max(best, p.throughput);
      last = p;
    }
  }
  return front;
}
