// `npm run operator -- create ...`: operator accounts from the command line.
import { runOperatorCli } from '../src/auth/operator-cli.js';
import { plugins } from '../plugins/index.js';

await runOperatorCli(process.argv.slice(2), { plugins });
