import { describe, expect, it } from 'vitest';
import { PAGE_LIMIT_DEFAULT } from './pagination.schemas';
import { CreatePersonInput, FirstName, LastName, PeopleListInput, PersonId, UpdatePersonInput } from './people.schemas';

function messages(result: { success: boolean; error?: { issues: { message: string }[] } }): string[] {
  return result.success ? [] : (result.error?.issues.map((i) => i.message) ?? []);
}

describe('names', () => {
  it.each(['José', '李', "O'Brien", 'Zoë Ångström', 'Дмитрий', 'محمد', 'Jean-Luc', 'van Rossum', 'a'.repeat(30), '李'.repeat(30), '😀'.repeat(30)])(
    '%j is a valid name',
    (value) => {
      expect(FirstName.parse(value)).toBe(value);
    },
  );

  it('trims', () => {
    expect(FirstName.parse('  Ada \t')).toBe('Ada');
  });

  it('normalises to NFC', () => {
    expect(LastName.parse('Jose\u0301')).toBe('Jos\u00e9');
  });

  it('counts characters (code points), not UTF-16 units: 30 pass, 31 fail', () => {
    expect(messages(FirstName.safeParse('a'.repeat(31)))).toEqual(['First name must be at most 30 characters']);
    expect(messages(LastName.safeParse('李'.repeat(31)))).toEqual(['Last name must be at most 30 characters']);
    expect(messages(FirstName.safeParse('😀'.repeat(31)))).toEqual(['First name must be at most 30 characters']);
    // Surrounding spaces do not count.
    expect(FirstName.parse(` ${'a'.repeat(30)} `)).toBe('a'.repeat(30));
  });

  it.each(['', ' ', '   \t\n ', '\u00a0\u3000'])('%j is "required"', (value) => {
    expect(messages(FirstName.safeParse(value))).toEqual(['First name is required']);
    expect(messages(LastName.safeParse(value))).toEqual(['Last name is required']);
  });

  it('refuses control characters', () => {
    expect(messages(FirstName.safeParse('A\u0000b'))).toEqual(['First name must not contain control characters']);
    expect(messages(LastName.safeParse('A\u001bb'))).toEqual(['Last name must not contain control characters']);
  });

  it('refuses non-strings', () => {
    expect(messages(FirstName.safeParse(42))).toEqual(['First name is required']);
    expect(messages(FirstName.safeParse(null))).toEqual(['First name is required']);
  });
});

describe('person inputs', () => {
  it('are strict', () => {
    expect(CreatePersonInput.safeParse({ firstName: 'A', lastName: 'B' }).success).toBe(true);
    expect(CreatePersonInput.safeParse({ firstName: 'A', lastName: 'B', id: 1 }).success).toBe(false);
    expect(UpdatePersonInput.safeParse({ id: 1, firstName: 'A', lastName: 'B', createdAt: 'x' }).success).toBe(false);
  });

  it.each([0, -1, 1.5, 2 ** 31, Number.NaN, '1', null])('id %j is refused', (id) => {
    expect(PersonId.safeParse(id).success).toBe(false);
  });

  it('ids 1 and 2^31-1 are fine', () => {
    expect(PersonId.parse(1)).toBe(1);
    expect(PersonId.parse(2 ** 31 - 1)).toBe(2 ** 31 - 1);
  });
});

describe('PeopleListInput', () => {
  it('defaults to sort by name, 20 per page', () => {
    expect(PeopleListInput.parse(undefined)).toEqual({ limit: PAGE_LIMIT_DEFAULT, sort: 'name' });
    expect(PeopleListInput.parse({})).toEqual({ limit: 20, sort: 'name' });
  });

  it('trims the search and bounds limit, sort and search', () => {
    expect(PeopleListInput.parse({ search: '  ada ', sort: 'newest', limit: 100 })).toEqual({ search: 'ada', sort: 'newest', limit: 100 });
    for (const bad of [{ limit: 0 }, { limit: 101 }, { limit: 1.5 }, { sort: 'oldest' }, { search: 's'.repeat(61) }, { cursor: '' }, { page: 2 }]) {
      expect(PeopleListInput.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('refuses a search no stored name could match: control characters and unpaired surrogates', () => {
    const messages = (search: string) => PeopleListInput.safeParse({ search }).error?.issues.map((i) => i.message);
    expect(messages('A\u0000b')).toEqual(['Search must not contain control characters']);
    expect(messages('A\ud800b')).toEqual(['Search contains an invalid character']);
    expect(PeopleListInput.parse({ search: 'José 李' }).search).toBe('José 李');
  });
});
