/**
 * JUnit XML: the document is well-formed (parsed by a small strict XML reader written here, independent
 * of the renderer), its counts match the cases (per suite and in total), failures carry the readable
 * report with its repro line, and hostile text (markup characters, control characters, `]]>`) cannot
 * break it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { goldenBackend, simBackend, type Backend } from '../../src/verify/backends.js';
import { planCases } from '../../src/verify/cases.js';
import { renderJunit, xmlEscape } from '../../src/verify/junit.js';
import type { InvocationInfo } from '../../src/verify/report.js';
import { runVerification } from '../../src/verify/run.js';
import { exampleTargets, flipBit } from './orchestration-helpers.js';

interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (/<|&(?!(amp|lt|gt|quot|apos);)/.test(raw)) throw new Error(`raw markup character in ${where}: ${raw.slice(0, 40)}`);
  return raw.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]);
}

/** A strict reader for the subset JUnit uses: a declaration, elements, attributes, text; no CDATA/comments. */
function parseXml(doc: string): XmlElement {
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(doc);
  if (!decl) throw new Error('missing XML declaration');
  i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < doc.length) {
    if (doc[i] === '<') {
      const end = doc.indexOf('>', i);
      if (end < 0) throw new Error('unterminated tag');
      const tag = doc.slice(i + 1, end);
      i = end + 1;
      if (tag.startsWith('/')) {
        const open = stack.pop();
        if (!open || open.name !== tag.slice(1)) throw new Error(`mismatched </${tag.slice(1)}>`);
        continue;
      }
      const self = tag.endsWith('/');
      const body = self ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*$/.exec(body);
      if (!m) throw new Error(`malformed tag <${tag}>`);
      const attrs: Record<string, string> = {};
      for (const a of m[2].matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]] = decode(a[2], `attribute ${a[1]}`);
      }
      const el: XmlElement = { name: m[1], attrs, children: [], text: '' };
      if (stack.length) stack[stack.length - 1].children.push(el);
      else if (root) throw new Error('two root elements');
      else root = el;
      if (!self) stack.push(el);
    } else {
      const next = doc.indexOf('<', i);
      const raw = doc.slice(i, next < 0 ? doc.length : next);
      i = next < 0 ? doc.length : next;
      if (stack.length) stack[stack.length - 1].text += decode(raw, 'text');
      else if (raw.trim() !== '') throw new Error('text outside the root');
    }
  }
  if (stack.length || !root) throw new Error('unclosed elements');
  return root;
}

function all(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];
}

const inv = (backends: string[], plannedCases: number): InvocationInfo => ({ file: 'examples/bitmod.qacc', sets: [], backends, trace: false, seed: 4, vectors: 1, plannedCases, notes: [] });

describe('JUnit XML', () => {
  const targets = exampleTargets('bitmod');
  const plan = planCases(targets, { vectors: 1, seed: 4 });
  const victims = [plan.cases[2].id, plan.cases[plan.cases.length - 1].id];
  const hostile = `bad <tag> & "quotes" 'apos' ]]> \u0001\u0008 control`;
  const faulty: Backend = {
    ...flipBit(simBackend, victims[0], 0, 0),
    run(c) {
      if (c.case.id === victims[1]) throw new Error(hostile);
      return flipBit(simBackend, victims[0], 0, 0).run(c);
    },
  };
  let xml = '';
  let root: XmlElement;
  beforeAll(async () => {
    const run = await runVerification({ targets, cases: plan.cases, backends: [goldenBackend, faulty], options: { trace: false } });
    xml = renderJunit(run, inv(['golden', 'sim'], plan.cases.length));
    root = parseXml(xml);
  });

  it('is well-formed, with one testcase per case in plan order', () => {
    expect(root.name).toBe('testsuites');
    const cases = all(root, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(plan.cases.map((c) => c.id));
    for (const c of cases) {
      expect(c.attrs.classname).toMatch(/^qacc\.verify\./);
      expect(Number(c.attrs.time)).toBeGreaterThanOrEqual(0);
    }
  });

  it('counts match in total and per suite', () => {
    expect(Number(root.attrs.tests)).toBe(plan.cases.length);
    expect(Number(root.attrs.failures)).toBe(1);
    expect(Number(root.attrs.errors)).toBe(1);
    expect(all(root, 'failure')).toHaveLength(1);
    expect(all(root, 'error')).toHaveLength(1);
    const suites = all(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(targets.map((t) => t.label));
    let sum = 0;
    for (const s of suites) {
      const tcs = s.children.filter((c) => c.name === 'testcase');
      expect(Number(s.attrs.tests)).toBe(tcs.length);
      expect(Number(s.attrs.failures)).toBe(tcs.filter((t) => t.children.some((c) => c.name === 'failure')).length);
      expect(Number(s.attrs.errors)).toBe(tcs.filter((t) => t.children.some((c) => c.name === 'error')).length);
      const props = Object.fromEntries(all(s, 'property').map((p) => [p.attrs.name, p.attrs.value]));
      expect(props).toMatchObject({ file: 'examples/bitmod.qacc', backends: 'golden,sim', seed: '4' });
      sum += tcs.length;
    }
    expect(sum).toBe(plan.cases.length);
  });

  it('a failure holds the readable report and the repro line of its case', () => {
    const f = all(root, 'testcase').find((c) => c.attrs.name === victims[0])!;
    const failure = f.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.type).toBe('mismatch');
    expect(failure.attrs.message).toMatch(/^golden vs sim: 1 of \d+ outputs differ$/);
    expect(failure.text).toContain(`MISMATCH golden vs sim: case ${victims[0]}`);
    expect(failure.text).toContain(`reproduce: npx qacc verify examples/bitmod.qacc --backends golden,sim --case ${victims[0]}`);
  });

  it('hostile text survives escaping: markup decoded back, XML-forbidden controls dropped', () => {
    const e = all(root, 'testcase').find((c) => c.attrs.name === victims[1])!;
    const err = e.children.find((c) => c.name === 'error')!;
    const clean = hostile.split('\u0001').join('').split('\u0008').join('');
    expect(err.attrs.message).toBe(`sim failed: ${clean}`);
    expect(err.text).toContain(clean);
    expect(xmlEscape('a\u0000b\ud800c\tok')).toBe('ab' + 'c\tok');
  });
});
