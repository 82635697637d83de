/**
 * Issue #12 through the whole engine: the scripted-llama fixture always answers
 * `["Barack Obama", "Hawaii"]`; on a passage without "Hawaii" the constrained answer must report
 * "Barack Obama" and nothing else, neither in the streamed events nor at the end.
 */
import { describe, expect, it } from 'vitest';
import { doneByType, engineFor, extractEvents } from '../../engine/engine-helpers';

describe('scripted-llama on a passage that lacks one of its answers (constrained)', () => {
  for (const passage of [
    'Barack Obama was born in Kenya.',
    'Barack Obama studied at Harvard, not in Kenya.',
  ]) {
    it(`reports no fragment of "Hawaii" (${passage})`, async () => {
      const engine = await engineFor('scripted');
      const events = await extractEvents(engine, passage, ['location'], { constrain: true });
      const done = doneByType(events).get('location')!;
      expect(done.entities.map((e) => e.text)).toEqual(['Barack Obama']);
      for (const event of events)
        if (event.type === 'type-partial')
          expect(event.entities.map((e) => e.text)).toEqual(['Barack Obama']);
      // The raw answer is a valid list of passage strings whose last item is the one let go.
      const raw = JSON.parse(done.rawAnswers[0]!) as string[];
      expect(raw[0]).toBe('Barack Obama');
      expect(raw).toHaveLength(2);
      expect(passage).toContain(raw[1]);
      expect('Hawaii'.startsWith(raw[1]!)).toBe(true);
      expect(done.decodeTokens).toBeLessThan(20);
    });
  }
});
