// adminjs/bundler is a public entry of adminjs (package.json "exports") that ships no types: the
// parts src/admin/admin-components.ts uses.
declare module 'adminjs/bundler' {
  import type AdminJS from 'adminjs';

  export const ADMIN_JS_TMP_DIR: string;
  export const COMPONENTS_OUTPUT_PATH: string;
  export const componentsBundler: {
    createEntry: (options: { dir?: string; content: string }) => Promise<void>;
    build: () => Promise<void>;
    /** Sets one of rollup's input options (AssetBundler#setInputOption). */
    setInputOption: ((key: 'onwarn', value: (warning: { code?: string; ids?: string[] }, warn: (warning: unknown) => void) => void) => unknown)
      & ((key: 'plugins', value: { name: string }[]) => unknown);
    /** Rollup's input options as AdminJS configured them (AssetBundler#inputOptions). */
    inputOptions: { plugins: { name: string }[] };
  };
  export function generateUserComponentEntry(admin: AdminJS, entryPath: string): string;
}
