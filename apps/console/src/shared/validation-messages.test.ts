import { describe, expect, it } from 'vitest';
import {
  describePattern,
  friendlyDescription,
  friendlyMessage,
  humaniseProperty,
  issueOfMessage,
  labelOfPath,
} from './validation-messages';

describe('field labels', () => {
  it('humanises property names', () => {
    expect(humaniseProperty('cacheTimeout')).toBe('Cache timeout');
    expect(humaniseProperty('production_endpoints')).toBe('Production endpoints');
    expect(humaniseProperty('callbackUrl')).toBe('Callback URL');
    expect(humaniseProperty('apiThrottlingPolicy')).toBe('API throttling policy');
    expect(humaniseProperty('name')).toBe('Name');
  });

  it('labels a path by its last property, skipping list indexes', () => {
    expect(labelOfPath('endpointConfig.endpointTimeoutMs')).toBe('Endpoint timeout ms');
    expect(labelOfPath('operations.0.target')).toBe('Target');
    expect(labelOfPath('')).toBe('');
  });
});

describe('a sentence for each keyword', () => {
  const say = (keyword: string, params: Record<string, unknown>, label = 'Name', message?: string) =>
    friendlyMessage({ keyword, params, message }, label);

  it('required', () => {
    expect(say('required', { missingProperty: 'name' })).toBe('Name is required');
    expect(say('required', { missingProperty: 'cacheTimeout' }, '')).toBe('Cache timeout is required');
  });

  it('additionalProperties', () => {
    expect(say('additionalProperties', { additionalProperty: 'extra' }, 'Extra')).toBe(
      'Extra is not a known field',
    );
  });

  it('minLength and maxLength', () => {
    expect(say('minLength', { limit: 8 }, 'Password')).toBe('Password needs at least 8 characters');
    expect(say('minLength', { limit: 1 })).toBe('Name is required');
    expect(say('maxLength', { limit: 100 })).toBe('Name can have at most 100 characters');
  });

  it('minimum, maximum and their exclusive forms', () => {
    expect(say('minimum', { limit: 1, comparison: '>=' }, 'Cache timeout')).toBe(
      'Cache timeout must be at least 1',
    );
    expect(say('maximum', { limit: 86400 }, 'Cache timeout')).toBe('Cache timeout must be at most 86400');
    expect(say('exclusiveMinimum', { limit: 0 }, 'Rate')).toBe('Rate must be more than 0');
    expect(say('exclusiveMaximum', { limit: 10 }, 'Rate')).toBe('Rate must be less than 10');
    expect(say('multipleOf', { multipleOf: 5 }, 'Rate')).toBe('Rate must be a multiple of 5');
  });

  it('minItems, maxItems and uniqueItems', () => {
    expect(say('minItems', { limit: 1 }, 'Scopes')).toBe('Scopes needs at least one entry');
    expect(say('minItems', { limit: 2 }, 'Scopes')).toBe('Scopes needs at least 2 entries');
    expect(say('maxItems', { limit: 1 }, 'Scopes')).toBe('Scopes can have at most 1 entry');
    expect(say('uniqueItems', { i: 0, j: 1 }, 'Scopes')).toBe('Scopes has the same entry twice');
  });

  it('pattern, read in words where the schemas use simple ones', () => {
    expect(say('pattern', { pattern: '^/' }, 'Context')).toBe('Context must start with /');
    expect(say('pattern', { pattern: '^https?://' }, 'URL')).toBe('URL must start with http:// or https://');
    expect(say('pattern', { pattern: '^[A-Za-z0-9_-]+$' })).toBe(
      'Name may contain only letters, digits and _ -',
    );
    expect(say('pattern', { pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$' }, 'Username')).toBe(
      'Username may contain only letters, digits and . _ @ -',
    );
    expect(say('pattern', { pattern: '^[0-9]+$' }, 'Port')).toBe('Port may contain only digits');
    expect(say('pattern', { pattern: '^[^\\s]+$' }, 'Tag')).toBe('Tag must not contain spaces');
    expect(say('pattern', { pattern: '^/[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*$' }, 'Context')).toBe(
      'Context must start with / and use only letters, digits and _ . ~ - /',
    );
    expect(say('pattern', { pattern: '^(a|b)c$' })).toBe('Name is not in the expected form');
    expect(describePattern('^[^~!@#]+$')).toBe('must not contain any of ~ ! @ #');
  });

  it('format', () => {
    expect(say('format', { format: 'uri' }, 'Callback URL')).toBe('Callback URL must be a valid URL');
    expect(say('format', { format: 'email' }, 'Email')).toBe('Email must be a valid email address');
    expect(say('format', { format: 'regex' }, 'Expression')).toBe('Expression must be a valid regex');
  });

  it('enum', () => {
    expect(say('enum', { allowedValues: ['PUBLIC', 'PRIVATE'] }, 'Visibility')).toBe(
      'Visibility must be one of: PUBLIC, PRIVATE',
    );
    expect(say('enum', { allowedValues: ['A', 'B'] }, '')).toBe('Choose one of: A, B');
    expect(say('enum', {}, 'Visibility')).toBe('Visibility must be one of the allowed values');
  });

  it('const and type', () => {
    expect(say('const', { allowedValue: 'PRODUCTION' }, 'Key type')).toBe('Key type must be "PRODUCTION"');
    expect(say('type', { type: 'integer' }, 'Cache timeout')).toBe('Cache timeout must be a whole number');
    expect(say('type', { type: 'string,null' })).toBe('Name must be text or empty');
  });

  it('falls back to the original text for keywords it does not map', () => {
    expect(say('dependentRequired', {}, 'Name', 'must have property b when property a is present')).toBe(
      'Name must have property b when property a is present',
    );
    expect(say('dependentRequired', {}, '', 'must have property b when property a is present')).toBe(
      'must have property b when property a is present',
    );
  });
});

describe('the control plane’s 400 descriptions', () => {
  it('reads ajv’s messages back into keywords', () => {
    expect(issueOfMessage('must be >= 1')).toMatchObject({ keyword: 'minimum', params: { limit: 1 } });
    expect(issueOfMessage('must NOT have fewer than 8 characters')).toMatchObject({
      keyword: 'minLength',
      params: { limit: 8 },
    });
    expect(issueOfMessage('must match pattern "^/"')).toMatchObject({
      keyword: 'pattern',
      params: { pattern: '^/' },
    });
    expect(issueOfMessage("must have required property 'name'")).toMatchObject({
      keyword: 'required',
      params: { missingProperty: 'name' },
    });
    expect(issueOfMessage('must be equal to one of the allowed values')).toMatchObject({ keyword: 'enum' });
    expect(issueOfMessage('is something else')).toBeUndefined();
  });

  it('says each field’s clause as a sentence', () => {
    expect(
      friendlyDescription(
        "Request body field 'cacheTimeout' must be >= 1; Request body field 'name' is required; " +
          "Request body field 'visibility' must be one of PUBLIC, PRIVATE",
      ),
    ).toBe('Cache timeout must be at least 1. Name is required. Visibility must be one of: PUBLIC, PRIVATE');
    expect(friendlyDescription("Request body field 'password' must NOT have fewer than 8 characters")).toBe(
      'Password needs at least 8 characters',
    );
    expect(friendlyDescription("Query parameter 'limit' must be <= 100")).toBe('Limit must be at most 100');
    expect(friendlyDescription('Request body field \'context\' must match pattern "^/"')).toBe(
      'Context must start with /',
    );
  });

  it('keeps clauses and descriptions it cannot read', () => {
    expect(friendlyDescription('An API with this context already exists')).toBe(
      'An API with this context already exists',
    );
    expect(friendlyDescription("Request body field 'a' must be >= 1; Request body field 'b' is odd")).toBe(
      "A must be at least 1. Request body field 'b' is odd",
    );
  });
});
