import { type HashPool, sharedHashPool } from './hash-pool';

/**
 * bcrypt off the event loop, on the process's hashing threads (see HashPool): one per core, at
 * a lower priority than request handling.
 * @see https://github.com/kelektiv/node.bcrypt.js#usage
 */
export class Passwords {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly cost: number,
    private readonly pool: HashPool = sharedHashPool(),
  ) {}

  hash(password: string): Promise<string> {
    return this.pool.hash(password, this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.pool.compare(password, hash);
  }

  /**
   * Costs the same bcrypt work as a real comparison, for unknown emails, so response time
   * does not reveal whether an account exists.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= this.pool.hash('dummy-password-never-matches', this.cost);
    await this.pool.compare(password, await this.dummyHash);
    return false;
  }

  /** Computes the dummy hash ahead of the first login. */
  async warmUp(): Promise<void> {
    this.dummyHash ??= this.pool.hash('dummy-password-never-matches', this.cost);
    await this.dummyHash;
  }
}
