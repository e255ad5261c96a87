// IP_ALLOWLIST: comma-separated addresses and CIDR blocks, IPv4 and IPv6 (`10.0.0.0/8, 192.0.2.7,
// 2001:db8::/32`). Parsed and checked once, at start, so a typo stops the process with the entry
// named instead of locking everyone out (or letting everyone in) at run time.
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

export type CidrEntry = { address: string; prefix: number; family: 'ipv4' | 'ipv6' };

/** The entries of a list, or the first bad entry's complaint. Blank entries (`a,,b`, a trailing comma) are ignored. */
export function parseCidrList(text: string): { entries: CidrEntry[] } | { error: string } {
  const entries: CidrEntry[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [address, prefixText, extra] = entry.split('/');
    const version = isIP(address);
    // A zone id (fe80::1%eth0) names an interface of one host: no meaning in an allowlist.
    if (version === 0 || extra !== undefined || address.includes('%')) return { error: `entry "${entry}" is not an IP address or CIDR block` };
    const family = version === 4 ? 'ipv4' : 'ipv6';
    const max = version === 4 ? 32 : 128;
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return { error: `entry "${entry}" has a prefix length that is not a number` };
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (prefix > max) return { error: `entry "${entry}" has a prefix length above ${max}` };
    entries.push({ address, prefix, family });
  }
  if (entries.length === 0) return { error: 'lists no address' };
  return { entries };
}

/** The config variable: unset or empty is off (see loadConfig), anything else must parse whole. */
export const cidrListSchema = z.string().transform((text, ctx) => {
  const parsed = parseCidrList(text);
  if ('error' in parsed) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error });
    return z.NEVER;
  }
  return parsed.entries;
});

/** node:net's matcher over the entries; it also matches IPv4-mapped IPv6 (`::ffff:10.1.2.3`) against IPv4 blocks. */
export function createBlockList(entries: CidrEntry[]): BlockList {
  const list = new BlockList();
  for (const { address, prefix, family } of entries) list.addSubnet(address, prefix, family);
  return list;
}

/** True when `ip` (an Express `req.ip`) is inside one of the list's blocks; an unparsable address is outside. */
export function isInList(list: BlockList, ip: string | undefined): boolean {
  if (!ip) return false;
  const version = isIP(ip);
  if (version === 0) return false;
  return list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}
