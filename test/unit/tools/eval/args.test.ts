import { describe, expect, it } from 'vitest';
import { parseEvalArgs, UsageError } from '../../../../tools/eval/args';

describe('parseEvalArgs', () => {
  it('parses a predictions run', () => {
    expect(
      parseEvalArgs(['--data', 'd.json', '--predictions', 'p.jsonl', '--limit', '10', '--json']),
    ).toEqual({
      kind: 'run',
      data: 'd.json',
      predictions: 'p.jsonl',
      maxNewTokens: 256,
      constrain: false,
      limit: 10,
      json: true,
    });
  });

  it('turns on constrained decoding only when asked (the paper decodes unconstrained)', () => {
    expect(parseEvalArgs(['--data', 'd', '--model', 'm'])).toMatchObject({ constrain: false });
    expect(parseEvalArgs(['--data', 'd', '--model', 'm', '--constrain'])).toMatchObject({ constrain: true });
  });

  it('parses a model run', () => {
    expect(
      parseEvalArgs([
        '--data',
        'd',
        '--model',
        'org/m',
        '--dtype',
        'q4',
        '--out',
        'o.jsonl',
        '--max-new-tokens',
        '64',
      ]),
    ).toMatchObject({
      kind: 'run',
      model: 'org/m',
      dtype: 'q4',
      out: 'o.jsonl',
      maxNewTokens: 64,
      json: false,
    });
  });

  it('answers --help', () => {
    expect(parseEvalArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /--data is required/],
    [['--data', 'd'], /exactly one of --model/],
    [['--data', 'd', '--model', 'm', '--predictions', 'p'], /exactly one of --model/],
    [['--data', 'd', '--predictions', 'p', '--out', 'o'], /--out only applies with --model/],
    [['--data', 'd', '--predictions', 'p', '--constrain'], /--constrain only applies with --model/],
    [['--data', 'd', '--model', 'm', '--limit', '0'], /--limit must be a positive integer/],
    [['--data', 'd', '--model', 'm', '--limit', 'ten'], /--limit must be a positive integer/],
    [['--data', 'd', '--model', 'm', '--dtype', 'int3'], /--dtype must be one of/],
    [['--data', 'd', '--model', 'm', '--bogus'], /bogus/],
    [['--data'], /--data/],
    [['--data', 'd', '--model', 'm', 'extra'], /extra/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseEvalArgs(argv)).toThrow(UsageError);
    expect(() => parseEvalArgs(argv)).toThrow(message);
  });
});
