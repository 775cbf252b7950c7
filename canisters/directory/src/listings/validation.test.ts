import { describe, expect, it } from 'vitest';
import { ALICE, canisterId, makeInput } from '../../testing/listings.js';
import { DIRECTORY_LIMITS } from './limits.js';
import type { ListingInput } from './types.js';
import { checkIcon, countCodePoints, validateListingInput } from './validation.js';

const validate = (overrides: Partial<ListingInput>) =>
  validateListingInput(makeInput(overrides), DIRECTORY_LIMITS);

/** The `invalid` error of `overrides`, failing the test when they pass. */
function problem(overrides: Partial<ListingInput>) {
  const result = validate(overrides);
  if (result.ok) {
    throw new Error('expected an invalid input');
  }
  return result.error;
}

const iconProblem = (icon: string) => checkIcon(icon, DIRECTORY_LIMITS)?.message;

describe('validateListingInput', () => {
  it('passes a listing and stores its name, description and backend names trimmed', () => {
    const result = validate({
      name: '  Notes ',
      description: '\n Two\nlines\t\n',
      backends: [{ name: ' api ', id: canisterId(2) }],
    });
    expect(result).toMatchObject({
      ok: true,
      value: { name: 'Notes', description: 'Two\nlines', backends: [{ name: 'api' }] },
    });
  });

  it('passes names and descriptions exactly at the limits, counted in code points', () => {
    expect(validate({ name: '🙂'.repeat(64), description: '日'.repeat(500) }).ok).toBe(true);
    expect(problem({ name: '🙂'.repeat(65) }).message).toBe(
      'name must be 1 to 64 characters long once trimmed; it has 65',
    );
    expect(problem({ description: 'x'.repeat(501) }).message).toBe(
      'description must be at most 500 characters long once trimmed; it has 501',
    );
  });

  it('fails an empty name, a name on two lines and a description with a carriage return', () => {
    expect(problem({ name: '   ' })).toEqual({
      code: 'invalid',
      field: 'name',
      message: 'name must be 1 to 64 characters long once trimmed; it has 0',
    });
    expect(problem({ name: 'two\nlines' }).message).toContain('found U+000A');
    expect(problem({ description: 'windows\r\nline' })).toMatchObject({
      field: 'description',
      message: expect.stringContaining('other than line feeds and tabs (found U+000D)'),
    });
  });

  it('fails a huge text without counting it, and text with an unpaired surrogate', () => {
    expect(problem({ description: 'x'.repeat(1_000_000) }).message).toContain(
      'it has at least 500,000',
    );
    expect(problem({ name: 'a\ud800b' }).message).toBe(
      'name is not valid Unicode text (it has an unpaired surrogate)',
    );
    expect(countCodePoints('a🙂b')).toBe(3);
  });

  it('fails a frontend or backend id that is not a canister id', () => {
    expect(problem({ frontend: ALICE })).toMatchObject({
      field: 'frontend',
      message: expect.stringMatching(/^frontend must be a canister id; [a-z0-9-]+ is not one$/),
    });
    expect(problem({ backends: [{ name: 'api', id: ALICE }] }).field).toBe('backends[0].id');
  });

  it('fails more than 16 backends, an empty backend name and repeated names or ids', () => {
    const many = Array.from({ length: 17 }, (_, i) => ({ name: `b${i}`, id: canisterId(10 + i) }));
    expect(validate({ backends: many.slice(0, 16) }).ok).toBe(true);
    expect(problem({ backends: many }).message).toBe(
      'backends must name at most 16 canisters; it names 17',
    );
    expect(problem({ backends: [{ name: ' ', id: canisterId(2) }] }).field).toBe(
      'backends[0].name',
    );
    expect(
      problem({
        backends: [
          { name: 'api', id: canisterId(2) },
          { name: 'api', id: canisterId(3) },
        ],
      }),
    ).toMatchObject({
      field: 'backends[1]',
      message: 'backends[1] repeats the name api of another backend',
    });
    expect(
      problem({
        backends: [
          { name: 'a', id: canisterId(2) },
          { name: 'b', id: canisterId(2) },
        ],
      }).message,
    ).toMatch(/repeats the id [a-z0-9-]+ of another backend/);
  });

  it('checks the fields in order: frontend, name, description, backends, icon', () => {
    expect(problem({ frontend: ALICE, name: '', icon: 'bad' }).field).toBe('frontend');
    expect(problem({ name: '', description: '\u0000', icon: 'bad' }).field).toBe('name');
    expect(problem({ backends: [{ name: '', id: ALICE }], icon: 'bad' }).field).toBe(
      'backends[0].name',
    );
    expect(problem({ icon: 'bad' }).field).toBe('icon');
  });

  it('passes a listing without an icon or release, and keeps a release as given', () => {
    const noIcon = { ...makeInput(), icon: undefined };
    expect(validateListingInput(noIcon, DIRECTORY_LIMITS)).toMatchObject({ ok: true });
    const release = { id: 1n, timeNs: 2n, files: 3n, bytes: 4n };
    expect(validate({ lastRelease: release })).toMatchObject({
      ok: true,
      value: { lastRelease: release },
    });
  });
});

describe('checkIcon', () => {
  it('passes paths on the origin, https URLs and image data URLs', () => {
    for (const icon of [
      '/icon.svg',
      '/assets/logo%20big.png?v=2#x',
      'https://example.com/icon.png',
      'HTTPS://cdn.example.co.uk:8443',
      'https://a-b.example/x?y=z&w=%C3%A9',
      'data:image/png;base64,iVBORw0KGgo=',
      'data:image/svg+xml;base64,PHN2Zz4=',
      "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3C/svg%3E".replaceAll(
        ' ',
        '%20',
      ),
      `data:image/png;base64,${'A'.repeat(8_192 - 24)}`,
    ]) {
      expect(iconProblem(icon), icon.slice(0, 40)).toBeUndefined();
    }
  });

  it('fails another origin through // or a backslash, http, user info and other schemes', () => {
    for (const icon of [
      '//evil.example/icon.svg',
      '/\\evil.example/icon.svg',
      'http://example.com/icon.png',
      'https://user@example.com/icon.png',
      'https://',
      'https://exa mple.com',
      'javascript:alert(1)',
      'icon.svg',
      '',
      'data:text/html;base64,PGI+',
      'data:image/png;base64,abc',
      'data:image/png;base64,ab$=',
      'data:image/png,rawbytes',
      '/icône.svg',
    ]) {
      expect(iconProblem(icon), icon.slice(0, 40)).toBeDefined();
    }
  });

  it('fails an icon over 8 KB before scanning it', () => {
    expect(iconProblem(`/${'a'.repeat(8_192)}`)).toBe(
      'icon must be at most 8,192 bytes long; it has 8,193 characters',
    );
  });

  it('names what is allowed in its messages', () => {
    expect(iconProblem('/ icon.svg')).toContain('printable ASCII');
    expect(iconProblem('//evil')).toContain("path on the dApp's origin");
    expect(iconProblem('ftp://x')).toContain('an https:// URL or a data:image/… URL');
  });
});
