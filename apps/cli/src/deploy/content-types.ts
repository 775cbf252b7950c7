/**
 * The `Content-Type` an uploaded file is served with, from its extension — the common web
 * types, as the `mime_guess` table dfx uses has them. Unknown extensions are served as bytes.
 */

const BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['html', 'text/html'],
  ['htm', 'text/html'],
  ['css', 'text/css'],
  ['js', 'text/javascript'],
  ['mjs', 'text/javascript'],
  ['cjs', 'text/javascript'],
  ['json', 'application/json'],
  ['map', 'application/json'],
  ['webmanifest', 'application/manifest+json'],
  ['txt', 'text/plain'],
  ['md', 'text/markdown'],
  ['csv', 'text/csv'],
  ['xml', 'application/xml'],
  ['rss', 'application/rss+xml'],
  ['atom', 'application/atom+xml'],
  ['svg', 'image/svg+xml'],
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['gif', 'image/gif'],
  ['webp', 'image/webp'],
  ['avif', 'image/avif'],
  ['ico', 'image/x-icon'],
  ['bmp', 'image/bmp'],
  ['woff', 'font/woff'],
  ['woff2', 'font/woff2'],
  ['ttf', 'font/ttf'],
  ['otf', 'font/otf'],
  ['eot', 'application/vnd.ms-fontobject'],
  ['wasm', 'application/wasm'],
  ['pdf', 'application/pdf'],
  ['zip', 'application/zip'],
  ['gz', 'application/gzip'],
  ['mp4', 'video/mp4'],
  ['webm', 'video/webm'],
  ['mp3', 'audio/mpeg'],
  ['ogg', 'audio/ogg'],
  ['wav', 'audio/wav'],
]);

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The content type for a file name (case-insensitive extension). */
export function contentTypeOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || dot === fileName.length - 1) {
    return DEFAULT_CONTENT_TYPE;
  }
  return BY_EXTENSION.get(fileName.slice(dot + 1).toLowerCase()) ?? DEFAULT_CONTENT_TYPE;
}

/** Types worth compressing: text, scripts, structured text and Wasm. */
export function isCompressible(contentType: string): boolean {
  const [essence = ''] = contentType.split(';');
  const [type = '', subtype = ''] = essence.trim().toLowerCase().split('/');
  if (type === 'text') {
    return true;
  }
  return (
    subtype === 'javascript' ||
    subtype === 'json' ||
    subtype === 'wasm' ||
    subtype === 'xml' ||
    subtype.endsWith('+json') ||
    subtype.endsWith('+xml') ||
    subtype === 'vnd.ms-fontobject' ||
    (type === 'font' && (subtype === 'ttf' || subtype === 'otf'))
  );
}
