import { describe, expect, it } from 'vitest';
import { conllBlock, conllLabel } from '../../../../../workers/corpus/formats/conll';
import { wordTokens } from '../../../../../workers/corpus/formats/words';
import { corpusDocument, fresh, reviewed, spanOf } from './sample';

describe('word tokens', () => {
  it('split on whitespace and punctuation, keeping inner apostrophes, hyphens and decimal points', () => {
    expect(wordTokens("Ada's e-mail (3.5 MB), sent.").map((t) => t.text)).toEqual([
      "Ada's",
      'e-mail',
      '(',
      '3.5',
      'MB',
      ')',
      ',',
      'sent',
      '.',
    ]);
    const text = '  héllo\twörld';
    for (const t of wordTokens(text)) expect(text.slice(t.start, t.end)).toBe(t.text);
  });
});

describe('CoNLL export', () => {
  it('writes -DOCSTART-, one BIO line per word, and a blank line at line breaks', () => {
    const { text, problems } = conllBlock(fresh);
    expect(problems).toEqual([]);
    expect(text).toBe(
      '-DOCSTART- -X- -X- O\n\n' +
        'Grace -X- _ B-person\nHopper -X- _ I-person\nworked -X- _ O\n\n' +
        'in -X- _ O\nArlington -X- _ B-place\n. -X- _ O\n\n',
    );
  });

  it('writes the effective spans: the rejected model span is left out, the person span is in', () => {
    const lines = conllBlock(reviewed).text.split('\n');
    expect(lines).toContain('Charles -X- _ B-person');
    expect(lines).toContain('Babbage -X- _ I-person');
    expect(lines).toContain('London -X- _ B-place');
    expect(lines).toContain(', -X- _ O');
  });

  it('reports a span that cuts a word instead of widening it', () => {
    const text = 'Lovelace wrote';
    const doc = { document: corpusDocument('d', text), spans: [spanOf(text, 'Love', 'person')] };
    const { text: out, problems } = conllBlock(doc);
    expect(out).toContain('Lovelace -X- _ O');
    expect(problems).toEqual([
      {
        document: 'd',
        span: doc.spans[0],
        message: expect.stringMatching(/"Love" \[0, 4\) person does not start and end on word boundaries/),
      },
    ]);
  });

  it('keeps the longer of two overlapping spans and reports the other', () => {
    const text = 'New York City';
    const doc = {
      document: corpusDocument('d', text),
      spans: [spanOf(text, 'New York', 'place'), spanOf(text, 'New York City', 'place')],
    };
    const { text: out, problems } = conllBlock(doc);
    expect(out).toContain('City -X- _ I-place');
    expect(problems.map((p) => p.span.end)).toEqual([8]);
  });

  it('turns whitespace in labels into underscores', () => {
    expect(conllLabel(' programming  language ')).toBe('programming_language');
  });
});
