// Which of the installed domain packs a deployment enables: OPSDECK_PLUGINS (src/config/config.ts),
// comma-separated ids, default every pack. A pack not enabled contributes nothing (no resources,
// routes, webhooks, actions, search sources, consoles); its tables stay, since disabling is not
// dropping data. An unknown id stops the start: a typo would silently remove a pack.
import type { Plugin } from './plugin.js';

export function selectPlugins({ installed, enabled }: { installed: readonly Plugin[]; enabled: string }): Plugin[] {
  const ids = enabled.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !installed.some((p) => p.id === id));
  if (unknown.length) throw new Error(`OPSDECK_PLUGINS names unknown plugin(s): ${unknown.join(', ')} (installed: ${installed.map((p) => p.id).join(', ')})`);
  return installed.filter((p) => ids.includes(p.id));
}
