// The bench's traffic, deterministic per batch number: a batch of `size` events of which about 70%
// are exposures (half of them a new user, half a user seen in an earlier batch again, 1 in 20 of
// those in another variant: a conflict) and 30% conversions of users exposed earlier. A user's
// variant comes from a hash of their id, as Unleash's stickiness does, so the split follows the
// weights and the SRM check stays quiet. Batches are independent: any client may send any number.
export type BenchEvent = { id: string; type: 'exposure' | 'conversion'; userId: string; variant?: string; value?: number };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export const variantOf = (userId: string, variants: readonly string[]) => variants[fnv1a(userId) % variants.length]!;

export function makeBatch({ prefix, batch, size, variants }: { prefix: string; batch: number; size: number; variants: readonly string[] }): BenchEvent[] {
  const random = mulberry32(batch + 1);
  // A user from an earlier batch (or this one's first new users when there is none yet).
  const earlier = () => {
    const b = batch === 0 ? 0 : Math.floor(random() * batch);
    return `${prefix}-u${b}-${Math.floor(random() * (size * 0.35))}`;
  };
  const events: BenchEvent[] = [];
  for (let i = 0; i < size; i++) {
    const id = `${prefix}-e${batch}-${i}`;
    const roll = random();
    if (roll < 0.35) {
      const userId = `${prefix}-u${batch}-${i}`;
      events.push({ id, type: 'exposure', userId, variant: variantOf(userId, variants) });
    } else if (roll < 0.7) {
      const userId = earlier();
      const conflict = random() < 0.05;
      const own = variantOf(userId, variants);
      events.push({ id, type: 'exposure', userId, variant: conflict ? variants.find((v) => v !== own)! : own });
    } else {
      events.push({ id, type: 'conversion', userId: earlier(), value: Math.round(random() * 10_000) });
    }
  }
  return events;
}
