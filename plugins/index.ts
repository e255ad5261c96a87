// The domain packs installed in this deployment, and the ones it enables: OPSDECK_PLUGINS (comma-
// separated ids, default all; src/config/config.ts). The core never imports a plugin; the entry
// points in bin/ hand this list to it.
import type { Plugin } from '../src/platform/plugin.js';
import { selectPlugins } from '../src/platform/select-plugins.js';
import { marketplacePlugin } from './marketplace/index.js';
import { actionCenterPlugin } from './action-center/index.js';

export const installedPlugins: Plugin[] = [marketplacePlugin, actionCenterPlugin];

export const plugins: Plugin[] = selectPlugins({ installed: installedPlugins, enabled: process.env.OPSDECK_PLUGINS || installedPlugins.map((p) => p.id).join(',') });
