/**
 * The design points of a sweep: each `--set name=v1,v2,…` gives one axis (its values separated by commas),
 * and the points are the cartesian product of the axes, the first axis varying slowest (so points.csv
 * reads like nested loops in the order the flags were given). Each point is the list of `--set name=value`
 * overrides elaboration applies (src/ir/elaborate.ts apply-overrides), so a value is any .qacc expression
 * without a top-level comma. The product is capped at MAX_SWEEP_POINTS before anything is built.
 */

/** The most points one sweep may have (a guard against a typo such as `--set rows=1,…` times five axes). */
export const MAX_SWEEP_POINTS = 4096;

/** A bad `--set` list or a grid over the cap: a user error (the CLI prints the message as one line). */
export class SweepError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

/** One axis of the grid: a param and the values it takes. */
export interface SweepAxis {
  readonly name: string;
  readonly values: readonly string[];
}

/** One design point: its position in the grid and the value of every axis. */
export interface SweepPoint {
  /** 0-based, in grid order. */
  readonly index: number;
  /** `[name, value]` per axis, in axis order. */
  readonly settings: readonly (readonly [name: string, value: string])[];
}

/** `rows=8,16,32` → an axis; a SweepError for a missing `=`, an empty name or value, or a repeated name. */
export function parseAxes(sets: readonly string[]): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const text of sets) {
    const eq = text.indexOf('=');
    if (eq < 0) throw new SweepError(`--set '${text}': expected name=value[,value…]`);
    const name = text.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SweepError(`--set '${text}': '${name}' is not a param name`);
    const values = text
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim());
    const empty = values.findIndex((v) => v === '');
    if (empty >= 0) throw new SweepError(`--set '${text}': value ${empty + 1} is empty`);
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v)) throw new SweepError(`--set '${text}': value '${v}' is given twice`);
      seen.add(v);
    }
    if (axes.some((a) => a.name === name)) throw new SweepError(`--set ${name} is given twice; list all its values in one --set (${name}=a,b,c)`);
    axes.push({ name, values });
  }
  return axes;
}

/** The number of points of `axes` (1 for no axes: the design as written). */
export function gridSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** Every point of the grid, first axis slowest; a SweepError when there are more than `cap`. */
export function sweepPoints(axes: readonly SweepAxis[], cap = MAX_SWEEP_POINTS): SweepPoint[] {
  const size = gridSize(axes);
  if (size > cap) throw new SweepError(`the sweep has ${size} points (${axes.map((a) => `${a.values.length} ${a.name}`).join(' × ')}); at most ${cap} are allowed`);
  const points: SweepPoint[] = [];
  for (let index = 0; index < size; index++) {
    let rest = index;
    const settings: (readonly [string, string])[] = new Array(axes.length);
    for (let a = axes.length - 1; a >= 0; a--) {
      const n = axes[a].values.length;
      settings[a] = [axes[a].name, axes[a].values[rest % n]];
      rest = Math.floor(rest / n);
    }
    points.push({ index, settings });
  }
  return points;
}

/** The `--set` overrides of a point, as elaboration takes them. */
export function pointOverrides(point: SweepPoint): string[] {
  return point.settings.map(([name, value]) => `${name}=${value}`);
}
