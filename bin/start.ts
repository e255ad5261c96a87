// `npm start`: the reference deployment, the platform core with the installed domain packs.
import { runMain } from '../src/main.js';
import { plugins } from '../plugins/index.js';

await runMain({ plugins });
