/**
 * A one-line progress display for long simulations (`qacc sim` on a terminal): the layer, the phase, the
 * fraction done and an estimate of the time left (elapsed time of the phase scaled by the fraction left),
 * redrawn in place at most every `intervalMs`. Platform-neutral: the caller supplies the writer and clock.
 */
import type { SimProgress } from './run.js';

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The progress callback and a `done` that clears the line. */
export function progressLine(write: (text: string) => void, now: () => number = Date.now, intervalMs = 500): { onProgress: (p: SimProgress) => void; done: () => void } {
  let phaseKey = '';
  let phaseStart = now();
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    onProgress: (p) => {
      const t = now();
      const key = `${p.index}:${p.phase}`;
      if (key !== phaseKey) {
        phaseKey = key;
        phaseStart = t;
      } else if (t - lastDraw < intervalMs) return;
      lastDraw = t;
      const where = `layer ${p.layer} (${p.index + 1}/${p.layers})`;
      const elapsed = (t - phaseStart) / 1000;
      let what: string;
      if (p.phase === 'golden') what = `checking against the golden model${p.fraction >= 1 ? ' done' : ` (${duration(elapsed)})`}`;
      else what = `simulating ${(100 * p.fraction).toFixed(1)}%${p.fraction > 0 && elapsed >= 1 ? `, about ${duration((elapsed * (1 - p.fraction)) / p.fraction)} left` : ''}`;
      write(`\r\x1b[Kqacc sim: ${where}: ${what}`);
      drawn = true;
    },
    done: () => {
      if (drawn) write('\r\x1b[K');
    },
  };
}
