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
      lengthCap: true,
      fullAnswers: false,
      limit: 10,
      json: true,
    });
  });

  it('measures without the length caps only with --constrain', () => {
    expect(parseEvalArgs(['--data', 'd', '--model', 'm', '--constrain'])).toMatchObject({ lengthCap: true });
    expect(parseEvalArgs(['--data', 'd', '--model', 'm', '--constrain', '--no-length-cap'])).toMatchObject({
      constrain: true,
      lengthCap: false,
    });
    expect(() => parseEvalArgs(['--data', 'd', '--model', 'm', '--no-length-cap'])).toThrow(UsageError);
  });

  it('stops free answers at the official verdict unless --full-answers (model runs only)', () => {
    expect(parseEvalArgs(['--data', 'd', '--model', 'm'])).toMatchObject({ fullAnswers: false });
    expect(parseEvalArgs(['--data', 'd', '--model', 'm', '--full-answers'])).toMatchObject({
      fullAnswers: true,
    });
    expect(() => parseEvalArgs(['--data', 'd', '--predictions', 'p', '--full-answers'])).toThrow(UsageError);
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

  it('parses --prompt-style, --sample and --plot', () => {
    expect(
      parseEvalArgs([
        '--data',
        'd',
        '--model',
        'm',
        '--prompt-style',
        'uniner',
        '--sample',
        '5',
        '--plot',
        'p.svg',
      ]),
    ).toMatchObject({ promptStyle: 'uniner', sample: 5, plot: 'p.svg' });
    expect(parseEvalArgs(['--data', 'd', '--model', 'm', '--prompt-style', 'chat'])).toMatchObject({
      promptStyle: 'chat',
    });
    // --plot and --sample also apply to a predictions file (it may carry scores).
    expect(
      parseEvalArgs(['--data', 'd', '--predictions', 'p', '--sample', '2', '--plot', 'x.svg']),
    ).toMatchObject({
      sample: 2,
      plot: 'x.svg',
    });
    expect(parseEvalArgs(['--data', 'd', '--model', 'm'])).not.toHaveProperty('promptStyle');
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
    [['--data', 'd', '--model', 'm', '--prompt-style', 'llama'], /--prompt-style must be uniner or chat/],
    [
      ['--data', 'd', '--predictions', 'p', '--prompt-style', 'uniner'],
      /--prompt-style only applies with --model/,
    ],
    [['--data', 'd', '--model', 'm', '--sample', '0'], /--sample must be a positive integer/],
    [['--data', 'd', '--model', 'm', '--sample', '5', '--limit', '3'], /--sample .* or --limit .*not both/],
    [['--data', 'd', '--model', 'm', '--bogus'], /bogus/],
    [['--data'], /--data/],
    [['--data', 'd', '--model', 'm', 'extra'], /extra/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseEvalArgs(argv)).toThrow(UsageError);
    expect(() => parseEvalArgs(argv)).toThrow(message);
  });
});
