import { describe, expect, it } from 'vitest';
import { DeviceError, EngineError, InputError, ModelLoadError, toWorkerError } from '../../../workers/errors';

describe('engine errors', () => {
  it.each([
    [InputError, 'InputError'],
    [ModelLoadError, 'ModelLoadError'],
    [DeviceError, 'DeviceError'],
  ] as const)('%o has name %s and is an Error', (Class, name) => {
    const error = new Class('message');
    expect(error.name).toBe(name);
    expect(error.message).toBe('message');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(EngineError);
    expect(String(error)).toBe(`${name}: message`);
  });

  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new ModelLoadError('failed', { cause }).cause).toBe(cause);
  });

  it('converts to a plain cloneable object', () => {
    const plain = toWorkerError(new DeviceError('no adapter'));
    expect(plain).toEqual({ name: 'DeviceError', message: 'no adapter' });
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(structuredClone(plain)).toEqual(plain);
    expect(toWorkerError(new TypeError('bad'))).toEqual({ name: 'TypeError', message: 'bad' });
    expect(toWorkerError('text')).toEqual({ name: 'Error', message: 'text' });
    expect(toWorkerError(42)).toEqual({ name: 'Error', message: '42' });
    expect(new Error('x')).not.toBeInstanceOf(EngineError);
  });
});
