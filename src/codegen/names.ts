/**
 * Legal identifiers for user-chosen (DSL) names, for every language qacc emits or will emit: Verilog /
 * SystemVerilog, C (CUDA C++) and WGSL. One algorithm, one keyword list per target:
 *
 *   1. every character outside [A-Za-z0-9_] becomes `_`;
 *   2. a result longer than MAX_IDENTIFIER_LENGTH keeps its first characters and ends in `_` plus 16 hex
 *      digits of a 64-bit hash (nameHash) of the whole original name, so long names that share a prefix
 *      (`<64 chars>` and `<64 chars>_pe`) stay distinct and the length stays bounded;
 *   3. an empty result or one starting with a digit gets the prefix `n_`;
 *   4. a keyword of the target, a name starting with `_` (reserved in C and WGSL, and kept free for
 *      generated names) or with qacc's own prefix `qacc_` gets the prefix `u_`.
 *
 * The result matches /^[A-Za-z][A-Za-z0-9_]*$/, is never a keyword of the target and never starts with
 * `qacc_`. Distinct names can still meet after step 1 (`a-b`, `a_b`): a scope of names (NameScope in
 * src/codegen/verilog/names.ts) adds numbered suffixes for those. No user text reaches the output
 * unfiltered (no escaped identifiers, comments or backquotes).
 */

/** The languages whose identifiers this module makes. */
export type IdentifierTarget = 'verilog' | 'c' | 'wgsl';

/** Longest identifier emitted (tools accept far more; shorter keeps generated file names sane). */
export const MAX_IDENTIFIER_LENGTH = 64;

/** Prefix reserved for qacc's own generated names; user names never receive it. */
export const RESERVED_PREFIX = 'qacc_';

const words = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter((w) => w !== ''));

/** Verilog-2005 and SystemVerilog-2017 reserved words (Verilator and Yosys reject all of them as names). */
const VERILOG_KEYWORDS = words(`
  accept_on alias always always_comb always_ff always_latch and assert assign assume automatic before begin bind bins binsof bit break
  buf bufif0 bufif1 byte case casex casez cell chandle checker class clocking cmos config const constraint context continue cover
  covergroup coverpoint cross deassign default defparam design disable dist do edge else end endcase endchecker endclass endclocking
  endconfig endfunction endgenerate endgroup endinterface endmodule endpackage endprimitive endprogram endproperty endspecify
  endsequence endtable endtask enum event eventually expect export extends extern final first_match for force foreach forever fork
  forkjoin function generate genvar global highz0 highz1 if iff ifnone ignore_bins illegal_bins implements implies import incdir
  include initial inout input inside instance int integer interconnect interface intersect join join_any join_none large let liblist
  library local localparam logic longint macromodule matches medium modport module nand negedge nettype new nexttime nmos nor
  noshowcancelled not notif0 notif1 null or output package packed parameter pmos posedge primitive priority program property
  protected pull0 pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase randsequence rcmos real
  realtime ref reg reject_on release repeat restrict return rnmos rpmos rtran rtranif0 rtranif1 s_always s_eventually s_nexttime
  s_until s_until_with scalared sequence shortint shortreal showcancelled signed small soft solve specify specparam static string
  strong strong0 strong1 struct super supply0 supply1 sync_accept_on sync_reject_on table tagged task this throughout time timeprecision
  timeunit tran tranif0 tranif1 tri tri0 tri1 triand trior trireg type typedef union unique unique0 unsigned until until_with untyped
  use uwire var vectored virtual void wait wait_order wand weak weak0 weak1 while wildcard wire with within wor xnor xor`);

/** C11 and C++20 keywords (CUDA sources are C++), alternative operator spellings and CUDA's qualifiers and built-in variables. */
const C_KEYWORDS = words(`
  alignas alignof and and_eq asm atomic_cancel atomic_commit atomic_noexcept auto bitand bitor bool break case catch char char8_t
  char16_t char32_t class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype
  default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline int long mutable
  namespace new noexcept not not_eq nullptr operator or or_eq private protected public register reinterpret_cast requires restrict
  return short signed sizeof static static_assert static_cast struct switch template this thread_local throw true try typedef typeid
  typename union unsigned using virtual void volatile wchar_t while xor xor_eq
  _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local
  main NULL errno assert
  __global__ __device__ __host__ __shared__ __constant__ __managed__ __restrict__ __noinline__ __forceinline__
  threadIdx blockIdx blockDim gridDim warpSize`);

/** WGSL keywords, reserved words and the predeclared type names that shadowing would break. */
const WGSL_KEYWORDS = words(`
  alias break case const const_assert continue continuing default diagnostic discard else enable false fn for if let loop override
  requires return struct switch true var while
  NULL Self abstract active alignas alignof as asm asm_fragment async attribute auto await become cast catch class co_await co_return
  co_yield coherent column_major common compile compile_fragment concept const_cast consteval constexpr constinit crate debugger
  decltype delete demote demote_to_helper do dynamic_cast enum explicit export extends extern external fallthrough filter final
  finally friend from fxgroup get goto groupshared highp impl implements import inline instanceof interface layout lowp macro
  macro_rules match mediump meta mod module move mut mutable namespace new nil noexcept noinline nointerpolation non_coherent
  noncoherent noperspective null nullptr of operator package packoffset partition pass patch pixelfragment precise precision premerge
  priv protected pub public readonly ref regardless register reinterpret_cast require resource restrict self set shared sizeof smooth
  snorm static static_assert static_cast std subroutine super target template this thread_local throw trait try type typedef typeid
  typename typeof union unless unorm unsafe unsized use using varying virtual volatile wgsl where with writeonly yield
  bool f16 f32 i32 u32 vec2 vec3 vec4 mat2x2 mat2x3 mat2x4 mat3x2 mat3x3 mat3x4 mat4x2 mat4x3 mat4x4 array atomic ptr sampler
  sampler_comparison texture_1d texture_2d texture_2d_array texture_3d texture_cube texture_cube_array texture_multisampled_2d
  texture_storage_1d texture_storage_2d texture_storage_2d_array texture_storage_3d texture_depth_2d texture_depth_2d_array
  texture_depth_cube texture_depth_cube_array texture_depth_multisampled_2d texture_external`);

const KEYWORDS: Record<IdentifierTarget, ReadonlySet<string>> = { verilog: VERILOG_KEYWORDS, c: C_KEYWORDS, wgsl: WGSL_KEYWORDS };

/** True when `name` is a keyword (or reserved word) of the target language. */
export function isKeyword(name: string, target: IdentifierTarget): boolean {
  return KEYWORDS[target].has(name);
}

/**
 * A 64-bit hash of `s` as 16 lowercase hex digits: two 32-bit FNV-1a hashes of its UTF-16 code units,
 * from the standard offset basis and from a second basis (so a collision needs both to collide).
 */
export function nameHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The legal form of one name for `target`, before uniqueness within a scope is applied. */
export function legalIdentifier(name: string, target: IdentifierTarget): string {
  let s = name.replace(/[^A-Za-z0-9_]/g, '_');
  // Room for the prefixes below, so the result never exceeds MAX_IDENTIFIER_LENGTH.
  const room = MAX_IDENTIFIER_LENGTH - 2;
  if (s.length > room) s = `${s.slice(0, room - 17)}_${nameHash(name)}`;
  if (s === '' || /^[0-9]/.test(s)) s = `n_${s}`;
  if (isKeyword(s, target) || s.toLowerCase().startsWith(RESERVED_PREFIX) || s.startsWith('_')) s = `u_${s}`;
  return s;
}
