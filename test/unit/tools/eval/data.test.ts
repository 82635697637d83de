import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { questionsFromConll } from '../../../../tools/eval/conll';
import { questionsFromConversations } from '../../../../tools/eval/conversations';
import { EvalDataError, groupByPassage, loadQuestions } from '../../../../tools/eval/data';

const turn = (from: string, value: string) => ({ from, value });

describe('questionsFromConversations', () => {
  it('reads a single-question item with the item id', () => {
    const json = [
      {
        id: 'X_0',
        conversations: [
          turn('human', 'Text: Obama was born in Hawaii .'),
          turn('gpt', "I've read this text."),
          turn('human', 'What describes person in the text?'),
          turn('gpt', '["Obama"]'),
        ],
      },
    ];
    expect(questionsFromConversations(json, 'X')).toEqual([
      {
        id: 'X_0',
        passage: 'Obama was born in Hawaii .',
        entityType: 'person',
        goldAnswer: '["Obama"]',
        dataset: 'X',
      },
    ]);
  });

  it('gives each pair of a multi-question item the id `${id}#${k}`', () => {
    const json = [
      {
        id: 7,
        conversations: [
          turn('human', 'Text: Obama was born in Hawaii .'),
          turn('gpt', "I've read this text."),
          turn('human', 'What describes person in the text?'),
          turn('gpt', '["Obama"]'),
          turn('human', 'What describes Restaurant Name in the text?'),
          turn('gpt', '[]'),
        ],
      },
    ];
    const questions = questionsFromConversations(json, 'train');
    expect(questions.map((x) => [x.id, x.entityType, x.goldAnswer])).toEqual([
      ['7#0', 'person', '["Obama"]'],
      ['7#1', 'Restaurant Name', '[]'],
    ]);
  });

  it('explains malformed items', () => {
    expect(() => questionsFromConversations({}, 'f')).toThrow(/expected a JSON array/);
    expect(() => questionsFromConversations([{ conversations: [] }], 'f')).toThrow(/item 0: missing "id"/);
    const bad = [
      {
        id: 'a',
        conversations: [
          turn('human', 'Passage: x'),
          turn('gpt', 'ok'),
          turn('human', 'q'),
          turn('gpt', '[]'),
        ],
      },
    ];
    expect(() => questionsFromConversations(bad, 'f')).toThrow(EvalDataError);
    const badQuestion = [
      {
        id: 'a',
        conversations: [
          turn('human', 'Text: x'),
          turn('gpt', 'ok'),
          turn('human', 'Who?'),
          turn('gpt', '[]'),
        ],
      },
    ];
    expect(() => questionsFromConversations(badQuestion, 'f')).toThrow(/What describes <type>/);
  });
});

describe('questionsFromConll', () => {
  const conll = [
    '-DOCSTART- -X- O O',
    '',
    'Barack\tNNP\tB-PER',
    'Obama\tNNP\tI-PER',
    'visited\tVBD\tO',
    'New\tNNP\tB-LOC',
    'York\tNNP\tI-LOC',
    'and\tCC\tO',
    'Obama\tNNP\tB-PER',
    'Obama\tNNP\tB-PER',
    '',
    '',
    'Cheap    JJ   B-Price',
    'pizza    NN   B-Dish_Name',
    'nearby   RB   I-LOC',
    '',
  ].join('\n');

  it('makes one passage per sentence and one question per label of the file', () => {
    const questions = questionsFromConll(conll, 'toy');
    expect(questions.map((x) => [x.id, x.passage, x.entityType, x.goldAnswer])).toEqual([
      ['toy_0#0', 'Barack Obama visited New York and Obama Obama', 'per', '["Barack Obama","Obama"]'],
      ['toy_0#1', 'Barack Obama visited New York and Obama Obama', 'loc', '["New York"]'],
      ['toy_0#2', 'Barack Obama visited New York and Obama Obama', 'price', '[]'],
      ['toy_0#3', 'Barack Obama visited New York and Obama Obama', 'dish name', '[]'],
      ['toy_1#0', 'Cheap pizza nearby', 'per', '[]'],
      ['toy_1#1', 'Cheap pizza nearby', 'loc', '["nearby"]'], // a stray I- starts an entity
      ['toy_1#2', 'Cheap pizza nearby', 'price', '["Cheap"]'],
      ['toy_1#3', 'Cheap pizza nearby', 'dish name', '["pizza"]'],
    ]);
  });

  it('renames labels with typeNames', () => {
    const questions = questionsFromConll('Python B-programlang\n', 'ai', {
      typeNames: { programlang: 'program language' },
    });
    expect(questions[0]).toMatchObject({ entityType: 'program language', goldAnswer: '["Python"]' });
  });

  it('rejects lines without a tag and unknown tag schemes', () => {
    expect(() => questionsFromConll('token\n', 'f')).toThrow(/line 1/);
    expect(() => questionsFromConll('x S-PER\n', 'f')).toThrow(/not B-X, I-X or O/);
  });
});

describe('loadQuestions / groupByPassage', () => {
  it('loads a folder of files in name order and rejects duplicate ids', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eval-data-'));
    const item = (id: string) => ({
      id,
      conversations: [
        turn('human', 'Text: a b'),
        turn('gpt', "I've read this text."),
        turn('human', 'What describes x in the text?'),
        turn('gpt', '[]'),
      ],
    });
    await writeFile(join(dir, 'b.json'), JSON.stringify([item('b1')]));
    await writeFile(join(dir, 'a.conll'), 'Rome B-LOC\n');
    await writeFile(join(dir, 'README.txt'), 'not data');
    const questions = await loadQuestions(dir);
    expect(questions.map((x) => [x.id, x.dataset])).toEqual([
      ['a_0#0', 'a'],
      ['b1', 'b'],
    ]);
    await writeFile(join(dir, 'c.json'), JSON.stringify([item('b1')]));
    await expect(loadQuestions(dir)).rejects.toThrow(/"b1" already used/);
  });

  it('names missing paths and bad JSON', async () => {
    await expect(loadQuestions('/nonexistent/eval.json')).rejects.toThrow(/no such file or folder/);
    const dir = await mkdtemp(join(tmpdir(), 'eval-data-'));
    await writeFile(join(dir, 'bad.json'), '{');
    await expect(loadQuestions(join(dir, 'bad.json'))).rejects.toThrow(/not valid JSON/);
  });

  it('groups questions by passage in first-seen order with distinct types', () => {
    const base = { goldAnswer: '[]', dataset: 'd' };
    const groups = groupByPassage([
      { ...base, id: '1', passage: 'p1', entityType: 'person' },
      { ...base, id: '2', passage: 'p2', entityType: 'person' },
      { ...base, id: '3', passage: 'p1', entityType: 'location' },
      { ...base, id: '4', passage: 'p1', entityType: 'person' },
    ]);
    expect(groups.map((g) => [g.passage, g.questions.map((x) => x.id), g.entityTypes])).toEqual([
      ['p1', ['1', '3', '4'], ['person', 'location']],
      ['p2', ['2'], ['person']],
    ]);
  });
});
