/**
 * A first run with the model host unreachable: the message names the host and URL that failed (not
 * just a preset id), says whether the browser reports being offline, and gives advice that fits.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { configReadFailure, configUrlOf, isNetworkFailure } from '../../../../workers/loading/load-advice';
import { resolveSource } from '../../../../workers/loading/model-source';
import { createNodeEngine } from '../../../../workers/node-engine';

const HUB = 'https://huggingface.co/';
const preset = resolveSource('smollm2-360m', { allowLocal: false });

describe('config.json could not be read', () => {
  it('names the host, the URL and the preset, and says the browser is offline', () => {
    const text = configReadFailure(preset, 'Failed to fetch', { hubHost: HUB, online: false });
    expect(text).toContain('Could not reach huggingface.co');
    expect(text).toContain(
      'https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct/resolve/main/config.json',
    );
    expect(text).toMatch(/preset SmolLM2-360M/);
    expect(text).toContain('The browser reports being offline.');
    expect(text).toMatch(/cached models.*URL/s);
    // Advice for a Hub id someone typed does not fit a preset.
    expect(text).not.toMatch(/Check the Hub id/);
  });

  it('online but unreachable: the host may be blocked', () => {
    const text = configReadFailure(preset, 'Failed to fetch', { hubHost: HUB, online: true });
    expect(text).toMatch(/reports being online, so huggingface\.co may be blocked/);
  });

  it('a Hub id or URL the person typed that answers with something else: check it', () => {
    const hub = resolveSource('owner/missing', { allowLocal: false });
    expect(configReadFailure(hub, 'Could not locate file', { hubHost: HUB, online: true })).toMatch(
      /from https:\/\/huggingface\.co\/owner\/missing\/resolve\/main\/config\.json .*Check the Hub id or URL/,
    );
    const url = resolveSource('https://models.example.org/m/', { allowLocal: false });
    expect(configUrlOf(url.resolved, HUB)).toBe('https://models.example.org/m/config.json');
  });

  it('recognises network failures of browsers and Node', () => {
    for (const text of [
      'Failed to fetch',
      'NetworkError when attempting to fetch resource.',
      'fetch failed',
      'Load failed',
    ])
      expect(isNetworkFailure(text)).toBe(true);
    expect(isNetworkFailure('Unexpected token < in JSON')).toBe(false);
  });

  it('the engine reports an unreachable host by name (a real load in Node)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const error = await createNodeEngine({ source: `http://127.0.0.1:${port}/models/m` }).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('ModelLoadError');
    expect((error as Error).message).toContain(`Could not reach 127.0.0.1:${port}`);
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}/models/m/config.json`);
  });
});
