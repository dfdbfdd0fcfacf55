/**
 * From the IR to Verilog: picks the PE generator for an elaborated PE (through the workload compiler's
 * IR → golden mapping, so the RTL implements exactly the arithmetic the simulator and golden model use),
 * names the generated top module after the legalized DSL names, and describes its ports for the harness
 * and the README. `generateAcceleratorRtl` renders every module of an accelerator's PE(s), plus a file
 * list, a FuseSoC .core file and a README of the top-level ports. Emission never changes the IR.
 */
import { resolveTarget } from '../../compile/target.js';
import type { GoldenConfig } from '../../golden/types.js';
import type { IrAccelerator } from '../../ir/types.js';
import type { TargetOf } from '../../pe/facets/compile.js';
import { rtlFacet, type PeRtlOptions } from '../../pe/facets/rtl.js';
import type { PeKind } from '../../pe/kinds.js';
import { emitModules, headerComment, sanitizeComment, type GeneratedBy, type GeneratedFile } from './emit.js';
import type { HarnessPort, HarnessSpec } from './harness-spec.js';
import { rtlInvariant } from './invariant.js';
import { ModuleSet, type RtlModule } from './module-set.js';
import { NameScope, peTopName } from './names.js';

export { peTopName };
import type { TemplateReader } from './render.js';
import { acceleratorTop, topPorts } from './top.js';
import { TRACE_SIGNALS } from '../../arch/trace-signals.js';

/** A PE generator's result: the module and its port contract. */
export interface PeRtl {
  readonly module: RtlModule;
  readonly harness: HarnessSpec;
}

/** Ports every PE has besides its data ports. */
export const CONTROL_PORTS: readonly (HarnessPort & { readonly dir: 'input' | 'output' })[] = [
  { name: 'clk', width: 1, dir: 'input', doc: 'clock, rising edge' },
  { name: 'rst', width: 1, dir: 'input', doc: 'synchronous reset, active high' },
  { name: 'in_valid', width: 1, dir: 'input', doc: 'a beat is offered on the data inputs' },
  { name: 'in_ready', width: 1, dir: 'output', doc: 'the PE takes the beat at this rising edge' },
  { name: 'out_valid', width: 1, dir: 'output', doc: 'the data outputs hold a result (one cycle)' },
];

/** The golden configs a PE's RTL implements (one per SIMD mode; one otherwise). */
export interface PeDesign {
  readonly rtl: PeRtl;
  readonly goldens: readonly GoldenConfig[];
}

/** Generates the PE of an accelerator's (first) array through its kind's RtlFacet (options: the kind's harness build, RtlFacet.harnessOptions). */
export function acceleratorPe(accel: IrAccelerator, top: string, options: PeRtlOptions = {}): PeDesign {
  const target = resolveTarget(accel);
  const names = new NameScope();
  const peName = names.claim(target.pe.name);
  return rtlFacet(target.pe.kind).pe(target as TargetOf<PeKind>, top, peName, options);
}


/** Every file `qacc build` writes for one accelerator. */
export interface AcceleratorRtl {
  /** The PE's top module (what the PE-level checks drive). */
  readonly top: string;
  /** The accelerator top (docs/array-rtl.md): runs ISA programs; the FuseSoC default toplevel. */
  readonly acceleratorTop: string;
  /** Paths (under rtl/) of the PE module and what it instantiates: what a PE-only synthesis reads. */
  readonly peFiles: readonly string[];
  /** Paths (under rtl/) of the accelerator top and what it instantiates (not the PE-only modules). */
  readonly topFiles: readonly string[];
  readonly files: readonly GeneratedFile[];
  readonly design: PeDesign;
}

function portTable(h: HarnessSpec): string {
  const rows = [...CONTROL_PORTS.map((p) => `| \`${p.name}\` | ${p.dir} | ${p.width} | ${p.doc} |`)];
  for (const p of h.inputs) rows.splice(rows.length - 2, 0, `| \`${p.name}\` | input | ${p.width} | ${p.doc ?? ''} |`);
  for (const p of h.outputs) rows.push(`| \`${p.name}\` | output | ${p.width} | ${p.doc ?? ''} |`);
  return ['| port | direction | bits | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * Renders the RTL of an accelerator: its top (controller, buffers, tile engine; docs/array-rtl.md) and its
 * PE module (kept for the PE-level checks), plus files.f, a FuseSoC core and a README.
 */
export function generateAcceleratorRtl(accel: IrAccelerator, reader: TemplateReader, by: GeneratedBy): AcceleratorRtl {
  const top = peTopName(accel);
  const design = acceleratorPe(accel, top);
  const accTop = acceleratorTop(resolveTarget(accel));
  const accName = accTop.names.top;
  rtlInvariant(accName !== top, `the accelerator top and the PE top are both named ${top}`); // peTopName avoids it
  const set = new ModuleSet();
  set.add(accTop.module);
  set.add(design.rtl.module);
  const rtl = emitModules(set, reader, by).map((f) => ({ path: `rtl/${f.path}`, text: f.text }));
  const fileList = rtl.map((f) => f.path).join('\n') + '\n';
  const coreName = `qacc:generated:${top}:${sanitizeComment(by.version)}`;
  const core = [
    'CAPI=2:',
    `# ${headerComment(by).slice(3)}`,
    `name: ${coreName}`,
    `description: "qacc accelerator ${accName} (PE ${top})"`,
    'filesets:',
    '  rtl:',
    '    file_type: verilogSource',
    '    files:',
    ...rtl.map((f) => `      - ${f.path}`),
    'targets:',
    '  default:',
    '    filesets: [rtl]',
    `    toplevel: ${accName}`,
    '  pe:',
    '    filesets: [rtl]',
    `    toplevel: ${top}`,
    '  lint:',
    '    default_tool: verilator',
    '    filesets: [rtl]',
    `    toplevel: ${accName}`,
    '    tools:',
    '      verilator:',
    '        mode: lint-only',
    '        verilator_options: [-Wall]',
    '',
  ].join('\n');
  const readme = [
    `# ${top}`,
    '',
    `Generated by qacc ${sanitizeComment(by.version)} from \`${sanitizeComment(by.source)}\` (accelerator \`${accel.name}\`, PE \`${accel.arrays[0]?.pe.name}\`, kind \`${design.goldens[0].kind}\`). Do not edit: regenerate with \`qacc build\`.`,
    '',
    `Top module \`${accName}\` (Verilog-2005, one module per file under \`rtl/\`, listed in \`files.f\`; FuseSoC: \`${top}.core\`, default target). It runs ISA programs (isa/README.md) from its instruction memory on the DRAM behind its \`dram_*\` port with the cycle counts of \`qacc sim\`; its tile engine is \`${accTop.names.engine}\`${accTop.engineKind === 'none' ? ' (no tile engine exists for this PE kind yet: tile and epilogue instructions trap with code 0x81)' : ''}. The design contract (cycle convention, DRAM port, traps) is docs/array-rtl.md.`,
    '',
    '## Top-level ports',
    '',
    ['| port | direction | bits | meaning |', '|---|---|---|---|', ...topPorts(accTop, TRACE_SIGNALS).map((p) => `| \`${p.name}\` | ${p.dir} | ${p.width} | ${p.doc} |`)].join('\n'),
    '',
    `## PE module \`${top}\``,
    '',
    `The PE alone (FuseSoC target \`pe\`), for PE-level checks. Its arithmetic is docs/golden.md's \`${design.goldens[0].kind}\`, bit for bit; the beat protocol is in the header comment of \`rtl/${top}.v\`.`,
    '',
    portTable(design.rtl.harness),
    '',
  ].join('\n');
  const peSet = new ModuleSet();
  peSet.add(design.rtl.module);
  const topSet = new ModuleSet();
  topSet.add(accTop.module);
  return {
    top,
    acceleratorTop: accName,
    peFiles: peSet.modules().map((m) => `rtl/${m.name}.v`),
    topFiles: topSet.modules().map((m) => `rtl/${m.name}.v`),
    design,
    files: [...rtl, { path: 'files.f', text: fileList }, { path: `${top}.core`, text: core }, { path: 'README.md', text: readme }],
  };
}
