/**
 * The length caps on short news paragraphs (issue #27: the bundled model proposed whole paragraphs):
 * 8 paragraphs x person/organization/location through the Node engine on the converted SmolLM2-135M
 * q4, constrained, without and with the caps. A proposal counts as the whole paragraph when it covers
 * at least 90% of it (edge punctuation aside). Run: `npx tsx tools/eval/news-length-cap.ts` after
 * `npm run fixtures`; figures in docs/evaluation.md.
 */
import { createNodeEngine } from '../../workers/node-engine';
import { SMOLLM2_DIR } from '../fixtures/real-model';
const paragraphs = [
  'Apple said on Tuesday that Tim Cook will visit Beijing next week to meet suppliers.',
  'The European Central Bank kept interest rates unchanged, President Christine Lagarde told reporters in Frankfurt.',
  'Heavy rain flooded parts of Lagos on Monday, the Nigerian Emergency Management Agency said.',
  'Microsoft agreed to buy the video game maker Activision Blizzard for $69 billion.',
  'Prime Minister Justin Trudeau announced new housing funding in Toronto on Friday.',
  'Toyota recalled 50,000 vehicles in the United States over a faulty airbag sensor.',
  'Serena Williams won her first match at Wimbledon since returning from injury.',
  'NASA launched a weather satellite from Cape Canaveral, Florida, on Saturday morning.',
];
const types = ['person', 'organization', 'location'];
const engine = await createNodeEngine({ source: SMOLLM2_DIR, dtype: 'q4', promptStyle: 'uniner' });
for (const lengthCap of [false, true]) {
  let proposals = 0,
    whole = 0,
    tokens = 0;
  const examples: string[] = [];
  for (const passage of paragraphs) {
    const done = await engine.extract(
      { passage, entityTypes: types, options: { constrain: true, maxNewTokens: 256, lengthCap } },
      (event) => {
        if (event.type !== 'type-done') return;
        for (const entity of event.entities) {
          proposals++;
          const core = passage.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
          if (entity.text.length >= core.length * 0.9) {
            whole++;
            if (examples.length < 3) examples.push(`${event.entityType}: ${entity.text}`);
          }
        }
      },
    );
    tokens += done.stats.decodeTokens;
  }
  console.log(
    JSON.stringify({ lengthCap, proposals, wholeParagraph: whole, decodeTokens: tokens, examples }),
  );
}
