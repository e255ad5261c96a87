// Paths inside the checkout, independent of the working directory a command was started from.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const projectPath = (...parts: string[]): string => path.join(PROJECT_ROOT, ...parts);
