/** The extract CLI end to end, as a person runs it (a child process through tsx). */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { SCRIPTED_ANSWER, SCRIPTED_LLAMA_DIR } from '../../../../tools/fixtures/paths';

const root = resolve(import.meta.dirname, '../../../..');
const cli = resolve(root, 'tools/cli/extract.ts');
const tsx = resolve(root, 'node_modules/.bin/tsx');

function run(args: string[], input?: string) {
  const result = spawnSync(tsx, [cli, ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run extract', () => {
  it('prints one JSON line per span and stats on stderr (scripted-llama)', () => {
    ensureFixtures();
    const text = 'Barack Obama was born in Hawaii. Obama loved Hawaii.';
    const { code, stdout, stderr } = run([
      '--model',
      SCRIPTED_LLAMA_DIR,
      '--dtype',
      'fp32',
      '--type',
      'person',
      '--text',
      text,
      '--stats',
    ]);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { type: string; text: string; start: number; end: number; score: number },
      );
    const score = expect.any(Number) as unknown as number;
    expect(lines).toEqual([
      { type: 'person', text: 'Barack Obama', start: 0, end: 12, score },
      { type: 'person', text: 'Hawaii', start: 25, end: 31, score },
      { type: 'person', text: 'Hawaii', start: 45, end: 51, score },
    ]);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['type', 'text', 'start', 'end', 'score']);
      expect(text.slice(line.start, line.end)).toBe(line.text);
      // The scripted model is certain of its answer.
      expect(line.score).toBeGreaterThan(0.999);
      expect(line.score).toBeLessThanOrEqual(1);
    }
    expect(stderr).toMatch(/not UniNER/);
    const stats = JSON.parse(stderr.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(stats.prefillTokens).toBeGreaterThan(0);
    expect(stats.decodeTokens).toBe(12);
    expect(stats.ms).toBeGreaterThan(0);
  });

  it('decodes several types in one batch with --batch-size and prints the same spans', () => {
    ensureFixtures();
    const text = 'Barack Obama was born in Hawaii.';
    const args = [
      '--model',
      SCRIPTED_LLAMA_DIR,
      '--dtype',
      'fp32',
      '--type',
      'person',
      '--type',
      'place',
      '--text',
      text,
    ];
    const single = run(args);
    const batched = run([...args, '--batch-size', '2']);
    expect(batched.code).toBe(0);
    expect(batched.stdout).toBe(single.stdout);
    expect(batched.stdout.trim().split('\n')).toHaveLength(4);
  });

  // One reading of --model in every mode: the folder as a person types it, with or without "./".
  it.each(['test/fixtures/models/scripted-llama', './test/fixtures/models/scripted-llama'])(
    'takes the folder %s for extraction and for --print-prompts',
    (folder) => {
      ensureFixtures();
      const base = ['--model', folder, '--dtype', 'fp32', '--type', 'person', '--text', 'Barack Obama.'];
      const extracted = run(base);
      expect(extracted.stderr).not.toMatch(/error/);
      expect(extracted.code).toBe(0);
      expect(JSON.parse(extracted.stdout.trim().split('\n')[0]!)).toMatchObject({ text: 'Barack Obama' });
      const prompts = run([...base, '--print-prompts']);
      expect(prompts.code).toBe(0);
      expect(JSON.parse(prompts.stdout.trim())).toMatch(/^A virtual assistant .* Barack Obama\. ASSISTANT:/);
    },
  );

  it('reads the passage from stdin', () => {
    ensureFixtures();
    const { code, stdout } = run(
      ['--model', SCRIPTED_LLAMA_DIR, '--dtype', 'q4', '--type', 'location'],
      'Hawaii and Barack Obama.',
    );
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it('--print-prompts prints the exact prompts (no chat template in this tokenizer: UniNER’s conversation)', () => {
    ensureFixtures();
    const { code, stdout } = run([
      '--model',
      'test/fixtures/models/scripted-llama',
      '--type',
      'person',
      '--type',
      'drug',
      '--text',
      'Aspirin helps.',
      '--print-prompts',
    ]);
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as string),
    ).toEqual([
      "A virtual assistant answers questions from a user based on the provided text. USER: Text: Aspirin helps. ASSISTANT: I've read this text.</s>USER: What describes person in the text? ASSISTANT:",
      "A virtual assistant answers questions from a user based on the provided text. USER: Text: Aspirin helps. ASSISTANT: I've read this text.</s>USER: What describes drug in the text? ASSISTANT:",
    ]);
  });

  it('--print-prompts follows Automatic exactly as a run does: the chat template unless measured otherwise', () => {
    // A copy of scripted-llama's tokenizer with a chat template: a generic chat model, never measured.
    ensureFixtures();
    const dir = mkdtempSync(join(tmpdir(), 'generic-chat-'));
    cpSync(SCRIPTED_LLAMA_DIR, dir, { recursive: true });
    const configPath = join(dir, 'tokenizer_config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    config.chat_template =
      "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";
    writeFileSync(configPath, JSON.stringify(config));
    const args = ['--model', dir, '--type', 'person', '--text', 'Aspirin helps.', '--print-prompts'];
    const automatic = run(args);
    expect(automatic.code).toBe(0);
    expect(automatic.stderr).toMatch(/question format: through its chat template/);
    expect(JSON.parse(automatic.stdout.trim())).toMatch(
      /^<\|system\|>.*<\|user\|>What describes person.*<\|assistant\|>$/s,
    );
    const uniner = run([...args, '--prompt-style', 'uniner']);
    expect(JSON.parse(uniner.stdout.trim())).toMatch(/^A virtual assistant .* ASSISTANT:$/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--show-raw prints each type’s raw answer on stderr', () => {
    ensureFixtures();
    const { code, stderr } = run([
      '--model',
      SCRIPTED_LLAMA_DIR,
      '--dtype',
      'fp32',
      '--no-constrain',
      '--type',
      'person',
      '--text',
      'Barack Obama was born in Hawaii.',
      '--show-raw',
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain(`raw answer (person): ${JSON.stringify(SCRIPTED_ANSWER)}`);
  });

  it.each([
    [['--type', 'person', '--text', 'x'], /--model is required/, 2],
    [['--model', 'm', '--text', 'x'], /at least one --type/, 2],
    [['--model', 'm', '--type', 't', '--text', 'x', '--dtype', 'int3'], /--dtype must be one of/, 2],
    [['--model', 'm', '--type', 't', '--text', 'x', '--bogus'], /Unknown option/, 2],
    [['--model', 'm', '--type', 't', '--text', 'x', '--batch-size', '0'], /--batch-size must be/, 2],
    [['--model', '/does/not/exist', '--type', 't', '--text', 'x'], /no folder at \/does\/not\/exist/, 1],
    [
      ['--model', 'no/such/folder', '--type', 't', '--text', 'x', '--print-prompts'],
      /no folder at .*no\/such\/folder/,
      1,
    ],
  ])('exits non-zero with a clear message for %j', (args, message, exitCode) => {
    const { code, stderr } = run(args);
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
  });
});
