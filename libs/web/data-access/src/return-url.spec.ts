import { DEFAULT_SIGNED_IN_URL, safeReturnUrl } from './return-url';

describe('safeReturnUrl', () => {
  it('keeps a path on this app, with its query', () => {
    expect(safeReturnUrl('/people/3/edit')).toBe('/people/3/edit');
    expect(safeReturnUrl('/account?tab=sessions')).toBe('/account?tab=sessions');
  });

  it.each([undefined, null, '', 'people', 'https://evil.example/', '//evil.example/x', '/\\evil.example', '/login', '/signup?x=1'])(
    'falls back to the people list for %s',
    (value) => {
      expect(safeReturnUrl(value)).toBe(DEFAULT_SIGNED_IN_URL);
    },
  );
});
