import { describe, expect, it } from 'vitest';
import { nextKeyManagers } from './key-managers';

describe("an API's key managers in the console", () => {
  it('keeps "all" alone, or names only', () => {
    // a name checked while "all" is: the name only
    expect(nextKeyManagers(['all'], ['all', 'corp-idp'])).toEqual(['corp-idp']);
    // another name: both names
    expect(nextKeyManagers(['corp-idp'], ['corp-idp', 'Resident Key Manager'])).toEqual([
      'corp-idp',
      'Resident Key Manager',
    ]);
    // "all" checked while names are: "all" only
    expect(nextKeyManagers(['corp-idp'], ['corp-idp', 'all'])).toEqual(['all']);
    // "all" or the last name unchecked: none (the form asks for one)
    expect(nextKeyManagers(['all'], [])).toEqual([]);
    expect(nextKeyManagers(['corp-idp'], [])).toEqual([]);
  });
});
