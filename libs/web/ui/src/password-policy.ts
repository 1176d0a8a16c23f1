import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '@app/contracts';

/** The password policy in a sentence, for the hint under every new-password field (the schema itself is contracts' `Password`). */
export const PASSWORD_POLICY_HINT =
  `At least ${PASSWORD_MIN_LENGTH} characters (at most ${PASSWORD_MAX_BYTES} bytes), with a lower-case letter, an upper-case letter, ` +
  'a digit and a symbol; not a common password.';
