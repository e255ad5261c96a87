// `npm run audit:verify`: recompute the audit chain and its signed checkpoints.
import { runAuditVerify } from '../src/audit/verify-cli.js';

process.exitCode = await runAuditVerify(process.argv.slice(2));
