import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelArgError, resolveModelArg } from '../../../tools/model-arg';

const cwd = mkdtempSync(join(tmpdir(), 'model-arg-'));
mkdirSync(join(cwd, 'test/fixtures/models/scripted-llama'), { recursive: true });
mkdirSync(join(cwd, 'owner/name'), { recursive: true });
writeFileSync(join(cwd, 'model.onnx'), '');

describe('resolveModelArg: one reading of --model for every tool', () => {
  it.each([
    'test/fixtures/models/scripted-llama',
    './test/fixtures/models/scripted-llama',
    'test/fixtures/models/scripted-llama/',
    join(cwd, 'test/fixtures/models/scripted-llama'),
  ])('reads %s as the folder, passed on as an absolute path', (value) => {
    const arg = resolveModelArg(value, { cwd });
    expect(arg).toMatchObject({ kind: 'folder', source: join(cwd, 'test/fixtures/models/scripted-llama') });
    expect(arg.info.resolved).toEqual({ kind: 'local', path: arg.source });
    expect(arg.info.displayName).toBe('scripted-llama');
  });

  it('prefers an existing folder over a Hub id of the same spelling', () => {
    expect(resolveModelArg('owner/name', { cwd }).kind).toBe('folder');
    expect(resolveModelArg('other/name', { cwd })).toMatchObject({ kind: 'hub', source: 'other/name' });
  });

  it('reads presets, Hub ids and URLs', () => {
    const preset = resolveModelArg('smollm2-360m', { cwd });
    expect(preset).toMatchObject({ kind: 'preset', source: 'smollm2-360m' });
    expect(preset.info.preset?.id).toBe('smollm2-360m');
    expect(resolveModelArg(' onnx-community/Qwen2.5-0.5B-Instruct ', { cwd })).toMatchObject({
      kind: 'hub',
      source: 'onnx-community/Qwen2.5-0.5B-Instruct',
    });
    expect(resolveModelArg('https://example.org/models/m/', { cwd })).toMatchObject({
      kind: 'url',
      source: 'https://example.org/models/m/',
    });
  });

  it.each([
    ['', /--model is empty/],
    ['test/fixtures/models/missing', /no folder at .*test\/fixtures\/models\/missing.*npm run fixtures/],
    ['./missing', /no folder at/],
    ['/does/not/exist', /no folder at \/does\/not\/exist/],
    ['model.onnx', /is a file/],
    ['m', /not a model/],
    ['ftp://example.org/m', /not a model/],
  ])('refuses %j with a message that says what to give', (value, message) => {
    expect(() => resolveModelArg(value, { cwd })).toThrow(ModelArgError);
    expect(() => resolveModelArg(value, { cwd })).toThrow(message);
  });
});
