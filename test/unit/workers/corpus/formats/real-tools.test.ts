/**
 * Our exports, read by the real tools rather than by our reading of their formats: PyPI's spaCy
 * (through tools/spacy/jsonl_to_docbin.py, Doc.char_span strict) and label-studio-sdk's converter
 * (CONLL2003). Both live in a cached virtual environment outside the repository,
 * ~/.cache/uniner-web/venv-formats, created from tools/spacy/requirements-formats.txt on the first
 * run (about a minute); a failed install fails these tests, it never skips them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { effectiveSpans, type DocumentWithSpans } from '../../../../../workers/corpus/document';
import { conllLabel, exportDocuments, labelStudioConfig } from '../../../../../workers/corpus/formats';
import { ensureFormatsVenv, formatsPython } from '../../../../fixtures/formats-venv';
import { corpusDocument, fresh, reviewed, spanOf } from './sample';

const ensureVenv = ensureFormatsVenv;
const python = formatsPython;

const text3 = 'Lovelace moved to New York City in 1835.';
const text4 = "The 😀 C++ and programming in Rust: don't miss Mr. Smith's talk in São Paulo!";
/** Everything the formats must carry: a rejected span, a person's span, a cut span, an overlap, emoji. */
const corpus: DocumentWithSpans[] = [
  reviewed,
  fresh,
  {
    document: corpusDocument('doc-3', text3, { reviewed: true }),
    spans: [
      spanOf(text3, 'Love', 'person', { source: 'person' }), // cuts the word "Lovelace"
      spanOf(text3, 'New York', 'place', { score: 0.5 }),
      spanOf(text3, 'New York City', 'place', { score: 0.9 }),
    ],
  },
  {
    document: corpusDocument('doc-4', text4, {
      reviewed: true,
      types: ['programming language', 'person', 'place'],
    }),
    spans: [
      spanOf(text4, 'Rust', 'programming language', { score: 0.8 }),
      spanOf(text4, 'Smith', 'person', { source: 'person' }),
      spanOf(text4, 'São Paulo', 'place', { score: 0.7 }),
    ],
  },
];

let work: string;
beforeAll(() => {
  ensureVenv();
  work = mkdtempSync(join(tmpdir(), 'uniner-formats-'));
}, 900_000);

describe('spaCy reads our spacy-jsonl export', () => {
  it('every effective span is an entity or span at the same characters, or is named as falling between tokens', () => {
    const input = join(work, 'corpus.jsonl');
    const output = join(work, 'corpus.spacy');
    writeFileSync(input, exportDocuments('spacy-jsonl', corpus).text);
    const report = python(['tools/spacy/jsonl_to_docbin.py', input, output]).stderr;
    // Read the DocBin back with spaCy and list each document's entities and spans in characters.
    const dump = python([
      '-c',
      `import json, sys, spacy
from spacy.tokens import DocBin
docs = DocBin().from_disk(sys.argv[1]).get_docs(spacy.blank("en").vocab)
print(json.dumps([{"text": d.text,
  "ents": [[e.start_char, e.end_char, e.label_] for e in d.ents],
  "spans": [[s.start_char, s.end_char, s.label_] for s in d.spans["uniner"]]} for d in docs]))`,
      output,
    ]).stdout;
    const docs = JSON.parse(dump) as {
      text: string;
      ents: [number, number, string][];
      spans: [number, number, string][];
    }[];
    expect(docs).toHaveLength(corpus.length);

    const betweenTokens: string[] = [];
    corpus.forEach(({ document, spans }, i) => {
      const read = docs[i]!;
      expect(read.text).toBe(document.text);
      const codePoints = (offset: number) => [...document.text.slice(0, offset)].length;
      for (const span of effectiveSpans(spans)) {
        const chars: [number, number, string] = [codePoints(span.start), codePoints(span.end), span.label];
        const inSpans = read.spans.some((s) => JSON.stringify(s) === JSON.stringify(chars));
        if (!inSpans) {
          betweenTokens.push(`${document.id} "${document.text.slice(span.start, span.end)}"`);
          continue;
        }
        // Python's slice of the same code points is the same string as ours.
        expect([...document.text].slice(chars[0], chars[1]).join('')).toBe(
          document.text.slice(span.start, span.end),
        );
      }
      // Entities are the aligned spans minus the shorter of overlapping ones.
      for (const ent of read.ents) expect(read.spans).toContainEqual(ent);
    });
    // The one span that cuts a word is named, by the test and by the script's report.
    expect(betweenTokens).toEqual(['doc-3 "Love"']);
    expect(report).toContain('corpus.jsonl:3: span "Love" [0, 4) person falls between spaCy tokens');
    expect(report).toContain('"New York" [18, 26) place overlaps a longer entity');
    expect(docs[2]!.ents).toEqual([[18, 31, 'place']]);
    expect(docs[3]!.ents.map((e) => e[2])).toEqual(['programming language', 'person', 'place']);
  });
});

/** Documents of a CoNLL file: each a list of [token, tag], split at -DOCSTART- or blank lines. */
function parseConll(text: string, splitOnBlank: boolean): [string, string][][] {
  const docs: [string, string][][] = [];
  let current: [string, string][] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('-DOCSTART-')) {
      current = [];
      docs.push(current);
      continue;
    }
    if (!line.trim()) {
      if (splitOnBlank && current?.length) {
        current = [];
        docs.push(current);
      }
      continue;
    }
    const [token, tag] = line.split(' -X- _ ') as [string, string];
    current!.push([
      token,
      tag.replace(/^([BI]-)(.*)$/, (_, prefix: string, label: string) => prefix + conllLabel(label)),
    ]);
  }
  return docs.filter((d) => d.length);
}

/** The entities of a BIO sequence: [label, the tokens joined without spaces]. */
function chunks(doc: [string, string][]): [string, string][] {
  const out: [string, string][] = [];
  for (const [token, tag] of doc) {
    if (tag.startsWith('B-')) out.push([tag.slice(2), token]);
    else if (tag.startsWith('I-') && out.length) out[out.length - 1]![1] += token;
  }
  return out;
}

describe("label-studio-sdk's converter reads our Label Studio export", () => {
  it('its CONLL2003 holds the same entities as our CoNLL, and the same tokens and tags where it tokenises alike', () => {
    // The converter reads annotations only, and its BIO cannot hold overlaps or cut words either:
    // compare on the reviewed documents, without the spans our CoNLL reports as not writable.
    const reviewedDocs = corpus.filter((d) => d.document.reviewed);
    const left = exportDocuments('conll', reviewedDocs).problems;
    expect(left.map((p) => `${p.document} ${p.span.start}-${p.span.end}`)).toEqual([
      'doc-3 0-4',
      'doc-3 18-26',
    ]);
    const docs = reviewedDocs.map((d) => ({
      ...d,
      spans: d.spans.filter((s) => !left.some((p) => p.span === s)),
    }));
    const ours = exportDocuments('conll', docs);
    expect(ours.problems).toEqual([]);
    const input = join(work, 'tasks.json');
    writeFileSync(input, exportDocuments('label-studio', docs).text);
    const config = labelStudioConfig(['person', 'place', 'programming language']);
    python([
      '-c',
      `import sys
from label_studio_sdk.converter import Converter
Converter(config=sys.argv[1], project_dir=None, download_resources=False).convert(sys.argv[2], sys.argv[3], "CONLL2003", is_dir=False)`,
      config,
      input,
      join(work, 'ls-out'),
    ]);
    const theirs = parseConll(readFileSync(join(work, 'ls-out', 'result.conll'), 'utf8'), true);
    // Our CoNLL breaks sentences at line breaks; theirs does not: join ours per document.
    const mine = parseConll(ours.text, false);
    expect(theirs).toHaveLength(docs.length);
    expect(mine).toHaveLength(docs.length);
    let alike = 0;
    mine.forEach((doc, i) => {
      expect(chunks(theirs[i]!)).toEqual(chunks(doc));
      if (JSON.stringify(theirs[i]!.map((t) => t[0])) === JSON.stringify(doc.map((t) => t[0]))) {
        expect(theirs[i]).toEqual(doc);
        alike++;
      }
    });
    // NLTK's Treebank tokenizer keeps "Mr." and "C++" whole; ours splits off their punctuation, so
    // doc-4 differs in tokens (not in entities); the others match line for line.
    expect(alike).toBe(docs.length - 1);
    expect(theirs[docs.length - 1]!.map((t) => t[0])).toEqual(expect.arrayContaining(['Mr.', 'C++']));
  });
});
