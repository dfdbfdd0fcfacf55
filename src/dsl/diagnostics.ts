/**
 * The diagnostics catalog and the `Diagnostic` data type. Every message the front end can produce is one
 * entry here with a stable code (E1xx syntax and limits, E2xx names and imports, E3xx types and values,
 * E4xx hardware constraints, W5xx warnings, N1xx notes); the rest of the compiler creates diagnostics only
 * through `diagnostic(entry, span, args…)`. Templates use `{0}`, `{1}` … for arguments. Rendering lives
 * in render.ts and happens exactly once, in the CLI. test/dsl/catalog.test.ts checks that every code is
 * used in src/ and exercised by a golden test case.
 */
import type { Span } from './source.js';

export type Severity = 'error' | 'warning' | 'note';

/** One catalog entry: a stable code, its severity and a message template. */
export interface DiagnosticEntry {
  readonly code: string;
  readonly severity: Severity;
  readonly template: string;
}

/** A secondary location shown after the main message (e.g. "first declared here"). */
export interface RelatedInfo {
  readonly span: Span;
  readonly message: string;
}

/** A diagnostic as data. Invariant: `message` is `template` with its arguments substituted. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Where it points; absent only for problems that have no source text (e.g. a file that cannot be read at the top level). */
  readonly span?: Span;
  readonly related: readonly RelatedInfo[];
  readonly hint?: string;
}

function entry(code: string, severity: Severity, template: string): DiagnosticEntry {
  return { code, severity, template };
}

/** The catalog. Codes are stable: never renumber; retire a code by deleting its entry and its test. */
export const Diag = {
  // E1xx: lexing, syntax, input limits
  unexpectedCharacter: entry('E101', 'error', 'unexpected character {0}'),
  unterminatedComment: entry('E102', 'error', 'unterminated block comment'),
  unterminatedString: entry('E103', 'error', 'unterminated string'),
  syntaxError: entry('E104', 'error', '{0}'),
  expectedDeclaration: entry('E105', 'error', 'expected a declaration (import, param, const, format, scheme, pe, array, buffer, accelerator), found {0}'),
  nestingTooDeep: entry('E106', 'error', 'brackets nested deeper than {0} levels'),
  expressionTooComplex: entry('E107', 'error', 'expression too long or too deeply nested (limit {0})'),
  fileTooLarge: entry('E108', 'error', 'file is too large ({0} characters; limit {1})'),
  numberOutOfRange: entry('E109', 'error', 'number literal {0} is out of range'),
  tokenTooLong: entry('E110', 'error', '{0} is too long ({1} characters; limit {2})'),
  declarationTooLong: entry('E111', 'error', 'declaration is too long (more than {0} tokens)'),
  tooManyErrors: entry('N101', 'note', '{0} more {1} in this file are not shown'),
  tooManyDiagnostics: entry('N102', 'note', '{0} more diagnostics are not shown'),

  // E2xx: names, imports, overrides
  unknownName: entry('E201', 'error', "unknown name '{0}'"),
  duplicateName: entry('E202', 'error', "'{0}' is already declared"),
  importNotFound: entry('E203', 'error', "cannot read '{0}'"),
  importCycle: entry('E204', 'error', 'import cycle: {0}'),
  circularDefinition: entry('E205', 'error', "'{0}' is defined in terms of itself"),
  notImported: entry('E206', 'error', "'{0}' is declared in {1}, which this file does not import"),
  unknownOverride: entry('E207', 'error', "--set {0}: there is no param named '{0}'"),
  overrideNotParam: entry('E208', 'error', "--set {0}: '{0}' is a {1}, only a param can be set"),
  badOverride: entry('E209', 'error', "--set expects NAME=VALUE, found '{0}'"),
  definitionsTooDeep: entry('E210', 'error', 'definitions refer to each other more than {0} levels deep'),

  // E3xx: types and values
  typeMismatch: entry('E301', 'error', 'expected {0}, found {1}'),
  unknownFormat: entry('E302', 'error', '{0}'),
  unknownPeKind: entry('E303', 'error', "unknown PE kind '{0}'"),
  unknownProperty: entry('E304', 'error', "unknown property '{0}' for {1}"),
  missingProperty: entry('E305', 'error', "{0} needs a value for '{1}'"),
  duplicateProperty: entry('E306', 'error', "property '{0}' is given twice"),
  notAnInteger: entry('E307', 'error', 'expected an integer, found {0}'),
  divisionByZero: entry('E308', 'error', 'division by zero'),
  wrongDimension: entry('E309', 'error', 'expected {0} for {1}, found {2}'),
  ambiguousUnit: entry('E310', 'error', "unit '{0}' is ambiguous"),
  outOfRange: entry('E311', 'error', '{0} must be {1}, found {2}'),
  unknownFunction: entry('E312', 'error', "unknown function '{0}'"),
  badArguments: entry('E313', 'error', '{0}'),
  badEnumValue: entry('E314', 'error', "'{0}' is not a valid {1}; expected one of {2}"),
  badFormatParameters: entry('E315', 'error', '{0}'),
  unknownSchemeKind: entry('E316', 'error', "unknown quantization scheme '{0}'"),
  emptyList: entry('E317', 'error', '{0} must not be empty'),
  duplicateListItem: entry('E318', 'error', "{0} is listed twice in {1}"),

  // E4xx: hardware constraints
  laneWidth: entry('E401', 'error', '{0}-bit lanes do not divide the {1}-bit operand word'),
  lanesOverflow: entry('E402', 'error', '{0} lanes of {1} bits need {2} bits, more than the {3}-bit operand word'),
  groupDivides: entry('E403', 'error', '{0}'),
  rankMultiple: entry('E404', 'error', 'rank {0} is not a multiple of {1}'),
  tooManyPes: entry('E405', 'error', '{0} has {1} PEs, more than the limit of {2}'),
  bufferTooLarge: entry('E406', 'error', '{0} is {1} bytes, more than the limit of 1 GiB'),
  bufferGeometry: entry('E407', 'error', '{0}'),
  accumulatorTooNarrow: entry('E408', 'error', '{0}'),
  unsupportedFormat: entry('E409', 'error', '{0}'),
  unsupportedScheme: entry('E410', 'error', '{0}'),
  selectorBits: entry('E411', 'error', '{0} candidates need {1} selector bits, found {2}'),
  mixedCandidateWidths: entry('E412', 'error', 'mixture candidates must all have the same width; {0} has {1} bits, {2} has {3}'),
  fixedByDatapath: entry('E413', 'error', "datapath = {0} fixes {1} = {2} ({3}), found {4}"),
  /** The language accepts it, but the compiler, simulator or generated RTL cannot run it (issue 12). */
  unsupportedByHardware: entry('E414', 'error', '{0}'),

  // W5xx: warnings
  unusedOperandBits: entry('W501', 'warning', '{0} lanes of {1} bits use {2} of the {3} operand bits'),
  noAccelerator: entry('W502', 'warning', 'no accelerator is declared in {0}'),
  unusedParam: entry('W503', 'warning', "param '{0}' is set but never used"),
} as const satisfies Record<string, DiagnosticEntry>;

export type DiagName = keyof typeof Diag;

/** Optional parts of a diagnostic. */
export interface DiagnosticExtras {
  readonly related?: readonly RelatedInfo[];
  readonly hint?: string;
}

/** Fills a template's `{n}` placeholders. */
export function formatTemplate(template: string, args: readonly (string | number | bigint)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? m : String(v);
  });
}

/** Creates a diagnostic from a catalog entry. */
export function diagnostic(
  e: DiagnosticEntry,
  span: Span | undefined,
  args: readonly (string | number | bigint)[] = [],
  extras: DiagnosticExtras = {},
): Diagnostic {
  return {
    code: e.code,
    severity: e.severity,
    message: formatTemplate(e.template, args),
    ...(span ? { span } : {}),
    related: extras.related ?? [],
    ...(extras.hint !== undefined ? { hint: extras.hint } : {}),
  };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file, then position, then code (stable output for tests and users). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.span?.file ?? '';
    const fb = b.span?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const oa = a.span?.start.offset ?? -1;
    const ob = b.span?.start.offset ?? -1;
    if (oa !== ob) return oa - ob;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

