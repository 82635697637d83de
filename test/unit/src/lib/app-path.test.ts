import { describe, expect, it } from 'vitest';
import { isSameOriginPath, resolveAppPath } from '../../../../src/lib/app-path';
import { validateCustomSource } from '../../../../src/lib/model-presets';

describe('model folders next to the app', () => {
  it.each([
    ['/models/uniner-7b', 'https://example.org/uniner/', 'https://example.org/models/uniner-7b'],
    ['./models/uniner-7b', 'https://example.org/uniner/', 'https://example.org/uniner/models/uniner-7b'],
    [
      './models/uniner-7b',
      'https://example.org/uniner/index.html',
      'https://example.org/uniner/models/uniner-7b',
    ],
    ['../models/uniner-7b', 'https://example.org/a/b/', 'https://example.org/a/models/uniner-7b'],
    ['./models/uniner-7b', 'http://127.0.0.1:4173/', 'http://127.0.0.1:4173/models/uniner-7b'],
  ])('%s under %s is %s', (path, base, url) => {
    expect(isSameOriginPath(path)).toBe(true);
    expect(resolveAppPath(path, base)).toBe(url);
    expect(validateCustomSource(path)).toBeNull();
  });

  it.each([
    '//evil.example/models/m',
    '/\\evil.example/models/m',
    '\\\\evil.example\\m',
    'javascript:alert(1)',
    'data:text/plain,x',
    'file:///models/m',
    'models/m',
    'https://example.org/m',
    '/models/my model',
  ])('%s is not a path on the app origin', (value) => {
    expect(isSameOriginPath(value)).toBe(false);
  });

  it('leaves presets, Hub ids and URLs alone', () => {
    for (const value of ['smollm2-360m', 'owner/name', 'https://example.org/m'])
      expect(resolveAppPath(value, 'https://example.org/uniner/')).toBe(value);
  });
});
