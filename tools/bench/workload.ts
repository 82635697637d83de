/**
 * The bench inputs: a realistic passage of about 300 tokens (consecutive CrossNER AI sentences from
 * the evaluation data in test/fixtures/uniner-eval) and realistic entity types (CrossNER AI's, then a few general ones).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadQuestions } from '../eval/data';

/** The evaluation data kept in the repository, relative to its root. */
export const CROSSNER_AI = 'test/fixtures/uniner-eval/CrossNER_AI.json';

/** 16 types: CrossNER AI's 13, then 3 general ones. */
export const BENCH_TYPES: readonly string[] = [
  'algorithm',
  'field',
  'task',
  'product',
  'university',
  'researcher',
  'conference',
  'country',
  'person',
  'organization',
  'location',
  'program language',
  'metrics',
  'date',
  'software',
  'award',
];

/** A stand-in when the data file is not there (the bench still runs; the note says so). */
const FALLBACK_SENTENCES = [
  'Typical generative model approaches include naive Bayes classifiers, Gaussian mixture models, variational autoencoders and others.',
  'Geoffrey Hinton, Yoshua Bengio and Yann LeCun received the Turing Award in 2018 for their work on deep neural networks.',
  'The conference on Neural Information Processing Systems (NeurIPS) was held in Vancouver, Canada, in December 2019.',
  'Python and MATLAB are popular programming languages for machine learning research at Stanford University and MIT.',
];

/** Distinct passages of the CrossNER AI data, in file order (or the fallback sentences). */
export async function benchSentences(
  repoRoot: string,
): Promise<{ sentences: string[]; fromSharedData: boolean }> {
  const path = resolve(repoRoot, CROSSNER_AI);
  if (!existsSync(path)) return { sentences: FALLBACK_SENTENCES, fromSharedData: false };
  const questions = await loadQuestions(path);
  return { sentences: [...new Set(questions.map((q) => q.passage))], fromSharedData: true };
}

/**
 * Joins sentences (cycling if needed) until `countTokens(passage) >= targetTokens`. Pure, so tests
 * can pass a fake counter.
 */
export function buildPassage(
  sentences: readonly string[],
  targetTokens: number,
  countTokens: (text: string) => number,
): string {
  if (sentences.length === 0) throw new Error('no sentences to build a passage from');
  let passage = '';
  for (let i = 0; countTokens(passage) < targetTokens; i++) {
    const next = sentences[i % sentences.length] ?? '';
    passage = passage ? `${passage} ${next}` : next;
  }
  return passage;
}

/**
 * A passage of exactly `chars` characters in which "Barack Obama" and "Hawaii" (what scripted-llama
 * answers) each occur `pairs` times, in varied sentences, so the UI has `2 × pairs` spans to draw.
 */
export function highlightPassage(chars: number, pairs: number): string {
  const fillers = [
    'met friends',
    'gave a talk',
    'read the news',
    'went hiking',
    'wrote letters',
    'saw a film',
  ];
  const room = Math.floor(chars / pairs);
  let passage = '';
  for (let i = 0; i < pairs; i++) {
    let sentence = `Barack Obama ${fillers[i % fillers.length] ?? ''} in Hawaii on day ${i + 1}.`;
    sentence = `${sentence} It rained all day and all night.`.slice(0, room - 1);
    passage += `${sentence.padEnd(room - 1, ' ')} `;
  }
  return passage.padEnd(chars, '.').slice(0, chars);
}

/**
 * The real model's 8 types, general ones first: SmolLM2-135M answers [] to CrossNER AI's own types
 * (algorithm, field, …), which left its first-entity figure empty. Still 8, for prefix reuse.
 */
export const REAL_MODEL_TYPES: readonly string[] = [
  'person',
  'city',
  'location',
  'country',
  'organization',
  'company',
  'university',
  'award',
];

/**
 * The real model's first-entity passage: short and full of people and places, which SmolLM2-135M
 * names in UniNER's format (on the 300-token CrossNER passage it answers [] to every type above).
 */
export const REAL_FIRST_ENTITY_PASSAGE =
  'My name is Alice Smith and I live in Paris. My friend Bob lives in London. ' +
  'Barack Obama was born in Honolulu, Hawaii, and later taught law in Chicago.';
