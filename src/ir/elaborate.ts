/**
 * Elaboration: a loaded program → the typed `IrDesign`, as a pipeline of named passes over one shared
 * context (CIRCT-style: each pass has a name and a summary, and runs in the order of `PASSES`):
 *
 *   apply-overrides        parse `--set name=value`, check each names a param
 *   evaluate-definitions   params, consts, formats and schemes of every file, in source order
 *   elaborate-pes          each `pe` → IrPe (its kind's schema, src/pe/facets/schema.ts)
 *   elaborate-buffers      each `buffer` → IrBuffer (geometry and the 1 GiB limit)
 *   elaborate-arrays       each `array` → IrArray (the 2^20-PE limit)
 *   elaborate-accelerators each `accelerator` → IrAccelerator; the root file's form the design
 *   check-usage            warnings: `--set` of an unused param, no accelerator in the root file
 *
 * Every declaration is elaborated (not only those reachable from an accelerator), so `qacc check` sees
 * every problem. The design is produced only when no error was reported.
 */
import type * as A from '../dsl/ast.js';
import { capDiagnostics } from '../dsl/caps.js';
import { Diag, diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../dsl/diagnostics.js';
import { parseExpressionSource } from '../dsl/parse.js';
import { loadProgram, type FileHost, type Program } from '../dsl/program.js';
import { SourceFile } from '../dsl/source.js';
import { didYouMean } from '../dsl/suggest.js';
import { Evaluator, type Override } from './evaluate.js';
import { elaboratePe } from './pe-kinds.js';
import { schemaFacet } from '../pe/facets/schema.js';
import { PropertyReader } from './props.js';
import { BUFFER_ROLES, DATAFLOWS, DEFAULT_DRAM_LATENCY, DEFAULT_DRAM_OUTSTANDING, MAX_DRAM_LATENCY, MAX_DRAM_OUTSTANDING, type IrAccelerator, type IrArray, type IrBuffer, type IrDesign, type IrParam, type IrPe } from './types.js';
import { printValue } from './values.js';

/** The most PEs in one array or one accelerator. */
export const MAX_PES = 1 << 20;
/** The largest buffer, in bytes (1 GiB). */
export const MAX_BUFFER_BYTES = 1024 ** 3;
/** The most diagnostics one compilation reports (all files and stages); one N102 note counts the rest. */
export const MAX_DIAGNOSTICS = 100;

export interface ElaborateOptions {
  /** `--set` texts, each `name=value` with the value in .qacc expression syntax. */
  readonly overrides?: readonly string[];
  /** Warn when the root file declares no accelerator (what `qacc ir` wants). */
  readonly requireAccelerator?: boolean;
}

/** The shared state of the passes. */
export interface ElabContext {
  readonly program: Program;
  readonly options: ElaborateOptions;
  readonly diagnostics: Diagnostic[];
  /** Pseudo-files of `--set` values (for rendering their diagnostics). */
  readonly extraSources: Map<string, SourceFile>;
  overrides: Map<string, Override>;
  ev: Evaluator;
  readonly pes: Map<A.PeDecl, IrPe | undefined>;
  readonly buffers: Map<A.BufferDecl, IrBuffer | undefined>;
  readonly arrays: Map<A.ArrayDecl, IrArray | undefined>;
  readonly accelerators: Map<A.AcceleratorDecl, IrAccelerator | undefined>;
}

/** One named step of elaboration. */
export interface Pass {
  readonly name: string;
  readonly summary: string;
  run(ctx: ElabContext): void;
}

/** Every declaration of a kind, with its file, in load order. */
function declsOf<K extends A.Declaration['kind']>(program: Program, kind: K): Array<{ decl: Extract<A.Declaration, { kind: K }>; file: string }> {
  const out: Array<{ decl: Extract<A.Declaration, { kind: K }>; file: string }> = [];
  for (const [path, f] of program.files) {
    for (const d of f.ast.declarations) {
      // Duplicates were reported by the loader; only the first declaration of a name is elaborated.
      if (d.kind === kind && (d.kind === 'import' || program.symbols.get(d.name.text)?.decl === d)) {
        out.push({ decl: d as Extract<A.Declaration, { kind: K }>, file: path });
      }
    }
  }
  return out;
}

const applyOverrides: Pass = {
  name: 'apply-overrides',
  summary: 'parse each --set name=value and check that it names a param',
  run(ctx) {
    for (const text of ctx.options.overrides ?? []) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=([\s\S]*)$/.exec(text);
      if (!m) {
        ctx.diagnostics.push(diagnostic(Diag.badOverride, undefined, [text]));
        continue;
      }
      const [, name, valueText] = m;
      const source = new SourceFile(`--set ${name}`, valueText.trim());
      ctx.extraSources.set(source.path, source);
      const whole = source.span(0, source.text.length);
      const entry = ctx.program.symbols.get(name);
      if (!entry) {
        const params = [...ctx.program.symbols.values()].filter((s) => s.decl.kind === 'param').map((s) => s.decl.name.text);
        ctx.diagnostics.push(diagnostic(Diag.unknownOverride, whole, [name], { ...(didYouMean(name, params) ? { hint: didYouMean(name, params) } : {}) }));
        continue;
      }
      if (entry.decl.kind !== 'param') {
        ctx.diagnostics.push(
          diagnostic(Diag.overrideNotParam, whole, [name, entry.decl.kind], { related: [{ span: entry.decl.name.span, message: `'${name}' is declared here` }], hint: entry.decl.kind === 'const' ? `declare it with 'param ${name} = …;' to allow --set` : undefined }),
        );
        continue;
      }
      const { expr, diagnostics } = parseExpressionSource(source);
      ctx.diagnostics.push(...diagnostics);
      if (expr) ctx.overrides.set(name, { name, expr, span: whole });
    }
    ctx.ev = new Evaluator(ctx.program, ctx.diagnostics, ctx.overrides);
  },
};

const evaluateDefinitions: Pass = {
  name: 'evaluate-definitions',
  summary: 'evaluate every param, const, format and scheme in source order (memoized, cycles reported)',
  run(ctx) {
    // Source order, so backward references are already memoized and recursion only follows forward ones.
    for (const [file, f] of ctx.program.files) {
      for (const decl of f.ast.declarations) {
        if (decl.kind !== 'param' && decl.kind !== 'const' && decl.kind !== 'format' && decl.kind !== 'scheme') continue;
        if (ctx.program.symbols.get(decl.name.text)?.decl === decl) ctx.ev.definition({ decl, file }, decl.name.span);
      }
    }
  },
};

const elaboratePes: Pass = {
  name: 'elaborate-pes',
  summary: 'check and complete every pe declaration',
  run(ctx) {
    for (const { decl, file } of declsOf(ctx.program, 'pe')) ctx.pes.set(decl, elaboratePe(ctx.ev, decl, file));
  },
};

const elaborateBuffers: Pass = {
  name: 'elaborate-buffers',
  summary: 'size, width, banks and role of every buffer; geometry and the 1 GiB limit',
  run(ctx) {
    for (const { decl, file } of declsOf(ctx.program, 'buffer')) ctx.buffers.set(decl, elaborateBuffer(ctx, decl, file));
  },
};

function elaborateBuffer(ctx: ElabContext, decl: A.BufferDecl, file: string): IrBuffer | undefined {
  const ev = ctx.ev;
  const r = new PropertyReader(ev, file, `buffer '${decl.name.text}'`, decl.name.span, decl.properties);
  const sizeLoc = r.require('size');
  const widthLoc = r.get('width');
  const banksLoc = r.get('banks');
  const roleLoc = r.get('role');
  r.finish();
  const bits = sizeLoc && ev.quantityOf(sizeLoc, 'size', 'the buffer size', { min: 1 });
  const width = widthLoc ? ev.bits(widthLoc, 'the access width', { min: 1, max: 1 << 16 }) : 64;
  const banks = banksLoc ? ev.int(banksLoc, 'banks', { min: 1, max: 1 << 12 }) : 1;
  const role = roleLoc ? ev.enumValue(roleLoc, 'buffer role', BUFFER_ROLES) : 'unified';
  if (bits === undefined || width === undefined || banks === undefined || role === undefined || !sizeLoc) return undefined;
  if (bits > MAX_BUFFER_BYTES * 8) {
    ev.report(Diag.bufferTooLarge, sizeLoc.span, [`buffer '${decl.name.text}'`, Math.ceil(bits / 8)]);
    return undefined;
  }
  if (bits % 8 !== 0) {
    ev.report(Diag.bufferGeometry, sizeLoc.span, [`buffer '${decl.name.text}' is ${bits} bits, not a whole number of bytes`]);
    return undefined;
  }
  if (bits % (width * banks) !== 0) {
    ev.report(Diag.bufferGeometry, sizeLoc.span, [`${bits / 8} bytes do not split into ${banks} bank${banks === 1 ? '' : 's'} of ${width}-bit words`]);
    return undefined;
  }
  return {
    name: decl.name.text,
    role,
    bytes: bits / 8,
    bits,
    widthBits: width,
    banks,
    depth: bits / (width * banks),
    bytesPerBank: bits / 8 / banks,
    span: decl.span,
    paramSpans: { ...r.spans },
  };
}

const elaborateArrays: Pass = {
  name: 'elaborate-arrays',
  summary: 'rows × cols of a pe with a dataflow; the 2^20-PE limit',
  run(ctx) {
    for (const { decl, file } of declsOf(ctx.program, 'array')) ctx.arrays.set(decl, elaborateArray(ctx, decl, file));
  },
};

function elaborateArray(ctx: ElabContext, decl: A.ArrayDecl, file: string): IrArray | undefined {
  const ev = ctx.ev;
  const r = new PropertyReader(ev, file, `array '${decl.name.text}'`, decl.name.span, decl.properties);
  const peLoc = r.require('pe');
  const rowsLoc = r.require('rows');
  const colsLoc = r.require('cols');
  const dfLoc = r.get('dataflow');
  r.finish();
  const peDecl = peLoc && ev.ref(peLoc, 'pe', 'the array');
  const rows = rowsLoc && ev.int(rowsLoc, 'rows', { min: 1, max: MAX_PES });
  const cols = colsLoc && ev.int(colsLoc, 'cols', { min: 1, max: MAX_PES });
  const dataflow = dfLoc ? ev.enumValue(dfLoc, 'dataflow', DATAFLOWS) : 'output_stationary';
  // which dataflows a kind runs is its schema's declaration (SchemaFacet.dataflows), checked below
  if (rows === undefined || cols === undefined) return undefined;
  const pes = rows * cols;
  if (pes > MAX_PES) {
    ev.report(Diag.tooManyPes, decl.name.span, [`array '${decl.name.text}'`, pes, MAX_PES]);
    return undefined;
  }
  if (!peDecl || dataflow === undefined) return undefined;
  const pe = ctx.pes.get(peDecl);
  if (!pe) return undefined; // its errors are reported at the pe
  const dataflows = schemaFacet(pe.kind).dataflows ?? ['output_stationary'];
  if (dfLoc && !dataflows.includes(dataflow)) {
    ev.report(Diag.unsupportedByHardware, dfLoc.span, [`dataflow = ${dataflow} is not implemented by ${pe.kind} PEs (pe '${pe.name}')`], { hint: `the ${pe.kind} tile engine runs ${dataflows.map((d) => `dataflow = ${d}`).join(' or ')}` });
    return undefined;
  }
  return { name: decl.name.text, pe, rows, cols, dataflow, pes, macsPerCycle: pes * pe.macsPerCycle, span: decl.span, paramSpans: { ...r.spans } };
}

const elaborateAccelerators: Pass = {
  name: 'elaborate-accelerators',
  summary: 'arrays, buffers, clock and DRAM bandwidth of every accelerator; totals and limits',
  run(ctx) {
    for (const { decl, file } of declsOf(ctx.program, 'accelerator')) ctx.accelerators.set(decl, elaborateAccelerator(ctx, decl, file));
  },
};

function elaborateAccelerator(ctx: ElabContext, decl: A.AcceleratorDecl, file: string): IrAccelerator | undefined {
  const ev = ctx.ev;
  const r = new PropertyReader(ev, file, `accelerator '${decl.name.text}'`, decl.name.span, decl.properties);
  const arraysLoc = r.require('arrays');
  const buffersLoc = r.get('buffers');
  const clockLoc = r.require('clock');
  const dramLoc = r.require('dram');
  const latencyLoc = r.get('dram_latency');
  const outstandingLoc = r.get('dram_outstanding');
  r.finish();
  const clock = clockLoc && ev.quantityOf(clockLoc, 'frequency', 'the clock', { min: 1, max: 1e12 });
  const dram = dramLoc && ev.quantityOf(dramLoc, 'bandwidth', 'the DRAM bandwidth', { min: 1, max: 1 << 24 });
  // The DMA protocol of docs/simulator.md "DRAM": every DMA completes dram_latency cycles after its last
  // beat, and each DMA queue keeps up to dram_outstanding DMAs in flight (the RTL's per-queue FIFOs).
  const latency = latencyLoc ? ev.quantityOf(latencyLoc, 'duration', 'the DRAM latency', { min: 1, max: MAX_DRAM_LATENCY }) : DEFAULT_DRAM_LATENCY;
  const outstanding = outstandingLoc ? ev.int(outstandingLoc, 'dram_outstanding', { min: 1, max: MAX_DRAM_OUTSTANDING }) : DEFAULT_DRAM_OUTSTANDING;
  let ok = clock !== undefined && dram !== undefined && arraysLoc !== undefined && latency !== undefined && outstanding !== undefined;
  // The DMA engine of the simulator and the RTL moves whole bytes per DRAM beat (arch/microarch.ts).
  if (dram !== undefined && dram % 8 !== 0 && dramLoc) {
    ev.report(Diag.outOfRange, dramLoc.span, ['the DRAM bandwidth', 'a whole number of bytes per cycle (a multiple of 8 b/cycle: the DMA moves whole bytes per beat)', `${dram} b/cycle`]);
    ok = false;
  }
  const arrays: IrArray[] = [];
  if (arraysLoc) {
    const items = ev.list(arraysLoc);
    if (items.length === 0) {
      ev.report(Diag.emptyList, arraysLoc.span, ['arrays']);
      ok = false;
    }
    // The compiler, the simulator and the RTL drive one PE array; a second one would be counted in the
    // totals but never used.
    if (items.length > 1) ev.report(Diag.outOfRange, items[1].span, [`the arrays of accelerator '${decl.name.text}'`, 'one array (the compiler, simulator and RTL drive a single PE array)', `${items.length}`]);
    for (const item of items) {
      const a = ev.ref(item, 'array', `accelerator '${decl.name.text}'`);
      const ir = a && ctx.arrays.get(a);
      if (ir) arrays.push(ir);
      else ok = false;
    }
  }
  const buffers: IrBuffer[] = [];
  for (const item of buffersLoc ? ev.list(buffersLoc) : []) {
    const b = ev.ref(item, 'buffer', `accelerator '${decl.name.text}'`);
    const ir = b && ctx.buffers.get(b);
    if (ir && buffers.includes(ir)) {
      // one memory listed twice would be counted twice in the totals
      ev.report(Diag.duplicateListItem, item.span, [`buffer '${ir.name}'`, `the buffers of accelerator '${decl.name.text}'`]);
      ok = false;
    } else if (ir) buffers.push(ir);
    else ok = false;
  }
  if (!ok || clock === undefined || dram === undefined || latency === undefined || outstanding === undefined) return undefined;
  const totalPes = arrays.reduce((s, a) => s + a.pes, 0);
  if (totalPes > MAX_PES) {
    ev.report(Diag.tooManyPes, decl.name.span, [`accelerator '${decl.name.text}'`, totalPes, MAX_PES]);
    return undefined;
  }
  if (arrays.length > 1) return undefined; // reported above
  return {
    name: decl.name.text,
    arrays,
    buffers,
    clockHz: clock,
    dramBitsPerCycle: dram,
    dramBytesPerSecond: (dram * clock) / 8,
    dramLatencyCycles: latency,
    dramOutstanding: outstanding,
    totalPes,
    totalBufferBytes: buffers.reduce((s, b) => s + b.bytes, 0),
    peakMacsPerCycle: arrays.reduce((s, a) => s + a.macsPerCycle, 0),
    span: decl.span,
    paramSpans: { ...r.spans },
  };
}

const checkUsage: Pass = {
  name: 'check-usage',
  summary: 'warn about --set of params nothing reads and a root file without an accelerator',
  run(ctx) {
    for (const o of ctx.overrides.values()) {
      if (!ctx.ev.usedParams.has(o.name)) ctx.diagnostics.push(diagnostic(Diag.unusedParam, o.span, [o.name]));
    }
    if (ctx.options.requireAccelerator && ctx.program.files.has(ctx.program.root)) {
      const root = ctx.program.files.get(ctx.program.root);
      if (root && !root.ast.declarations.some((d) => d.kind === 'accelerator')) {
        ctx.diagnostics.push(diagnostic(Diag.noAccelerator, root.source.span(0, 0), [ctx.program.root]));
      }
    }
  },
};

/** The passes, in order. */
export const PASSES: readonly Pass[] = [applyOverrides, evaluateDefinitions, elaboratePes, elaborateBuffers, elaborateArrays, elaborateAccelerators, checkUsage];

/** The result of compiling a file: diagnostics (sorted), the design when error-free, and source lookup. */
export interface Compilation {
  readonly design: IrDesign | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly program: Program;
  /** Finds source text for rendering diagnostics (program files and `--set` pseudo-files). */
  source(path: string): SourceFile | undefined;
}

/** Runs the passes over a loaded program. Never throws for user input. */
export function elaborate(program: Program, options: ElaborateOptions = {}): Compilation {
  const diagnostics: Diagnostic[] = [...program.diagnostics];
  const extraSources = new Map<string, SourceFile>();
  const source = (p: string) => program.source(p) ?? extraSources.get(p);
  // Syntax errors leave partial trees; elaborating them would only add confusing follow-on errors.
  if (program.hasSyntaxErrors || program.files.size === 0) return { design: undefined, diagnostics: capDiagnostics(sortDiagnostics(diagnostics), MAX_DIAGNOSTICS), program, source };
  const overrides = new Map<string, Override>();
  const ctx: ElabContext = {
    program,
    options,
    diagnostics,
    extraSources,
    overrides,
    ev: new Evaluator(program, diagnostics, overrides),
    pes: new Map(),
    buffers: new Map(),
    arrays: new Map(),
    accelerators: new Map(),
  };
  for (const pass of PASSES) pass.run(ctx);
  const sorted = capDiagnostics(sortDiagnostics(diagnostics), MAX_DIAGNOSTICS);
  if (hasErrors(diagnostics)) return { design: undefined, diagnostics: sorted, program, source };

  const params: IrParam[] = declsOf(program, 'param').map(({ decl, file }) => ({
    name: decl.name.text,
    value: printValue(ctx.ev.definition({ decl, file }, decl.name.span)),
    overridden: overrides.has(decl.name.text),
    span: decl.span,
  }));
  const accelerators: IrAccelerator[] = [];
  for (const d of program.files.get(program.root)?.ast.declarations ?? []) {
    if (d.kind !== 'accelerator') continue;
    const a = ctx.accelerators.get(d);
    if (a) accelerators.push(a);
  }
  return { design: { root: program.root, params, accelerators }, diagnostics: sorted, program, source };
}

/** Loads `rootPath` through `host` and elaborates it: the whole front end in one call. */
export function compileFile(rootPath: string, host: FileHost, options: ElaborateOptions = {}): Compilation {
  return elaborate(loadProgram(rootPath, host), options);
}
