/**
 * The `app://seed` resolver (src/main/security/appProtocol.ts): which renderer file a URL names, and the
 * typed refusal of every traversal or smuggling attempt — pure, no Electron, no file system.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_ORIGIN, AppRequestRefusedError, contentTypeOf, resolveAppRequest, resolveRendererPath } from '../../src/main/security/appProtocol';

const dir = '/opt/Seed/resources/app.asar/out/renderer';
const get = (url: string, initiatorOrigin?: string | null) => resolveAppRequest({ method: 'GET', url, initiatorOrigin }, dir);

function refusal(fn: () => unknown): { refusal: string; status: number } {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppRequestRefusedError) return { refusal: e.refusal, status: e.status };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('app:// resolver: what it serves', () => {
  it('serves index.html for / and for its own name, with the HTML type', () => {
    expect(get(APP_INDEX_URL)).toEqual({ path: join(dir, 'index.html'), contentType: 'text/html; charset=utf-8', cacheControl: 'no-store' });
    expect(get(`${APP_ORIGIN}/`)).toEqual(get(APP_INDEX_URL));
    expect(get(APP_ORIGIN)).toEqual(get(APP_INDEX_URL));
  });

  it('maps built assets to their files and content types; only the content-named assets/ may be kept by the browser', () => {
    expect(get('app://seed/assets/index-_LjJm1P5.js')).toEqual({
      path: join(dir, 'assets/index-_LjJm1P5.js'),
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(get('app://seed/assets/index-CY97DB8K.css').contentType).toBe('text/css; charset=utf-8');
    expect(get('app://seed/assets/logo.svg').contentType).toBe('image/svg+xml');
    expect(get('app://seed/assets/font.woff2').contentType).toBe('font/woff2');
    expect(get('app://seed/favicon.svg').cacheControl).toBe('no-store');
    expect(get('app://seed/assets/nested/x.js').cacheControl).toBe('no-store');
    expect(contentTypeOf('noextension')).toBeNull();
    expect(contentTypeOf('.hidden')).toBeNull();
  });

  it('ignores the query and fragment: they never pick a file', () => {
    expect(get('app://seed/index.html?file=../../etc/passwd#x')).toEqual(get(APP_INDEX_URL));
    expect(get('app://seed/assets/a.js?../../../secret.txt').path).toBe(join(dir, 'assets/a.js'));
  });

  it('accepts the host case-insensitively (Chromium lower-cases standard-scheme hosts)', () => {
    expect(get('APP://Seed/index.html')).toEqual(get(APP_INDEX_URL));
  });

  it('accepts requests from its own page and from the browser itself, HEAD as well as GET', () => {
    expect(get('app://seed/assets/a.js', APP_ORIGIN).path).toBe(join(dir, 'assets/a.js'));
    expect(resolveAppRequest({ method: 'HEAD', url: APP_INDEX_URL }, dir).path).toBe(join(dir, 'index.html'));
  });
});

describe('app:// resolver: what it refuses', () => {
  it.each([
    ['app://seed/../secret.txt', 'path_not_allowed'],
    ['app://seed/assets/../../secret.txt', 'path_not_allowed'],
    ['app://seed/%2e%2e/secret.txt', 'path_not_allowed'],
    ['app://seed/%2E%2E/%2E%2E/etc/passwd.json', 'path_not_allowed'],
    ['app://seed/assets/..%2f..%2fsecret.txt', 'path_not_allowed'],
    ['app://seed/assets/%2f..%2fsecret.txt', 'path_not_allowed'],
    ['app://seed/..\\secret.txt', 'path_not_allowed'],
    ['app://seed\\..\\secret.txt', 'path_not_allowed'],
    ['app://seed/assets%5c..%5csecret.txt', 'path_not_allowed'],
    ['app://seed/index.html%00.png', 'path_not_allowed'],
    ['app://seed/%252e%252e/secret.txt', 'path_not_allowed'],
    ['app://seed/%25%32%65%25%32%65/secret.txt', 'path_not_allowed'],
    ['app://seed/index.html%3F.js', 'path_not_allowed'],
    ['app://seed/.env.json', 'path_not_allowed'],
    ['app://seed//etc/passwd.json', 'path_not_allowed'],
    ['app://seed/%2Fetc%2Fpasswd.json', 'path_not_allowed'],
    ['app://seed/assets/', 'path_not_allowed'],
    ['app://seed/C:%5CWindows%5Cwin.ini', 'path_not_allowed'],
    ['app://seed/a/b/c/d/e/f/g/h/i.js', 'path_not_allowed'],
    ['app://seed/%E0%A4%A.js', 'bad_encoding'],
    ['app://seed/%zz.js', 'bad_encoding'],
  ])('refuses the traversal attempt %s', (url, expected) => {
    expect(refusal(() => get(url))).toMatchObject({ refusal: expected, status: 400 });
  });

  it('refuses other hosts, credentials, ports and schemes', () => {
    for (const url of [
      'app://evil/index.html',
      'app://seed.evil/index.html',
      'app://seed@evil/index.html',
      'app://user@seed/index.html',
      'app://seed:8080/index.html',
      'app:///index.html',
    ]) {
      expect(refusal(() => get(url))).toEqual({ refusal: 'foreign_host', status: 404 });
    }
    for (const url of ['file:///opt/Seed/index.html', 'https://seed/index.html', 'app:seed/index.html', 'app:/index.html', 'not a url', 'x'.repeat(3000)]) {
      expect(refusal(() => get(url))).toEqual({ refusal: 'bad_url', status: 400 });
    }
  });

  it('does not fall back to index.html for an unknown path or type (404)', () => {
    expect(refusal(() => get('app://seed/chat'))).toEqual({ refusal: 'not_found', status: 404 });
    expect(refusal(() => get('app://seed/assets/payload.exe'))).toEqual({ refusal: 'not_found', status: 404 });
    expect(refusal(() => get('app://seed/index.html.bak'))).toEqual({ refusal: 'not_found', status: 404 });
  });

  it('refuses writes and requests made by another origin or an opaque one', () => {
    expect(refusal(() => resolveAppRequest({ method: 'POST', url: APP_INDEX_URL }, dir))).toEqual({ refusal: 'method_not_allowed', status: 405 });
    expect(refusal(() => get(APP_INDEX_URL, 'https://evil.example'))).toEqual({ refusal: 'foreign_initiator', status: 403 });
    expect(refusal(() => get(APP_INDEX_URL, 'null'))).toEqual({ refusal: 'foreign_initiator', status: 403 });
    expect(refusal(() => get(APP_INDEX_URL, null))).toEqual({ refusal: 'foreign_initiator', status: 403 });
  });

  it('never resolves outside the renderer folder, whatever the path (fast-check)', () => {
    const alphabet = fc.constantFrom('.', '/', '\\', '%', '2', 'e', 'E', 'f', '5', 'c', '0', 'a', '.js', '..', '%2e', '%2f', '%5c', '%00', '%25');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (parts) => {
        const raw = `/${parts.join('')}`;
        try {
          const file = resolveRendererPath(raw, dir);
          expect(file.path.startsWith(`${dir}/`)).toBe(true);
          expect(file.path.slice(dir.length + 1).split('/')).not.toContain('..');
        } catch (e) {
          expect(e).toBeInstanceOf(AppRequestRefusedError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
