/** The `--block` grammar: every family with defaults and options, the hadamard prefix, and clear errors. */
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/formats/errors.js';
import { lookupFormat } from '../../src/formats/registry.js';
import { describeScheme, parseBlockSpec, QuantError } from '../../src/quant/index.js';

const f = lookupFormat;

describe('parseBlockSpec', () => {
  it('parses scaled schemes with defaults and options', () => {
    const g = parseBlockSpec('group:128,scale=fp16', f('int4'));
    expect(g).toMatchObject({ kind: 'scaled', granularity: { kind: 'group', size: 128 }, mode: 'symmetric' });
    expect(g.kind === 'scaled' && g.scaleFormat.name).toBe('fp16');
    expect(parseBlockSpec('tensor', f('int8'))).toMatchObject({ kind: 'scaled', granularity: { kind: 'tensor' } });
    expect(parseBlockSpec('channel,asym', f('uint8'))).toMatchObject({ granularity: { kind: 'channel' }, mode: 'asymmetric' });
    expect(parseBlockSpec('TENSOR,clip=6', f('int4'))).toMatchObject({ clip: 6 });
    expect(describeScheme(parseBlockSpec('group:64', f('int4')))).toBe('group:64,scale=fp32,sym,clip=7 (int4)');
  });

  it('parses the block-scaled families with their spec defaults', () => {
    expect(describeScheme(parseBlockSpec('mx', f('fp8_e4m3')))).toBe('mx:32 (fp8_e4m3)');
    expect(describeScheme(parseBlockSpec('nvfp4'))).toBe('nvfp4:16,scale=fp8_e4m3 (fp4_e2m1)');
    expect(describeScheme(parseBlockSpec('qlora'))).toBe('qlora:64:256,constants=dynamic8 (nf4)');
    expect(describeScheme(parseBlockSpec('qlora:32:128,constants=fp8_e4m3', f('fp4_e2m1')))).toBe('qlora:32:128,constants=fp8_e4m3 (fp4_e2m1)');
    expect(describeScheme(parseBlockSpec('bitmod'))).toBe('bitmod:128,scale=fp16,candidates=bitmod_fp4_er_pos|bitmod_fp4_er_neg|bitmod_fp4_ea_pos|bitmod_fp4_ea_neg');
    expect(parseBlockSpec('bitmod3:64,scale=bf16')).toMatchObject({ kind: 'mixture', groupSize: 64 });
    const c = parseBlockSpec('bitmod:32,candidates=int4|fp4_e2m1|lut([0,1,2,3])');
    expect(c.kind === 'mixture' && c.candidates.map((x) => x.name)).toEqual(['int4', 'fp4_e2m1', 'lut([0, 1, 2, 3])']);
    expect(describeScheme(parseBlockSpec('olive:64'))).toBe('olive:64,scale=fp32');
    expect(parseBlockSpec('olive')).toMatchObject({ granularity: { kind: 'channel' } });
    expect(parseBlockSpec('olive,tensor')).toMatchObject({ granularity: { kind: 'tensor' } });
  });

  it('parses a hadamard prefix', () => {
    const h = parseBlockSpec('hadamard:32,seed=7+nvfp4');
    expect(h).toMatchObject({ kind: 'hadamard', blockSize: 32, seed: 7, inner: { kind: 'nvfp4' } });
    expect(describeScheme(h)).toBe('hadamard:32,seed=7+nvfp4:16,scale=fp8_e4m3 (fp4_e2m1)');
    expect(parseBlockSpec('hadamard:16+mx', f('fp4_e2m1'))).toMatchObject({ seed: 0, inner: { kind: 'mx' } });
  });

  it('round-trips its own descriptions', () => {
    for (const [spec, fmt] of [['group:128,scale=bf16,asym', 'int4'], ['mx:32', 'fp6_e3m2'], ['hadamard:64,seed=3+group:64', 'int8']] as const) {
      const s = parseBlockSpec(spec, f(fmt));
      const text = describeScheme(s).replace(/ \(.*\)$/, '');
      expect(describeScheme(parseBlockSpec(text, f(fmt)))).toBe(describeScheme(s));
    }
  });

  it.each([
    ['', /empty scheme/],
    ['grop:128', /unknown scheme 'grop'; expected one of tensor, channel, group/],
    ['group', /needs a size/],
    ['group:0', /not a positive integer/],
    ['group:12x', /not a positive integer/],
    ['group:128,sym,asym', /exclude each other/],
    ['group:128,scale', /needs a value/],
    ['group:128,sym=1', /is a flag/],
    ['group:128,foo=1', /unknown option 'foo'/],
    ['group:128,scale=fp16,scale=fp32', /given twice/],
    ['tensor:4', /takes no sizes/],
    ['mx:32:4', /at most 1 size/],
    ['hadamard:32', /unknown scheme 'hadamard'.*prefix/],
    ['hadamard:24+mx', /power of two/],
    ['hadamard:32+hadamard:32+mx', /at most one/],
    ['tensor+mx', /only a hadamard/],
    ['group:128, scale=fp16', /spaces/],
    ['olive:63', /even/],
    ['group:128,clip=7.5', /not a value/],
    ['group:128,clip=-1', /not a positive number/],
  ])('rejects %j', (spec, message) => {
    const element = spec.startsWith('olive') ? undefined : f('int4');
    expect(() => parseBlockSpec(spec, element)).toThrow(QuantError);
    expect(() => parseBlockSpec(spec, element)).toThrow(message);
  });

  it('insists on --format where the scheme needs one and refuses it where the scheme picks its own', () => {
    expect(() => parseBlockSpec('group:32')).toThrow(/needs an element format/);
    expect(() => parseBlockSpec('mx')).toThrow(/needs an element format/);
    expect(() => parseBlockSpec('bitmod', f('int4'))).toThrow(/chooses its own element types/);
    expect(() => parseBlockSpec('group:64,asym', f('fp4_e2m1'))).toThrow(/integer element format/);
  });

  it('reports unknown format names as format errors with suggestions', () => {
    expect(() => parseBlockSpec('group:64,scale=fp61', f('int4'))).toThrow(FormatError);
  });
});
