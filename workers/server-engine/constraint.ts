/**
 * Constrained decoding on a server, through the server's own mechanism: the answer must be a JSON list
 * of strings. Which strings the passage holds is not expressed: a grammar of "any substring of this
 * passage" has no cheap form in GBNF or JSON Schema, so our span alignment then drops (reports as "not
 * found in text") any string the passage lacks. The local engine's constraint does both in one logits
 * processor (workers/decoding/constraint/); on a server this is the honest equivalent.
 */

/** How the server is asked to constrain its answers. */
export type ServerConstraint = 'grammar' | 'json-schema' | 'guided-json' | 'none';

/** Every value of {@link ServerConstraint}, for argument checks. */
export const SERVER_CONSTRAINTS: readonly ServerConstraint[] = [
  'grammar',
  'json-schema',
  'guided-json',
  'none',
];

/** The choice as a setting: `auto` picks from what the server says it is (see {@link autoConstraint}). */
export type ServerConstraintSetting = ServerConstraint | 'auto';

/**
 * A JSON list of strings in llama.cpp's GBNF. An optional leading space: UniNER answers ` ["…"]`
 * after `ASSISTANT:`, and forcing the bare `[` token would change what the model writes. Strings hold
 * any character but a raw quote, backslash or control character, and JSON's escapes.
 */
export const JSON_STRING_LIST_GBNF = String.raw`root ::= " "? "[" ws ( item ( ws "," ws item )* )? ws "]"
item ::= "\"" char* "\""
char ::= [^"\\\x00-\x1f] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] )
ws ::= " "?
`;

/** The same list as a JSON Schema (vLLM's structured outputs). */
export const JSON_STRING_LIST_SCHEMA = { type: 'array', items: { type: 'string' } } as const;

/**
 * The request fields that ask for the constraint: llama.cpp's `grammar`; vLLM ≥ 0.10.2's
 * `structured_outputs.json` (the only spelling from 0.12 on); older vLLM's `guided_json`.
 */
export function constraintFields(constraint: ServerConstraint): Record<string, unknown> {
  switch (constraint) {
    case 'grammar':
      return { grammar: JSON_STRING_LIST_GBNF };
    case 'json-schema':
      return { structured_outputs: { json: JSON_STRING_LIST_SCHEMA } };
    case 'guided-json':
      return { guided_json: JSON_STRING_LIST_SCHEMA };
    case 'none':
      return {};
  }
}

/**
 * `auto`: vLLM (its `/v1/models` says `owned_by: "vllm"`) gets structured outputs, everything else
 * llama.cpp's grammar (llama.cpp's server and llama-cpp-python read it; a server that ignores the field
 * answers unconstrained and the parser salvages what it can, reporting malformed answers).
 */
export function autoConstraint(ownedBy: string | undefined): ServerConstraint {
  return ownedBy === 'vllm' ? 'json-schema' : 'grammar';
}

/** The constraint in words, for the run's report. */
export function constraintWords(constraint: ServerConstraint): string {
  switch (constraint) {
    case 'grammar':
      return "llama.cpp's grammar (GBNF): a JSON list of strings; strings the passage lacks are dropped by alignment";
    case 'json-schema':
      return "vLLM's structured outputs (JSON Schema): a JSON list of strings; strings the passage lacks are dropped by alignment";
    case 'guided-json':
      return "vLLM's guided_json (before 0.12): a JSON list of strings; strings the passage lacks are dropped by alignment";
    case 'none':
      return 'none: free answers, parsed and aligned; strings the passage lacks are dropped';
  }
}
