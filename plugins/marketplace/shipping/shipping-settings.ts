// The marketplace's shipping settings (src/config/pack-settings.ts): when tracking counts as stale,
// for the shipping console's queue and the dashboard's figure alike.
import { z } from 'zod';
import type { Config } from '../../../src/config/config.js';
import { definePackSettings, packSettings } from '../../../src/config/pack-settings.js';

export const SHIPPING_SETTINGS = definePackSettings({
  schema: z.object({
    // A shipment in flight with no carrier event for this long is in the "tracking stale" queue.
    SHIPPING_TRACKING_STALE_HOURS: z.coerce.number().int().min(1).max(24 * 60).default(48),
  }),
});

/** Hours without a carrier update after which a shipment in flight counts as stale. */
export const trackingStaleHours = (config: Config): number => packSettings(config, SHIPPING_SETTINGS).SHIPPING_TRACKING_STALE_HOURS;
