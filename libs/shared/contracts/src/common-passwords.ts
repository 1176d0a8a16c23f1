/**
 * Words and sequences that top every leaked-password list. A password whose core
 * (lower-cased, common character substitutions undone, leading and trailing digits
 * and symbols removed) is one of these is refused, so `P@ssw0rd1!` and `Summer2024!`
 * fail even though they satisfy the composition rule.
 */
const COMMON_PASSWORD_CORES: ReadonlySet<string> = new Set([
  'password', 'passw', 'pass', 'passwd', 'passwort', 'pwd', 'secret', 'letmein', 'welcome',
  'qwerty', 'qwertz', 'azerty', 'asdf', 'asdfgh', 'asdfghjkl', 'zxcvbn', 'zxcvbnm', 'qazwsx',
  'qwertyuiop', 'abc', 'abcd', 'abcdef', 'abcdefg', 'abcdefgh', 'iloveyou', 'iloveu', 'admin',
  'administrator', 'root', 'user', 'login', 'guest', 'test', 'tester', 'testing', 'changeme',
  'default', 'master', 'monkey', 'dragon', 'shadow', 'sunshine', 'princess', 'football',
  'baseball', 'soccer', 'hockey', 'basketball', 'superman', 'batman', 'spiderman', 'starwars',
  'pokemon', 'trustno', 'trustnoi', 'whatever', 'freedom', 'hello', 'helloworld', 'love',
  'lovely', 'michael', 'jennifer', 'jordan', 'charlie', 'daniel', 'thomas', 'robert', 'ashley',
  'jessica', 'matthew', 'andrew', 'joshua', 'hunter', 'killer', 'ninja', 'mustang', 'harley',
  'ranger', 'buster', 'tigger', 'cheese', 'cookie', 'summer', 'winter', 'spring', 'autumn',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october',
  'november', 'december', 'monday', 'friday', 'sunday', 'computer', 'internet', 'google',
  'facebook', 'linkedin', 'microsoft', 'apple', 'samsung', 'company', 'office', 'welcomeback',
  'letmeinplease', 'access', 'flower', 'secure', 'security', 'qwe', 'qweasd', 'qweasdzxc',
  'onetwothree', 'blink', 'mypass', 'mypassword', 'newpassword', 'oldpassword', 'temp',
  'temppass', 'temporary', 'changeit', 'passpass', 'p', 'a', 'aa', 'aaa', 'aaaa', 'aaaaaa',
  'x', 'xx', 'xxx', 'q', 'z', 'zaq', 'zaqxsw', 'angel', 'baby', 'babygirl', 'loveme', 'lovelove',
]);

const SUBSTITUTIONS: Record<string, string> = {
  '@': 'a', '4': 'a', '8': 'b', '3': 'e', '6': 'g', '1': 'i', '!': 'i', '|': 'i', '0': 'o',
  '5': 's', '$': 's', '7': 't', '+': 't', '2': 'z',
};

/** True when the password is, at heart, one of the most common passwords. */
export function isCommonPassword(password: string): boolean {
  const lowered = password.toLowerCase();
  // Strip what people bolt on to satisfy composition rules: leading/trailing digits and symbols.
  const core = lowered.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const candidates = [core, lowered];
  for (const candidate of candidates) {
    const undone = [...candidate].map((c) => SUBSTITUTIONS[c] ?? c).join('');
    const lettersOnly = undone.replace(/[^\p{L}]/gu, '');
    if (COMMON_PASSWORD_CORES.has(candidate) || COMMON_PASSWORD_CORES.has(undone) || COMMON_PASSWORD_CORES.has(lettersOnly)) {
      return true;
    }
  }
  // Keyboard and digit runs such as "Aa123456!" reduce to almost nothing once the letters are gone.
  return core.length <= 2 && /^[^\p{L}]*\p{L}{0,2}[^\p{L}]*$/u.test(lowered);
}
