/**
 * View model of the baseline MAC PE (mac_pe.v.hbs) for a golden `MacConfig`: int8 (exact product, 32-bit
 * wrapping accumulator), fp16_fma (fused a·b + acc into an fp16 or fp32 accumulator, then fp16 output)
 * and fp16_int8 (the int8 weight converted exactly to fp16, the same FMA, then the fp16 channel scale:
 * y = round_fp16(acc · cscale) — a bench passes 1.0 when the design has no channel scale, which is
 * round_fp16(acc) exactly). The output rounding reuses the IEEE multiplier: its product is exact and
 * rounded once.
 */
import { FP16 } from '../../formats/float.js';
import type { MacConfig } from './golden.js';
import { macAccumulator } from './microarch.js';
import { EXP_WIDTH, floatShape, fpFma, fpMul, fpRound } from '../../codegen/verilog/fp-units.js';
import type { RtlModule } from '../../codegen/verilog/module-set.js';
import { rtlInvariant } from '../../codegen/verilog/invariant.js';
import type { PeRtl } from '../../codegen/verilog/design.js';
import { harnessPort as port } from '../../codegen/verilog/harness-spec.js';

/** Output and operand widths of a MAC PE. */
export function macPorts(config: MacConfig): { a: number; b: number; out: number; cscale: boolean } {
  switch (config.variant) {
    case 'int8':
      return { a: 8, b: 8, out: 32, cscale: false };
    case 'fp16_fma':
      return { a: 16, b: 16, out: 16, cscale: false };
    case 'fp16_int8':
      return { a: 16, b: 8, out: 16, cscale: true };
    default: {
      const never: never = config;
      rtlInvariant(false, `mac: unknown variant ${JSON.stringify(never)}`); // the switch covers every MacConfig variant
    }
  }
}

export function macPe(config: MacConfig, moduleName: string, peName: string): RtlModule {
  const ports = macPorts(config);
  const base = {
    peName,
    aMsb: ports.a - 1,
    bMsb: ports.b - 1,
    outMsb: ports.out - 1,
    outWidth: ports.out,
    cscalePort: ports.cscale ? '  input  wire [15:0]       cscale,\n' : '',
    cscaleText: ports.cscale ? ', cscale (the fp16 channel scale, read with the last beat)' : '',
  };
  const acc = macAccumulator(config);
  if (config.variant === 'int8' || acc.float === undefined) {
    return {
      name: moduleName,
      template: 'mac/mac_pe.v.hbs',
      deps: [],
      parts: { body: { template: 'mac/mac_body_int8.v.hbs', view: {} } },
      view: { ...base, variantText: 'int8 x int8 products accumulated in a wrapping 32-bit register', zeroText: '0', accMsb: acc.bits - 1, accWidth: acc.bits },
    };
  }
  const f16 = floatShape(FP16);
  const accShape = floatShape(acc.float);
  const fma = fpFma(f16, f16, accShape, accShape);
  const outMul = fpMul(accShape, f16, f16);
  const deps: RtlModule[] = [fma, outMul];
  let weightConvert = '  assign w16 = b;';
  if (config.variant === 'fp16_int8') {
    const conv = fpRound(f16, 8);
    deps.push(conv);
    weightConvert = `  // int8 -> fp16 is exact (|b| <= 128 has at most 8 significant bits)\n  ${conv.name} u_w16 (.sign(b[7]), .mag(b[7] ? -b : b), .lsb_exp(${EXP_WIDTH}'sd0), .code(w16));`;
  }
  const accBits = acc.bits;
  return {
    name: moduleName,
    template: 'mac/mac_pe.v.hbs',
    deps,
    parts: {
      body: {
        template: 'mac/mac_body_fma.v.hbs',
        view: {
          accFormat: config.accumulator,
          outText: config.variant === 'fp16_int8' ? 'acc x cscale' : 'the accumulator',
          weightConvert,
          fma: fma.name,
          outMul: outMul.name,
          outScale: config.variant === 'fp16_int8' ? 'cscale' : "16'h3c00",
        },
      },
    },
    view: {
      ...base,
      variantText: config.variant === 'fp16_fma' ? `fp16 x fp16 + acc fused into an ${config.accumulator} accumulator` : `fp16 x int8 + acc fused into an ${config.accumulator} accumulator, then the fp16 channel scale`,
      zeroText: '+0',
      accMsb: accBits - 1,
      accWidth: accBits,
    },
  };
}

/** The PE module and its harness ports (was design.ts macRtl). */
export function macRtl(config: MacConfig, top: string, peName: string): PeRtl {
  const p = macPorts(config);
  const inputs = [port('a', p.a, p.a === 8 ? 'int8 activation' : 'fp16 activation'), port('b', p.b, p.b === 8 ? 'int8 weight' : 'fp16 weight')];
  if (p.cscale) inputs.push(port('cscale', 16, 'fp16 channel scale (1.0 = none)'));
  inputs.push(port('first', 1, 'first MAC of a dot product'), port('last', 1, 'last MAC of a dot product'));
  return { module: macPe(config, top, peName), harness: { top, inputs, outputs: [port('y', p.out, p.out === 32 ? 'int32 result' : 'fp16 result')] } };
}
