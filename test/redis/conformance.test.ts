import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { redisStore } from '../../src/redis.js';
import { testStore } from '../../src/testing.js';
import { dropPrefix, SHARED_URL, uniquePrefix } from './helpers/shared.js';

const viaUrl = uniquePrefix('conformance-url');
const viaClient = uniquePrefix('conformance-client');
// A user's own client, with a keyPrefix of its own: the store must work through it.
const client = new Redis(SHARED_URL, { keyPrefix: `${viaClient}user:` });

afterAll(async () => {
  client.disconnect();
  await Promise.all([dropPrefix(viaUrl), dropPrefix(viaClient)]);
});

// The suite stores an 8 MB value: give it more than the 250 ms meant for ordinary entries
// (the machine running the tests is often busy).
const commandTimeout = 3_000;

testStore('redisStore({ url })', () =>
  redisStore({ url: SHARED_URL, prefix: viaUrl, commandTimeout }),
);
testStore("redisStore({ client }) (the user's client, with a keyPrefix)", () =>
  redisStore({ client, prefix: 'store:', commandTimeout }),
);
