/**
 * Whether guestops runs inside a GitHub Actions job. Its own module, free of @actions/core: that
 * package (and the HTTP client under it) is about 90 ms of every start, so the code that only
 * runs inside Actions is imported only there (see problems-output.ts and the commands).
 */
export function inGithubActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['GITHUB_ACTIONS'] === 'true';
}
