import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_ENTITY_TYPE_LENGTH, MAX_ENTITY_TYPES } from '../../../../workers/limits';
import {
  CHAT_ANSWER_INSTRUCTION,
  chatMessages,
  normalizeEntityType,
  uninerPrefix,
  uninerPrompt,
  uninerQuestion,
  validateEntityTypes,
  validatePassage,
} from '../../../../workers/text/prompt';
import { InputError } from '../../../../workers/errors';

const PASSAGE = 'Barack Obama was born in Hawaii.';

describe('UniNER prompt (byte exact)', () => {
  it('renders the whole prompt exactly as the official ie_as_qa template', () => {
    expect(uninerPrompt(PASSAGE, 'person')).toBe(
      "A virtual assistant answers questions from a user based on the provided text. USER: Text: Barack Obama was born in Hawaii. ASSISTANT: I've read this text.</s>USER: What describes person in the text? ASSISTANT:",
    );
  });

  it('renders the prefix up to and including the first </s>', () => {
    expect(uninerPrefix(PASSAGE)).toBe(
      "A virtual assistant answers questions from a user based on the provided text. USER: Text: Barack Obama was born in Hawaii. ASSISTANT: I've read this text.</s>",
    );
  });

  it('renders the question with no space after the final colon', () => {
    expect(uninerQuestion('person')).toBe('USER: What describes person in the text? ASSISTANT:');
    expect(uninerQuestion('person').endsWith('ASSISTANT:')).toBe(true);
  });

  it('uses an ASCII apostrophe and no newlines', () => {
    const prompt = uninerPrompt(PASSAGE, 'location');
    expect(prompt).toContain("I've");
    expect(prompt).not.toContain('\u2019');
    expect(prompt).not.toContain('\n');
    expect(prompt).not.toContain('  ');
  });

  it('inserts the passage verbatim (newlines, spaces, quotes, </s>, emoji)', () => {
    const passage = '  Line one\n\nLine "two" {x} </s> 😀  ';
    expect(uninerPrompt(passage, 'thing')).toBe(
      'A virtual assistant answers questions from a user based on the provided text. USER: Text:   Line one\n\nLine "two" {x} </s> 😀   ASSISTANT: I\'ve read this text.</s>USER: What describes thing in the text? ASSISTANT:',
    );
  });

  it('inserts entity types verbatim apart from whitespace', () => {
    expect(uninerQuestion('  "quoted" {braced}\n type\t ')).toBe(
      'USER: What describes "quoted" {braced} type in the text? ASSISTANT:',
    );
    expect(uninerQuestion('Ortsname (Straße)')).toBe(
      'USER: What describes Ortsname (Straße) in the text? ASSISTANT:',
    );
  });

  it('prefix + question === whole prompt for any passage and type', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim() !== ''),
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        (passage, type, datasetName) => {
          const options = datasetName === undefined ? {} : { datasetName };
          expect(uninerPrefix(passage, options) + uninerQuestion(type)).toBe(
            uninerPrompt(passage, type, options),
          );
        },
      ),
    );
  });

  it('the prefix does not depend on the entity type', () => {
    const a = uninerPrompt(PASSAGE, 'person');
    const b = uninerPrompt(PASSAGE, 'location');
    const prefix = uninerPrefix(PASSAGE);
    expect(a.startsWith(prefix)).toBe(true);
    expect(b.startsWith(prefix)).toBe(true);
    expect(prefix.endsWith("I've read this text.</s>")).toBe(true);
  });
});

describe('dataset variant (supervised checkpoints)', () => {
  it('writes the dataset line before Text:', () => {
    expect(uninerPrompt(PASSAGE, 'person', { datasetName: 'CoNLL2003' })).toBe(
      "A virtual assistant answers questions from a user based on the provided text. USER: Dataset: CoNLL2003 \nText: Barack Obama was born in Hawaii. ASSISTANT: I've read this text.</s>USER: What describes person in the text? ASSISTANT:",
    );
  });

  it('omits the line for a missing or blank dataset name', () => {
    expect(uninerPrefix(PASSAGE, { datasetName: '   ' })).toBe(uninerPrefix(PASSAGE));
    expect(uninerPrefix(PASSAGE, {})).toBe(uninerPrefix(PASSAGE));
  });

  it('trims the dataset name', () => {
    expect(uninerPrefix(PASSAGE, { datasetName: ' ncbi ' })).toContain('USER: Dataset: ncbi \nText: Barack');
  });
});

describe('chat style', () => {
  it('returns the conversation as messages with the answer instruction', () => {
    expect(chatMessages(PASSAGE, 'person')).toEqual([
      {
        role: 'system',
        content: 'A virtual assistant answers questions from a user based on the provided text.',
      },
      { role: 'user', content: 'Text: Barack Obama was born in Hawaii.' },
      { role: 'assistant', content: "I've read this text." },
      {
        role: 'user',
        content:
          'What describes person in the text? Answer with a JSON list of strings copied exactly from the text, and nothing else. If there are none, answer [].',
      },
    ]);
  });

  it('can leave the instruction out', () => {
    const messages = chatMessages(PASSAGE, 'person', { instruction: false });
    expect(messages[3]).toEqual({ role: 'user', content: 'What describes person in the text?' });
    expect(CHAT_ANSWER_INSTRUCTION.startsWith(' ')).toBe(true);
  });

  it('carries the dataset line and validates like the UniNER style', () => {
    expect(chatMessages(PASSAGE, 'x', { datasetName: 'ai' })[1]).toEqual({
      role: 'user',
      content: 'Dataset: ai \nText: Barack Obama was born in Hawaii.',
    });
    expect(() => chatMessages(' ', 'x')).toThrow(InputError);
    expect(() => chatMessages(PASSAGE, ' ')).toThrow(InputError);
  });
});

describe('passage validation', () => {
  it('returns the passage unchanged (never trimmed)', () => {
    expect(validatePassage('  a  ')).toBe('  a  ');
  });

  it.each(['', ' ', '\n\t \r\n', '\u00a0\u2003'])('rejects %j with an InputError saying what to do', (p) => {
    expect(() => validatePassage(p)).toThrow(InputError);
    expect(() => validatePassage(p)).toThrow(/passage is empty.*Paste or type/);
    expect(() => uninerPrefix(p)).toThrow(InputError);
  });

  it('the error has name InputError', () => {
    try {
      validatePassage('');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).name).toBe('InputError');
    }
  });
});

describe('entity type validation', () => {
  it('trims and collapses whitespace, newlines included', () => {
    expect(normalizeEntityType('  medical \n\n condition\t')).toBe('medical condition');
  });

  it('keeps quotes, braces and non-ASCII verbatim', () => {
    expect(normalizeEntityType(`"a" 'b' {c} [d] <e> \\ ü 人`)).toBe(`"a" 'b' {c} [d] <e> \\ ü 人`);
  });

  it('rejects empty and whitespace-only types', () => {
    expect(() => normalizeEntityType('')).toThrow(InputError);
    expect(() => normalizeEntityType(' \n ')).toThrow(/entity type is empty/);
    expect(() => validateEntityTypes(['person', ' '])).toThrow(InputError);
  });

  it(`accepts ${MAX_ENTITY_TYPE_LENGTH} characters and rejects one more`, () => {
    expect(normalizeEntityType('x'.repeat(MAX_ENTITY_TYPE_LENGTH))).toHaveLength(MAX_ENTITY_TYPE_LENGTH);
    expect(() => normalizeEntityType('x'.repeat(MAX_ENTITY_TYPE_LENGTH + 1))).toThrow(/limit is 100/);
    // Length counts after collapsing: padding does not make a type too long.
    expect(normalizeEntityType(`  ${'x'.repeat(MAX_ENTITY_TYPE_LENGTH)}  `)).toHaveLength(
      MAX_ENTITY_TYPE_LENGTH,
    );
  });

  it('dedupes case-insensitively, keeping the first spelling and the order', () => {
    expect(validateEntityTypes(['Person', 'location', 'person', ' PERSON ', 'Location', 'org'])).toEqual([
      'Person',
      'location',
      'org',
    ]);
    expect(validateEntityTypes(['medical  condition', 'Medical condition'])).toEqual(['medical condition']);
  });

  it(`accepts ${MAX_ENTITY_TYPES} distinct types and rejects more`, () => {
    const types = Array.from({ length: MAX_ENTITY_TYPES }, (_, i) => `type ${i}`);
    expect(validateEntityTypes(types)).toHaveLength(MAX_ENTITY_TYPES);
    expect(() => validateEntityTypes([...types, 'one more'])).toThrow(/51 entity types.*limit is 50/);
    // Duplicates do not count towards the limit.
    expect(validateEntityTypes([...types, 'TYPE 0'])).toHaveLength(MAX_ENTITY_TYPES);
  });

  it('rejects an empty list', () => {
    expect(() => validateEntityTypes([])).toThrow(/No entity types/);
  });
});
