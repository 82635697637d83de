/**
 * Picks the reader for a converter input: a .gguf file or a Hugging Face model folder.
 */
import { existsSync, statSync } from 'node:fs';
import { openGgufSource } from './gguf-source';
import { openHfFolderSource } from './hf-folder-source';
import { UnsupportedModelError, type ModelSource } from './model-source';

export async function openModelSource(input: string): Promise<ModelSource> {
  if (!existsSync(input))
    throw new UnsupportedModelError(
      `${input} does not exist: give a .gguf file or a Hugging Face model folder`,
    );
  return statSync(input).isDirectory() ? openHfFolderSource(input) : openGgufSource(input);
}
