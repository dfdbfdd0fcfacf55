/**
 * Seeded random DMA / sync / configuration programs for the program-level RTL cross-checks, valid and
 * deadlock-free by construction.
 *
 * Construction: the program is a sequence of items, each balanced in every token queue (as many pops as
 * pushes) and never holding more than the token depth outstanding in any prefix, so every token pop and
 * every push into a full token queue depends only on earlier program-order events and the run cannot
 * deadlock. Data races are excluded: loads read DRAM [0, 8 KiB) and stores write [8 KiB, 16 KiB); the out
 * buffer's region A [0, 512) is written only by "transactions" (load → csync → store → csync, token
 * ordered, the next transaction's load waits for the previous store), region B [512, 1024) is loaded once
 * by a token-ordered prologue and afterwards only read by stores. Token bursts put a slow DMA in front of
 * the consuming queue so the producing queue fills its token queue and stalls on the next push; runs of
 * configuration instructions behind a blocked instruction fill the compute queue and stall dispatch;
 * loops (nested two deep) step DRAM addresses with addi.
 */
import { prng } from './rtl-helpers.js';

export const DRAM_BYTES = 16384;
const IN_END = 8192;
const OUT_BASE = 8192;

type Tok = 'lc' | 'cl' | 'cs' | 'sc';

/** Buffer capacities the generator must respect. */
export interface GenCaps {
  readonly act: number;
  readonly wgt: number;
  readonly meta: number;
  /** At least 1024: regions A and B of the out buffer. */
  readonly out: number;
}

export function randomProgram(seed: number, caps: GenCaps, tokenDepth: number): string {
  const rnd = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const lines: string[] = [];
  const outstanding: Record<Tok, number> = { lc: 0, cl: 0, cs: 0, sc: 0 };
  let label = 0;
  // register values as (minimum, maximum) over every time an instruction reads them
  const a1 = int(0, 1024);
  const a2 = OUT_BASE + int(0, 1024);
  lines.push(`seti a1, ${a1}`, `seti a2, ${a2}`, 'setfmt act=int8, wgt=int8, acc=int32, out=int32');

  const loadGeom = (maxBase: number, capBytes: number, rowsMax = 5): string => {
    const rows = int(1, rowsMax);
    const rb = int(1, Math.min(80, Math.floor(capBytes / rows)));
    const stride = pick([0, rb, int(0, 100)]);
    const span = (rows - 1) * stride + rb;
    const off = int(0, Math.max(0, IN_END - maxBase - span));
    const bufAddr = int(0, capBytes - rows * rb);
    return `dram_off=${off}, buf_addr=${bufAddr}, rows=${rows}, row_bytes=${rb}, dram_stride=${stride}`;
  };
  const freeLoad = (reg: string, maxBase: number, flags = ''): void => {
    const buf = pick(['act', 'wgt', 'meta'] as const);
    lines.push(`load buf=${buf}, dram_reg=${reg}, ${loadGeom(maxBase, caps[buf])}${flags}`);
  };
  const longLoad = (flags = ''): void => {
    lines.push(`load buf=act, dram_reg=a1, dram_off=0, buf_addr=0, rows=${int(6, 10)}, row_bytes=${int(60, 200)}, dram_stride=${int(200, 300)}${flags}`);
  };
  // stores from region B to DRAM [a2 + off, ...)
  const freeStore = (flags = '', rowsMax = 5): void => {
    const rows = int(1, rowsMax);
    const rb = int(1, Math.floor(512 / rows));
    const stride = pick([rb, int(0, 100), 0]);
    const span = (rows - 1) * stride + rb;
    const off = int(0, DRAM_BYTES - a2 - span);
    const bufAddr = int(512, 1024 - rows * rb);
    lines.push(`store buf=out, dram_reg=a2, dram_off=${off}, buf_addr=${bufAddr}, rows=${rows}, row_bytes=${rb}, dram_stride=${stride}${flags}`);
  };
  const longStore = (flags = ''): void => freeStore(flags, 8);
  const configRun = (n: number): void => {
    for (let i = 0; i < n; i++) {
      switch (int(0, 4)) {
        case 0:
          lines.push(`settile m=${int(1, 4)}, n=${int(1, 4)}, k=${int(1, 65535)}`);
          break;
        case 1:
          lines.push(`setmode simd=${int(0, 15)}, group=${int(1, 65535)}, rank=${int(0, 4095)}, wsel=${pick(['fixed', 'group'])}`);
          break;
        case 2:
          lines.push(`setscale value=${int(0, 0xffffffff)}`);
          break;
        case 3:
          lines.push('setfmt act=int8, wgt=int8, acc=int32, out=int32');
          break;
        default:
          lines.push('csync');
      }
    }
  };
  const transaction = (): void => {
    const rows = int(1, 6);
    const rb = int(1, Math.floor(512 / rows));
    const popCl = outstanding.cl > 0;
    if (popCl) outstanding.cl--;
    lines.push(`load buf=out, dram_reg=a1, dram_off=${int(0, IN_END - a1 - rows * rb)}, buf_addr=${int(0, 512 - rows * rb)}, rows=${rows}, row_bytes=${rb}, dram_stride=${rb}${popCl ? ', pop_next' : ''}, push_next`);
    lines.push('csync pop_prev, push_next');
    const srows = int(1, 6);
    const srb = int(1, Math.floor(512 / srows));
    const sstride = int(srb, srb + 100);
    const sspan = (srows - 1) * sstride + srb;
    lines.push(`store buf=out, dram_reg=a2, dram_off=${int(0, DRAM_BYTES - a2 - sspan)}, buf_addr=${int(0, 512 - srows * srb)}, rows=${srows}, row_bytes=${srb}, dram_stride=${sstride}, pop_prev, push_prev`);
    lines.push('csync pop_next, push_prev');
    outstanding.cl++;
  };
  // n + 1 pushes against n + 1 pops, with the consumer held up by a slow instruction in front
  const burst = (tok: Tok): void => {
    const n = tokenDepth - outstanding[tok];
    const rep = (k: number, s: string): void => {
      for (let i = 0; i < k; i++) lines.push(s);
    };
    switch (tok) {
      case 'lc':
        longStore(', push_prev');
        rep(n, 'lsync push_next');
        lines.push('csync pop_next', 'csync pop_prev', 'lsync push_next');
        rep(n, 'csync pop_prev');
        break;
      case 'cs':
        longStore();
        rep(n, 'csync push_next');
        lines.push('ssync pop_prev', 'csync push_next');
        rep(n, 'ssync pop_prev');
        break;
      case 'sc':
        longLoad(', push_next');
        rep(n, 'ssync push_prev');
        lines.push('csync pop_prev', 'csync pop_next', 'ssync push_prev');
        rep(n, 'csync pop_next');
        break;
      case 'cl':
        longLoad();
        rep(n, 'csync push_prev');
        lines.push('lsync pop_next', 'csync push_prev');
        rep(n, 'lsync pop_next');
        break;
    }
  };
  const loopItem = (depth: number): void => {
    const reg = depth === 0 ? 'a3' : 'a4';
    const count = int(1, 4);
    const step = int(0, 200);
    const base = int(0, 1024);
    const maxBase = base + (count - 1) * step;
    const end = `L${label++}`;
    lines.push(`seti ${reg}, ${base}`, `loop count=${count}, body=${end}`);
    const items = int(1, 4);
    for (let i = 0; i < items; i++) {
      const k = int(0, depth === 0 ? 5 : 4);
      if (k === 0) freeLoad(reg, maxBase);
      else if (k === 1) freeStore();
      else if (k === 2) lines.push('lsync push_next', 'csync pop_prev');
      else if (k === 3) configRun(int(1, 6));
      else if (k === 4) lines.push('ssync', 'lsync');
      else loopItem(depth + 1);
    }
    lines.push(`addi ${reg}, ${reg}, ${step}`, `${end}:`);
  };

  // prologue: region B of out is loaded once, and every later store is ordered after it
  lines.push('load buf=out, dram_reg=a0, dram_off=0, buf_addr=512, rows=8, row_bytes=64, dram_stride=64, push_next', 'csync pop_prev, push_next', 'ssync pop_prev');
  const items = int(10, 18);
  for (let i = 0; i < items; i++) {
    switch (int(0, 7)) {
      case 0:
        freeLoad('a1', a1);
        break;
      case 1:
        freeStore();
        break;
      case 2:
      case 3:
        transaction();
        break;
      case 4:
        burst(pick(['lc', 'cl', 'cs', 'sc'] as const));
        break;
      case 5:
        configRun(int(5, 24));
        break;
      case 6:
        loopItem(0);
        break;
      default:
        for (let k = int(1, 20); k > 0; k--) lines.push(pick(['lsync', 'ssync', 'csync']));
    }
  }
  lines.push('halt');
  return lines.join('\n');
}
