/**
 * Synthesis of an elaborated accelerator (`qacc estimate --synth`): generates its Verilog
 * (src/codegen/verilog, exactly what `qacc build` writes) and synthesizes it hierarchically
 * (synthesize.ts): `synthesizeDesign` the whole accelerator top (controller, instruction queues, buffers,
 * tile engine, PEs), `synthesizePe` the PE module alone, flattened (calibration, the XR-NPE experiment).
 */
import { generateAcceleratorRtl } from '../../codegen/verilog/design.js';
import type { IrAccelerator } from '../../ir/types.js';
import { rtlTemplates } from '../../verify/rtl/templates.js';
import type { VerilogModule } from './modules.js';
import { synthesizeModules } from './synthesize.js';
import type { SynthOptions, SynthReport } from './types.js';

/** Units above the flattened leaves in a whole design: the top, its children, the engine's children. */
export const DESIGN_CUT_DEPTH = 2;

/** The generated Verilog modules of an accelerator (all, or those under rtl/ named in `only`), its top and its PE top. */
export function acceleratorModules(accel: IrAccelerator, only?: readonly string[]): { modules: VerilogModule[]; top: string; peTop: string } {
  const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: accel.name, version: 'synth' });
  const keep = only === undefined ? undefined : new Set(only);
  const modules = rtl.files
    .filter((f) => /^rtl\/[^/]+\.v$/.test(f.path) && (keep === undefined || keep.has(f.path)))
    .map((f) => ({ name: f.path.slice('rtl/'.length, -'.v'.length), text: f.text }));
  return { modules, top: rtl.acceleratorTop, peTop: rtl.top };
}

/** Synthesizes an accelerator's whole design (its top and everything below), hierarchically. */
export function synthesizeDesign(accel: IrAccelerator, options: SynthOptions): Promise<SynthReport> {
  const { modules, top } = acceleratorModules(accel);
  return synthesizeModules(modules, top, DESIGN_CUT_DEPTH, options);
}

/** Synthesizes an accelerator's PE module alone, flattened. */
export function synthesizePe(accel: IrAccelerator, options: SynthOptions): Promise<SynthReport> {
  const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: accel.name, version: 'synth' });
  const { modules } = acceleratorModules(accel, rtl.peFiles);
  return synthesizeModules(modules, rtl.top, 0, options);
}
