/**
 * JUnit XML of a verify run, in the shape CI systems read (Jenkins/GitLab/GitHub test reporters):
 * `<testsuites>` with totals, one `<testsuite>` per target (accelerator, SIMD mode) with its properties
 * (file, seed, backends), one `<testcase>` per case named by its case id, and a `<failure>` (outputs or
 * cycles differ) or `<error>` (a backend threw) element whose text is the same readable report the
 * terminal shows, repro line included. Text is XML-escaped and characters XML 1.0 forbids are dropped,
 * so a report can never break the document.
 */
import type { CaseOutcome, VerifyRun } from './run.js';
import { formatCaseReport, type InvocationInfo } from './report.js';

/** Removes characters XML 1.0 cannot hold (controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
function dropInvalidXmlChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    const ok = c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (ok) out += ch;
  }
  return out;
}

/** Escapes text for XML attribute values and character data, dropping characters XML 1.0 cannot hold. */
export function xmlEscape(text: string): string {
  return dropInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function seconds(s: number): string {
  return s.toFixed(3);
}

function testcase(o: CaseOutcome, inv: InvocationInfo): string {
  const open = `    <testcase classname="qacc.verify.${xmlEscape(o.target.label)}" name="${xmlEscape(o.case.id)}" time="${seconds(o.seconds)}"`;
  if (o.status === 'pass') return `${open}/>`;
  const report = xmlEscape(formatCaseReport(o, inv));
  if (o.status === 'error') {
    const message = `${o.error?.backend ?? '?'} failed: ${o.error?.message ?? ''}`;
    return `${open}>\n      <error message="${xmlEscape(message)}" type="backend-error">${report}</error>\n    </testcase>`;
  }
  const message = o.divergences
    .map((d) => {
      switch (d.kind) {
        case 'outputs':
          return `${d.reference} vs ${d.other}: ${d.count} of ${d.total} outputs differ`;
        case 'cycles':
          return `cycles ${d.reference} vs ${d.other}: ${d.expected} != ${d.got}`;
        case 'trace':
          return `trace ${d.reference} vs ${d.other}: first divergence at cycle ${d.cycle}, signal ${d.signal}`;
        default: {
          const never: never = d;
          throw new Error(`unknown divergence ${JSON.stringify(never)}`);
        }
      }
    })
    .join('; ');
  return `${open}>\n      <failure message="${xmlEscape(message)}" type="mismatch">${report}</failure>\n    </testcase>`;
}

function counts(outcomes: readonly CaseOutcome[]): string {
  const failures = outcomes.filter((o) => o.status === 'fail').length;
  const errors = outcomes.filter((o) => o.status === 'error').length;
  const time = outcomes.reduce((s, o) => s + o.seconds, 0);
  return `tests="${outcomes.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(time)}"`;
}

/** The JUnit XML document of a run. */
export function renderJunit(run: VerifyRun, inv: InvocationInfo): string {
  const byTarget = new Map<string, CaseOutcome[]>();
  for (const o of run.outcomes) {
    const list = byTarget.get(o.target.label) ?? [];
    list.push(o);
    byTarget.set(o.target.label, list);
  }
  const props = [
    ['file', inv.file],
    ['backends', inv.backends.join(',')],
    ['seed', String(inv.seed)],
    ['vectors', String(inv.vectors)],
    ...(inv.workload ? [['workload', inv.workload]] : []),
    ...(inv.shard ? [['shard', `${inv.shard.index}/${inv.shard.count}`]] : []),
  ];
  const propXml = props.map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`).join('\n');
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xmlEscape(`qacc verify ${inv.file}`)}" ${counts(run.outcomes)}>`];
  for (const [label, outcomes] of byTarget) {
    lines.push(`  <testsuite name="${xmlEscape(label)}" ${counts(outcomes)}>`, '    <properties>', propXml, '    </properties>');
    for (const o of outcomes) lines.push(testcase(o, inv));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
