#!/usr/bin/env node
// Writes Prisma's full DMMF datamodel to JSON during `prisma generate`. @adminjs/prisma needs it and
// `engineType = "client"` no longer exposes it on the generated client (see docs/adr/0002).
const fs = require('node:fs');
const path = require('node:path');
const { generatorHandler } = require('@prisma/generator-helper');

generatorHandler({
  onManifest: () => ({ defaultOutput: 'dmmf.json', prettyName: 'opsdeck DMMF' }),
  onGenerate: async (options) => {
    const out = options.generator.output?.value;
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ datamodel: options.dmmf.datamodel }));
  },
});
