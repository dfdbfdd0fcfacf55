/**
 * What `qacc sweep` shows while it runs. On a terminal, one line redrawn in place (at most every
 * `intervalMs`): a bar, points done of all, invalid so far, and the time left (elapsed time scaled by
 * the fraction left). Elsewhere (a log, a pipe) plain lines, one per tenth of the sweep. Invalid points
 * are always printed on their own line with the first line of their error. Platform-neutral: the caller
 * supplies the writer and the clock.
 */
import type { PointResult } from './point.js';

const BAR = 24;

function seconds(s: number): string {
  const r = Math.max(0, Math.round(s));
  return r < 60 ? `${r}s` : `${Math.floor(r / 60)}m ${String(r % 60).padStart(2, '0')}s`;
}

function label(r: PointResult): string {
  return r.settings.length ? r.settings.map(([k, v]) => `${k}=${v}`).join(' ') : 'the design as written';
}

/** The per-point callback of the pool and a `done` that clears a drawn line. */
export function sweepProgress(total: number, write: (text: string) => void, terminal: boolean, now: () => number = Date.now, intervalMs = 200): { onPoint: (done: number, r: PointResult) => void; done: () => void } {
  const start = now();
  let lastDraw = -Infinity;
  let drawn = false;
  let invalid = 0;
  let lastTenth = 0;
  const status = (done: number): string => {
    const elapsed = (now() - start) / 1000;
    const left = done > 0 && done < total && elapsed >= 1 ? `, about ${seconds((elapsed * (total - done)) / done)} left` : '';
    return `${done}/${total} points${invalid ? `, ${invalid} invalid` : ''}${left}`;
  };
  return {
    onPoint: (done, r) => {
      if (!r.ok) {
        invalid++;
        const first = r.error.split('\n')[0];
        write(`${drawn ? '\r\x1b[K' : ''}qacc sweep: point ${r.index} (${label(r)}) is invalid: ${first}\n`);
        drawn = false;
      }
      if (terminal) {
        const t = now();
        if (t - lastDraw < intervalMs && done < total) return;
        lastDraw = t;
        const filled = Math.round((BAR * done) / total);
        write(`\r\x1b[Kqacc sweep: [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${status(done)}`);
        drawn = true;
      } else {
        const tenth = Math.floor((10 * done) / total);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          write(`qacc sweep: ${status(done)}\n`);
        }
      }
    },
    done: () => {
      if (drawn) write('\r\x1b[K');
      drawn = false;
    },
  };
}
