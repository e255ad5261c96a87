// The omnibox at the top of every backoffice page (AdminJS's Version slot in the top bar,
// overridden in src/admin/admin-components.ts): as the operator types, GET /api/search (debounced,
// stale answers dropped) and the matches grouped by entity type, each a link to its show page.
// Enter opens the first match. What it may show is decided by the API, never here.
import React, { useEffect, useRef, useState } from 'react';
import { Box, Input, Text } from '@adminjs/design-system';
import { call } from './impersonation-api';

type Item = { type: string; typeLabel: string; id: string; title: string; summary: string; href: string; matchKind: 'exact' | 'prefix' | 'contains' };
type Group = { label: string; items: Item[] };

const DEBOUNCE_MS = 250;

// Exact matches first (the API's order), grouped by type in the order the types first appear.
function grouped(items: Item[]): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    const group = groups.get(item.type) ?? { label: item.typeLabel, items: [] };
    group.items.push(item);
    groups.set(item.type, group);
  }
  return [...groups.values()];
}

const Omnibox = () => {
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<Item[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [isOpen, setOpen] = useState(false);
  const sequence = useRef(0);

  useEffect(() => {
    const q = query.trim();
    if (q === '') {
      setItems(null);
      setProblem(null);
      return undefined;
    }
    const timer = window.setTimeout(async () => {
      const mine = (sequence.current += 1);
      const res = await call(`/search?q=${encodeURIComponent(q)}&limit=20`).catch(() => ({ status: 0, body: null }));
      if (mine !== sequence.current) return;
      if (res.status === 200) {
        setItems(res.body.items as Item[]);
        setProblem(null);
      } else {
        setItems([]);
        setProblem(res.body?.detail ?? 'Search is unavailable.');
      }
      setOpen(true);
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [query]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') setOpen(false);
    if (event.key === 'Enter' && items && items[0]) window.location.assign(items[0].href);
  };

  return (
    <Box flex flexGrow={1} px="xl" py="default" style={{ position: 'relative' }} data-testid="omnibox">
      <Input
        type="search"
        placeholder="Search: order or checkout id, tracking number, pi_/ch_/re_, email, organization…"
        aria-label="Search"
        value={query}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => setQuery(event.target.value)}
        onFocus={() => setOpen(items !== null)}
        onKeyDown={onKeyDown}
        style={{ width: '100%', maxWidth: 560 }}
        data-testid="omnibox-input"
      />
      {isOpen && items !== null ? (
        <Box
          bg="white" p="default" data-testid="omnibox-results" role="listbox"
          style={{ position: 'absolute', top: '100%', left: 24, width: 560, maxHeight: 480, overflowY: 'auto', zIndex: 100, boxShadow: '0 4px 16px rgba(0,0,0,0.15)', borderRadius: 4 }}
        >
          {problem ? <Text color="error" data-testid="omnibox-problem">{problem}</Text> : null}
          {!problem && items.length === 0 ? <Text color="grey60" data-testid="omnibox-empty">No match.</Text> : null}
          {grouped(items).map((group) => (
            <Box key={group.label} mb="default" data-testid="omnibox-group">
              <Text fontSize="sm" fontWeight="bold" color="grey60" mb="sm">{group.label}</Text>
              {group.items.map((item) => (
                <a key={`${item.type}:${item.id}`} href={item.href} role="option" data-testid="omnibox-result" data-match={item.matchKind} style={{ display: 'block', padding: '6px 8px', textDecoration: 'none', color: 'inherit' }}>
                  <Text fontWeight={item.matchKind === 'exact' ? 'bold' : 'normal'}>{item.title}</Text>
                  <Text fontSize="sm" color="grey60">{item.matchKind === 'exact' ? '' : `${item.matchKind} match · `}{item.summary}</Text>
                </a>
              ))}
            </Box>
          ))}
        </Box>
      ) : null}
    </Box>
  );
};

export default Omnibox;
