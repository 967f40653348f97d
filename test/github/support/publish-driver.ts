/**
 * Child-process entry point for the publishing tests: runs publishPlan / publishApply in a fresh
 * process, like a step in a job, so @actions/core writes to the files and stdout a runner reads.
 * Usage: node publish-driver.js <input.json>, input = {kind: 'plan'|'apply', ...the input}.
 */
import { readFile } from 'node:fs/promises';
import { publishApply, publishPlan, type PublishApplyInput, type PublishPlanInput } from '../../../src/github/publish.js';

const input = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as
  | ({ kind: 'plan' } & PublishPlanInput)
  | ({ kind: 'apply' } & PublishApplyInput);
if (input.kind === 'plan') await publishPlan(input);
else await publishApply(input);
