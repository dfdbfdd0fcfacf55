/**
 * What `qacc verify` shows on a terminal while it runs (issue 15: long-running commands show progress):
 * one stderr line redrawn in place at most every `intervalMs`, with a bar, the cases done of all, the
 * failures so far, the case just finished and the time left (elapsed time scaled by the fraction left);
 * `done` clears it before the report. Nothing is shown off a terminal (logs and pipes get the report only).
 * The caller supplies the writer and the clock.
 */
import type { CaseOutcome } from './run.js';

const BAR = 24;

function seconds(s: number): string {
  const r = Math.max(0, Math.round(s));
  return r < 60 ? `${r}s` : `${Math.floor(r / 60)}m ${String(r % 60).padStart(2, '0')}s`;
}

/** The per-case callback of runVerification and a `done` that clears a drawn line. */
export function verifyProgress(total: number, write: (text: string) => void, now: () => number = Date.now, intervalMs = 200): { onCase: (o: CaseOutcome) => void; done: () => void } {
  const start = now();
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = 0;
  let failing = 0;
  return {
    onCase: (o) => {
      finished++;
      if (o.status !== 'pass') failing++;
      const t = now();
      if (t - lastDraw < intervalMs && finished < total) return;
      lastDraw = t;
      const elapsed = (t - start) / 1000;
      const left = finished < total && elapsed >= 1 ? `, about ${seconds((elapsed * (total - finished)) / finished)} left` : '';
      const filled = Math.round((BAR * finished) / total);
      write(`\r\x1b[Kqacc verify: [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${finished}/${total} cases${failing ? `, ${failing} failing` : ''}${left} (${o.case.id})`);
      drawn = true;
    },
    done: () => {
      if (drawn) write('\r\x1b[K');
      drawn = false;
    },
  };
}
