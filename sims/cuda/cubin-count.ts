/**
 * Counts the SASS instructions of each kernel in sm_90 cubins without a disassembler (this machine has nvcc and
 * ptxas but no cuobjdump or nvdisasm): an sm_90 instruction is 16 bytes, so a kernel's count is the size of its
 * `.text.<kernel>` ELF section / 16 (trailing NOP padding included). docs/kernels.md uses it to count a main
 * loop's instructions per step: build once with `-DBSM_UNROLL=1` and once with `-DBSM_UNROLL=2`; the difference
 * is one more copy of the 8-step chunk body.
 * Run: npx tsx sims/cuda/cubin-count.ts a.cubin [b.cubin ...]   (cubins from `nvcc -gencode=arch=compute_90a,code=sm_90a -cubin`)
 */
import { readFileSync } from 'node:fs';

/** [section name, instruction count] for every `.text.` section of an ELF64 little-endian cubin. */
export function kernelSizes(bytes: Uint8Array): [string, number][] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(v.getBigUint64(0x28, true));
  const shentsize = v.getUint16(0x3a, true), shnum = v.getUint16(0x3c, true), shstrndx = v.getUint16(0x3e, true);
  const sec = (i: number): { name: number; offset: number; size: number } => {
    const o = shoff + i * shentsize;
    return { name: v.getUint32(o, true), offset: Number(v.getBigUint64(o + 0x18, true)), size: Number(v.getBigUint64(o + 0x20, true)) };
  };
  const strtab = sec(shstrndx).offset;
  const nameAt = (off: number): string => {
    let end = strtab + off;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(strtab + off, end));
  };
  const out: [string, number][] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sec(i);
    const name = nameAt(s.name);
    if (name.startsWith('.text.')) out.push([name.slice(6), s.size / 16]);
  }
  return out;
}

if (process.argv[1]?.endsWith('cubin-count.ts')) {
  for (const file of process.argv.slice(2)) {
    for (const [kernel, count] of kernelSizes(readFileSync(file))) console.log(`${file} ${kernel} ${count}`);
  }
}
