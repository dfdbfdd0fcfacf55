/**
 * The accelerator top of the program-level RTL (docs/array-rtl.md): dispatch unit, instruction queues,
 * token counters, load/store DMA on one DRAM port, compute unit, byte-lane buffers and the tile engine of
 * the target's PE kind (its RtlFacet's engine, or the trapping `none` engine when options.engine is 'none').
 *
 * Algorithm: everything the templates need is decided here and handed over as a plain view model —
 * which opcodes go to which queue and which compute instructions the compute unit executes itself (from
 * the ISA definition, so an ISA edit regenerates the decoder), the token-flag bit positions (checked to be
 * the same for every instruction of a queue), the buffers' geometry (`bufferLanes`, capacities, address
 * widths) and the Verilog expressions that wire each buffer's ports. The templates only interpolate.
 */
import type { Target } from '../../compile/target.js';
import { ISA, TILE_OPCODES, type IsaBuffer } from '../../isa/index.js';
import { bufferAddressBits, bufferLanes, dramBeatBytes, dramLatency, dramOutstanding, QUEUE_DEPTH } from '../../arch/microarch.js';
import { bufferRamGeometry, QUEUE_ENTRY_BITS } from '../../arch/top-geometry.js';
import { rtlFacet } from '../../pe/facets/rtl.js';
import type { EngineContext } from './engine.js';
import { IMEM_WORDS } from '../../compile/compact.js';
import { isaDecoderParams } from './isa-decoder.js';
import { bitsFor, type RtlModule } from './module-set.js';
import { rtlInvariant } from './invariant.js';
import { acceleratorTopName, peTopName } from './names.js';

/** Default instruction-memory depth of the top (words of 128 bits): the compiler's IMEM_WORDS, which every program it emits fits. */
export const DEFAULT_IMEM_WORDS = IMEM_WORDS;

/** The read ports every engine has (docs/array-rtl.md: all four, whether the kind reads them or not). */
export const ENGINE_READ_SPACES: readonly IsaBuffer[] = ['act', 'wgt', 'meta', 'lrw'];

/** Compute-queue instructions the compute unit executes itself in one cycle (never sent to the engine). */
export const COMPUTE_LOCAL: readonly string[] = ['csync', 'setfmt', 'setmode', 'settile', 'setscale'];

/** Instructions counted as PE-array work (`pe_busy`): the tile class of the simulator. */
export const TILE_INSTRUCTIONS: readonly string[] = TILE_OPCODES;

/** Top-level trap codes (docs/array-rtl.md "Trap codes"); engine traps are reported as 0x80 | code. */
export const TRAP_CODES = {
  unknownOpcode: 1,
  loopOverflow: 2,
  pastImem: 3,
  bufferRange: 4,
  storeNotOut: 5,
  badBuffer: 6,
  outConflict: 7,
  settileWide: 8,
} as const;

/** Trap reported by the program bench itself: a DMA beat outside the DRAM image. */
export const BENCH_TRAP_DRAM_RANGE = 0xff;

/** Describes a trap code in words. */
export function describeTrap(code: number): string {
  if (code === BENCH_TRAP_DRAM_RANGE) return 'a DMA accessed DRAM outside the image (bench)';
  if (code >= 0x80) return code === 0x81 ? 'the tile engine trapped with code 1 (the none engine: this PE kind has no tile engine)' : `the tile engine trapped with code ${code & 0x7f}`;
  const names: Record<number, string> = {
    1: 'unknown opcode',
    2: 'loop stack overflow',
    3: 'the program ran past the instruction memory',
    4: 'a DMA accessed a buffer outside its space',
    5: 'a store read a buffer other than out',
    6: 'a DMA named an unknown buffer',
    7: 'the load DMA and the engine wrote the out buffer in the same cycle',
    8: 'settile k does not fit the 16-bit tile register',
  };
  return names[code] ?? `unknown trap code ${code}`;
}

/** Module names of an accelerator's top, legalized and unique. */
export interface TopNames {
  readonly top: string;
  readonly fifo: string;
  readonly engine: string;
  readonly buffer: (space: IsaBuffer) => string;
}

export { acceleratorTopName };

function topNames(t: Target, engineKind: string): TopNames {
  const top = acceleratorTopName(t.accelerator.name);
  return {
    top,
    fifo: `${top}_iq`,
    engine: `${top}_engine_${engineKind}`,
    buffer: (space) => `${top}_buf_${space}`,
  };
}

/** Geometry of one buffer space in the RTL. */
export interface BufferGeometry {
  readonly space: IsaBuffer;
  readonly capacity: number;
  readonly lanes: number;
  /** Byte-address width: max(1, ceil(log2 capacity)). */
  readonly aw: number;
}

/** The buffers' RTL geometry for a target. */
export function bufferGeometry(t: Target): Record<IsaBuffer, BufferGeometry> {
  const lanes = bufferLanes(t);
  const g = (space: IsaBuffer): BufferGeometry => ({ space, capacity: t.capacity[space], lanes: lanes[space], aw: bufferAddressBits(t.capacity[space]) });
  return { act: g('act'), wgt: g('wgt'), meta: g('meta'), lrw: g('lrw'), out: g('out') };
}

function log2Exact(n: number): number {
  const l = Math.round(Math.log2(n));
  rtlInvariant(2 ** l === n, `buffer lanes ${n} is not a power of two`); // bufferLanes makes powers of two
  return l;
}

/** The byte-lane RAM of one buffer space (buffer.v.hbs). */
export function bufferModule(name: string, g: BufferGeometry, engineWrite = false): RtlModule {
  rtlInvariant(g.capacity > 0, `buffer ${g.space} has no capacity`); // acceleratorTop skips empty spaces
  const lb = log2Exact(g.lanes);
  // row index exactly as wide as the RAM needs (arch/top-geometry.ts); the byte address is extended to lb + rw bits
  const { depth, rowBits: rw } = bufferRamGeometry(g.capacity, g.lanes);
  const xw = lb + rw;
  rtlInvariant(xw >= g.aw, `buffer ${g.space}: ${depth} rows of ${g.lanes} lanes cannot hold ${g.capacity} bytes`);
  const ext = (sig: string): string => (xw > g.aw ? `{${xw - g.aw}'d0, ${sig}}` : sig);
  const inc = (off: string): string => (rw === 1 ? `(L < ${off})` : `{${rw - 1}'d0, (L < ${off})}`);
  return {
    name,
    template: 'buffer.v.hbs',
    deps: [],
    view: {
      space: g.space,
      capacity: g.capacity,
      lanes: g.lanes,
      depth,
      lb,
      awMsb: g.aw - 1,
      dataMsb: 8 * g.lanes - 1,
      laneMsb: g.lanes - 1,
      xw,
      xwMsb: xw - 1,
      rwMsb: rw - 1,
      laneMask: g.lanes - 1,
      waExt: ext('wr_addr'),
      raExt: ext('rd_addr'),
      wInc: inc('woff'),
      rInc: inc('roff'),
      dataWidth: 8 * g.lanes,
      dblMsb: 16 * g.lanes - 1,
      dblMaskMsb: 2 * g.lanes - 1,
      // shift amounts: the start lane in bytes (bits for the data words); none with a single lane
      wShift: lb === 0 ? "3'd0" : `{woff[${lb - 1}:0], 3'b000}`,
      wMaskShift: lb === 0 ? "1'b0" : `woff[${lb - 1}:0]`,
      rShift: lb === 0 ? "3'd0" : `{roff_q[${lb - 1}:0], 3'b000}`,
      // a second write port (the engine's, EngineExtras.writes), applied after the first
      engineWrite,
      ea: ext('ewr_addr'),
      eInc: inc('eoff'),
      eShift: lb === 0 ? "3'd0" : `{eoff[${lb - 1}:0], 3'b000}`,
      eMaskShift: lb === 0 ? "1'b0" : `eoff[${lb - 1}:0]`,
    },
  };
}

/** The bit of a token flag, the same in every instruction of the queue (checked). */
function flagBit(queue: string, flag: string): string {
  const defs = ISA.instructions.filter((i) => i.queue === queue);
  const lsbs = new Set(defs.map((i) => i.fields.find((f) => f.name === flag)?.lsb));
  rtlInvariant(lsbs.size === 1 && !lsbs.has(undefined), `ISA: flag ${flag} is not at one bit position in every ${queue}-queue instruction`);
  const first = defs[0];
  return `QACC_${first.name.toUpperCase()}_${flag.toUpperCase()}_LSB`;
}

function opcodeTest(names: readonly string[], opVar: string): string {
  if (names.length === 0) return "1'b0";
  return names.map((n) => `${opVar} == QACC_OP_${n.toUpperCase()}`).join(' || ');
}

function queueOps(queue: string): string[] {
  return ISA.instructions.filter((i) => i.queue === queue).map((i) => i.name);
}

/** Options of the top generator. */
export interface TopOptions {
  /** Instruction-memory words (default 2^14). */
  readonly imemWords?: number;
  /**
   * `none`: build the top without a tile engine even when the kind has one (the trapping none engine):
   * DMA, configuration and token-only programs run exactly; used for bring-up and for tests of the
   * controller that should not depend on an engine's build.
   */
  readonly engine?: 'auto' | 'none';
}

/** What the top generator produces. */
export interface AcceleratorTop {
  readonly module: RtlModule;
  readonly names: TopNames;
  /** The PE kind whose engine the top instantiates, or 'none'. */
  readonly engineKind: string;
  readonly imemWords: number;
  readonly beatBytes: number;
  /** dram_latency: the bench returns a read beat this many cycles after its request. */
  readonly latency: number;
  readonly buffers: Record<IsaBuffer, BufferGeometry>;
}

function engineNone(name: string, t: Target, view: Record<string, unknown>): RtlModule {
  return { name, template: 'engine_none.v.hbs', deps: [], view: { ...view, kind: t.pe.kind, accelText: t.accelerator.name.replace(/[^A-Za-z0-9_]/g, '_') } };
}

/** Generates the accelerator top of a target (and, as dependencies, its FIFO, buffers and engine). */
export function acceleratorTop(t: Target, options: TopOptions = {}): AcceleratorTop {
  const imemWords = options.imemWords ?? DEFAULT_IMEM_WORDS;
  rtlInvariant(Number.isInteger(imemWords) && imemWords >= 2, `imemWords must be an integer >= 2, got ${imemWords}`); // set by qacc's own callers
  const generator = options.engine === 'none' ? undefined : rtlFacet(t.pe.kind).engine;
  const extras = generator ? rtlFacet(t.pe.kind).engineExtras?.(t) : undefined;
  const engineWrites: readonly string[] = extras?.writes ?? [];
  const engineKind = generator ? t.pe.kind : 'none';
  const names = topNames(t, engineKind);
  const geo = bufferGeometry(t);
  const beat = dramBeatBytes(t);
  // check rejects an accelerator without room for outputs (E414, compile/check-design.ts)
  rtlInvariant(geo.out.capacity > 0, `accelerator ${t.accelerator.name} has no out buffer space`);
  const bytesW = bitsFor(beat);
  const tokW = bitsFor(ISA.machine.tokenDepth);
  const outs = dramOutstanding(t);
  const ow = bitsFor(outs);
  const pw = bitsFor(outs - 1);
  /** A 1-bit signal zero-extended to w bits. */
  const ext1 = (sig: string, w: number): string => (w === 1 ? sig : `{${w - 1}'d0, ${sig}}`);
  const spW = bitsFor(ISA.machine.loopDepth);
  const lvW = Math.max(1, bitsFor(ISA.machine.loopDepth - 1));
  const port = (g: BufferGeometry) => ({ space: g.space, upper: g.space.toUpperCase(), capacity: g.capacity, lanes: g.lanes, awMsb: g.aw - 1, awW: g.aw, dataMsb: 8 * g.lanes - 1, dataW: 8 * g.lanes, laneMsb: g.lanes - 1 });
  const readSpaces = ENGINE_READ_SPACES.map((s) => port(geo[s]));
  const out = port(geo.out);
  const pad = (sig: string, width: number, to: number): string => (to > width ? `{${to - width}'d0, ${sig}}` : sig);
  const deps: RtlModule[] = [{ name: names.fifo, template: 'top_fifo.v.hbs', deps: [], view: { depth: QUEUE_DEPTH, depthMsb: QUEUE_DEPTH - 1, ptrMsb: bitsFor(QUEUE_DEPTH - 1) - 1, pushInc: `{${bitsFor(QUEUE_DEPTH - 1)}'d0, do_push}`, popDec: `{${bitsFor(QUEUE_DEPTH - 1)}'d0, do_pop}` } }];
  const present: Record<string, unknown>[] = [];
  const absent: Record<string, unknown>[] = [];
  for (const space of ['act', 'wgt', 'meta', 'lrw', 'out'] as const) {
    const g = geo[space];
    if (g.capacity <= 0) {
      absent.push(port(g));
      continue;
    }
    const engineWrite = engineWrites.includes(space);
    const mod = bufferModule(names.buffer(space), g, engineWrite);
    deps.push(mod);
    const loadWrite = `ld_resp && ld_buf == QACC_BUFFER_${space.toUpperCase()}`;
    const ldData = pad('dram_resp_data', 8 * beat, 8 * g.lanes);
    const ldMask = pad('ld_wmask', beat, g.lanes);
    const ldAddr = `ld_wptr_w[${g.aw - 1}:0]`;
    if (space === 'out') {
      present.push({
        module: mod.name,
        space,
        wrEn: 'ld_out_wr || eng_out_wr_en',
        wrAddr: `ld_out_wr ? ${ldAddr} : eng_out_wr_addr`,
        wrData: `ld_out_wr ? ${ldData} : eng_out_wr_data`,
        wrMask: `ld_out_wr ? ${ldMask} : eng_out_wr_mask`,
        rdEn: 'st_beat',
        rdAddr: `stc_rptr[${g.aw - 1}:0]`,
        rdData: 'out_rd_data',
      });
    } else {
      present.push({ module: mod.name, space, wrEn: loadWrite, wrAddr: ldAddr, wrData: ldData, wrMask: ldMask, rdEn: `${space}_rd_en`, rdAddr: `${space}_rd_addr`, rdData: `${space}_rd_data`, engineWrite });
    }
  }
  // check rejects a runtime-quantizing design without act or meta space (the compiler has nowhere to put codes)
  rtlInvariant(engineWrites.every((s) => geo[s as IsaBuffer].capacity > 0), `engine of ${t.pe.kind} writes a buffer space this accelerator lacks`);
  const writeSpaces = engineWrites.map((s) => port(geo[s as IsaBuffer]));
  const engineView = { readSpaces, out };
  const engine = generator ? generator(t, { moduleName: names.engine, prefix: `${names.top}_`, peModuleName: peTopName(t.accelerator) } satisfies EngineContext) : engineNone(names.engine, t, engineView);
  rtlInvariant(engine.name === names.engine, `engine generator for ${t.pe.kind} named its module ${engine.name}, expected ${names.engine}`);
  deps.push(engine);
  const setmode = ISA.instructions.find((i) => i.name === 'setmode');
  const fieldW = (name: string): number => setmode?.fields.find((f) => f.name === name)?.width ?? 0;
  const ext = (field: string, to: number): string => {
    const w = fieldW(field);
    const sel = `cph_word[QACC_SETMODE_${field.toUpperCase()}_LSB +: QACC_SETMODE_${field.toUpperCase()}_W]`;
    rtlInvariant(w <= to, `setmode.${field} is wider than its ${to}-bit engine register`); // the ISA definition
    return w === to ? sel : `{${to - w}'d0, ${sel}}`;
  };
  const tokInc: Record<string, string> = {};
  const tokDec: Record<string, string> = {};
  for (const tok of ['lc', 'cl', 'cs', 'sc']) {
    tokInc[tok] = `{${tokW - 1}'d0, push_${tok}}`;
    tokDec[tok] = `{${tokW - 1}'d0, pop_${tok}}`;
  }
  const module: RtlModule = {
    name: names.top,
    template: 'top.v.hbs',
    deps,
    view: {
      accelText: t.accelerator.name.replace(/[^A-Za-z0-9_]/g, '_'),
      isa: isaDecoderParams(),
      engine: engine.name,
      fifo: names.fifo,
      queueDepth: QUEUE_DEPTH,
      // each queue's entry width (arch/top-geometry.ts QUEUE_ENTRY_BITS: pc, DRAM address for the DMA queues, instruction word)
      ldqW: QUEUE_ENTRY_BITS.load,
      cpqW: QUEUE_ENTRY_BITS.compute,
      stqW: QUEUE_ENTRY_BITS.store,
      ldqMsb: QUEUE_ENTRY_BITS.load - 1,
      cpqMsb: QUEUE_ENTRY_BITS.compute - 1,
      stqMsb: QUEUE_ENTRY_BITS.store - 1,
      tokenDepth: ISA.machine.tokenDepth,
      loopDepth: ISA.machine.loopDepth,
      imemDepth: imemWords,
      imemMsb: imemWords - 1,
      imwMsb: bitsFor(imemWords - 1) - 1,
      beatBytes: beat,
      beatMsb: 8 * beat - 1,
      beatLaneMsb: beat - 1,
      bytesMsb: bytesW - 1,
      latency: dramLatency(t),
      // the in-flight FIFOs of the DMA units: a count of 0..outstanding (ow bits), pointers of pw bits
      outstanding: outs,
      outstandingLast: outs - 1,
      ow,
      owMsb: ow - 1,
      pw,
      pwMsb: pw - 1,
      ldAlloc: ext1('ld_grant', ow),
      ldComplete: ext1('ld_dcomplete', ow),
      ldRetire: ext1('ld_retire', ow),
      stAlloc: ext1('st_grant', ow),
      stComplete: ext1('st_dcomplete', ow),
      stRetire: ext1('st_retire', ow),
      tokW,
      tokMsb: tokW - 1,
      spW,
      spMsb: spW - 1,
      lvW,
      lvMsb: lvW - 1,
      spInt: `{${32 - spW}'d0, sp}`,
      isLoadQ: opcodeTest(queueOps('load'), 'op'),
      isComputeQ: opcodeTest(queueOps('compute'), 'op'),
      isStoreQ: opcodeTest(queueOps('store'), 'op'),
      isLocal: opcodeTest(COMPUTE_LOCAL, 'cph_op'),
      isTile: opcodeTest(TILE_INSTRUCTIONS, 'cph_op'),
      flags: {
        loadPop: flagBit('load', 'pop_next'),
        loadPush: flagBit('load', 'push_next'),
        computePopPrev: flagBit('compute', 'pop_prev'),
        computePopNext: flagBit('compute', 'pop_next'),
        computePushPrev: flagBit('compute', 'push_prev'),
        computePushNext: flagBit('compute', 'push_next'),
        storePop: flagBit('store', 'pop_prev'),
        storePush: flagBit('store', 'push_prev'),
      },
      rankExt: ext('rank', 16),
      simdExt: ext('simd', 8),
      tokInc,
      tokDec,
      buffers: (['act', 'wgt', 'meta', 'out', 'lrw'] as const).map((s) => port(geo[s])),
      outCapacity: geo.out.capacity,
      maxBuffer: [...ISA.enums.buffer.values].sort((a, b) => b.code - a.code)[0].name.toUpperCase(),
      readSpaces,
      out,
      present,
      absent,
      writeSpaces,
      engineRounding: extras?.rounding ?? false,
    },
  };
  return { module, names, engineKind, imemWords, beatBytes: beat, latency: dramLatency(t), buffers: geo };
}

/** One port of the accelerator top, for the README's port table. */
export interface TopPort {
  readonly name: string;
  readonly dir: 'input' | 'output';
  readonly width: number;
  readonly doc: string;
}

/** The accelerator top's ports (docs/array-rtl.md), in declaration order. */
export function topPorts(top: AcceleratorTop, traceSignals: readonly (readonly [string, number])[]): TopPort[] {
  const beat = top.beatBytes;
  const imw = bitsFor(top.imemWords - 1);
  return [
    { name: 'clk', dir: 'input', width: 1, doc: 'clock, rising edge' },
    { name: 'rst', dir: 'input', width: 1, doc: 'synchronous reset, active high' },
    { name: 'start', dir: 'input', width: 1, doc: 'sampled at a rising edge: the program starts, its first word is dispatched in cycle 0' },
    { name: 'done', dir: 'output', width: 1, doc: "high from the cycle the program has finished (the simulator's cycle count) on" },
    { name: 'trap', dir: 'output', width: 1, doc: 'sticky: the program hit a trap (see trap_code); the machine stops starting work' },
    { name: 'trap_code', dir: 'output', width: 8, doc: 'the first trap: 1 opcode, 2 loop stack, 3 past imem, 4 buffer range, 5 store not from out, 6 buffer code, 7 out write conflict, 8 settile k; 0x80 | c: engine trap c' },
    { name: 'imem_we', dir: 'input', width: 1, doc: `write imem_wdata to instruction word imem_addr (before start; ${top.imemWords} words)` },
    { name: 'imem_addr', dir: 'input', width: imw, doc: 'instruction word address' },
    { name: 'imem_wdata', dir: 'input', width: 128, doc: 'instruction word (isa/REFERENCE.md)' },
    { name: 'dram_req_valid', dir: 'output', width: 1, doc: 'a DRAM beat this cycle (one per cycle, always accepted)' },
    { name: 'dram_req_write', dir: 'output', width: 1, doc: 'the beat writes (its data follows on dram_wdata in the next cycle)' },
    { name: 'dram_req_addr', dir: 'output', width: 40, doc: 'byte address of the beat' },
    { name: 'dram_req_bytes', dir: 'output', width: bitsFor(beat), doc: `bytes of the beat, 1..${beat}` },
    { name: 'dram_wdata', dir: 'output', width: 8 * beat, doc: "the previous cycle's write beat, byte i = address + i" },
    { name: 'dram_resp_valid', dir: 'input', width: 1, doc: `the read beat requested ${top.latency} cycles earlier returns` },
    { name: 'dram_resp_data', dir: 'input', width: 8 * beat, doc: 'its bytes, byte i = address + i' },
    ...traceSignals.map(([name, width]): TopPort => ({ name: `trace_${name}`, dir: 'output', width, doc: `trace point \`${name}\` (src/sim/vcd.ts)` })),
  ];
}
