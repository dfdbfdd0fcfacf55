/**
 * The staging writes of the lowrank_gemm tile engine (engine_lowrank.v.hbs): a fetch stream reads its region
 * port word after port word (P bytes at stream position ppos, a multiple of P) and every row staging the word
 * overlaps takes the bytes that fall in its row (row start rs, rb bytes): byte b of the word lands at row byte
 * ppos - rs + b. Written as a byte rotation of the word (by r = (ppos - rs) mod P) and a byte-enabled write
 * of the staging's aligned P-byte slots t - 1 (bytes at and above r) and t (bytes below r), t = (ppos + P - rs)
 * div P: a P-byte rotator and a byte mask instead of the staging-wide barrel shifters (data and write mask)
 * that a part-select at a variable byte offset becomes (4,096 bits wide at svdquant's 64 lanes: two per
 * staging at every row and column, what made the engine too large for WebAssembly Yosys). The bytes a word
 * writes are those the part-select wrote; the one difference: a word that starts before the row no longer
 * zeroes the bytes past its end in slot 0 (the row's next word writes them, or they lie past the row, where
 * every read is masked).
 */

/** One staging write: names and widths, all Verilog expressions in the engine's scope. */
export interface StagingWrite {
  /** Prefix of the generated wires (unique in its generate block). */
  readonly id: string;
  /** The staging memory and the copy written. */
  readonly mem: string;
  readonly index: string;
  /** Staging word bytes (a multiple of `port`). */
  readonly bytes: number;
  /** Port bytes per read and its localparam name. */
  readonly port: number;
  readonly portName: string;
  /** The read landing this cycle (valid, stream position), the row (start, bytes), the word's data. */
  readonly valid: string;
  readonly ppos: string;
  readonly rowStart: string;
  readonly rowBytes: string;
  readonly data: string;
  /** Any further write condition ('' for none). */
  readonly when: string;
}

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * t = u div P and r = u mod P of `${id}_u` (u < (slots + 1) · P wherever they are used): for a power-of-two
 * port a shift and a mask, else slot comparisons with constants (a 32-bit divider per staging would be
 * thousands of gates, and `share` tries every pair of them with SAT).
 */
function slotAndOffset(id: string, P: number, slots: number): [string, string] {
  if (isPow2(P)) return [`${id}_u >> ${Math.log2(P)}`, `${id}_u & 32'd${P - 1}`];
  let t = "32'd0";
  for (let k = 1; k <= slots; k++) t = `${id}_u >= 32'd${k * P} ? 32'd${k} : ${t}`;
  return [t, `${id}_u - ${id}_t * 32'd${P}`];
}

/** The Verilog of one staging write (wires and an always block), inside a generate block declaring genvar `gb`. */
export function stagingWriteVerilog(w: StagingWrite, indent: string): string {
  const P = w.port;
  const slots = w.bytes / P;
  if (!Number.isInteger(slots)) throw new Error(`staging ${w.mem}: ${w.bytes} bytes is not a whole number of ${P}-byte port words`);
  const id = w.id;
  // t and r in 32 bits (compared with 32-bit constants)
  const [t, r] = slotAndOffset(id, P, slots);
  const lines = [
    `// ${w.mem}: the word's byte b lands at row byte ppos - rs + b: slot t - 1 from byte r, slot t below r`,
    `wire [31:0] ${id}_u = ${w.ppos} + ${w.portName} - ${w.rowStart};   // in 1 .. rb + P - 1 when the word overlaps the row`,
    `wire [31:0] ${id}_t = ${t};`,
    `wire [31:0] ${id}_r = ${r};`,
    ...byteRotateVerilog(id, w.data, `${id}_r`, P, w.portName),
    `wire [${P - 1}:0] ${id}_lo;   // byte i of a slot is below r`,
    `wire [${w.bytes - 1}:0] ${id}_en;`,
    `wire [${8 * w.bytes - 1}:0] ${id}_old = ${w.mem}[${w.index}];`,
    `wire [${8 * w.bytes - 1}:0] ${id}_new;`,
    `for (gb = 0; gb < ${P}; gb = gb + 1) begin : g_${id}_lo`,
    `  assign ${id}_lo[gb] = gb < ${id}_r;`,
    'end',
    `for (gb = 0; gb < ${w.bytes}; gb = gb + 1) begin : g_${id}_b`,
    `  assign ${id}_en[gb] = ${id}_lo[gb % ${P}] ? ${id}_t == gb / ${P} : ${id}_t == gb / ${P} + 1;`,
    `  assign ${id}_new[8*gb +: 8] = ${id}_en[gb] ? ${id}_rot[8*(gb % ${P}) +: 8] : ${id}_old[8*gb +: 8];`,
    'end',
    'always @(posedge clk)',
    `  if (${w.valid} && ${w.ppos} < ${w.rowStart} + ${w.rowBytes} && ${w.ppos} + ${w.portName} > ${w.rowStart}${w.when ? ` && ${w.when}` : ''}) ${w.mem}[${w.index}] <= ${id}_new;`,
  ];
  return lines.map((l) => indent + l).join('\n');
}

/**
 * A byte rotator as log2(P) explicit stages of P-byte 2:1 muxes (`out` byte i = `data` byte (i - r) mod P):
 * P · 8 · log2 P multiplexers, where a variable part-select of the doubled word becomes a shifter over twice
 * the width. Declares `${id}_rs<k>` wires; `r` is a 32-bit expression (only its low log2 P bits are used: P
 * a power of two), else the part-select form.
 */
export function byteRotateVerilog(id: string, data: string, r: string, P: number, portName: string): string[] {
  if (!isPow2(P)) return [`wire [${16 * P - 1}:0] ${id}_dd = { ${data}, ${data} };`, `wire [${8 * P - 1}:0] ${id}_rot = ${id}_dd[8*(${portName} - ${r}) +: ${8 * P}];   // byte i: data byte (i - r) mod P`];
  const n = Math.log2(P);
  const w = 8 * P;
  const lines = [`wire [${w - 1}:0] ${id}_rs0 = ${data};`];
  for (let k = 0; k < n; k++) {
    const s = 8 * 2 ** k;
    lines.push(`wire [${w - 1}:0] ${id}_rs${k + 1} = ${r}[${k}] ? { ${id}_rs${k}[${w - s - 1}:0], ${id}_rs${k}[${w - 1}:${w - s}] } : ${id}_rs${k};`);
  }
  lines.push(`wire [${w - 1}:0] ${id}_rot = ${id}_rs${n};   // byte i: data byte (i - r) mod P`);
  return lines;
}

/**
 * A window select as an explicit mux tree: `out` = vec[stride · idx +: width] for idx < the windows that start
 * inside vec (windows past its end read 0 bits there), (windows − 1) · width multiplexers where a part-select
 * at a variable offset becomes a shifter over the whole vector. idx is an unsigned expression of `idxBits` bits.
 */
export function windowMuxVerilog(id: string, vec: string, vecBits: number, idx: string, idxBits: number, stride: number, width: number, indent: string): string {
  const windows = Math.min(2 ** idxBits, Math.ceil(vecBits / stride));
  const depth = Math.max(1, Math.ceil(Math.log2(windows)));
  const lines = [`wire [${width - 1}:0] ${id}_m0 [0:${2 ** depth - 1}];`];
  for (let w = 0; w < 2 ** depth; w++) {
    const lo = stride * w;
    const hi = Math.min(lo + width, vecBits);
    const pad = lo + width - hi;
    const part = lo >= vecBits ? `${width}'d0` : pad > 0 ? `{ ${pad}'d0, ${vec}[${hi - 1}:${lo}] }` : `${vec}[${hi - 1}:${lo}]`;
    lines.push(`assign ${id}_m0[${w}] = ${w < windows ? part : `${width}'d0`};`);
  }
  for (let k = 0; k < depth; k++) {
    const n = 2 ** (depth - k - 1);
    lines.push(`wire [${width - 1}:0] ${id}_m${k + 1} [0:${n - 1}];`);
    for (let w = 0; w < n; w++) lines.push(`assign ${id}_m${k + 1}[${w}] = ${idx}[${k}] ? ${id}_m${k}[${2 * w + 1}] : ${id}_m${k}[${2 * w}];`);
  }
  lines.push(`wire [${width - 1}:0] ${id} = ${id}_m${depth}[0];`);
  return lines.map((l) => indent + l).join('\n');
}

/**
 * A byte rotation to the right (`${id}` byte b = `data` byte (b + r) mod P): log2 P explicit stages for a
 * power-of-two P, else a part-select of the doubled word. `r` is a 32-bit wire name.
 */
export function byteRotateRightVerilog(id: string, data: string, r: string, P: number): string[] {
  if (!isPow2(P)) return [`wire [${16 * P - 1}:0] ${id}_dd = { ${data}, ${data} };`, `wire [${8 * P - 1}:0] ${id} = ${id}_dd[8*${r} +: ${8 * P}];`];
  const n = Math.log2(P);
  const w = 8 * P;
  const lines = [`wire [${w - 1}:0] ${id}_rs0 = ${data};`];
  for (let k = 0; k < n; k++) {
    const s = 8 * 2 ** k;
    lines.push(`wire [${w - 1}:0] ${id}_rs${k + 1} = ${r}[${k}] ? { ${id}_rs${k}[${s - 1}:0], ${id}_rs${k}[${w - 1}:${s}] } : ${id}_rs${k};`);
  }
  lines.push(`wire [${w - 1}:0] ${id} = ${id}_rs${n};`);
  return lines;
}

/**
 * The read counterpart of stagingWriteVerilog (the qact part's write streams): the P-byte port word at stream
 * position ppos takes row bytes ppos - rs .. ppos - rs + P - 1 of a staging of `bytes` bytes (0 before the
 * row and past the staging), as `${id}` (8P bits): the pair of aligned slots t - 1, t (t = (ppos + P - rs)
 * div P) selected by a mux tree, merged byte by byte at r = (ppos + P - rs) mod P and rotated right by r —
 * instead of shifting the whole staging by the byte offset in either direction.
 */
export function stagingReadVerilog(id: string, staging: string, bytes: number, P: number, portName: string, ppos: string, rowStart: string, indent: string): string {
  const slots = bytes / P;
  if (!Number.isInteger(slots)) throw new Error(`staging ${staging}: ${bytes} bytes is not a whole number of ${P}-byte port words`);
  const [t, r] = slotAndOffset(id, P, slots + 1);
  const tBits = Math.max(1, Math.ceil(Math.log2(slots + 1)));
  const zBits = 8 * (bytes + 2 * P);
  const lines = [
    `wire [31:0] ${id}_u = ${ppos} + ${portName} - ${rowStart};   // in 1 .. rb + P - 1 when the word overlaps the row`,
    '/* verilator lint_off UNUSEDSIGNAL */',
    `wire [31:0] ${id}_t = ${t};   // at most ${slots}`,
    '/* verilator lint_on UNUSEDSIGNAL */',
    `wire [31:0] ${id}_r = ${r};`,
    `wire [${zBits - 1}:0] ${id}_z = { ${8 * P}'d0, ${staging}, ${8 * P}'d0 };   // slot s + 1: staging slot s`,
  ].map((l) => indent + l);
  lines.push(windowMuxVerilog(`${id}_pair`, `${id}_z`, zBits, `${id}_t`, tBits, 8 * P, 16 * P, indent));
  lines.push(
    ...[
      `wire [${8 * P - 1}:0] ${id}_mix;   // byte j: slot t - 1 from byte r, slot t below r`,
      `for (gb = 0; gb < ${P}; gb = gb + 1) begin : g_${id}_mix`,
      `  assign ${id}_mix[8*gb +: 8] = gb < ${id}_r ? ${id}_pair[${8 * P} + 8*gb +: 8] : ${id}_pair[8*gb +: 8];`,
      'end',
      ...byteRotateRightVerilog(id, `${id}_mix`, `${id}_r`, P),
    ].map((l) => indent + l),
  );
  return lines.join('\n');
}
