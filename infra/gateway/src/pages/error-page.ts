/**
 * The page a browser gets when the gateway will not pass a canister's answer on: what went
 * wrong in words, the error code to search for, and the canister and path concerned. No
 * byte of the refused response is ever part of it.
 */

export interface ErrorPageDetails {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly canisterId?: string;
  readonly path?: string;
}

const TITLES: Record<number, string> = {
  400: 'No canister here',
  404: 'Canister not found',
  413: 'Request too large',
  421: 'This domain is not served by the canister',
  502: 'The canister could not answer',
  503: 'This response could not be verified',
  504: 'The canister took too long to answer',
};

export function errorPage(details: ErrorPageDetails): string {
  const title = TITLES[details.status] ?? 'Gateway error';
  const rows = [
    ['Error code', details.code],
    ['Canister', details.canisterId],
    ['Path', details.path],
  ]
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(
      ([name, value]) =>
        `<tr><th>${escapeHtml(name)}</th><td><code>${escapeHtml(value)}</code></td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}th{text-align:left;padding-right:1rem;color:#57606a;font-weight:normal}
code{font-size:.9em}p.note{color:#57606a;font-size:.9rem}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(details.message)}</p>
<table>${rows}</table>
<p class="note">Citadel's gateway passes on only what the network's chain-key certificate vouches for.</p>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
