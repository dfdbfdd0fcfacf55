/**
 * `qacc quantize --format F --block SPEC --in x.(npy|json|bin) --out q.json`: quantizes a tensor with a
 * block-scaling scheme (src/quant) and writes, atomically, one JSON document with everything needed to
 * rebuild it: scheme, shape, element codes, scales (codes and values per level), zero points,
 * selectors, and error metrics against the input. `--dequant-out` also writes the dequantized tensor
 * (.npy as float64, .json, or .bin as float32). Prints one summary line on stdout. Both outputs are
 * checked before any work (src/cli/output-paths.ts): never the same file, never the input.
 *
 * JSON numbers cannot be infinite, so an infinite SQNR (exact result) is written as the string "inf".
 */
import type { Argv } from 'yargs';
import { lookupFormat } from '../../formats/registry.js';
import { ROUNDINGS, type Rounding } from '../../formats/types.js';
import { BLOCK_FAMILIES, parseBlockSpec } from '../../quant/block-spec.js';
import { quantize, type QuantizedTensor } from '../../quant/quantize.js';
import { describeScheme, schemeSummary } from '../../quant/scheme.js';
import { makeTensor } from '../../quant/tensor.js';
import type { CommandContext, CommandFactory } from '../context.js';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../io.js';
import { checkOutputs, type OutputSpec } from '../output-paths.js';
import { parseShape, readTensorFile, tensorFileKind, writeTensorFile } from '../tensor-files.js';

interface QuantizeArgs {
  format?: string;
  block: string;
  in: string;
  out: string;
  seed?: number;
  rounding: Rounding;
  shape?: string;
  'dequant-out'?: string;
}

function jsonNumber(x: number): number | string {
  return Number.isFinite(x) ? x : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/** The output document (plain data, stable key order). */
export function quantizedToJson(q: QuantizedTensor, rounding: Rounding, seed: number | undefined): Record<string, unknown> {
  return {
    scheme: schemeSummary(q.scheme),
    shape: q.shape,
    rounding,
    seed: seed ?? null,
    codeBits: q.codeBits,
    codes: Array.from(q.codes),
    scales: q.scales.map((s) => ({ role: s.role, format: s.format, codes: Array.from(s.codes), values: Array.from(s.values) })),
    ...(q.zeroPoints ? { zeroPoints: Array.from(q.zeroPoints) } : {}),
    ...(q.selectors ? { selectors: { bits: q.selectors.bits, values: Array.from(q.selectors.values) } } : {}),
    metrics: { mse: q.metrics.mse, sqnrDb: jsonNumber(q.metrics.sqnrDb), maxAbsError: q.metrics.maxAbsError },
  };
}

export const quantizeCommand: CommandFactory = (ctx: CommandContext) => ({
  command: 'quantize',
  describe: 'Quantize a tensor (.npy, .json, .bin) with a block-scaling scheme; write codes, scales and error metrics as JSON',
  builder: (y: Argv) =>
    y
      .option('format', { type: 'string', describe: 'Element format (e.g. int4, fp4_e2m1, fp8_e4m3); nvfp4/qlora have defaults, bitmod/olive pick their own' })
      .option('block', {
        type: 'string',
        demandOption: true,
        describe: `Scheme: ${BLOCK_FAMILIES.join(', ')}, with sizes and options, e.g. group:128,scale=fp16 | channel,asym | mx | nvfp4 | qlora | bitmod:128 | olive:64 | hadamard:32,seed=1+nvfp4`,
      })
      .option('in', { type: 'string', demandOption: true, describe: 'Input tensor: .npy (<f2/<f4/<f8, C order), .json ({shape, data} or nested arrays), .bin (raw float32, needs --shape)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output JSON file (written atomically)' })
      .option('shape', { type: 'string', describe: 'Tensor shape, e.g. 4,128 (required for .bin; reshapes other inputs of the same size)' })
      .option('rounding', { choices: ROUNDINGS as readonly string[], default: 'rne', describe: 'Element rounding (scales always round to nearest even)' })
      .option('seed', { type: 'number', describe: 'Seed of the random bits for --rounding stochastic' })
      .option('dequant-out', { type: 'string', describe: 'Also write the dequantized tensor (.npy float64, .json, or .bin float32)' })
      .example('$0 quantize --format int4 --block group:128,scale=fp16 --in w.npy --out q.json', 'int4 weights, fp16 scale per 128')
      .example('$0 quantize --block nvfp4 --in w.npy --out q.json --dequant-out wq.npy', 'NVFP4 with the dequantized tensor'),
  handler: (argv: Record<string, unknown>) => {
    const args = argv as unknown as QuantizeArgs;
    if (args.seed !== undefined && !Number.isSafeInteger(args.seed)) throw new UsageError(`--seed must be an integer, got ${args.seed}`);
    if (tensorFileKind(args.out) !== 'json') throw new UsageError(`--out ${args.out}: the quantized tensor is written as JSON; name it *.json`);
    if (args['dequant-out'] !== undefined) tensorFileKind(args['dequant-out']);
    // Before reading or quantizing: the outputs may not collide with each other or with --in.
    const outputs: OutputSpec[] = [{ flag: '--out', path: args.out, kind: 'file' }];
    if (args['dequant-out'] !== undefined) outputs.push({ flag: '--dequant-out', path: args['dequant-out'], kind: 'file' });
    const [outPath, dequantPath] = checkOutputs(outputs, [{ path: args.in, what: 'the --in tensor' }]).map((o) => o.writePath);
    const element = args.format === undefined ? undefined : lookupFormat(args.format);
    const scheme = parseBlockSpec(args.block, element);
    const shape = args.shape === undefined ? undefined : parseShape(args.shape);
    let tensor = readTensorFile(args.in, shape);
    if (shape !== undefined) tensor = makeTensor(shape, tensor.data);
    const q = quantize(tensor, scheme, { rounding: args.rounding, ...(args.seed !== undefined ? { seed: args.seed } : {}) });
    writeFileAtomic(outPath, JSON.stringify(quantizedToJson(q, args.rounding, args.seed)) + '\n');
    if (dequantPath !== undefined) writeTensorFile(dequantPath, { shape: q.shape, data: q.dequantized });
    const m = q.metrics;
    ctx.io.stdout(
      `quantized [${q.shape.join(', ')}] with ${describeScheme(q.scheme)}: mse ${m.mse.toPrecision(6)}, sqnr ${Number.isFinite(m.sqnrDb) ? m.sqnrDb.toFixed(2) : m.sqnrDb} dB, max |err| ${m.maxAbsError.toPrecision(6)} -> ${args.out}\n`,
    );
  },
});
