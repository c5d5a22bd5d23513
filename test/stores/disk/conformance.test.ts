import { diskStore } from '../../../src/stores/disk-store.js';
import { testStore } from '../../../src/testing.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();

testStore('diskStore()', () => diskStore({ dir: tmp() }));
testStore('diskStore({ inlineMax: 0 }) (every value in a file)', () =>
  diskStore({ dir: tmp(), inlineMax: 0 }),
);
