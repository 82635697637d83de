/**
 * A model folder's chat template is code from whoever made the file: transformers.js renders it
 * with its Jinja interpreter, synchronously and without limits, so `{% for i in range(10**8) %}`
 * would hang or exhaust the engine. Here every template a tokenizer renders goes through
 * `@huggingface/jinja`'s interpreter with a step budget, a time limit and an output-size limit; a
 * template that breaks one is refused with a {@link ChatTemplateError} (the UniNER prompt format
 * does not use it and keeps working).
 *
 * transformers.js compiles templates into `tokenizer._compiled_template_cache` and calls `.render()`
 * on the cached object, so a limited template placed in that cache is what `apply_chat_template`
 * uses, with exactly the context it builds (messages, special tokens, add_generation_prompt).
 */
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import type { PreTrainedTokenizer } from '@huggingface/transformers';

/** Limits for one rendering: real templates take a few thousand steps and well under 100 KB. */
export interface ChatTemplateLimits {
  steps: number;
  milliseconds: number;
  outputChars: number;
}

export const CHAT_TEMPLATE_LIMITS: ChatTemplateLimits = {
  steps: 100_000,
  milliseconds: 1_000,
  outputChars: 1_000_000,
};

/** A chat template that could not be rendered within the limits, or at all. */
export class ChatTemplateError extends Error {
  override name = 'ChatTemplateError';
}

type Node = Parameters<Interpreter['evaluate']>[0];
type Env = Parameters<Interpreter['evaluate']>[1];

/** Jinja's interpreter, counting every evaluation and checking time and string sizes as it goes. */
class LimitedInterpreter extends Interpreter {
  private steps = 0;
  private readonly started = performance.now();

  constructor(
    env: Environment,
    private readonly limits: ChatTemplateLimits,
  ) {
    super(env);
  }

  override evaluate(statement: Node, environment: Env): ReturnType<Interpreter['evaluate']> {
    if (++this.steps > this.limits.steps) {
      throw new ChatTemplateError(`the chat template took more than ${this.limits.steps} steps`);
    }
    if (this.steps % 1024 === 0 && performance.now() - this.started > this.limits.milliseconds) {
      throw new ChatTemplateError(`the chat template ran longer than ${this.limits.milliseconds} ms`);
    }
    const result = super.evaluate(statement, environment);
    const value = (result as { value?: unknown }).value;
    if (typeof value === 'string' && value.length > this.limits.outputChars) {
      throw new ChatTemplateError(
        `the chat template produced more than ${this.limits.outputChars} characters`,
      );
    }
    return result;
  }
}

/**
 * The globals `@huggingface/jinja` sets up (its setupGlobals is not exported), with `range` bounded:
 * `range(10**9)` would build a billion-element array before the first step is counted.
 */
function setGlobals(env: Environment, limits: ChatTemplateLimits): void {
  for (const [name, value] of [
    ['false', false],
    ['true', true],
    ['none', null],
    ['False', false],
    ['True', true],
    ['None', null],
  ] as const)
    env.set(name, value);
  env.set('raise_exception', (message: unknown) => {
    throw new ChatTemplateError(`the chat template raised an exception: ${String(message)}`);
  });
  env.set('range', (start: number, stop?: number, step = 1) => {
    if (stop === undefined) [start, stop] = [0, start];
    if (step === 0) throw new ChatTemplateError('range() step must not be zero');
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (!(count <= limits.steps))
      throw new ChatTemplateError(`the chat template asked for range() of ${count} numbers`);
    return Array.from({ length: count }, (_, i) => start + i * step);
  });
  env.set('strftime_now', (format: string) => strftime(new Date(), String(format)));
}

/** The date formats `@huggingface/jinja` supports in strftime_now. */
function strftime(date: Date, format: string): string {
  const pad2 = (n: number) => String(n).padStart(2, '0');
  return format.replace(/%[YmdbBHM%]/g, (token) => {
    switch (token) {
      case '%Y':
        return String(date.getFullYear());
      case '%m':
        return pad2(date.getMonth() + 1);
      case '%d':
        return pad2(date.getDate());
      case '%b':
        return new Intl.DateTimeFormat(undefined, { month: 'short' }).format(date);
      case '%B':
        return new Intl.DateTimeFormat(undefined, { month: 'long' }).format(date);
      case '%H':
        return pad2(date.getHours());
      case '%M':
        return pad2(date.getMinutes());
      default:
        return '%';
    }
  });
}

/** A compiled template whose render() applies the limits (same interface transformers.js calls). */
export class LimitedChatTemplate {
  private readonly template: Template;

  constructor(
    source: string,
    private readonly limits: ChatTemplateLimits = CHAT_TEMPLATE_LIMITS,
  ) {
    try {
      this.template = new Template(source);
    } catch (error) {
      throw new ChatTemplateError(`the chat template cannot be parsed (${(error as Error).message})`);
    }
  }

  render(items: Record<string, unknown>): string {
    // Template.render without its unlimited interpreter: same environment set-up, then ours.
    const env = new Environment();
    setGlobals(env, this.limits);
    for (const [key, value] of Object.entries(items)) env.set(key, value as never);
    try {
      const result = new LimitedInterpreter(env, this.limits).run(this.template.parsed);
      return (result as { value: string }).value;
    } catch (error) {
      if (error instanceof ChatTemplateError) throw error;
      // Deep recursion, a string too long for the engine, a bad operation: still the template's fault.
      throw new ChatTemplateError(`the chat template failed (${(error as Error).message})`);
    }
  }
}

/** The templates a tokenizer may render (one string, or named ones), each compiled with limits. */
export function limitChatTemplates(tokenizer: PreTrainedTokenizer, limits = CHAT_TEMPLATE_LIMITS): void {
  const t = tokenizer as unknown as {
    chat_template?: unknown;
    _compiled_template_cache?: Map<string, unknown>;
  };
  const cache = t._compiled_template_cache;
  if (!(cache instanceof Map)) {
    throw new Error(
      'transformers.js no longer keeps _compiled_template_cache: chat templates cannot be limited',
    );
  }
  const sources =
    typeof t.chat_template === 'string'
      ? [t.chat_template]
      : Array.isArray(t.chat_template)
        ? (t.chat_template as { template?: unknown }[]).map((x) => x.template)
        : typeof t.chat_template === 'object' && t.chat_template !== null
          ? Object.values(t.chat_template)
          : [];
  for (const source of sources) {
    if (typeof source !== 'string' || cache.get(source) instanceof LimitedChatTemplate) continue;
    try {
      cache.set(source, new LimitedChatTemplate(source, limits));
    } catch {
      // Unparseable: leave it out of the cache; rendering it fails with transformers.js's own parse error.
    }
  }
}
