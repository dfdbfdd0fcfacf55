/**
 * The facet contract of src/pe/facets (issue 12): the kind list, and — checked by tsc, as these tests are
 * type-checked with the sources — that a kind's narrowed facet widens to the generic one, so a layer's
 * registry `{ [K in PeKind]: XFacet<K> }` can be read as `XFacet<PeKind>` and called with any kind's config
 * without a cast (method parameters are bivariant).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isPeKind, PE_KINDS, type PeKind } from '../../src/pe/kinds.js';
import type { CompileFacet } from '../../src/pe/facets/compile.js';
import type { AnyOperands, ConfigOf, GoldenConfig, GoldenFacet } from '../../src/pe/facets/golden.js';
import type { KernelFacet } from '../../src/pe/facets/kernel.js';
import type { RtlFacet } from '../../src/pe/facets/rtl.js';
import type { IrPe, IrPeOf, SchemaFacet } from '../../src/pe/facets/schema.js';
import type { SimFacet } from '../../src/pe/facets/sim.js';
import type { VerifyFacet } from '../../src/pe/facets/verify.js';
import type { PeKindDefinition } from '../../src/pe/types.js';
import type { GoldenConfig as TodaysGoldenConfig } from '../../src/golden/types.js';
import type { AnyOperands as TodaysOperands } from '../../src/compile/operands.js';
import type { IrPe as TodaysIrPe, PeKind as IrPeKind } from '../../src/ir/types.js';

describe('PE kinds', () => {
  it('lists each kind once and recognises exactly those names', () => {
    expect(new Set(PE_KINDS).size).toBe(PE_KINDS.length);
    for (const k of PE_KINDS) expect(isPeKind(k)).toBe(true);
    for (const name of ['', 'Mac', 'mac ', 'simd', 'bit-serial-mod', 'toString', '__proto__']) expect(isPeKind(name)).toBe(false);
  });

  it('is the kind list src/ir re-exports, and the type maps cover exactly the unions of today', () => {
    expectTypeOf<IrPeKind>().toEqualTypeOf<PeKind>();
    expectTypeOf<IrPe>().toEqualTypeOf<TodaysIrPe>();
    expectTypeOf<GoldenConfig>().toEqualTypeOf<TodaysGoldenConfig>();
    expectTypeOf<AnyOperands>().toEqualTypeOf<TodaysOperands>();
    expectTypeOf<IrPeOf<'simd_mac'>['kind']>().toEqualTypeOf<'simd_mac'>();
    expectTypeOf<ConfigOf<'mac'>['kind']>().toEqualTypeOf<'mac'>();
  });

  it("widens each kind's facets to the generic ones", () => {
    expectTypeOf<GoldenFacet<'mac'>>().toExtend<GoldenFacet<PeKind>>();
    expectTypeOf<SchemaFacet<'mac'>>().toExtend<SchemaFacet<PeKind>>();
    expectTypeOf<CompileFacet<'mac'>>().toExtend<CompileFacet<PeKind>>();
    expectTypeOf<SimFacet<'mac'>>().toExtend<SimFacet<PeKind>>();
    expectTypeOf<RtlFacet<'mac'>>().toExtend<RtlFacet<PeKind>>();
    expectTypeOf<KernelFacet<'mac'>>().toExtend<KernelFacet<PeKind>>();
    expectTypeOf<VerifyFacet<'mac'>>().toExtend<VerifyFacet<PeKind>>();
    expectTypeOf<PeKindDefinition<'mac'>>().toExtend<PeKindDefinition>();
    // A registry read through the widened type takes any kind's config without a cast.
    const gemmOf = (registry: { readonly [K in PeKind]: GoldenFacet<K> }, c: GoldenConfig, ops: AnyOperands) => (registry[c.kind] as GoldenFacet<PeKind>).gemm(c, ops);
    expectTypeOf(gemmOf).returns.toEqualTypeOf<ReturnType<GoldenFacet<PeKind>['gemm']>>();
  });
});
