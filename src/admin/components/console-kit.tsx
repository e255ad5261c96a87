// What every console page (src/consoles/) shares in the browser: calling its read-model API (the
// page decides nothing; a 403 or 422 from the API is shown as the API worded it), money, dates,
// keyset "more" paging, and links to backoffice records and their runner actions. Packs' console
// components import it relatively; it is bundled with them.
import React, { useCallback, useEffect, useState } from 'react';
import { Box, Button, H2, Loader, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';

export type ConsoleSpec = { id: string; title: string; navigation: string; permission: string; apiPrefix: string };
type Env = { OPSDECK_CONSOLES?: string };
const env = (): Env => ((window as unknown as { AdminJS?: { env?: Env } }).AdminJS?.env ?? {});

export const consoleSpecs = (): ConsoleSpec[] => {
  try {
    return JSON.parse(env().OPSDECK_CONSOLES ?? '[]') as ConsoleSpec[];
  } catch {
    return [];
  }
};

/** The backoffice's root path, read from the page's own URL (`<root>/pages/<id>`). */
export const adminRoot = () => window.location.pathname.split('/pages/')[0] || '';

export type ApiAnswer<T> = { status: number; body: T & { detail?: string; code?: string } };

/** GET a console route (`path` below the console's prefix) with query parameters. */
export async function consoleGet<T>(consoleId: string, path: string, query: Record<string, string | number | undefined> = {}): Promise<ApiAnswer<T>> {
  const spec = consoleSpecs().find((c) => c.id === consoleId);
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
  const url = `${spec?.apiPrefix ?? `/api/consoles/${consoleId}`}${path}${params.size ? `?${params}` : ''}`;
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

/** Loads a console route and re-loads when `deps` change; `problem` is the API's own wording. */
export function useConsoleData<T>(consoleId: string, path: string | null, query: Record<string, string | number | undefined> = {}) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [isLoading, setLoading] = useState(false);
  const key = JSON.stringify([path, query]);
  useEffect(() => {
    if (path === null) return;
    let isCurrent = true;
    setLoading(true);
    setProblem(null);
    void consoleGet<T>(consoleId, path, query).then(({ status, body }) => {
      if (!isCurrent) return;
      setLoading(false);
      if (status === 200) setData(body);
      else {
        setData(null);
        setProblem(`${body.detail ?? `HTTP ${status}`}${body.code ? ` (${body.code})` : ''}`);
      }
    });
    return () => {
      isCurrent = false;
    };
  }, [consoleId, key]);
  return { data, problem, isLoading };
}

export type Page<T> = { items: T[]; nextCursor: string | null };

/** A keyset-paginated list: the first page, then "More" appends the next (no counts, no offsets). */
export function useKeysetList<T>(consoleId: string, path: string, query: Record<string, string | number | undefined>) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [isLoading, setLoading] = useState(false);
  // The last page's other fields (e.g. the actions offered on its rows).
  const [meta, setMeta] = useState<Record<string, unknown> | null>(null);
  const load = useCallback(async (from: string | null) => {
    setLoading(true);
    const { status, body } = await consoleGet<Page<T>>(consoleId, path, { ...query, cursor: from ?? undefined });
    setLoading(false);
    if (status !== 200) return setProblem(`${body.detail ?? `HTTP ${status}`}${body.code ? ` (${body.code})` : ''}`);
    setProblem(null);
    setMeta(body as unknown as Record<string, unknown>);
    setItems((before) => (from ? [...before, ...body.items] : body.items));
    setCursor(body.nextCursor);
  }, [consoleId, path, JSON.stringify(query)]);
  useEffect(() => {
    void load(null);
  }, [load]);
  return { items, meta, problem, isLoading, hasMore: cursor !== null, more: () => load(cursor) };
}

export const money = (amount: number | null | undefined, currency: string) =>
  amount === null || amount === undefined ? '—' : `${amount < 0 ? '-' : ''}${(Math.abs(amount) / 100).toFixed(2)} ${currency}`;

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) : '—');

/** The backoffice page of a record, or of one of its actions (the runner's form for `order.refund` etc.). */
export const recordUrl = (resource: string, id: number | string, action = 'show') => `${adminRoot()}/resources/${resource}/records/${id}/${action}`;
/** The AdminJS action name of a runner action id (src/actions/action-bindings.ts recordActionName). */
export const runnerActionName = (actionId: string) => actionId.replace(/[^A-Za-z0-9_]+/g, '-');

export const ConsoleFrame = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Box variant="container" data-console={title}>
    <H2>{title}</H2>
    {children}
  </Box>
);

export const Problem = ({ text }: { text: string | null }) => (text ? <MessageBox mb="lg" variant="danger" message={text} /> : null);
export const Loading = ({ isLoading }: { isLoading: boolean }) => (isLoading ? <Loader /> : null);

/** A plain table: headings and rows of cells. */
export const SimpleTable = ({ head, rows, testId }: { head: string[]; rows: React.ReactNode[][]; testId?: string }) => (
  <Table mb="lg" data-testid={testId}>
    <TableHead>
      <TableRow>{head.map((h) => <TableCell key={h}>{h}</TableCell>)}</TableRow>
    </TableHead>
    <TableBody>
      {rows.length === 0 ? (
        <TableRow><TableCell colSpan={head.length}><Text color="grey60">Nothing here.</Text></TableCell></TableRow>
      ) : rows.map((cells, i) => <TableRow key={i}>{cells.map((c, j) => <TableCell key={j}>{c}</TableCell>)}</TableRow>)}
    </TableBody>
  </Table>
);

export const MoreButton = ({ hasMore, isLoading, onClick }: { hasMore: boolean; isLoading: boolean; onClick: () => void }) =>
  hasMore ? <Button size="sm" variant="outlined" disabled={isLoading} onClick={onClick}>More</Button> : null;
