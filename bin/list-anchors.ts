// `npm run lists:anchors [-- --force]`: build the large lists' page anchors now (docs/adr/0003-large-table-lists.md).
import { plugins } from '../plugins/index.js';
import { runListAnchors } from '../src/admin/list-anchors/anchors-cli.js';

process.exitCode = await runListAnchors(process.argv.slice(2), plugins);
