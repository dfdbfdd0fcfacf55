/**
 * From the IR to Verilog: picks the PE generator for an elaborated PE (through the workload compiler's
 * IR → golden mapping, so the RTL implements exactly the arithmetic the simulator and golden model use),
 * names the generated top module after the legalized DSL names, and describes its ports for the harness
 * and the README. `generateAcceleratorRtl` renders every module of an accelerator's PE(s), plus a file
 * list, a FuseSoC .core file and a README of the top-level ports. Emission never changes the IR.
 */
import { resolveTarget } from '../../compile/target.js';
import type { BitSerialModConfig, GoldenConfig, LowRankGemmConfig, MacConfig } from '../../golden/types.js';
import type { IrAccelerator, IrPe } from '../../ir/types.js';
import { emitModules, headerComment, sanitizeComment, type GeneratedBy, type GeneratedFile } from './emit.js';
import type { HarnessPort, HarnessSpec } from './harness-spec.js';
import { ModuleSet, type RtlModule } from './module-set.js';
import { NameScope, peTopName } from './names.js';

export { peTopName };
import { bitSerialModPe, bitSerialPorts } from './pe-bit-serial-mod.js';
import { declaredOptionalOperands, lowRankPe, lowRankPorts, type LowRankOptionalOperands } from './pe-lowrank.js';
import { macPe, macPorts } from './pe-mac.js';
import { simdMacPe, simdPeSpecOf, type SimdPeSpec } from './pe-simd-mac.js';
import type { TemplateReader } from './render.js';
import { acceleratorTop, topPorts } from './top.js';
import { TRACE_SIGNALS } from '../../arch/trace-signals.js';

/** A PE generator's result: the module and its port contract. */
export interface PeRtl {
  readonly module: RtlModule;
  readonly harness: HarnessSpec;
}

/** Largest DOT-beat lane count of a generated low-rank PE whose ports the 64-bit harness can drive. */
export const HARNESS_LOWRANK_LANES = 16;

/** Ports every PE has besides its data ports. */
export const CONTROL_PORTS: readonly (HarnessPort & { readonly dir: 'input' | 'output' })[] = [
  { name: 'clk', width: 1, dir: 'input', doc: 'clock, rising edge' },
  { name: 'rst', width: 1, dir: 'input', doc: 'synchronous reset, active high' },
  { name: 'in_valid', width: 1, dir: 'input', doc: 'a beat is offered on the data inputs' },
  { name: 'in_ready', width: 1, dir: 'output', doc: 'the PE takes the beat at this rising edge' },
  { name: 'out_valid', width: 1, dir: 'output', doc: 'the data outputs hold a result (one cycle)' },
];

const port = (name: string, width: number, doc: string): HarnessPort => ({ name, width, doc });

export function bitSerialModRtl(config: BitSerialModConfig, top: string, peName: string): PeRtl {
  const p = bitSerialPorts(config);
  return {
    module: bitSerialModPe(config, top, peName),
    harness: {
      top,
      inputs: [
        port('act', 64, '4 fp16 activations, lane i in bits 16i+15:16i'),
        port('wgt', 4 * p.weightBits, `4 weight codes of the selected type, ${p.weightBits} bits each`),
        port('sel', p.selectorBits, `the group's datatype: index into (${config.candidates.join(', ')})`),
        port('gscale', 8, "the group's unsigned 8-bit scale"),
        port('cscale', 16, 'the fp16 channel scale (read at the dot end)'),
        port('group_last', 1, 'this step ends its group'),
        port('dot_last', 1, 'this step ends the dot product (implies group_last)'),
      ],
      outputs: [port('y', p.outputBits, `the ${config.output} result`)],
    },
  };
}

export function simdMacRtl(spec: SimdPeSpec, top: string, peName: string): PeRtl {
  const outBits = spec.output === 'fp32' ? 32 : spec.output === 'posit8_0' ? 8 : 16;
  const modeBits = Math.max(1, Math.ceil(Math.log2(spec.modes.length)));
  return {
    module: simdMacPe(spec, top, peName),
    harness: {
      top,
      inputs: [
        port('a', 16, 'activation operand word (lanes of the mode)'),
        port('b', 16, 'weight operand word'),
        port('mode', modeBits, `SIMD mode: index into (${spec.modes.join(', ')})`),
        port('first', 1, 'first step of a dot product'),
        port('last', 1, 'last step of a dot product'),
      ],
      outputs: [port('y', outBits, `the ${spec.output} result`)],
    },
  };
}

export function macRtl(config: MacConfig, top: string, peName: string): PeRtl {
  const p = macPorts(config);
  const inputs = [port('a', p.a, p.a === 8 ? 'int8 activation' : 'fp16 activation'), port('b', p.b, p.b === 8 ? 'int8 weight' : 'fp16 weight')];
  if (p.cscale) inputs.push(port('cscale', 16, 'fp16 channel scale (1.0 = none)'));
  inputs.push(port('first', 1, 'first MAC of a dot product'), port('last', 1, 'last MAC of a dot product'));
  return { module: macPe(config, top, peName), harness: { top, inputs, outputs: [port('y', p.out, p.out === 32 ? 'int32 result' : 'fp16 result')] } };
}

export function lowRankRtl(config: LowRankGemmConfig, lanes: number, top: string, peName: string, opt?: LowRankOptionalOperands): PeRtl {
  const p = lowRankPorts(config, lanes, opt);
  const inputs = [
    port('op', 3, 'operation: 0 DOT, 1 EPILOGUE, 2 UP, 3 OUT, 4 DOWN, 5 DOWN_OUT'),
    port('qa', p.q, `${lanes} 4-bit activation codes`),
    port('qw', p.q, `${lanes} 4-bit weight codes`),
    port('sa', p.scale, 'activation group scale'),
    port('sw', p.scale, 'weight group scale'),
    port('x16', 16, `${config.branchFormat} operand: bias, L[m, j] or X[m, k]`),
    port('u16', 16, `${config.branchFormat} operand: U[n, j] or D[k, j]`),
  ];
  if (p.tensorScale) inputs.push(port('ts', 32, 'fp32 per-tensor weight scale'));
  if (p.channelScale) inputs.push(port('cs', 16, `${config.branchFormat} channel scale of an EPILOGUE beat (1.0 = none)`));
  if (p.loraScale) inputs.push(port('ls', 32, 'fp32 LoRA scale of a DOWN_OUT beat (1.0 = none)'));
  inputs.push(port('first', 1, 'first beat of an output (or of a down-projection sum)'), port('gfirst', 1, 'first DOT beat of a group'), port('glast', 1, 'last DOT beat of a group'), port('flag', 1, 'EPILOGUE: add the bias'));
  return { module: lowRankPe(config, lanes, top, peName, opt), harness: { top, inputs, outputs: [port('y_out', 16, `${config.branchFormat} result (Y or L)`)] } };
}

/** The golden configs a PE's RTL implements (one per SIMD mode; one otherwise). */
export interface PeDesign {
  readonly rtl: PeRtl;
  readonly goldens: readonly GoldenConfig[];
}

/** Generates the PE of an accelerator's (first) array. `lanesLimit` caps low-rank DOT lanes (harness use). */
export function acceleratorPe(accel: IrAccelerator, top: string, options: { lowRankLanes?: number } = {}): PeDesign {
  const target = resolveTarget(accel);
  const pe: IrPe = target.pe;
  const names = new NameScope();
  const peName = names.claim(pe.name);
  const golden = target.golden;
  switch (golden.kind) {
    case 'bit_serial_mod':
      return { rtl: bitSerialModRtl(golden, top, peName), goldens: [golden] };
    case 'simd_mac': {
      if (pe.kind !== 'simd_mac') throw new Error('simd_mac target without a simd_mac PE');
      const spec = simdPeSpecOf(pe, golden);
      return { rtl: simdMacRtl(spec, top, peName), goldens: spec.modes.map((element) => ({ ...golden, element })) };
    }
    case 'lowrank_gemm': {
      const lanes = pe.kind === 'lowrank_gemm' ? Math.min(pe.lanes, options.lowRankLanes ?? pe.lanes) : 8;
      return { rtl: lowRankRtl(golden, lanes, top, peName, declaredOptionalOperands(pe)), goldens: [golden] };
    }
    case 'mac':
      return { rtl: macRtl(golden, top, peName), goldens: [golden] };
    default: {
      const never: never = golden;
      throw new Error(`unknown PE kind ${JSON.stringify(never)}`);
    }
  }
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
  if (accName === top) throw new Error(`the accelerator top and the PE top are both named ${top}`);
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
