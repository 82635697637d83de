import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_CACHE_DIR, ModelArgError, resolveModelArg } from '../../../tools/model-arg';

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

describe('--model names the bundled model as the page does (#27)', () => {
  it.each(['smollm2-135m-bundled', 'smollm2-135m'])(
    'reads %s as the folder the Vite plugin converts into, not UniNER',
    (value) => {
      const arg = resolveModelArg(value, { cwd });
      expect(arg.kind).toBe('bundled');
      expect(arg.source).toBe(join(BUNDLED_CACHE_DIR, 'smollm2-135m'));
      expect(arg.source).toContain('uniner-web'); // the cache's name must not make it "UniNER"
      expect(arg.info.isUniner).toBe(false);
      expect(arg.info.preset?.id).toBe('smollm2-135m-bundled');
    },
  );

  it('a folder is UniNER by its own name only, never by a folder above it', () => {
    const inProject = join(cwd, 'uniner-web/models/smollm2-135m');
    mkdirSync(inProject, { recursive: true });
    expect(resolveModelArg(inProject, { cwd }).info.isUniner).toBe(false);
    const uniner = join(cwd, 'models/UniNER-7B-type-q4');
    mkdirSync(uniner, { recursive: true });
    expect(resolveModelArg(uniner, { cwd }).info.isUniner).toBe(true);
    expect(resolveModelArg('Universal-NER/UniNER-7B-type', { cwd }).info.isUniner).toBe(true);
    expect(resolveModelArg('https://me.example/uniner-web/models/smollm2-135m/', { cwd }).info.isUniner).toBe(
      false,
    );
    expect(
      resolveModelArg('https://huggingface.co/Universal-NER/UniNER-7B-type/resolve/main/', { cwd }).info
        .isUniner,
    ).toBe(true);
  });

  it('a refused --model lists the presets, the bundled one included', () => {
    for (const value of ['./no/such/folder', 'not a model', 'smollm2-135m-typo/x/y']) {
      let message = '';
      try {
        resolveModelArg(value, { cwd });
      } catch (error) {
        expect(error).toBeInstanceOf(ModelArgError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/Presets: .*smollm2-135m-bundled \(or smollm2-135m: .*qwen2\.5-0\.5b/u);
    }
  });
});
