#!/usr/bin/env node
// After `npm run build`: the package's entry points resolve by name, as a user would import them
// (`zk-recipes`, `zk-recipes/testing`), and carry the names the README promises.
const main = await import('zk-recipes');
const testing = await import('zk-recipes/testing');
const expected = {
  main: ['connect', 'createClient', 'Mutex', 'LeaderLatch', 'watchData', 'ZooKeeperError'],
  testing: ['Ensemble', 'FaultProxy', 'expireSession'],
};
const missing = [
  ...expected.main.filter((n) => !(n in main)).map((n) => `zk-recipes: ${n}`),
  ...expected.testing.filter((n) => !(n in testing)).map((n) => `zk-recipes/testing: ${n}`),
];
if (missing.length > 0) {
  console.error(`package entry points lack: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(
  `package entry points ok: ${Object.keys(main).length} names in zk-recipes, ${Object.keys(testing).length} in zk-recipes/testing`,
);
