// The sidebar's pages: the core's (Security) as AdminJS lists them, and each console (src/consoles/)
// under its navigation group's name, only for operators whose permissions include the console's.
// Cosmetic: the server refuses a console page and its API to anyone without the permission.
import React from 'react';
import { Navigation } from '@adminjs/design-system';
import { useCurrentAdmin, useTranslation, ViewHelpers } from 'adminjs';
import { useLocation, useNavigate } from 'react-router';
import { consoleSpecs } from './console-kit';

type PageEntry = { name: string; icon?: string };

const SidebarPages = ({ pages }: { pages?: PageEntry[] }) => {
  const [currentAdmin] = useCurrentAdmin();
  const { translateLabel, translatePage } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const h = new ViewHelpers();
  if (!pages?.length) return null;
  const specs = new Map(consoleSpecs().map((c) => [c.id, c]));
  const permissions = ((currentAdmin as { permissions?: string[] } | null)?.permissions) ?? [];
  const entry = (page: PageEntry) => ({
    id: page.name,
    label: translatePage(page.name),
    isSelected: location.pathname.endsWith(`/pages/${page.name}`),
    icon: page.icon,
    href: h.pageUrl(page.name),
    onClick: (event: React.MouseEvent, element: { href?: string }) => {
      event.preventDefault();
      if (element.href) navigate(element.href);
    },
  });
  const groups = new Map<string, PageEntry[]>();
  const others: PageEntry[] = [];
  for (const page of pages) {
    const spec = specs.get(page.name);
    if (!spec) others.push(page);
    else if (permissions.includes(spec.permission)) groups.set(`${spec.navigation} consoles`, [...(groups.get(`${spec.navigation} consoles`) ?? []), page]);
  }
  return (
    <>
      {[...groups].map(([label, entries]) => <Navigation key={label} label={label} elements={entries.map(entry) as never} />)}
      {others.length > 0 ? <Navigation label={translateLabel('pages')} elements={others.map(entry) as never} /> : null}
    </>
  );
};

export default SidebarPages;
