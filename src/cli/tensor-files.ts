/**
 * Tensor files for `qacc quantize`: NumPy `.npy`, JSON and raw `.bin`.
 *
 * - `.npy` (format versions 1.0, 2.0 and 3.0): magic `\x93NUMPY`, version bytes, a little-endian header
 *   length (uint16 for v1, uint32 for v2/v3), then a Python dict literal
 *   `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a final `\n` so the
 *   data starts at a multiple of 64 bytes; then the data in C order. Read: dtypes `<f2`, `<f4`, `<f8`
 *   (little-endian float16/32/64); big-endian, other dtypes and Fortran order are rejected with a message
 *   saying how to convert. Written: `<f4` for Float32Array, `<f8` for Float64Array (version 1.0 unless the
 *   header needs more than 65535 bytes).
 * - `.json`: `{"shape": [...], "data": [...]}` with flat or nested data, or a bare (nested) array.
 * - `.bin`: raw little-endian float32, C order; the shape comes from `--shape`. Writing `.bin` rounds
 *   to float32.
 * Every problem is a UsageError naming the file, so the CLI prints one line and exits 1. Inputs are read
 * as regular files of at most TENSOR_LIMIT bytes (src/cli/input-files.ts).
 */
import { extname } from 'node:path';
import { FP16 } from '../formats/float.js';
import { shapeSize, type Tensor } from '../quant/tensor.js';
import { UsageError } from './errors.js';
import { readInputBytes, TENSOR_LIMIT } from './input-files.js';
import { writeFileAtomic } from './io.js';

export type TensorFileKind = 'npy' | 'json' | 'bin';

/** The file kind from the extension; a UsageError for anything else. */
export function tensorFileKind(path: string): TensorFileKind {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return 'npy';
  if (ext === '.json') return 'json';
  if (ext === '.bin') return 'bin';
  throw new UsageError(`${path}: unknown tensor file type '${ext || '(none)'}'; use .npy, .json or .bin`);
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function fail(path: string, why: string): never {
  throw new UsageError(`${path}: ${why}`);
}

interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
}

/** Parses the header's Python dict literal (string keys; string, bool and int-tuple values). */
function parseNpyHeader(path: string, text: string): NpyHeader {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) fail(path, `bad .npy header: expected '${c}' at offset ${i}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') fail(path, `bad .npy header: expected a string at offset ${i}`);
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail(path, 'bad .npy header: unterminated string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (): string | boolean | number[] => {
    ws();
    if (text[i] === "'" || text[i] === '"') return str();
    if (text.startsWith('True', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('False', i)) {
      i += 5;
      return false;
    }
    if (text[i] === '(') {
      i++;
      const dims: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') {
          i++;
          return dims;
        }
        const m = /^(\d+)L?/.exec(text.slice(i));
        if (!m) fail(path, `bad .npy header: bad shape at offset ${i}`);
        dims.push(Number(m[1]));
        i += m[0].length;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail(path, `bad .npy header: bad shape at offset ${i}`);
      }
    }
    fail(path, `bad .npy header: unexpected value at offset ${i}`);
  };
  const fields = new Map<string, string | boolean | number[]>();
  expect('{');
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const key = str();
    expect(':');
    fields.set(key, value());
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail(path, `bad .npy header: expected ',' or '}' at offset ${i}`);
  }
  const descr = fields.get('descr');
  const fortran = fields.get('fortran_order');
  const shape = fields.get('shape');
  if (typeof descr !== 'string' || typeof fortran !== 'boolean' || !Array.isArray(shape)) {
    fail(path, "bad .npy header: needs 'descr', 'fortran_order' and 'shape'");
  }
  return { descr, fortranOrder: fortran, shape };
}

/** Reads a `.npy` file's bytes. */
export function parseNpy(path: string, bytes: Uint8Array): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) fail(path, 'not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail(path, 'truncated .npy header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    fail(path, `unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.length) fail(path, 'truncated .npy header');
  const headerBytes = bytes.subarray(start, start + headerLen);
  const text = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : Array.from(headerBytes, (b) => String.fromCharCode(b)).join('');
  const h = parseNpyHeader(path, text);
  if (h.fortranOrder) fail(path, 'Fortran-order arrays are not supported; save np.ascontiguousarray(x) instead');
  const sizes: Record<string, number> = { '<f2': 2, '<f4': 4, '<f8': 8 };
  const item = sizes[h.descr];
  if (item === undefined) {
    const hint = h.descr.startsWith('>') ? 'big-endian data is not supported; save x.astype("<f4")' : 'use float16, float32 or float64 (x.astype("<f4"))';
    fail(path, `dtype '${h.descr}' is not supported: ${hint}`);
  }
  const n = shapeSize(h.shape);
  const dataStart = start + headerLen;
  if (bytes.length - dataStart !== n * item) {
    fail(path, `shape (${h.shape.join(', ')}) of '${h.descr}' needs ${n * item} data bytes but the file has ${bytes.length - dataStart}`);
  }
  if (item === 8) {
    const data = new Float64Array(n);
    for (let k = 0; k < n; k++) data[k] = view.getFloat64(dataStart + 8 * k, true);
    return { shape: h.shape, data };
  }
  const data = new Float32Array(n);
  if (item === 4) for (let k = 0; k < n; k++) data[k] = view.getFloat32(dataStart + 4 * k, true);
  else for (let k = 0; k < n; k++) data[k] = FP16.decode(view.getUint16(dataStart + 2 * k, true));
  return { shape: h.shape, data };
}

/** The bytes of a `.npy` file holding the tensor (`<f4` for Float32Array data, else `<f8`). */
export function formatNpy(t: Tensor): Uint8Array {
  const f32 = t.data instanceof Float32Array;
  const shapeText = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  const dict = `{'descr': '${f32 ? '<f4' : '<f8'}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  let major = 1;
  if (total - pre > 0xffff) {
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / 64) * 64;
    major = 2;
  }
  const header = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const item = f32 ? 4 : 8;
  const out = new Uint8Array(total + t.data.length * item);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[pre + k] = header.charCodeAt(k);
  for (let k = 0; k < t.data.length; k++) {
    if (f32) view.setFloat32(total + 4 * k, t.data[k], true);
    else view.setFloat64(total + 8 * k, t.data[k], true);
  }
  return out;
}

/** Flattens nested arrays, returning the shape they imply (rectangular, numbers at the leaves). */
function flattenNested(path: string, value: unknown): { shape: number[]; data: number[] } {
  const shape: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const data: number[] = [];
  const walk = (v: unknown, depth: number, where: string) => {
    if (depth === shape.length) {
      if (typeof v !== 'number') fail(path, `${where} is ${JSON.stringify(v) ?? String(v)}, not a number`);
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) fail(path, `${where} is ragged: expected an array of ${shape[depth]}`);
    v.forEach((x, k) => walk(x, depth + 1, `${where}[${k}]`));
  };
  walk(value, 0, 'data');
  return { shape, data };
}

/** Reads a JSON tensor: `{shape, data}` (flat or nested data) or a bare nested array. */
export function parseJsonTensor(path: string, text: string): Tensor {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail(path, `not valid JSON (${(e as Error).message})`);
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const o = doc as { shape?: unknown; data?: unknown };
    if (!Array.isArray(o.data)) fail(path, "a JSON tensor object needs a 'data' array");
    const flat = flattenNested(path, o.data);
    let shape = flat.shape;
    if (o.shape !== undefined) {
      if (!Array.isArray(o.shape) || !o.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(path, "'shape' must be an array of non-negative integers");
      shape = o.shape as number[];
      if (shapeSize(shape) !== flat.data.length) fail(path, `shape [${shape.join(', ')}] holds ${shapeSize(shape)} elements but 'data' has ${flat.data.length}`);
    }
    return { shape, data: Float64Array.from(flat.data) };
  }
  if (Array.isArray(doc)) {
    const flat = flattenNested(path, doc);
    return { shape: flat.shape, data: Float64Array.from(flat.data) };
  }
  fail(path, "expected {\"shape\": [...], \"data\": [...]} or a nested array");
}

/** Reads raw little-endian float32 with a given shape. */
export function parseBin(path: string, bytes: Uint8Array, shape: readonly number[] | undefined): Tensor {
  if (shape === undefined) fail(path, '.bin files hold raw float32 without a shape; give --shape (e.g. --shape 4,128)');
  const n = shapeSize(shape);
  if (bytes.length !== 4 * n) fail(path, `shape [${shape.join(', ')}] needs ${4 * n} bytes of float32 but the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float32Array(n);
  for (let k = 0; k < n; k++) data[k] = view.getFloat32(4 * k, true);
  return { shape: [...shape], data };
}

/** Parses `--shape` text: dimensions separated by ',' or 'x' (`4,128`, `4x128`). */
export function parseShape(text: string): number[] {
  const parts = text.trim().split(/[,x×]/);
  const dims = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p.trim()) : NaN));
  if (text.trim() === '' || dims.some((d) => !Number.isSafeInteger(d))) throw new UsageError(`bad --shape '${text}': expected dimensions like 4,128`);
  return dims;
}

/** Reads a tensor file of any supported kind; `shape` is needed for `.bin`. */
export function readTensorFile(path: string, shape?: readonly number[]): Tensor {
  const kind = tensorFileKind(path);
  const bytes = readInputBytes(path, TENSOR_LIMIT);
  switch (kind) {
    case 'npy':
      return parseNpy(path, bytes);
    case 'json':
      return parseJsonTensor(path, new TextDecoder('utf-8').decode(bytes));
    case 'bin':
      return parseBin(path, bytes, shape);
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Writes a tensor atomically in the kind its extension names. */
export function writeTensorFile(path: string, t: Tensor): void {
  const kind = tensorFileKind(path);
  switch (kind) {
    case 'npy':
      writeFileAtomic(path, formatNpy(t));
      return;
    case 'json':
      writeFileAtomic(path, JSON.stringify({ shape: t.shape, data: Array.from(t.data) }) + '\n');
      return;
    case 'bin': {
      const out = new Uint8Array(4 * t.data.length);
      const view = new DataView(out.buffer);
      for (let k = 0; k < t.data.length; k++) view.setFloat32(4 * k, t.data[k], true);
      writeFileAtomic(path, out);
      return;
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}
