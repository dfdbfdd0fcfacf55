/**
 * The sweep report opened by a real browser: headless Chromium (/usr/bin/chromium, or $CHROMIUM) renders
 * index.html of a 2×2 BitMoD sweep on a decode step. The screenshot must be a PNG of many colours (not
 * blank), and the DOM Chromium dumps must hold the charts (the four of issue 15, energy both by component and by layer type), each an <svg> with drawn marks. Chromium
 * runs as an async child process, so the test worker stays responsive.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseHTML } from 'linkedom';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../../src/cli/design-source.js';
import { parseWorkload } from '../../../src/compile/workload.js';
import { loadProgram } from '../../../src/dsl/program.js';
import { sweepReportHtml } from '../../../src/estimate/report/html.js';
import { parseAxes, sweepPoints } from '../../../src/estimate/sweep/grid.js';
import { evaluatePoint } from '../../../src/estimate/sweep/point.js';
import { sweepJson } from '../../../src/estimate/sweep/table.js';
import { decodePng } from './png.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const tmp = mkdtempSync(join(tmpdir(), 'qacc-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs Chromium headless with `args` on `url`; resolves to its stdout. */
function chromium(args: readonly string[], url: string): Promise<string> {
  const profile = mkdtempSync(join(tmp, 'profile-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...args, url];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, flags, { timeout: 90_000, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' }, (err, stdout, stderr) => (err ? reject(new Error(`${CHROMIUM} failed: ${err.message}\n${stderr.slice(-2000)}`)) : resolve(stdout)));
  });
}

describe('sweep report in headless Chromium', () => {
  it('renders index.html with its charts', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM=/path/to/chromium`);
    const program = loadProgram('examples/bitmod.qacc', nodeFileHost);
    const axes = parseAxes(['rows=32,64', 'cols=16,32']);
    const workload = parseWorkload('model:llama-2-7b,stage=decode,tokens=1');
    const results = sweepPoints(axes).map((p) => evaluatePoint(program, p, { accelerator: undefined, workload }));
    expect(results.every((r) => r.ok)).toBe(true);
    const page = join(tmp, 'index.html');
    writeFileSync(page, sweepReportHtml(sweepJson('examples/bitmod.qacc', workload.spec, axes, results)));
    const url = pathToFileURL(page).href;

    const png = join(tmp, 'shot.png');
    await chromium([`--screenshot=${png}`, '--window-size=1200,900', '--hide-scrollbars'], url);
    const image = decodePng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1200, 900]);
    const colours = new Map<number, number>();
    for (const p of image.pixels) colours.set(p, (colours.get(p) ?? 0) + 1);
    expect(colours.size).toBeGreaterThan(16);
    // Not a blank page: the most common colour (the background) leaves at least 2% of the pixels to ink.
    expect(Math.max(...colours.values())).toBeLessThan(0.98 * image.pixels.length);

    const dom = await chromium(['--dump-dom'], url);
    const { document } = parseHTML(dom);
    const sections = [...document.querySelectorAll('section')].filter((s) => s.querySelector('svg'));
    const titles = sections.map((s) => s.querySelector('h2')?.textContent);
    expect(titles).toEqual(['Area vs throughput', 'Per-layer roofline', 'Energy breakdown', 'Energy by layer type', 'Quantization error vs bits per weight']);
    const marks: Record<string, string> = { 'Area vs throughput': 'dot', 'Per-layer roofline': 'dot', 'Energy breakdown': 'bar', 'Energy by layer type': 'bar', 'Quantization error vs bits per weight': 'dot' };
    for (const s of sections) {
      const title = s.querySelector('h2')?.textContent ?? '';
      const group = [...s.querySelectorAll('svg g')].find((g) => g.getAttribute('aria-label') === marks[title]);
      expect(group, `${title}: no ${marks[title]} marks`).toBeDefined();
      const drawn = group?.querySelectorAll('circle, rect, path').length ?? 0;
      expect(drawn, `${title}: ${marks[title]} marks drawn`).toBeGreaterThanOrEqual(title === 'Quantization error vs bits per weight' ? 2 : 4);
    }
    expect(dom).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
