// `npm run seed -- --orders N`: scale data for the installed domain packs.
import { runScaleSeed } from '../src/seed/scale-cli.js';
import { plugins } from '../plugins/index.js';

await runScaleSeed({ plugins, argv: process.argv.slice(2) });
