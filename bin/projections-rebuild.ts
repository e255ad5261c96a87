// `npm run projections:rebuild`: replay the entity timeline from its sources and compare it with the live projection.
import { plugins } from '../plugins/index.js';
import { runProjectionsRebuild } from '../src/timeline/rebuild-cli.js';

process.exitCode = await runProjectionsRebuild(process.argv.slice(2), plugins);
