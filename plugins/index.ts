// The domain packs installed in this deployment. The core never imports a plugin; the entry
// points in bin/ hand this list to it.
import type { Plugin } from '../src/platform/plugin.js';
import { marketplacePlugin } from './marketplace/index.js';

export const plugins: Plugin[] = [marketplacePlugin];
