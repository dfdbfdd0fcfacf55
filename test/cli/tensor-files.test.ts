/**
 * Tensor files: .npy bytes built by hand in the test (magic, version, header length, dict, padding to 64,
 * little-endian data), write/read round trips, JSON and .bin parsing, and clear one-line errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { formatNpy, parseBin, parseJsonTensor, parseNpy, parseShape, readTensorFile, writeTensorFile } from '../../src/cli/tensor-files.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-tensor-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An .npy file assembled byte by byte: header text padded with spaces to `total` bytes in all, then '\n'. */
function handNpy(major: number, dict: string, total: number, data: number[]): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const header = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const bytes = [0x93, ...'NUMPY'.split('').map((c) => c.charCodeAt(0)), major, 0];
  const len = header.length;
  bytes.push(len & 0xff, (len >> 8) & 0xff);
  if (major !== 1) bytes.push((len >> 16) & 0xff, (len >> 24) & 0xff);
  for (const c of header) bytes.push(c.charCodeAt(0));
  return Uint8Array.from([...bytes, ...data]);
}

describe('.npy', () => {
  it('writes the exact bytes of a version 1.0 float32 file', () => {
    // Dict of 59 characters: 10 + 59 + 1 = 70 → padded to 128, header length 118 = 0x76.
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    // float32 little-endian: 1 = 00 00 80 3f, −2 = 00 00 00 c0, 0.5 = 00 00 00 3f, 0 = 00 00 00 00.
    const data = [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x3f, 0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f];
    const expected = handNpy(1, dict, 128, data);
    expect(expected[8]).toBe(0x76);
    const bytes = formatNpy({ shape: [2, 3], data: Float32Array.from([1, -2, 0.5, 0, 1, 1]) });
    expect([...bytes]).toEqual([...expected]);
  });

  it('writes a 1-D float64 tuple as (n,)', () => {
    const bytes = formatNpy({ shape: [3], data: Float64Array.from([1, 2, 3]) });
    // 10 + 57 + 1 = 68 bytes → padded to 128.
    const text = String.fromCharCode(...bytes.subarray(10, 128));
    expect(text).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" + ' '.repeat(128 - 10 - 57 - 1) + '\n');
    expect(bytes.length).toBe(128 + 24);
    expect(new DataView(bytes.buffer).getFloat64(128 + 16, true)).toBe(3);
  });

  it('reads hand-built version 2.0 and 3.0 headers and float16 data', () => {
    // float16: 0x3c00 = 1, 0xc000 = −2, 0x0001 = 2^-24 (min subnormal), 0x7bff = 65504 (max).
    const data = [0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0xff, 0x7b];
    for (const major of [2, 3]) {
      const t = parseNpy('x.npy', handNpy(major, "{'descr':'<f2','fortran_order':False,'shape':(2,2)}", 64, data));
      expect(t.shape).toEqual([2, 2]);
      expect([...t.data]).toEqual([1, -2, 2 ** -24, 65504]);
    }
  });

  it('round-trips float32 and float64 tensors through files, including scalars and odd shapes', () => {
    for (const t of [
      { shape: [2, 3, 5], data: Float32Array.from({ length: 30 }, (_, i) => i / 7 - 2) },
      { shape: [7], data: Float64Array.from({ length: 7 }, (_, i) => Math.PI * i * 1e-300) },
      { shape: [], data: Float64Array.of(-0.1) },
      { shape: [0, 4], data: new Float64Array(0) },
    ]) {
      const path = join(dir, 'rt.npy');
      writeTensorFile(path, t);
      const back = readTensorFile(path);
      expect(back.shape).toEqual(t.shape);
      expect(back.data.constructor).toBe(t.data.constructor);
      expect([...back.data]).toEqual([...t.data]);
      expect(readFileSync(path).length % 64).toBe((t.data.length * (t.data instanceof Float32Array ? 4 : 8)) % 64);
    }
  });

  it.each([
    ['bad magic', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), /bad magic/],
    ['fortran order', handNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 128, [0, 0, 0, 0]), /Fortran-order/],
    ['big-endian', handNpy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 128, [0, 0, 0, 0]), /big-endian/],
    ['int64', handNpy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", 128, [0, 0, 0, 0, 0, 0, 0, 0]), /'<i8' is not supported/],
    ['short data', handNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 128, [0, 0, 0, 0]), /needs 8 data bytes but the file has 4/],
    ['version 9', Uint8Array.from([0x93, 78, 85, 77, 80, 89, 9, 0, 0, 0, 0, 0]), /version 9.0/],
    ['no shape', handNpy(1, "{'descr': '<f4', 'fortran_order': False}", 64, []), /needs 'descr'/],
  ])('rejects %s with a user error', (_name, bytes, message) => {
    expect(() => parseNpy('x.npy', bytes)).toThrow(UsageError);
    expect(() => parseNpy('x.npy', bytes)).toThrow(message);
  });
});

describe('.json and .bin', () => {
  it('reads {shape, data} with flat or nested data, and bare nested arrays', () => {
    expect(parseJsonTensor('a.json', '{"shape": [2, 2], "data": [1, 2, 3, 4]}')).toEqual({ shape: [2, 2], data: Float64Array.from([1, 2, 3, 4]) });
    expect(parseJsonTensor('a.json', '{"data": [[1, 2], [3, 4], [5, 6]]}').shape).toEqual([3, 2]);
    expect(parseJsonTensor('a.json', '{"shape": [6], "data": [[1, 2], [3, 4], [5, 6]]}').shape).toEqual([6]);
    expect(parseJsonTensor('a.json', '[[[1], [2]]]')).toEqual({ shape: [1, 2, 1], data: Float64Array.from([1, 2]) });
  });

  it.each([
    ['not json', '{', /not valid JSON/],
    ['ragged', '[[1, 2], [3]]', /ragged/],
    ['string leaf', '[1, "2"]', /data\[1\] is "2", not a number/],
    ['size mismatch', '{"shape": [3], "data": [1, 2]}', /holds 3 elements but 'data' has 2/],
    ['bad shape', '{"shape": [-1], "data": []}', /non-negative integers/],
    ['no data', '{"shape": [1]}', /needs a 'data' array/],
    ['a number', '3', /expected/],
  ])('rejects JSON: %s', (_name, text, message) => {
    expect(() => parseJsonTensor('a.json', text)).toThrow(message);
  });

  it('reads raw little-endian float32 .bin with a shape, and checks the size', () => {
    const bytes = Uint8Array.from([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(parseBin('a.bin', bytes, [2, 1])).toEqual({ shape: [2, 1], data: Float32Array.from([1, -2]) });
    expect(() => parseBin('a.bin', bytes, [3])).toThrow(/needs 12 bytes/);
    expect(() => parseBin('a.bin', bytes, undefined)).toThrow(/--shape/);
  });

  it('parses --shape and names the file in read errors', () => {
    expect(parseShape('4,128')).toEqual([4, 128]);
    expect(parseShape('2x3x4')).toEqual([2, 3, 4]);
    expect(() => parseShape('4,,2')).toThrow(/bad --shape/);
    expect(() => readTensorFile(join(dir, 'missing.npy'))).toThrow(/no such file/);
    writeFileSync(join(dir, 'x.txt'), '1');
    expect(() => readTensorFile(join(dir, 'x.txt'))).toThrow(/unknown tensor file type '.txt'/);
  });
});
