import * as z from 'zod';
import { Cursor, PAGE_LIMIT_DEFAULT, PageLimit, pageOf } from './pagination.schemas';

export const NAME_MAX_LENGTH = 30;

/**
 * Text fit to store and compare: no control characters (PostgreSQL text cannot even hold NUL),
 * and no unpaired surrogate, which is not text: encoded as UTF-8 it silently becomes U+FFFD.
 */
function wellFormed(schema: z.ZodString, label: string): z.ZodString {
  return schema
    .refine((v) => !/\p{Cc}/u.test(v), `${label} must not contain control characters`)
    .refine((v) => !/\p{Cs}/u.test(v), `${label} contains an invalid character`);
}

/** A name in any script: trimmed, NFC-normalised, 1..30 characters (code points), no control characters, well-formed UTF-16. */
function name(label: string) {
  return wellFormed(
    z
      .string({ error: `${label} is required` })
      .trim()
      // Normalised before the length check: a few characters (U+0344, U+FB2C, …) become two or
      // three under NFC, so checking first let a stored name exceed the limit.
      .normalize('NFC')
      .min(1, `${label} is required`)
      .refine((v) => [...v].length <= NAME_MAX_LENGTH, `${label} must be at most ${NAME_MAX_LENGTH} characters`),
    label,
  );
}

export const FirstName = name('First name');
export const LastName = name('Last name');

export const PersonId = z
  .number({ error: 'Id must be a number' })
  .int('Id must be a whole number')
  .positive('Id must be positive')
  .max(2_147_483_647, 'Id is out of range');

export const Person = z.object({
  id: z.number(),
  firstName: z.string(),
  lastName: z.string(),
  /** ISO 8601 */
  createdAt: z.string(),
  /** ISO 8601 */
  updatedAt: z.string(),
});
export type Person = z.infer<typeof Person>;

export const PeopleSort = z.enum(['name', 'newest']);
export type PeopleSort = z.infer<typeof PeopleSort>;

export const PeopleListInput = z
  .strictObject({
    /** Case-insensitive prefix of the first name, the last name or "first last". */
    search: wellFormed(z.string().trim().max(60, 'Search must be at most 60 characters'), 'Search').optional(),
    cursor: Cursor.optional(),
    limit: PageLimit,
    sort: PeopleSort.default('name'),
  })
  .default({ limit: PAGE_LIMIT_DEFAULT, sort: 'name' });
export type PeopleListInput = z.input<typeof PeopleListInput>;

export const PeoplePage = pageOf(Person);
export type PeoplePage = z.infer<typeof PeoplePage>;

export const PersonIdInput = z.strictObject({ id: PersonId });
export type PersonIdInput = z.input<typeof PersonIdInput>;

export const CreatePersonInput = z.strictObject({ firstName: FirstName, lastName: LastName });
export type CreatePersonInput = z.input<typeof CreatePersonInput>;

export const UpdatePersonInput = z.strictObject({ id: PersonId, firstName: FirstName, lastName: LastName });
export type UpdatePersonInput = z.input<typeof UpdatePersonInput>;

export const DeletePersonResult = z.object({ id: z.number() });
