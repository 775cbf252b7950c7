import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_TYPE, contentTypeOf, isCompressible } from './content-types.js';

describe('contentTypeOf', () => {
  it('gives the common web types from the extension', () => {
    expect(contentTypeOf('index.html')).toBe('text/html');
    expect(contentTypeOf('page.htm')).toBe('text/html');
    expect(contentTypeOf('styles/site.css')).toBe('text/css');
    expect(contentTypeOf('_next/static/chunks/app.js')).toBe('text/javascript');
    expect(contentTypeOf('module.mjs')).toBe('text/javascript');
    expect(contentTypeOf('data.json')).toBe('application/json');
    expect(contentTypeOf('app.js.map')).toBe('application/json');
    expect(contentTypeOf('site.webmanifest')).toBe('application/manifest+json');
    expect(contentTypeOf('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('photo.jpeg')).toBe('image/jpeg');
    expect(contentTypeOf('photo.jpg')).toBe('image/jpeg');
    expect(contentTypeOf('icon.png')).toBe('image/png');
    expect(contentTypeOf('font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('module.wasm')).toBe('application/wasm');
    expect(contentTypeOf('archive.zip')).toBe('application/zip');
    expect(contentTypeOf('clip.mp4')).toBe('video/mp4');
  });

  it('matches the extension case-insensitively', () => {
    expect(contentTypeOf('INDEX.HTML')).toBe('text/html');
    expect(contentTypeOf('Photo.JpG')).toBe('image/jpeg');
    expect(contentTypeOf('App.Js')).toBe('text/javascript');
  });

  it('uses the last extension of a name with several dots', () => {
    expect(contentTypeOf('archive.tar.gz')).toBe('application/gzip');
    expect(contentTypeOf('app.min.css')).toBe('text/css');
  });

  it('serves names without an extension, with an unknown one or ending in a dot as octet-stream', () => {
    expect(DEFAULT_CONTENT_TYPE).toBe('application/octet-stream');
    for (const name of ['LICENSE', 'Makefile', 'data.unknownext', 'file.', 'weird.x y', '']) {
      expect(contentTypeOf(name), name).toBe(DEFAULT_CONTENT_TYPE);
    }
  });

  it('does not take a leading dot of a dot-file for an extension', () => {
    expect(contentTypeOf('.html')).toBe(DEFAULT_CONTENT_TYPE);
    expect(contentTypeOf('.well-known/security.txt')).toBe('text/plain');
  });
});

describe('isCompressible', () => {
  it('is true for text, scripts, structured text, Wasm and uncompressed fonts', () => {
    for (const type of [
      'text/html',
      'text/css',
      'text/plain',
      'text/javascript',
      'application/javascript',
      'application/json',
      'application/manifest+json',
      'application/xml',
      'application/rss+xml',
      'image/svg+xml',
      'application/wasm',
      'font/ttf',
      'font/otf',
      'application/vnd.ms-fontobject',
    ]) {
      expect(isCompressible(type), type).toBe(true);
    }
  });

  it('is false for images, video, audio, archives, compressed fonts and bytes', () => {
    for (const type of [
      'image/png',
      'image/jpeg',
      'image/webp',
      'image/avif',
      'video/mp4',
      'audio/mpeg',
      'application/zip',
      'application/gzip',
      'application/pdf',
      'font/woff',
      'font/woff2',
      'application/octet-stream',
    ]) {
      expect(isCompressible(type), type).toBe(false);
    }
  });

  it('ignores parameters and case in the content type', () => {
    expect(isCompressible('Text/HTML; charset=utf-8')).toBe(true);
    expect(isCompressible('application/JSON ; charset=utf-8')).toBe(true);
    expect(isCompressible('IMAGE/PNG; q=1')).toBe(false);
  });

  it('agrees with contentTypeOf for every extension Citadel knows', () => {
    const compressible = ['a.html', 'a.js', 'a.json', 'a.svg', 'a.wasm', 'a.ttf', 'a.txt'];
    const binary = ['a.png', 'a.jpg', 'a.gif', 'a.mp4', 'a.zip', 'a.woff2', 'a.bin'];
    for (const name of compressible) {
      expect(isCompressible(contentTypeOf(name)), name).toBe(true);
    }
    for (const name of binary) {
      expect(isCompressible(contentTypeOf(name)), name).toBe(false);
    }
  });
});
